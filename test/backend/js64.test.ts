/**
 * The float64 engine for tiny networks (src/backend/js64.ts) against central
 * finite differences in float64 and against tfjs's autodiff on the cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';
import { createJs64Mlp } from '../../src/backend/js64';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

function problem(dims: number[], n: number, seed: number) {
  const u = lcg(seed);
  const weights = dims.slice(1).map((d, l) => Float64Array.from({ length: d * dims[l] }, () => u()));
  const x = Float64Array.from({ length: n * dims[0] }, () => u());
  const y = Float64Array.from({ length: n * dims[dims.length - 1] }, () => u());
  return { dims, n, weights, x, y };
}

/** Soft targets (rows of positive numbers summing to 1), for cross-entropy. */
function soft(y: Float64Array, dOut: number): Float64Array {
  const out = Float64Array.from(y, (v) => Math.exp(2 * v));
  for (let i = 0; i < out.length; i += dOut) {
    let s = 0;
    for (let k = 0; k < dOut; k++) s += out[i + k];
    for (let k = 0; k < dOut; k++) out[i + k] /= s;
  }
  return out;
}

describe.each([
  ['relu', 'mse', undefined],
  ['linear', 'mse', undefined],
  ['relu', 'cross-entropy', undefined],
  ['relu', 'mse', [4, 0, 6]],
  ['linear', 'cross-entropy', [2, 2, 5]],
] as const)('js64 %s, %s, batch %j', (activation, loss, batch) => {
  test('gradients equal central finite differences (float64; odd n and widths)', () => {
    const base = problem([3, 4, 5, 2], 7, 7);
    const p = { ...base, y: loss === 'cross-entropy' ? soft(base.y, 2) : base.y, activation, loss, batchSize: batch?.length };
    const b = batch ? [...batch] : undefined;
    const { grads } = createJs64Mlp(p).gradients(b);
    const h = 1e-6;
    let worst = 0;
    p.weights.forEach((w, l) => {
      for (let i = 0; i < w.length; i++) {
        const plus = p.weights.map((v) => v.slice());
        const minus = p.weights.map((v) => v.slice());
        plus[l][i] += h;
        minus[l][i] -= h;
        const fd = (createJs64Mlp({ ...p, weights: plus }).gradients(b).loss - createJs64Mlp({ ...p, weights: minus }).gradients(b).loss) / (2 * h);
        worst = Math.max(worst, Math.abs(fd - grads[l][i]));
      }
    });
    expect(worst).toBeLessThan(1e-8);
    // Not zero: the batch and the loss reach every layer.
    expect(grads.every((g) => g.some((v) => v !== 0))).toBe(true);
  });
});

describe.each(['relu', 'linear'] as const)('js64 %s', (activation) => {

  test('gradients equal tfjs autodiff on the cpu backend (float32)', async () => {
    await useBackend('cpu');
    const p = problem([4, 6, 6, 3], 10, 11);
    const net = createJs64Mlp({ ...p, activation });
    const { loss, grads } = net.gradients();
    const ws = p.weights.map((w, l) => tf.variable(tf.tensor2d(Float32Array.from(w), [p.dims[l + 1], p.dims[l]])));
    const x = tf.tensor2d(Float32Array.from(p.x), [p.n, p.dims[0]]);
    const y = tf.tensor2d(Float32Array.from(p.y), [p.n, p.dims[3]]);
    const { value, grads: tg } = tf.variableGrads(() => {
      let z = tf.matMul(x, ws[0], false, true);
      for (let l = 1; l < ws.length; l++) z = tf.matMul(activation === 'relu' ? tf.relu(z) : z, ws[l], false, true);
      return tf.div(tf.sum(tf.square(tf.sub(z, y))), 2 * p.n) as tf.Scalar;
    }, ws);
    expect(value.dataSync()[0]).toBeCloseTo(loss, 5);
    ws.forEach((w, l) => {
      const g = tg[w.name].dataSync();
      const scale = Math.max(...Array.from(grads[l], Math.abs));
      for (let i = 0; i < g.length; i++) expect(Math.abs(g[i] - grads[l][i]) / scale).toBeLessThan(1e-5);
    });
    tf.dispose([value, x, y, ...ws, ...Object.values(tg)]);
  });
});

test('step applies W ← W − lr ∇C and returns the loss before it', () => {
  const p = problem([2, 8, 1], 20, 3);
  const net = createJs64Mlp(p);
  const before = net.weights.map((w) => w.slice());
  const { loss, grads } = net.gradients();
  const g = grads.map((d) => d.slice());
  expect(net.step(0.1)).toBe(loss);
  net.weights.forEach((w, l) => w.forEach((v, i) => expect(v).toBeCloseTo(before[l][i] - 0.1 * g[l][i], 14)));
  let last = loss;
  for (let t = 0; t < 200; t++) last = net.step(0.1);
  expect(last).toBeLessThan(loss);
});

test('float64 keeps gradients that float32 flushes: a 6-layer linear net at init scale 1e-10', () => {
  // ∂C/∂W_1 = 2⁴·(1e-10)⁵·(z − y) ≈ −1.6e-49, below float32's smallest subnormal (1.4e-45).
  const dims = [2, 2, 2, 2, 2, 2, 1];
  const weights = dims.slice(1).map((d, l) => new Float64Array(d * dims[l]).fill(1e-10));
  const net = createJs64Mlp({ dims, weights, x: [1, 1], y: [1], n: 1, activation: 'linear' });
  const g = net.gradients().grads[0];
  expect(g[0]).not.toBe(0);
  expect(Math.fround(g[0]) === 0).toBe(true);
  expect(Math.abs(g[0] / (-(2 ** 4) * 1e-50) - 1)).toBeLessThan(1e-12);
});

test('bad input is a [saddlelab] error naming the field', () => {
  const p = problem([2, 3, 1], 4, 1);
  expect(() => createJs64Mlp({ ...p, dims: [2] })).toThrow(/^\[saddlelab\] dims must be/);
  expect(() => createJs64Mlp({ ...p, dims: [2, 0, 1] })).toThrow(/^\[saddlelab\] dims\[1\] must be a positive integer; got 0/);
  expect(() => createJs64Mlp({ ...p, weights: [p.weights[0]] })).toThrow(/^\[saddlelab\] weights must be an array of 2 matrices/);
  expect(() => createJs64Mlp({ ...p, x: new Float64Array(3) })).toThrow(/^\[saddlelab\] x must be 8 numbers/);
  expect(() => createJs64Mlp({ ...p, y: [1, 2, NaN, 4] })).toThrow(/^\[saddlelab\] y\[2\] must be a finite number/);
  expect(() => createJs64Mlp({ ...p, activation: 'tanh' as 'relu' })).toThrow(/^\[saddlelab\] activation must be one of 'relu', 'linear'/);
  expect(() => createJs64Mlp(p).step(-1)).toThrow(/^\[saddlelab\] lr must be a finite number > 0/);
  expect(() => createJs64Mlp({ ...p, loss: 'hinge' as never })).toThrow(/^\[saddlelab\] loss must be one of 'mse', 'cross-entropy'/);
  expect(() => createJs64Mlp({ ...p, batchSize: 9 })).toThrow(/^\[saddlelab\] batchSize must be at most n = 4/);
  expect(() => createJs64Mlp({ ...p, batchSize: 2 }).gradients([0])).toThrow(/^\[saddlelab\] batch must be 2 row indices/);
  expect(() => createJs64Mlp({ ...p, batchSize: 2 }).gradients([0, 4])).toThrow(/^\[saddlelab\] batch\[1\] must be a row index in \[0, 4\)/);
  expect(() => createJs64Mlp(p).gradients([0])).toThrow(/^\[saddlelab\] batch must be no batch without batchSize/);
});
