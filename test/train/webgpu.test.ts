/**
 * The webgpu engine (src/train/engines/webgpu.ts) against the tfjs engine on the cpu
 * backend, on small shapes, on whatever adapter Dawn has here: SwiftShader (Vulkan on the
 * CPU) where there is no GPU. Every kernel runs in these cases: the forward products with
 * and without the batch gather and ReLU, the loss kernel (MSE and cross-entropy, full batch
 * and batches, constant and adaptive step), the backward products with and without the
 * ReLU mask, the updates, and the records' subspace iteration. Shapes cross the 32-wide
 * tiles. SwiftShader compiles each pipeline in about a second, so the cases share few.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentBackend, useBackend } from '../../src/backend/backend';
import { hardwareWebgpuAvailable, webgpuDevice } from '../../src/backend/webgpu-device';
import { linearTeacher } from '../../src/data/teachers';
import { singularValues } from '../../src/spectrum/svd';
import { fit } from '../../src/train/fit';
import { mlp } from '../../src/train/mlp';
import { createTrainer, type TrainerOptions } from '../../src/train/trainer';
import type { Activation, EngineName, LossName, StepInfo, StepSize } from '../../src/train/types';
import { pipelineCount } from '../../src/train/engines/webgpu-program';
import { toy } from './toy';
import { webgpuSkipReason } from './webgpu';

const skip = webgpuSkipReason();
const suite = skip ? describe.skip : describe;
const title = (s: string) => (skip ? `${s} (${skip})` : s);

/** Five samples of three classes (one-hot), for cross-entropy. */
function classes() {
  const d = toy(40, 5, 3);
  const y = new Float32Array(40 * 3);
  for (let i = 0; i < 40; i++) y[i * 3 + (i % 3)] = 1;
  return { ...d, name: 'toy classes', y };
}

interface Case {
  activation: Activation;
  lr: StepSize;
  loss: LossName;
  batchSize?: number;
}
// Widths 33 and 17 cross the 32-wide tiles in both directions.
const net = (activation: Activation) => mlp({ inputDim: 5, widths: [33, 17], outputDim: 3, activation, init: { scale: 0.4, seed: 3 } });

async function run(engine: EngineName, c: Case, steps: number, options: TrainerOptions = {}) {
  const model = net(c.activation);
  const data = c.loss === 'mse' ? toy(40, 5, 3) : classes();
  const trainer = createTrainer(model, data, { lr: c.lr, loss: c.loss, batchSize: c.batchSize, seed: 7, engine, record: false, ...options });
  const infos: StepInfo[] = [];
  for (let t = 0; t < steps; t++) infos.push((await trainer.next())!);
  const weights = await model.getWeights();
  const records = trainer.history.records;
  await trainer.dispose();
  // dispose() wrote the engine's final weights into the model's variables.
  const variables = await Promise.all(model.weights.map(async (w) => (await w.data()) as Float32Array));
  model.dispose();
  return { infos, weights, variables, records };
}

const relDiff = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-30);
const worst = (a: ArrayLike<number>[], b: ArrayLike<number>[]) => {
  let d = 0;
  a.forEach((w, l) => Array.from(w).forEach((v, i) => (d = Math.max(d, Math.abs(v - b[l][i])))));
  return d;
};

suite(title('the webgpu engine on Dawn'), () => {
  beforeAll(async () => {
    await useBackend('cpu');
    const { info } = await webgpuDevice({ allowSoftware: true });
    // eslint-disable-next-line no-console
    console.log(`[saddlelab test] webgpu adapter: ${info.vendor} ${info.architecture} ${info.description} (${info.software ? 'software' : 'hardware'})`);
  });

  const CASES: [string, Case][] = [
    ['relu, full batch, mse, adaptive step', { activation: 'relu', lr: { adaptive: 0.05 }, loss: 'mse' }],
    ['linear, full batch, mse', { activation: 'linear', lr: 0.01, loss: 'mse' }],
    ['relu, batches of 8, mse', { activation: 'relu', lr: 0.05, loss: 'mse', batchSize: 8 }],
    ['relu, full batch, cross-entropy', { activation: 'relu', lr: 0.2, loss: 'cross-entropy' }],
    ['linear, batches of 8, cross-entropy, adaptive step', { activation: 'linear', lr: { adaptive: 0.2 }, loss: 'cross-entropy', batchSize: 8 }],
  ];

  it.each(CASES)('%s: the same losses, norms, step sizes and weights as the tfjs engine', async (_, c) => {
    const a = await run('tfjs', c, 30);
    const b = await run('webgpu', c, 30);
    let scalars = 0;
    a.infos.forEach((s, t) => {
      for (const k of ['loss', 'paramNorm', 'lr'] as const) scalars = Math.max(scalars, relDiff(s[k], b.infos[t][k]));
    });
    // float32 with other summation orders, compounded over 30 steps.
    expect(scalars).toBeLessThan(1e-4);
    expect(worst(a.weights, b.weights)).toBeLessThan(1e-4);
    expect(worst(b.weights, b.variables)).toBe(0);
  });

  it('a run through an escape: the losses of every step equal the tfjs engine to float32 tolerance, and fit (steps in flight) gives the same history as next()', async () => {
    // A deep linear net from small init: a plateau at C(0), then the escape (the loss drops by half).
    const data = linearTeacher({ singularValues: [3, 2], n: 30, seed: 1 });
    const make = () => mlp({ inputDim: data.dIn, widths: [12, 12], outputDim: data.dOut, activation: 'linear', init: { scale: 0.05, seed: 2 } });
    const options: TrainerOptions = { lr: { adaptive: 0.02 }, record: false };
    const losses = async (engine: EngineName) => {
      const model = make();
      const t = createTrainer(model, data, { ...options, engine });
      for (let i = 0; i < 400; i++) await t.next();
      await t.dispose();
      model.dispose();
      return Array.from(t.history.loss());
    };
    const cpu = await losses('tfjs');
    const gpu = await losses('webgpu');
    expect(cpu[399]).toBeLessThan(0.5 * cpu[0]); // it escaped
    const rel = Math.max(...cpu.map((v, i) => relDiff(v, gpu[i])));
    expect(rel).toBeLessThan(1e-3);
    const model = make();
    const h = await fit(model, data, { ...options, steps: 400, engine: 'webgpu', log: false });
    expect(Array.from(h.loss())).toEqual(gpu);
    model.dispose();
  });

  it('records on the device: top-k singular values of every W_ℓ equal an SVD of the weights, and a batch run records the full-data loss', async () => {
    const c: Case = { activation: 'relu', lr: 0.05, loss: 'mse', batchSize: 8 };
    const record = { every: 10, topK: 4 };
    const g = await run('webgpu', c, 21, { record });
    const t = await run('tfjs', c, 21, { record });
    expect(g.records.map((r) => r.step)).toEqual([0, 10, 20]);
    g.records.forEach((r, i) => {
      const ref = t.records[i];
      expect(relDiff(r.loss, ref.loss)).toBeLessThan(1e-4);
      expect(relDiff(r.paramNorm, ref.paramNorm)).toBeLessThan(1e-4);
      r.weights.forEach((s, l) => {
        expect(s.length).toBe(ref.weights[l].length);
        s.forEach((v, j) => expect(relDiff(v, ref.weights[l][j])).toBeLessThan(1e-4));
      });
    });
    // Where k + 6 columns exceed a layer's rank (W₁: 5 columns, W₂: 17 rows), the spectrum is still exact.
    const first = net('relu');
    const init = await first.getWeights();
    first.dispose();
    const full = await run('webgpu', { ...c, batchSize: undefined }, 1, { record: { every: 1, topK: 12 } });
    const dims = [5, 33, 17, 3];
    full.records[0].weights.forEach((s, l) => {
      const exact = singularValues(init[l], dims[l + 1], dims[l], 12);
      expect(s.length).toBe(exact.length);
      s.forEach((v, j) => expect(relDiff(v, exact[j])).toBeLessThan(1e-4));
    });
  });

  it('a non-finite loss ends the run with the [saddlelab] message; the weights are those before it, and every record is kept', async () => {
    const model = mlp({ inputDim: 5, widths: [33], outputDim: 3, activation: 'linear', init: { scale: 1, seed: 1 } });
    const h = await fit(model, toy(40, 5, 3), { steps: 300, lr: 3, engine: 'webgpu', record: { every: 2, topK: 2 }, log: false });
    expect(h.end?.reason).toBe('diverged');
    const t = h.length;
    expect(h.end?.message).toBe(
      `[saddlelab] the loss became non-finite at step ${t}; training stopped. The history keeps steps 0–${t - 1}; ` +
        "the model's weights may no longer be finite. Lower lr (or c of the adaptive step) or the init scale.",
    );
    expect(Array.from(h.loss()).every(Number.isFinite)).toBe(true);
    expect(h.records.map((r) => r.step)).toEqual(Array.from({ length: Math.ceil(t / 2) }, (_, i) => 2 * i));
    // The update of the step that diverged did not happen (nor any after it).
    const w = await model.getWeights();
    expect(w.every((a) => a.every(Number.isFinite))).toBe(true);
    model.dispose();
  });

  it('a checkpoint written on the webgpu engine resumes on the tfjs engine, and one written on tfjs resumes on webgpu', async () => {
    const c: Case = { activation: 'relu', lr: 0.05, loss: 'mse', batchSize: 8 };
    const ref = await run('tfjs', c, 24);
    for (const [first, second] of [['webgpu', 'tfjs'], ['tfjs', 'webgpu']] as [EngineName, EngineName][]) {
      const dir = mkdtempSync(join(tmpdir(), 'saddlelab-webgpu-ckpt-'));
      const a = net('relu');
      const ta = createTrainer(a, toy(40, 5, 3), { lr: c.lr, batchSize: 8, seed: 7, engine: first, record: false, checkpoint: { dir } });
      for (let i = 0; i < 12; i++) await ta.next();
      await ta.dispose();
      a.dispose();
      expect(existsSync(join(dir, 'checkpoint.json'))).toBe(true);
      const b = net('relu');
      const tb = createTrainer(b, toy(40, 5, 3), { lr: c.lr, batchSize: 8, seed: 7, engine: second, record: false, checkpoint: { dir, resume: true } });
      expect(tb.step).toBe(12);
      while (tb.step < 24) await tb.next();
      const loss = Array.from(tb.history.loss());
      await tb.dispose();
      b.dispose();
      // The same batches and weights: the losses of the uninterrupted tfjs run, to float32 tolerance.
      expect(Math.max(...loss.map((v, i) => relDiff(v, ref.infos[i].loss)))).toBeLessThan(1e-4);
    }
  });

  it("backend 'webgpu': tfjs's WebGPU backend on the same device, auto picks the webgpu engine; never chosen by default on a software adapter", async () => {
    const { device, info } = await webgpuDevice({ allowSoftware: true });
    if (info.software) expect(await hardwareWebgpuAvailable()).toBe(false);
    process.env.SADDLELAB_WEBGPU_SOFTWARE = '1';
    try {
      await useBackend('webgpu');
      expect(currentBackend()?.name).toBe('webgpu');
      const x = tf.tensor2d([1, -2, 3, 4], [2, 2]);
      expect(Array.from(await tf.relu(x).data())).toEqual([1, 0, 3, 4]);
      const model = net('relu');
      const t = createTrainer(model, toy(40, 5, 3), { lr: 0.05, record: false });
      await t.next();
      expect(t.engine).toBe('webgpu');
      expect(t.lag).toBeGreaterThan(0);
      await t.dispose();
      model.dispose();
      tf.dispose(x);
    } finally {
      delete process.env.SADDLELAB_WEBGPU_SOFTWARE;
      await useBackend('cpu');
    }
    // eslint-disable-next-line no-console
    console.log(`[saddlelab test] webgpu pipelines compiled: ${pipelineCount(device)}`);
  });
});
