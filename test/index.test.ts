/**
 * Bad input everywhere in the public API (issue 2, "Bad input"): every case
 * throws a SaddlelabError whose message starts with `[saddlelab]`, names the
 * field, and says what was given.
 */
import * as tf from '@tensorflow/tfjs';
import { SaddlelabError, data, spectrum, train } from '../src';

const net = () => train.mlp({ inputDim: 2, widths: [3], outputDim: 1, init: { scale: 0.1 } });
const ds = () => data.linearTeacher({ singularValues: [1], n: 4, dIn: 2, dOut: 1, seed: 0 });

const cases: Array<[string, () => unknown, string, RegExp?]> = [
  ['mlp: widths not an array', () => train.mlp({ inputDim: 2, widths: 3 as never, outputDim: 1 }), 'widths'],
  ['mlp: zero width', () => train.mlp({ inputDim: 2, widths: [4, 0], outputDim: 1 }), 'widths[1]', /got 0/],
  ['mlp: fractional inputDim', () => train.mlp({ inputDim: 2.5, widths: [4], outputDim: 1 }), 'inputDim', /got 2.5/],
  ['mlp: unknown activation', () => train.mlp({ inputDim: 2, widths: [4], outputDim: 1, activation: 'tanh' as never }), 'activation', /'relu', 'linear'; got "tanh"/],
  ['mlp: negative init scale', () => train.mlp({ inputDim: 2, widths: [4], outputDim: 1, init: { scale: -1 } }), 'init.scale'],
  ['mlp: two inits at once', () => train.mlp({ inputDim: 2, widths: [4], outputDim: 1, init: { scale: 1, gamma: 1 } }), 'init', /exactly one of/],
  ['mlp: explicit weights of the wrong shape', () => train.mlp({ inputDim: 2, widths: [1], outputDim: 1, init: { weights: [[[1, 2, 3]], [[1]]] } }), 'init.weights[0][0]', /2 numbers/],
  ['mlp: non-finite explicit weight', () => train.mlp({ inputDim: 1, widths: [], outputDim: 1, init: { weights: [[[NaN]]] } }), 'init.weights[0][0][0]'],
  ['mlp: typo in an option', () => train.mlp({ inputDim: 2, widths: [4], outputDim: 1, widht: 3 } as never), 'mlp.widht'],
  ['trainer: non-finite step', () => train.createTrainer(net(), ds(), { lr: Infinity }), 'lr', /got Infinity/],
  ['trainer: zero adaptive constant', () => train.createTrainer(net(), ds(), { lr: { adaptive: 0 } }), 'lr.adaptive'],
  ['trainer: unknown loss', () => train.createTrainer(net(), ds(), { loss: 'hinge' as never }), 'loss'],
  ['trainer: batch size 0', () => train.createTrainer(net(), ds(), { batchSize: 0 }), 'batchSize'],
  ['trainer: data of the wrong input dimension', () => train.createTrainer(net(), data.linearTeacher({ singularValues: [1], n: 4, dIn: 3, dOut: 1 })), 'data.dIn', /inputDim \(2\); got 3/],
  ['trainer: bad topK', () => train.createTrainer(net(), ds(), { record: { topK: -1 } }), 'record.topK'],
  ['trainer: unknown record option', () => train.createTrainer(net(), ds(), { record: { evrey: 3 } as never }), 'record.evrey'],
  ['fit: steps missing', () => train.start(net(), ds(), {} as never), 'steps', /got undefined/],
  ['fit: negative yieldEveryMs', () => train.start(net(), ds(), { steps: 1, yieldEveryMs: -1 }), 'yieldEveryMs'],
  ['schedule: every 0', () => train.schedule({ every: 0 }), 'record.every'],
  ['history: wrong format', () => train.loadHistory({ format: 'x' }), 'history.format'],
  ['phases: negative window', () => train.detectPhases(train.createHistory({ name: 'x', activation: 'relu', dims: [1, 1], depth: 1, config: {} }), { rankThreshold: -1 }), 'rankThreshold'],
  ['linearTeacher: negative singular value', () => data.linearTeacher({ singularValues: [1, -2], n: 3 }), 'linearTeacher.singularValues[1]'],
  ['linearTeacher: n 0', () => data.linearTeacher({ singularValues: [1], n: 0 }), 'linearTeacher.n'],
  ['reluTeacher: rank 0', () => data.reluTeacher({ dIn: 3, dOut: 2, rank: 0, hidden: 4, n: 5 } as never), 'reluTeacher.rank'],
  ['mnist: n above 10000', () => data.mnist({ n: 20000 }), 'mnist.n'],
  ['singularValues: length mismatch', () => spectrum.singularValues(new Float64Array(5), 2, 3), 'm'],
  ['escape: zero G', () => spectrum.escape([[1, 0]], [[0]]), 'G'],
  ['escape: depth 0', () => spectrum.escape([[1, 0]], [[1]], { depth: 0 }), 'depth'],
  ['escape: rows of G and X differ', () => spectrum.escape([[1, 0], [0, 1]], [[1]]), 'G'],
];

// Rest parameters: jest would take a fourth named parameter for its `done` callback on 3-element rows.
it.each(cases)('%s', (...[, call, field, extra]) => {
  let error: unknown;
  try {
    call();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SaddlelabError);
  const message = (error as Error).message;
  expect(message.startsWith('[saddlelab] ')).toBe(true);
  expect(message).toContain(field);
  if (extra) expect(message).toMatch(extra);
});

it('asking for a backend that cannot load is an error naming it, not a fallback', async () => {
  await expect(train.useBackend('tpu' as never)).rejects.toThrow(/^\[saddlelab\] backend must be one of 'gpu', 'tensorflow', 'wasm', 'cpu'; got "tpu"/);
  await expect(train.useBackend('gpu')).rejects.toThrow(/^\[saddlelab\] backend 'gpu' cannot be loaded/);
  expect(tf.getBackend()).toBeDefined();
});
