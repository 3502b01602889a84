/**
 * Checkpoints with real processes and real signals: `saddlelab train --checkpoint DIR`
 * run from the sources in a child process. SIGTERM (and SIGINT) stop it after the step
 * in progress, with a checkpoint and the history so far (exit 143 / 130); SIGKILL loses
 * only the steps since the last checkpoint; `--resume` then gives the uninterrupted
 * run's history, loss for loss.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'saddlelab-signals-'));
// Loads src/ through esbuild in the child (the sweep tests' register hook), so the code under test is the source.
const register = join(ROOT, 'test', 'sweep', 'ts-register.js');
const config = join(dir, 'run.json');
const STEPS = 4000;
writeFileSync(
  config,
  JSON.stringify({
    model: { widths: [32, 32], activation: 'relu', init: { scale: 0.3, seed: 2 } },
    data: { reluTeacher: { n: 64, dIn: 8, dOut: 3, hidden: 16, rank: 2, seed: 1 } },
    train: { steps: STEPS, lr: 0.02, batchSize: 16, seed: 5, record: { every: 500 } },
  }),
);

function train(out: string, ...extra: string[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> } {
  const child = spawn(process.execPath, ['-r', register, '-e', `require(${JSON.stringify(join(ROOT, 'src', 'cli'))}).main(process.argv.slice(1)).then((c) => { process.exitCode = c; })`, '--', 'train', '--config', config, '--out', out, ...extra], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
  return { child, done };
}

/** Resolves once the folder holds a checkpoint of a step past 0 (the run is under way). */
async function firstCheckpoint(ckpt: string): Promise<number> {
  for (let i = 0; i < 1200; i++) {
    const file = join(ckpt, 'checkpoint.json');
    if (existsSync(file)) {
      const step = JSON.parse(readFileSync(file, 'utf8')).step as number;
      if (step > 0) return step;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no checkpoint within 60 s');
}

const lossOf = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { loss: number[] }).loss;
const recordsOf = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { records: { step: number; loss: number }[] }).records;

let reference: number[];
beforeAll(async () => {
  const out = join(dir, 'reference.json');
  const r = await train(out).done;
  expect(r.code).toBe(0);
  reference = lossOf(out);
  expect(reference).toHaveLength(STEPS);
}, 300_000);

it.each([
  ['SIGTERM', 143],
  ['SIGINT', 130],
] as const)('%s stops the run with a checkpoint and the history so far; --resume finishes it as if uninterrupted', async (signal, exitCode) => {
  const ckpt = join(dir, `ck-${signal}`);
  const out = join(dir, `${signal}.json`);
  const run = train(out, '--checkpoint', ckpt, '--checkpoint-every', '0.2');
  await firstCheckpoint(ckpt);
  run.child.kill(signal);
  const r = await run.done;
  expect(r.stderr).toContain(`[saddlelab] ${signal}: stopping after the step in progress, checkpoint to ${ckpt}`);
  expect(r.code).toBe(exitCode);
  const partial = lossOf(out);
  expect(partial.length).toBeGreaterThan(0);
  expect(partial.length).toBeLessThan(STEPS);
  // The checkpoint holds exactly the steps the stopped run did.
  expect(JSON.parse(readFileSync(join(ckpt, 'checkpoint.json'), 'utf8')).step).toBe(partial.length);
  expect(partial).toEqual(reference.slice(0, partial.length));

  const resumed = await train(out, '--checkpoint', ckpt, '--resume').done;
  expect(resumed.code).toBe(0);
  expect(lossOf(out)).toEqual(reference);
  expect(recordsOf(out)).toEqual(recordsOf(join(dir, 'reference.json')));
}, 300_000);

it('SIGKILL loses only the steps since the last checkpoint; --resume continues from it exactly', async () => {
  const ckpt = join(dir, 'ck-kill');
  const out = join(dir, 'kill.json');
  const run = train(out, '--checkpoint', ckpt, '--checkpoint-every', '0.2');
  await firstCheckpoint(ckpt);
  // Let it run past the checkpoint, so the kill falls between two of them.
  await new Promise((r) => setTimeout(r, 300));
  run.child.kill('SIGKILL');
  const r = await run.done;
  expect(r.signal).toBe('SIGKILL');
  expect(existsSync(out)).toBe(false);
  // Whatever the kill interrupted, the folder holds a complete checkpoint.
  const saved = JSON.parse(readFileSync(join(ckpt, 'checkpoint.json'), 'utf8'));
  expect(saved.step).toBeGreaterThan(0);
  expect(existsSync(join(ckpt, saved.weights.file))).toBe(true);
  const resumed = await train(out, '--checkpoint', ckpt, '--resume').done;
  expect(resumed.code).toBe(0);
  expect(resumed.stderr).toMatch(/end: completed/);
  expect(lossOf(out)).toEqual(reference);
}, 300_000);
