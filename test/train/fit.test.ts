import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';
import { fit, start } from '../../src/train/fit';
import { createRunControl } from '../../src/train/run-control';
import { loadHistory } from '../../src/train/history';
import { mlp } from '../../src/train/mlp';
import { createTrainer } from '../../src/train/trainer';
import { toy } from './toy';

const net = (seed = 1, scale = 0.3) => mlp({ inputDim: 3, widths: [8, 8], outputDim: 2, init: { scale, seed } });

beforeAll(async () => {
  await useBackend('cpu');
});

it('the loss decreases and every step is in the history', async () => {
  const model = net();
  const h = await fit(model, toy(), { steps: 200, lr: 0.1, record: { every: 50 }, log: false });
  expect(h.end?.reason).toBe('completed');
  expect(h.length).toBe(200);
  expect(Array.from(h.steps().slice(0, 3))).toEqual([0, 1, 2]);
  expect(h.loss()[199]).toBeLessThan(h.loss()[0] * 0.8);
  // Records at 0, 50, 100, 150 and the final state 200.
  expect(h.records.map((r) => r.step)).toEqual([0, 50, 100, 150, 200]);
  expect(h.records[0].weights.map((s) => s.length)).toEqual([3, 8, 2]);
  expect(h.meta.backend).toBe('cpu');
  model.dispose();
});

it('seeded runs give identical histories, and save → load gives them back', async () => {
  const run = async () => {
    const model = net(7);
    const h = await fit(model, toy(), { steps: 60, lr: 0.05, batchSize: 8, seed: 3, record: { every: 20, activations: true }, log: false, name: 'seeded' });
    model.dispose();
    return h;
  };
  const [a, b] = [await run(), await run()];
  expect(Array.from(a.loss())).toEqual(Array.from(b.loss()));
  expect(JSON.stringify(a.toJSON())).toEqual(JSON.stringify(b.toJSON()));
  const loaded = loadHistory(JSON.stringify(a.toJSON()));
  expect(JSON.stringify(loaded.toJSON())).toEqual(JSON.stringify(a.toJSON()));
  expect(loaded.records[1].activations?.length).toBe(2);
  expect(loaded.records[1].reluCut?.every((c) => c >= 0 && c <= 1)).toBe(true);
});

it('different seeds give different weights, the same seed the same ones', async () => {
  const [a, b, c] = [net(1), net(1), net(2)];
  expect(Array.from((await a.getWeights())[0])).toEqual(Array.from((await b.getWeights())[0]));
  expect(Array.from((await a.getWeights())[0])).not.toEqual(Array.from((await c.getWeights())[0]));
  [a, b, c].forEach((m) => m.dispose());
});

it('leaks no tensors: the count after 10⁴ steps equals the count after 10', async () => {
  const model = net();
  const trainer = createTrainer(model, toy(), { lr: 0.01, record: { every: 1000 } });
  for (let t = 0; t < 10; t++) await trainer.next(t % 5 === 0);
  const after10 = tf.memory().numTensors;
  for (let t = 10; t < 10000; t++) await trainer.next(t % 1000 === 0);
  expect(tf.memory().numTensors).toBe(after10);
  await trainer.dispose();
  model.dispose();
});

it('a diverging run stops with a [saddlelab] message and keeps every finite step', async () => {
  const model = mlp({ inputDim: 3, widths: [8, 8], outputDim: 2, activation: 'linear', init: { scale: 1, seed: 1 } });
  const lines: string[] = [];
  const h = await fit(model, toy(), { steps: 500, lr: 5, record: false, log: (l) => lines.push(l) });
  expect(h.end?.reason).toBe('diverged');
  expect(h.end?.message).toMatch(/^\[saddlelab\] the loss became non-finite at step \d+/);
  expect(lines.some((l) => l.includes('non-finite'))).toBe(true);
  expect(h.length).toBeGreaterThan(0);
  expect(h.length).toBeLessThan(500);
  expect(Array.from(h.loss()).every(Number.isFinite)).toBe(true);
  expect(h.end?.step).toBe(h.length - 1);
  model.dispose();
});

it('pause, resume and stop act on a running training; an abort signal ends it', async () => {
  const model = net();
  const control = createRunControl();
  const run = start(model, toy(), { steps: 1_000_000, lr: 0.01, record: false, control, yieldEveryMs: 1, log: false });
  await new Promise((r) => setTimeout(r, 100));
  control.pause();
  await new Promise((r) => setTimeout(r, 50));
  const pausedAt = run.history.latestStep;
  await new Promise((r) => setTimeout(r, 100));
  expect(run.history.latestStep).toBe(pausedAt);
  expect(control.state).toBe('paused');
  control.resume();
  await new Promise((r) => setTimeout(r, 100));
  expect(run.history.latestStep).toBeGreaterThan(pausedAt);
  control.stop();
  const h = await run.done;
  expect(h.end?.reason).toBe('stopped');
  expect(h.end?.step).toBeLessThan(1_000_000);

  const abort = new AbortController();
  const run2 = start(model, toy(), { steps: 1_000_000, lr: 0.01, record: false, signal: abort.signal, yieldEveryMs: 1, log: false });
  setTimeout(() => abort.abort(), 100);
  const h2 = await run2.done;
  expect(h2.end?.reason).toBe('aborted');
  expect(h2.length).toBeGreaterThan(0);
  model.dispose();
});

it('warns when a small initialization underflows float32', async () => {
  const model = mlp({ inputDim: 3, widths: [8, 8, 8, 8, 8, 8, 8], outputDim: 2, init: { scale: 1e-7, seed: 1 } });
  const h = await fit(model, toy(), { steps: 2, lr: 0.1, record: false, log: false });
  expect(h.warnings.some((w) => /exactly zero/.test(w) && w.startsWith('[saddlelab]'))).toBe(true);
  model.dispose();
});

it('warns when constant-step updates are below float32 resolution', async () => {
  const model = mlp({ inputDim: 3, widths: [8, 8, 8, 8], outputDim: 2, init: { scale: 1e-3, seed: 1 } });
  const h = await fit(model, toy(), { steps: 2, lr: 0.01, record: false, log: false });
  expect(h.warnings.some((w) => /below float32 resolution/.test(w))).toBe(true);
  model.dispose();
});

it('the adaptive step is c·‖θ‖^(2−L)', async () => {
  const model = net(1, 0.2);
  const infos: Array<{ lr: number; paramNorm: number }> = [];
  await fit(model, toy(), { steps: 3, lr: { adaptive: 0.5 }, record: false, log: false, onStep: (s) => { infos.push(s); } });
  for (const s of infos) expect(s.lr).toBeCloseTo(0.5 * Math.pow(s.paramNorm, 2 - 3), 4);
  model.dispose();
});

it('a hand-written loop over trainer.next() follows the record schedule', async () => {
  const model = net();
  const trainer = createTrainer(model, toy(), { lr: 0.01, record: { every: 5 } });
  for (let t = 0; t < 12; t++) await trainer.next();
  await trainer.next(true);
  expect(trainer.history.records.map((r) => r.step)).toEqual([0, 5, 10, 12]);
  await trainer.dispose();
  model.dispose();
});

it("a record's loss and norm are those of its step, full batch or minibatch (full-data loss)", async () => {
  for (const batchSize of [undefined, 8]) {
    const model = net(3);
    const trainer = createTrainer(model, toy(), { lr: 0.05, batchSize, seed: 2, record: { every: 4 } });
    const direct: { loss: number; norm: number }[] = [];
    const ds = toy();
    const x = tf.tensor2d(ds.x, [ds.n, ds.dIn]);
    const y = tf.tensor2d(ds.y, [ds.n, ds.dOut]);
    for (let t = 0; t < 9; t++) {
      // The full-data loss and weight norm at the current weights, computed here independently.
      const [loss, normSq] = tf.tidy(() => {
        const d = tf.sub(model.predict(x), y);
        return [tf.div(tf.sum(tf.square(d)), 2 * ds.n).dataSync()[0], tf.addN(model.weights.map((w) => tf.sum(tf.square(w)))).dataSync()[0]];
      });
      direct.push({ loss, norm: Math.sqrt(normSq) });
      await trainer.next();
    }
    const records = trainer.history.records;
    expect(records.map((r) => r.step)).toEqual([0, 4, 8]);
    for (const r of records) {
      expect(r.loss).toBeCloseTo(direct[r.step].loss, 6);
      expect(r.paramNorm).toBeCloseTo(direct[r.step].norm, 6);
      expect(r.weights).toHaveLength(3);
    }
    if (batchSize === undefined) expect(records.map((r) => r.loss)).toEqual(records.map((r) => trainer.history.loss()[r.step]));
    tf.dispose([x, y]);
    await trainer.dispose();
    model.dispose();
  }
});

describe("engine 'js64'", () => {
  it('follows the tfjs step: same losses to float32 precision, same records, weights written back to the model', async () => {
    const runs = [];
    for (const engine of ['tfjs', 'js64'] as const) {
      const model = net(5);
      const h = await fit(model, toy(), { steps: 60, lr: 0.2, engine, record: { every: 20 }, log: false });
      runs.push({ h, weights: await model.getWeights() });
      model.dispose();
    }
    const [a, b] = runs;
    expect(b.h.end?.reason).toBe('completed');
    expect(b.h.meta.backend).toBe('js64');
    expect(b.h.length).toBe(60);
    const [la, lb] = [a.h.loss(), b.h.loss()];
    expect(lb[59]).toBeLessThan(lb[0] * 0.9);
    for (let t = 0; t < 60; t++) expect(Math.abs(la[t] - lb[t])).toBeLessThan(1e-5 * la[0]);
    expect(b.h.records.map((r) => r.step)).toEqual([0, 20, 40, 60]);
    b.h.records.forEach((r, i) => r.weights.forEach((s, l) => s.forEach((v, k) => expect(v).toBeCloseTo(a.h.records[i].weights[l][k], 4))));
    b.weights.forEach((w, l) => w.forEach((v, k) => expect(v).toBeCloseTo(a.weights[l][k], 5)));
  });

  it('the adaptive step is c·‖θ‖^(2−L) there too', async () => {
    const model = net(6);
    const trainer = createTrainer(model, toy(), { lr: { adaptive: 0.01 }, engine: 'js64', record: false });
    const norm0 = Math.sqrt((await model.getWeights()).reduce((s, w) => s + w.reduce((t, v) => t + v * v, 0), 0));
    const info = await trainer.next();
    expect(info?.paramNorm).toBeCloseTo(norm0, 6);
    expect(info?.lr).toBeCloseTo(0.01 * Math.pow(norm0, 2 - 3), 8);
    await trainer.dispose();
    model.dispose();
  });

  it('an unknown engine is a [saddlelab] error naming engine', () => {
    const model = net();
    expect(() => createTrainer(model, toy(), { engine: 'gpu' as never })).toThrow(/^\[saddlelab\] engine must be one of 'auto', 'tfjs', 'native', 'js64', 'webgpu'/);
    model.dispose();
  });
});
