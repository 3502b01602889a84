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

it('a signal aborts next(), also while paused, and finish() ends the run as aborted', async () => {
  const model = net();
  const abort = new AbortController();
  const trainer = createTrainer(model, toy(), { lr: 0.05, record: false, signal: abort.signal });
  expect((await trainer.next())?.step).toBe(0);
  trainer.control.pause();
  const pending = trainer.next();
  abort.abort();
  expect(await pending).toBeUndefined();
  expect(await trainer.next()).toBeUndefined();
  expect(trainer.step).toBe(1);
  expect((await trainer.finish()).end).toEqual({ reason: 'aborted', message: '[saddlelab] training aborted after step 0', step: 0 });
  await trainer.dispose();
  expect(() => createTrainer(model, toy(), { signal: {} as never })).toThrow(/^\[saddlelab\] signal must be an AbortSignal/);
  model.dispose();
});

it('next() calls that overlap pass the pause, step and reach the history in call order', async () => {
  const model = net();
  const trainer = createTrainer(model, toy(), { lr: 0.05, record: false, yieldEveryMs: 1 });
  trainer.control.pause();
  const calls = [trainer.next(), trainer.next(), trainer.next()];
  await new Promise((r) => setTimeout(r, 20));
  expect(trainer.step).toBe(0);
  trainer.control.resume();
  expect((await Promise.all(calls)).map((info) => info?.step)).toEqual([0, 1, 2]);
  expect(Array.from(trainer.history.steps())).toEqual([0, 1, 2]);
  await trainer.dispose();
  model.dispose();
});

it('run() is the loop over next(): the same history as a hand-written loop, with the final state recorded on schedule', async () => {
  const options = { lr: 0.05, record: { every: 4 }, steps: 10, name: 'same' };
  const models = [net(), net(), net(), net()];
  const a = createTrainer(models[0], toy(), options);
  for (let t = 0; t < 10; t++) await a.next();
  await a.record();
  await a.finish();
  const b = createTrainer(models[1], toy(), options);
  expect(await b.run()).toBe(true);
  await b.finish();
  expect(b.history.records.map((r) => r.step)).toEqual([0, 4, 8, 10]);
  expect(JSON.stringify(b.history.toJSON())).toBe(JSON.stringify(a.history.toJSON()));
  // Stopped before its end: false, and finish() says stopped.
  const c = createTrainer(models[2], toy(), { ...options, steps: 1_000_000 });
  setTimeout(() => c.control.stop(), 50);
  expect(await c.run()).toBe(false);
  expect((await c.finish()).end?.reason).toBe('stopped');
  expect(c.step).toBeLessThan(1_000_000);
  const unplanned = createTrainer(models[3], toy(), { record: false });
  await expect(unplanned.run()).rejects.toThrow(/^\[saddlelab\] run: pass the step to run to/);
  await Promise.all([a, b, c, unplanned].map((t) => t.dispose()));
  models.forEach((m) => m.dispose());
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
