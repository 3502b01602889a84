/**
 * The trainer's run control and end (docs/architecture.md, "Training"): `next()` sets
 * the control running, waits while paused, returns `undefined` without stepping once
 * stopped; `finish()` writes the history's end once; `dispose()` finishes. And the
 * mini-batches: epochs of a seeded permutation, continued exactly from a sampler's state.
 */
import { useBackend } from '../../src/backend';
import { createRng } from '../../src/data/random';
import { createBatchSampler } from '../../src/train/batches';
import { mlp } from '../../src/train/mlp';
import { createRunControl } from '../../src/train/run-control';
import { createTrainer } from '../../src/train/trainer';
import { toy } from './toy';

const net = () => mlp({ inputDim: 3, widths: [8, 8], outputDim: 2, init: { scale: 0.3, seed: 1 } });

beforeAll(async () => {
  await useBackend('cpu');
});

it('next() runs the control, waits while paused, and returns undefined once stopped without stepping', async () => {
  const model = net();
  const trainer = createTrainer(model, toy(), { lr: 0.05, record: false });
  expect(trainer.control.state).toBe('idle');
  // Unnamed runs get distinct names, numbered in the order they are made.
  expect(trainer.name).toMatch(/^run-\d+$/);
  const other = createTrainer(model, toy(), { lr: 0.05, record: false });
  expect(Number(other.name.slice(4))).toBe(Number(trainer.name.slice(4)) + 1);
  expect(other.history.meta.name).toBe(other.name);
  other.dispose();
  await trainer.next();
  expect(trainer.control.state).toBe('running');
  trainer.control.pause();
  let settled = false;
  const pending = trainer.next().then((info) => {
    settled = true;
    return info;
  });
  await new Promise((r) => setTimeout(r, 30));
  expect(settled).toBe(false);
  expect(trainer.step).toBe(1);
  trainer.control.resume();
  expect((await pending)?.step).toBe(1);
  trainer.control.stop();
  const before = await model.getWeights();
  expect(await trainer.next()).toBeUndefined();
  expect(trainer.step).toBe(2);
  expect(await model.getWeights()).toEqual(before);
  // finish() with no reason after a stop: 'stopped', saying where.
  const h = await trainer.finish();
  expect(h.end).toEqual({ reason: 'stopped', message: '[saddlelab] training stopped after step 1', step: 1 });
  expect(trainer.control.state).toBe('stopped');
  await trainer.dispose();
  model.dispose();
});

it('a stop while paused releases the waiting next()', async () => {
  const model = net();
  const trainer = createTrainer(model, toy(), { lr: 0.05, record: false });
  trainer.control.pause();
  const pending = trainer.next();
  trainer.control.stop();
  expect(await pending).toBeUndefined();
  expect(trainer.step).toBe(0);
  await trainer.dispose();
  expect(trainer.history.end?.message).toBe('[saddlelab] training stopped before its first step');
  model.dispose();
});

it('finish() writes the end once and sets done; dispose() finishes a trainer that was not; a shared control is used', async () => {
  const model = net();
  const control = createRunControl();
  const trainer = createTrainer(model, toy(), { lr: 0.05, record: false, control });
  expect(trainer.control).toBe(control);
  for (let t = 0; t < 3; t++) await trainer.next();
  expect((await trainer.finish()).end).toEqual({ reason: 'completed', message: undefined, step: 2 });
  expect(control.state).toBe('done');
  await trainer.finish('aborted');
  expect(trainer.history.end?.reason).toBe('completed');
  expect(await trainer.next()).toBeUndefined();
  await trainer.dispose();

  const other = createTrainer(model, toy(), { lr: 0.05, record: false });
  await other.next();
  await other.dispose();
  expect(other.history.end?.reason).toBe('completed');
  expect(other.control.state).toBe('done');
  expect(() => createTrainer(model, toy(), { control: {} as never })).toThrow(/^\[saddlelab\] control must be a RunControl/);
  model.dispose();
});

it('a non-finite loss ends the run as diverged, naming the step and what the history keeps', async () => {
  const model = mlp({ inputDim: 3, widths: [8, 8], outputDim: 2, activation: 'linear', init: { scale: 1, seed: 1 } });
  const trainer = createTrainer(model, toy(), { lr: 5, record: false });
  let steps = 0;
  while (await trainer.next()) steps++;
  expect(steps).toBeGreaterThan(0);
  expect(trainer.history.end?.reason).toBe('diverged');
  expect(trainer.history.end?.message).toBe(
    `[saddlelab] the loss became non-finite at step ${steps}; training stopped. The history keeps steps 0–${steps - 1}; ` +
      "the model's weights may no longer be finite. Lower lr (or c of the adaptive step) or the init scale.",
  );
  expect(trainer.control.state).toBe('stopped');
  await trainer.dispose();
  model.dispose();
});

it('isRecordStep follows the schedule, with options.steps as the last step', async () => {
  const model = net();
  const trainer = createTrainer(model, toy(), { record: { every: 5 }, steps: 12 });
  expect([0, 1, 5, 11, 12].map((s) => trainer.isRecordStep(s))).toEqual([true, false, true, false, true]);
  await trainer.dispose();
  const off = createTrainer(model, toy(), { record: false, steps: 12 });
  expect(off.isRecordStep(0)).toBe(false);
  await off.dispose();
  model.dispose();
});

describe('mini-batches', () => {
  it('are epochs of createRng(seed).permutation(n); a short last batch is skipped', () => {
    const sampler = createBatchSampler(10, 4, 3);
    const rng = createRng(3);
    const batches = Array.from({ length: 6 }, () => Array.from(sampler.next()));
    const epochs = [Array.from(rng.permutation(10)), Array.from(rng.permutation(10)), Array.from(rng.permutation(10))];
    expect(batches).toEqual([epochs[0].slice(0, 4), epochs[0].slice(4, 8), epochs[1].slice(0, 4), epochs[1].slice(4, 8), epochs[2].slice(0, 4), epochs[2].slice(4, 8)]);
  });

  it('continue exactly from a saved state', () => {
    const whole = createBatchSampler(10, 3, 1);
    for (let i = 0; i < 5; i++) whole.next();
    const saved = JSON.parse(JSON.stringify(whole.state()));
    const rest = Array.from({ length: 9 }, () => Array.from(whole.next()));
    const resumed = createBatchSampler(10, 3, 1, saved);
    expect(Array.from({ length: 9 }, () => Array.from(resumed.next()))).toEqual(rest);
  });
});
