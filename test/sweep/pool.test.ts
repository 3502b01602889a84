/**
 * Sweeps on worker processes, run from the sources (test/sweep/ts-register.js): the same
 * rows as in this process, a worker killed mid-point recorded as failed while the others
 * complete, resume after the whole sweep is killed, and native TensorFlow kept to the threads a
 * worker is given.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workerEnv } from '../../src/sweep/pool';
import { sweep, type SweepOptions } from '../../src/sweep/sweep';
import type { SweepSpec } from '../../src/sweep/spec';
import type { SweepRow } from '../../src/sweep/point';
import { itNative } from '../backend/native';

const root = join(__dirname, '../..');
const register = join(__dirname, 'ts-register.js');
const fromSources: Partial<SweepOptions> = { workerScript: join(root, 'src/sweep/worker.ts'), execArgv: ['-r', register] };
const tmp = () => mkdtempSync(join(tmpdir(), 'saddlelab-pool-'));

const spec: SweepSpec = {
  base: { model: { widths: [5, 5] }, data: { circleToy: {} }, train: { steps: 80, lr: { adaptive: 0.5 }, record: { every: 20 }, backend: 'cpu' } },
  grid: { 'model.init.scale': [0.1, 0.2, 0.3] },
  seeds: 2,
};

/** A row without its run time (the only field that differs between two runs of a point). */
const content = ({ seconds: _s, ...rest }: SweepRow) => rest;

const summaries = (dir: string) => readdirSync(dir).filter((d) => existsSync(join(dir, d, 'summary.json')));

let inProcess: SweepRow[];
beforeAll(async () => {
  inProcess = (await sweep(spec, { out: tmp(), workers: 0, log: false })).rows;
});

it('two workers give the rows of a run in this process', async () => {
  const lines: string[] = [];
  const r = await sweep(spec, { out: tmp(), workers: 2, threads: 1, log: (l) => lines.push(l), ...fromSources });
  expect(lines[0]).toMatch(/6 points, 0 done before, 6 to run on 2 workers × 1 thread/);
  expect(r.rows.map(content)).toEqual(inProcess.map(content));
  const saved = JSON.parse(readFileSync(join(r.dir, r.rows[0].id, 'summary.json'), 'utf8'));
  expect(saved.threads).toBe(1);
});

/** Pids of this process's children running the worker script (`script`: the file it was started with). */
function workerPids(script = 'worker.ts'): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const status = readFileSync(`/proc/${p}/status`, 'utf8');
        return new RegExp(`^PPid:\\s+${process.pid}$`, 'm').test(status) && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(script);
      } catch {
        return false;
      }
    })
    .map(Number);
}

it('a worker killed while it runs a point: that point is recorded as failed, the others complete', async () => {
  const out = tmp();
  // Point 0 trains long enough to be caught running; the two after it are short.
  const long: SweepSpec = { ...spec, grid: undefined, seeds: undefined, points: [{ 'train.steps': 200000 }, { 'train.steps': 40 }, { 'train.steps': 41 }] };
  const running = sweep(long, { out, workers: 1, log: false, ...fromSources });
  const first = (await import('../../src/sweep/spec')).sweepPoints(long)[0];
  // config.json is written when the worker starts the point.
  while (!existsSync(join(out, first.id, 'config.json'))) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 300));
  const pids = workerPids();
  expect(pids).toHaveLength(1);
  process.kill(pids[0], 'SIGKILL');
  const r = await running;
  expect(r.rows.map((x) => x.status)).toEqual(['failed', 'done', 'done']);
  expect(r.rows[0].error).toMatch(/^\[saddlelab\] the worker running point [0-9a-f]{16} was killed by SIGKILL before the point finished/);
  expect(r.complete).toBe(true);
});

it('resume after a kill: the sweep killed mid-way skips what was done and ends with the table of an uninterrupted run', async () => {
  const out = tmp();
  const slow: SweepSpec = { ...spec, base: { ...spec.base, train: { ...(spec.base.train as object), steps: 250 } } };
  const script = `require(${JSON.stringify(join(root, 'src/sweep/sweep.ts'))}).sweep(${JSON.stringify(slow)}, { out: ${JSON.stringify(out)}, workers: 2, threads: 1, log: false, workerScript: ${JSON.stringify(fromSources.workerScript)}, execArgv: ${JSON.stringify(fromSources.execArgv)} })`;
  const child = spawn(process.execPath, ['-r', register, '-e', script], { detached: true, stdio: 'ignore' });
  while (summaries(out).length < 2) await new Promise((r) => setTimeout(r, 50));
  // The coordinator and its workers, all at once, as a scheduler's time limit or `kill -9` would.
  process.kill(-child.pid!, 'SIGKILL');
  await new Promise((r) => child.on('exit', r));
  await new Promise((r) => setTimeout(r, 500));
  const done = summaries(out).length;
  expect(done).toBeGreaterThanOrEqual(2);
  expect(done).toBeLessThan(6);
  const resumed = await sweep(slow, { out, workers: 2, threads: 1, log: false, ...fromSources });
  expect(resumed.progress).toMatchObject({ total: 6, skipped: done, finished: 6 - done, failed: 0 });
  const fresh = await sweep(slow, { out: tmp(), workers: 0, log: false });
  expect(resumed.rows.map(content)).toEqual(fresh.rows.map(content));
});

it('a SIGINT that reaches the workers does not end them: the coordinator decides, and every point completes', async () => {
  const out = tmp();
  const running = sweep(spec, { out, workers: 2, threads: 1, log: false, ...fromSources });
  while (summaries(out).length < 1) await new Promise((r) => setTimeout(r, 50));
  const pids = workerPids();
  expect(pids.length).toBeGreaterThan(0);
  for (const pid of pids) process.kill(pid, 'SIGINT');
  const r = await running;
  expect(r.rows.map((x) => x.status)).toEqual(r.rows.map(() => 'done'));
  expect(r.rows.map(content)).toEqual(inProcess.map(content));
});

it('a worker that a SIGINT ends while it starts up: its point runs again on a new worker, and every point completes', async () => {
  const out = tmp();
  const slowStart = { ...fromSources, workerScript: join(__dirname, 'slow-start-worker.js') };
  const running = sweep(spec, { out, workers: 2, threads: 1, log: false, ...slowStart });
  let pids: number[] = [];
  while (pids.length < 2) {
    await new Promise((r) => setTimeout(r, 20));
    pids = workerPids('slow-start-worker.js');
  }
  for (const pid of pids) process.kill(pid, 'SIGINT');
  const r = await running;
  expect(r.rows.map((x) => x.status)).toEqual(r.rows.map(() => 'done'));
  expect(r.rows.map(content)).toEqual(inProcess.map(content));
});

// The built command line (as a user runs it): it finds its own worker in dist/.
const built = existsSync(join(root, 'dist', 'sweep', 'worker.js'));
(built ? it : it.skip)('Ctrl-C (SIGINT to the process group) stops `saddlelab sweep` with status 130, records no failure, and a rerun finishes it', async () => {
  const out = tmp();
  const slow: SweepSpec = { ...spec, base: { ...spec.base, train: { ...(spec.base.train as object), steps: 250 } } };
  const specFile = join(tmp(), 'spec.json');
  writeFileSync(specFile, JSON.stringify(slow));
  const child = spawn(process.execPath, [join(root, 'bin', 'saddlelab.js'), 'sweep', '--spec', specFile, '--out', out, '--workers', '2', '--quiet'], { detached: true, stdio: 'ignore' });
  while (summaries(out).length < 1) await new Promise((r) => setTimeout(r, 50));
  // As a terminal's Ctrl-C (or a Jupyter interrupt) does: the signal reaches the coordinator and its workers.
  process.kill(-child.pid!, 'SIGINT');
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  expect(code).toBe(130);
  const rows = summaries(out).map((id) => JSON.parse(readFileSync(join(out, id, 'summary.json'), 'utf8')).row as SweepRow);
  expect(rows.filter((r) => r.status !== 'done')).toEqual([]);
  expect(rows.length).toBeLessThan(6);
  const resumed = await sweep(slow, { out, workers: 2, threads: 1, log: false, ...fromSources });
  expect(resumed.progress).toMatchObject({ skipped: rows.length, finished: 6 - rows.length, failed: 0 });
});

itNative('a worker keeps native TensorFlow to the threads it is given (TF_NUM_INTRAOP_THREADS, read at start-up)', () => {
  const probe = (threads: number) => {
    const p = spawnSync(process.execPath, ['-r', register, join(__dirname, 'thread-probe.ts')], { env: workerEnv(threads), encoding: 'utf8', cwd: root });
    expect(p.status).toBe(0);
    return JSON.parse(p.stdout.trim().split('\n').pop()!) as { threads: number; interOp: number };
  };
  const one = probe(1);
  const four = probe(4);
  // One inter-op thread in both; the intra-op pool has one thread per allowed thread.
  expect(one.interOp).toBe(1);
  expect(four.interOp).toBe(1);
  expect(four.threads - one.threads).toBe(3);
});
