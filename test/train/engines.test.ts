/**
 * The native engine: the step as one TensorFlow graph gives the tfjs
 * step's numbers (float32), follows the float64 js64 engine, frees every handle
 * and its session, skips non-finite steps, and `auto` picks it only where it
 * applies.
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';
import { activeNodeBackend } from '../../src/backend/node-kernel';
import { mlp } from '../../src/train/mlp';
import { createTrainer } from '../../src/train/trainer';
import type { Activation, StepInfo, StepSize } from '../../src/train/types';
import { describeNative } from '../backend/native';
import { toy as toyOf } from './toy';

const toy = () => toyOf(40, 5, 3);

const net = (activation: Activation, widths = [16, 16, 16]) => mlp({ inputDim: 5, widths, outputDim: 3, activation, init: { scale: 0.4, seed: 3 } });

async function run(engine: 'tfjs' | 'native' | 'js64', activation: Activation, lr: StepSize, steps: number) {
  const model = net(activation);
  const trainer = createTrainer(model, toy(), { lr, engine, record: false });
  const infos: StepInfo[] = [];
  for (let t = 0; t < steps; t++) infos.push((await trainer.next())!);
  const weights = model.getWeights();
  trainer.dispose();
  model.dispose();
  return { infos, weights };
}

const relDiff = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-30);

describeNative('native engine', () => {
  beforeAll(async () => {
    await useBackend('tensorflow');
  });

  describe.each([
    ['relu', 0.05],
    ['linear', 0.01],
    ['relu', { adaptive: 0.05 }],
  ] as [Activation, StepSize][])('%s network, lr %j', (activation, lr) => {
    it('gives the tfjs step’s loss, ‖θ‖, step size and weights (float32), and follows float64 js64', async () => {
      const steps = 40;
      const [nat, ref, f64] = [await run('native', activation, lr, steps), await run('tfjs', activation, lr, steps), await run('js64', activation, lr, steps)];
      let worst = 0;
      let worst64 = 0;
      nat.infos.forEach((s, t) => {
        for (const k of ['loss', 'paramNorm', 'lr'] as const) {
          worst = Math.max(worst, relDiff(s[k], ref.infos[t][k]));
          worst64 = Math.max(worst64, relDiff(s[k], f64.infos[t][k]));
        }
      });
      expect(worst).toBeLessThan(1e-5);
      expect(worst64).toBeLessThan(1e-4);
      // Training did something: the loss moved well beyond those tolerances.
      expect(relDiff(nat.infos[0].loss, nat.infos[steps - 1].loss)).toBeGreaterThan(0.05);
      nat.weights.forEach((w, l) => w.forEach((v, i) => expect(Math.abs(v - ref.weights[l][i])).toBeLessThan(1e-5)));
    });
  });

  it('leaves no tfjs tensors, TensorFlow handles or sessions behind, and the model sees the new weights', async () => {
    const model = net('relu');
    const sessions = activeNodeBackend()!.binding.getNumOfSavedModels();
    const trainer = createTrainer(model, toy(), { lr: 0.05, record: false });
    expect(trainer.engine).toBe('native');
    await trainer.next();
    // One session per trainer, built at its first step and freed by dispose().
    expect(activeNodeBackend()!.binding.getNumOfSavedModels()).toBe(sessions + 1);
    const handles = activeNodeBackend()!.binding.getNumOfTensors();
    const tensors = tf.memory().numTensors;
    const before = model.getWeights();
    const names = model.weights.map((w) => w.name);
    for (let t = 0; t < 5; t++) await trainer.next();
    expect(activeNodeBackend()!.binding.getNumOfTensors()).toBe(handles);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(model.weights.map((w) => w.name)).toEqual(names);
    expect(model.getWeights()[0]).not.toEqual(before[0]);
    const x = tf.tensor2d(toy().x, [40, 5]);
    const pred = model.predict(x);
    expect(pred.shape).toEqual([40, 3]);
    tf.dispose([x, pred]);
    trainer.dispose();
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
    const before = model.getWeights();
    try {
      await expect(trainer.next()).rejects.toThrow(/^\[saddlelab\] engine 'native' could not load its TensorFlow graph \(EACCES: permission denied\)\. Accepted: engine 'tfjs'/);
      expect(model.getWeights()).toEqual(before);
    } finally {
      spy.mockRestore();
    }
    // Once the cause is gone, the same trainer steps.
    expect(await trainer.next()).toBeDefined();
    trainer.dispose();
    model.dispose();
  });

  it('a step whose loss is not finite returns undefined and leaves the weights alone', async () => {
    const model = net('linear', [16]);
    const trainer = createTrainer(model, toy(), { lr: 50, engine: 'native', record: false });
    let last: Float32Array[] = model.getWeights();
    let info: StepInfo | undefined;
    for (let t = 0; t < 200; t++) {
      last = model.getWeights();
      info = await trainer.next();
      if (!info) break;
    }
    expect(info).toBeUndefined();
    expect(model.getWeights()).toEqual(last);
    expect(trainer.history.length).toBeLessThan(200);
    trainer.dispose();
    model.dispose();
  });

  it('auto runs native only for full-batch mse on native TensorFlow on the CPU; native elsewhere is a [saddlelab] error', async () => {
    const model = net('relu');
    const engineOf = (options: object) => {
      const t = createTrainer(model, toy(), { record: false, ...options });
      const e = t.engine;
      t.dispose();
      return e;
    };
    expect(engineOf({})).toBe('native');
    expect(engineOf({ batchSize: 8 })).toBe('tfjs');
    expect(engineOf({ loss: 'cross-entropy' })).toBe('tfjs');
    expect(engineOf({ engine: 'tfjs' })).toBe('tfjs');
    expect(() => createTrainer(model, toy(), { engine: 'native', batchSize: 8 })).toThrow(/^\[saddlelab\] batchSize must be no batchSize \(full batch\) with engine 'native'/);
    expect(() => createTrainer(model, toy(), { engine: 'native', loss: 'cross-entropy' })).toThrow(/^\[saddlelab\] loss must be 'mse' with engine 'native'/);
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
