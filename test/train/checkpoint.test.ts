/**
 * Checkpoints through the API (docs/checkpoints.md): a run checkpointed at step k and
 * resumed in a new trainer gives the uninterrupted run's losses, ‖θ‖, step sizes and
 * records exactly, for every engine (float64 weights for js64, the mini-batch stream);
 * the folder always holds one complete checkpoint; and a checkpoint is never applied
 * to another run or overwritten by mistake. Real processes and signals:
 * test/cli/checkpoint-signals.test.ts.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '../../src/backend';
import { fit } from '../../src/train/fit';
import { mlp } from '../../src/train/mlp';
import { createTrainer, type TrainerOptions } from '../../src/train/trainer';
import type { EngineName, StepInfo } from '../../src/train/types';
import { nativeBuilt } from '../backend/native';
import { toy } from './toy';

const net = () => mlp({ inputDim: 3, widths: [8, 8], outputDim: 2, init: { scale: 0.3, seed: 1 } });
const folder = () => mkdtempSync(join(tmpdir(), 'saddlelab-ckpt-'));
const STEPS = 30;
const AT = 13;

async function uninterrupted(options: TrainerOptions) {
  const model = net();
  const t = createTrainer(model, toy(), options);
  const infos: StepInfo[] = [];
  for (let i = 0; i < STEPS; i++) infos.push((await t.next())!);
  const records = t.history.records;
  await t.dispose();
  model.dispose();
  return { infos, records };
}

async function interrupted(options: TrainerOptions) {
  const dir = folder();
  const first = net();
  const a = createTrainer(first, toy(), { ...options, checkpoint: { dir, everySeconds: 3600 } });
  for (let i = 0; i < AT; i++) await a.next();
  await a.checkpoint();
  // The weights move on after the checkpoint: the resumed run must not see these steps.
  for (let i = 0; i < 4; i++) await a.next();
  first.dispose(); // the process "dies": nothing of it is used again
  const model = net();
  const b = createTrainer(model, toy(), { ...options, checkpoint: { dir, resume: true } });
  expect(b.step).toBe(AT);
  const infos: StepInfo[] = [];
  while (b.step < STEPS) infos.push((await b.next())!);
  const history = b.history;
  await b.dispose();
  model.dispose();
  return { infos, history, dir };
}

const engines: [EngineName, string][] = [
  ['tfjs', 'cpu'],
  ['js64', 'cpu'],
  ...(nativeBuilt() ? ([['native', 'tensorflow']] as [EngineName, string][]) : []),
];

describe.each(engines)('engine %s on %s', (engine, backendName) => {
  beforeAll(async () => {
    await useBackend(backendName as never);
  });

  it.each([
    ['full batch, adaptive step', { lr: { adaptive: 0.05 } }],
    ['mini-batches of 8, cross-entropy', { lr: 0.1, batchSize: 8, seed: 4, loss: 'cross-entropy' }],
  ] as [string, TrainerOptions][])('%s: the resumed run equals the uninterrupted one, step for step', async (_, o) => {
    const options: TrainerOptions = { ...o, engine, record: { every: 5 } };
    const ref = await uninterrupted(options);
    const got = await interrupted(options);
    expect(got.infos).toEqual(ref.infos.slice(AT));
    // The history carries on: the steps before the checkpoint, then the resumed ones.
    expect(Array.from(got.history.steps())).toEqual(Array.from({ length: STEPS }, (_, i) => i));
    expect(Array.from(got.history.loss())).toEqual(ref.infos.map((s) => s.loss));
    expect(got.history.records.map((r) => [r.step, r.loss, Array.from(r.weights[0])])).toEqual(ref.records.map((r) => [r.step, r.loss, Array.from(r.weights[0])]));
    expect(got.history.end?.reason).toBe('completed');
  });
});

describe('the folder', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('holds one complete checkpoint: checkpoint.json and the weights file it names', async () => {
    const dir = folder();
    const model = net();
    const t = createTrainer(model, toy(), { lr: 0.05, checkpoint: { dir }, record: false });
    for (let i = 0; i < 3; i++) {
      await t.next();
      await t.checkpoint();
    }
    const json = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'));
    expect(json).toMatchObject({ format: 'saddlelab.checkpoint', version: 1, step: 3, weights: { file: 'weights-3.bin', dtype: 'float32', shapes: [[8, 3], [8, 8], [2, 8]] } });
    expect(readdirSync(dir).sort()).toEqual(['checkpoint.json', 'weights-3.bin']);
    await t.dispose(); // the run's end writes one more
    expect(JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')).history.json.end.reason).toBe('completed');
    model.dispose();
  });

  it('fit writes one at the end, and a later fit with more steps continues it', async () => {
    const dir = folder();
    const a = net();
    const h1 = await fit(a, toy(), { steps: 10, lr: 0.05, record: false, log: false, checkpoint: { dir } });
    expect(h1.length).toBe(10);
    const b = net();
    const h2 = await fit(b, toy(), { steps: 25, lr: 0.05, record: false, log: false, checkpoint: { dir, resume: true } });
    const c = net();
    const ref = await fit(c, toy(), { steps: 25, lr: 0.05, record: false, log: false });
    expect(Array.from(h2.loss())).toEqual(Array.from(ref.loss()));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('is never overwritten by a new run, nor applied to another run, and resume needs one', async () => {
    const dir = folder();
    const model = net();
    const t = createTrainer(model, toy(), { lr: 0.05, checkpoint: { dir }, record: false });
    await t.next();
    await t.dispose();
    expect(() => createTrainer(model, toy(), { lr: 0.05, checkpoint: { dir } })).toThrow(/^\[saddlelab\] checkpoint.dir: .* already holds a checkpoint; pass resume: true/);
    expect(() => createTrainer(model, toy(40), { lr: 0.05, checkpoint: { dir, resume: true } })).toThrow(/^\[saddlelab\] checkpoint.resume: the checkpoint in .* belongs to another run \(it differs in data\)/);
    expect(() => createTrainer(model, toy(), { lr: 0.1, batchSize: 4, checkpoint: { dir, resume: true } })).toThrow(/differs in lr, batchSize\)/);
    const empty = folder();
    expect(() => createTrainer(model, toy(), { checkpoint: { dir: empty, resume: true } })).toThrow(/^\[saddlelab\] checkpoint.resume: .* holds no checkpoint/);
    expect(() => createTrainer(model, toy(), { checkpoint: { dir: empty, everySeconds: 0 } })).toThrow(/^\[saddlelab\] checkpoint.everySeconds must be a finite number > 0/);
    await expect(createTrainer(model, toy(), { record: false }).checkpoint()).rejects.toThrow(/^\[saddlelab\] checkpoint: this trainer has no checkpoint option/);
    expect(existsSync(join(empty, 'checkpoint.json'))).toBe(false);
    model.dispose();
  });
});
