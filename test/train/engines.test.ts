/**
 * The step engines (src/train/engines/): for every option — full batch or
 * mini-batches, MSE or softmax cross-entropy, constant or adaptive step — the
 * native graph step gives the tfjs (eager) step's numbers to float32 precision,
 * and both follow the float64 js64 engine to the tolerance float32 allows. The
 * native engine reads back one tensor per step and sends only the batch's
 * indices, frees every handle and its session, stops on a non-finite loss,
 * and `auto` picks it only on native TensorFlow on the CPU.
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';
import { activeNodeBackend } from '../../src/backend/node-kernel';
import type { Dataset } from '../../src/data/dataset';
import { mlp } from '../../src/train/mlp';
import { createTrainer } from '../../src/train/trainer';
import type { Activation, EngineName, LossName, StepInfo, StepSize } from '../../src/train/types';
import { describeNative } from '../backend/native';
import { toy as toyOf } from './toy';

const toy = () => toyOf(40, 5, 3);
/** The toy's inputs with one-hot targets (the class of the largest target), for cross-entropy. */
function classes(): Dataset {
  const d = toy();
  const y = new Float32Array(d.y.length);
  for (let i = 0; i < d.n; i++) {
    const row = Array.from(d.y.subarray(i * 3, i * 3 + 3));
    y[i * 3 + row.indexOf(Math.max(...row))] = 1;
  }
  return { ...d, name: 'toy classes', y };
}

const net = (activation: Activation, widths = [16, 16, 16]) => mlp({ inputDim: 5, widths, outputDim: 3, activation, init: { scale: 0.4, seed: 3 } });

interface Case {
  activation: Activation;
  lr: StepSize;
  loss: LossName;
  batchSize?: number;
}

async function run(engine: EngineName, c: Case, steps: number) {
  const model = net(c.activation);
  const data = c.loss === 'mse' ? toy() : classes();
  const trainer = createTrainer(model, data, { lr: c.lr, loss: c.loss, batchSize: c.batchSize, seed: 7, engine, record: false });
  const infos: StepInfo[] = [];
  for (let t = 0; t < steps; t++) infos.push((await trainer.next())!);
  const weights = await model.getWeights();
  await trainer.dispose();
  model.dispose();
  return { infos, weights };
}

const relDiff = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-30);

/** Worst relative difference of loss, ‖θ‖ and step size over the steps, and worst weight difference. */
function compare(a: Awaited<ReturnType<typeof run>>, b: Awaited<ReturnType<typeof run>>) {
  let scalars = 0;
  a.infos.forEach((s, t) => {
    for (const k of ['loss', 'paramNorm', 'lr'] as const) scalars = Math.max(scalars, relDiff(s[k], b.infos[t][k]));
  });
  let weights = 0;
  a.weights.forEach((w, l) => w.forEach((v, i) => (weights = Math.max(weights, Math.abs(v - b.weights[l][i])))));
  return { scalars, weights };
}

const CASES: [string, Case][] = [
  ['relu, full batch, mse', { activation: 'relu', lr: 0.05, loss: 'mse' }],
  ['linear, full batch, mse', { activation: 'linear', lr: 0.01, loss: 'mse' }],
  ['relu, full batch, mse, adaptive step', { activation: 'relu', lr: { adaptive: 0.05 }, loss: 'mse' }],
  ['relu, batches of 8, mse', { activation: 'relu', lr: 0.05, loss: 'mse', batchSize: 8 }],
  ['relu, full batch, cross-entropy', { activation: 'relu', lr: 0.2, loss: 'cross-entropy' }],
  ['relu, batches of 8, cross-entropy, adaptive step', { activation: 'relu', lr: { adaptive: 0.2 }, loss: 'cross-entropy', batchSize: 8 }],
];
const STEPS = 40;

describe('SADDLELAB_ENGINE', () => {
  const saved = process.env.SADDLELAB_ENGINE;
  afterEach(() => {
    if (saved === undefined) delete process.env.SADDLELAB_ENGINE;
    else process.env.SADDLELAB_ENGINE = saved;
  });
  it('gives the engine of a trainer that names none; an engine option wins; a bad value is an error naming the variable', async () => {
    await useBackend('cpu');
    const model = net('relu');
    const engineOf = (options: object) => {
      const t = createTrainer(model, toy(), { record: false, ...options });
      const e = t.engine;
      t.dispose();
      return e;
    };
    process.env.SADDLELAB_ENGINE = 'js64';
    expect(engineOf({})).toBe('js64');
    expect(engineOf({ engine: 'tfjs' })).toBe('tfjs');
    process.env.SADDLELAB_ENGINE = 'float16';
    expect(() => engineOf({})).toThrow(/^\[saddlelab\] SADDLELAB_ENGINE must be one of 'auto', 'tfjs', 'native', 'js64'/);
    model.dispose();
  });
});

describe('on the cpu backend: tfjs follows float64 js64', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });
  it.each(CASES)('%s', async (_, c) => {
    const [ref, f64] = [await run('tfjs', c, STEPS), await run('js64', c, STEPS)];
    const d = compare(ref, f64);
    expect(d.scalars).toBeLessThan(1e-4);
    expect(d.weights).toBeLessThan(1e-4);
    // Training did something: the loss moved well beyond those tolerances.
    expect(relDiff(ref.infos[0].loss, ref.infos[STEPS - 1].loss)).toBeGreaterThan(0.05);
  });
});

describeNative('native engine', () => {
  beforeAll(async () => {
    await useBackend('tensorflow');
  });

  it.each(CASES)('%s: the tfjs step’s loss, ‖θ‖, step size and weights (float32), and float64 js64 within float32 tolerance', async (_, c) => {
    const [nat, ref, f64] = [await run('native', c, STEPS), await run('tfjs', c, STEPS), await run('js64', c, STEPS)];
    const eager = compare(nat, ref);
    expect(eager.scalars).toBeLessThan(1e-5);
    expect(eager.weights).toBeLessThan(1e-5);
    const double = compare(nat, f64);
    expect(double.scalars).toBeLessThan(1e-4);
    expect(double.weights).toBeLessThan(1e-4);
    expect(relDiff(nat.infos[0].loss, nat.infos[STEPS - 1].loss)).toBeGreaterThan(0.05);
  });

  it('a mini-batch step sends only the batch indices and reads back one tensor', async () => {
    const model = net('relu');
    const trainer = createTrainer(model, classes(), { lr: 0.05, loss: 'cross-entropy', batchSize: 8, engine: 'native', record: false });
    // The addon's functions are read-only: count them through a copy of the binding.
    const be = activeNodeBackend()!;
    const real = be.binding;
    const calls: Record<'createTensor' | 'tensorDataSync', unknown[][]> = { createTensor: [], tensorDataSync: [] };
    const counted = {} as typeof real;
    for (const key of Object.getOwnPropertyNames(real)) (counted as unknown as Record<string, unknown>)[key] = (real as unknown as Record<string, unknown>)[key];
    for (const key of Object.keys(calls) as (keyof typeof calls)[]) {
      const f = real[key] as (...args: unknown[]) => unknown;
      (counted as unknown as Record<string, unknown>)[key] = (...args: unknown[]) => (calls[key].push(args), f.apply(real, args));
    }
    be.binding = counted;
    try {
      await trainer.next(); // builds the session (and its two step-size scalars)
      for (const k of Object.keys(calls) as (keyof typeof calls)[]) calls[k].length = 0;
      for (let t = 0; t < 5; t++) await trainer.next();
      expect(calls.createTensor.map(([shape, dtype, values]) => [shape, dtype, (values as Int32Array).length])).toEqual(Array(5).fill([[8], real.TF_INT32, 8]));
      expect(calls.tensorDataSync).toHaveLength(5);
    } finally {
      be.binding = real;
    }
    await trainer.dispose();
    model.dispose();
  });

  it('leaves no tfjs tensors, TensorFlow handles or sessions behind, and the model sees the new weights', async () => {
    const model = net('relu');
    const sessions = activeNodeBackend()!.binding.getNumOfSavedModels();
    const trainer = createTrainer(model, toy(), { lr: 0.05, batchSize: 8, record: false });
    expect(trainer.engine).toBe('native');
    await trainer.next();
    // One session per trainer, built at its first step and freed by dispose().
    expect(activeNodeBackend()!.binding.getNumOfSavedModels()).toBe(sessions + 1);
    const handles = activeNodeBackend()!.binding.getNumOfTensors();
    const tensors = tf.memory().numTensors;
    const before = await model.getWeights();
    const names = model.weights.map((w) => w.name);
    for (let t = 0; t < 5; t++) await trainer.next();
    expect(activeNodeBackend()!.binding.getNumOfTensors()).toBe(handles);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(model.weights.map((w) => w.name)).toEqual(names);
    expect((await model.getWeights())[0]).not.toEqual(before[0]);
    const x = tf.tensor2d(toy().x, [40, 5]);
    const pred = model.predict(x);
    expect(pred.shape).toEqual([40, 3]);
    tf.dispose([x, pred]);
    await trainer.dispose();
    expect(activeNodeBackend()!.binding.getNumOfSavedModels()).toBe(sessions);
    model.dispose();
  });

  it('a graph that cannot be loaded is a [saddlelab] error naming the cause and the way out', async () => {
    // The module object itself, so jest can make the graph's temporary folder fail.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require('node:fs') as typeof import('node:fs');
    const spy = jest.spyOn(fs, 'mkdtempSync').mockImplementation(() => {
      throw new Error('EACCES: permission denied');
    });
    const model = net('relu');
    const trainer = createTrainer(model, toy(), { lr: 0.05, engine: 'native', record: false });
    const before = await model.getWeights();
    try {
      await expect(trainer.next()).rejects.toThrow(/^\[saddlelab\] engine 'native' could not load its TensorFlow graph \(EACCES: permission denied\)\. Accepted: engine 'tfjs'/);
      expect(await model.getWeights()).toEqual(before);
    } finally {
      spy.mockRestore();
    }
    // Once the cause is gone, the same trainer steps.
    expect(await trainer.next()).toBeDefined();
    await trainer.dispose();
    model.dispose();
  });

  it('a step whose loss is not finite returns undefined, ends the run as diverged and leaves the weights alone', async () => {
    const model = net('linear', [16]);
    const trainer = createTrainer(model, toy(), { lr: 50, engine: 'native', record: false });
    let last: Float32Array[] = await model.getWeights();
    let info: StepInfo | undefined;
    for (let t = 0; t < 200; t++) {
      last = await model.getWeights();
      info = await trainer.next();
      if (!info) break;
    }
    expect(info).toBeUndefined();
    expect(await model.getWeights()).toEqual(last);
    expect(trainer.history.length).toBeLessThan(200);
    expect(trainer.history.end?.reason).toBe('diverged');
    await trainer.dispose();
    model.dispose();
  });

  it('auto runs native on native TensorFlow on the CPU, whatever the options; native elsewhere is a [saddlelab] error', async () => {
    const model = net('relu');
    const engineOf = (options: object) => {
      const t = createTrainer(model, classes(), { record: false, ...options });
      const e = t.engine;
      t.dispose();
      return e;
    };
    expect(engineOf({})).toBe('native');
    expect(engineOf({ batchSize: 8 })).toBe('native');
    expect(engineOf({ loss: 'cross-entropy' })).toBe('native');
    expect(engineOf({ engine: 'tfjs' })).toBe('tfjs');
    // On a GPU build the session would copy the weights through host memory every step.
    const be = activeNodeBackend()!;
    const wasGpu = be.isUsingGpuDevice;
    be.isUsingGpuDevice = true;
    try {
      expect(engineOf({})).toBe('tfjs');
      expect(engineOf({ engine: 'native' })).toBe('native');
    } finally {
      be.isUsingGpuDevice = wasGpu;
    }
    const onNative = createTrainer(model, toy(), { engine: 'native', record: false });
    await useBackend('cpu');
    try {
      expect(engineOf({})).toBe('tfjs');
      await expect(onNative.next()).rejects.toThrow(/^\[saddlelab\] engine 'native' needs the native TensorFlow backend/);
    } finally {
      await useBackend('tensorflow');
      onNative.dispose();
      model.dispose();
    }
  });
});
