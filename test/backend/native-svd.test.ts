/**
 * TensorFlow's Svd op through the native backend against ml-matrix,
 * an independent float64 implementation, on random and known matrices.
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';
import { createNativeSvd, nativeGramSpectra, nativeSingularValues, nativeSvdAvailable } from '../../src/backend/native-svd';
import { singularValues } from '../../src/spectrum/svd';
import { describeNative, nativeBuilt } from './native';

const built = nativeBuilt();

/** Deterministic Gaussian-ish entries (sum of uniforms from an LCG), rounded to float32 like recorded weights. */
function randomMatrix(rows: number, cols: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const u = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Float32Array.from({ length: rows * cols }, () => u() + u() + u() - 1.5);
}

if (!built) {
  test('without the native backend, asking for native Svd is a [saddlelab] error naming svd', () => {
    expect(nativeSvdAvailable()).toBe(false);
    expect(() => nativeSingularValues(new Float32Array([1]), 1, 1)).toThrow(/^\[saddlelab\] svd 'native' needs the native TensorFlow backend/);
  });
}
describeNative('native Svd', () => {
  beforeAll(async () => {
    await useBackend('tensorflow');
  });

  test.each([
    [7, 5, 1],
    [5, 7, 2],
    [40, 40, 3],
    [200, 784, 4],
    [1, 9, 5],
  ])('%i × %i random matrix (seed %i) equals ml-matrix', (rows, cols, seed) => {
    const m = randomMatrix(rows, cols, seed);
    const ref = singularValues(m, rows, cols);
    const s = nativeSingularValues(m, rows, cols);
    expect(s).toBeInstanceOf(Float64Array);
    expect(s.length).toBe(Math.min(rows, cols));
    let worst = 0;
    for (let i = 0; i < s.length; i++) worst = Math.max(worst, Math.abs(s[i] - ref[i]) / ref[0]);
    // Decomposed in float64 on both sides; only the float32 output rounding remains.
    expect(worst).toBeLessThan(1e-6);
    for (let i = 1; i < s.length; i++) expect(s[i]).toBeLessThanOrEqual(s[i - 1]);
  });

  test.each([
    ['gram', 'float64', 1e-6],
    ['svd', 'float32', 1e-5],
  ] as const)('method %s in %s: top-10 of 200 × 784 and 200 × 200 equal ml-matrix', (method, precision, tol) => {
    const svd = createNativeSvd({ method, precision });
    for (const [rows, cols] of [[200, 784], [200, 200], [784, 30]]) {
      const m = randomMatrix(rows, cols, rows + cols);
      const ref = singularValues(m, rows, cols, 10);
      const s = svd(m, rows, cols, 10);
      expect(s.length).toBe(10);
      for (let i = 0; i < 10; i++) expect(Math.abs(s[i] - ref[i]) / ref[0]).toBeLessThan(tol);
    }
  });

  test('gram in float32 is refused, naming the field', () => {
    expect(() => createNativeSvd({ method: 'gram', precision: 'float32' })).toThrow(/^\[saddlelab\] precision must be 'float64' with method 'gram'/);
    expect(() => createNativeSvd({ method: 'qr' as 'svd' })).toThrow(/^\[saddlelab\] method must be one of 'svd', 'gram'; got "qr"/);
  });

  test('top-k and a rank-deficient product', () => {
    // u vᵀ + 2 p qᵀ with orthonormal u,p and q ⟂ v: singular values exactly [2, 1, 0, ...].
    const rows = 6;
    const cols = 4;
    const m = new Float64Array(rows * cols);
    const u = [1, 0, 0, 0, 0, 0];
    const p = [0, 0.6, 0.8, 0, 0, 0];
    const v = [0, 0, 1, 0];
    const q = [0.6, 0, 0, -0.8];
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m[i * cols + j] = u[i] * v[j] + 2 * p[i] * q[j];
    const s = nativeSingularValues(m, rows, cols, 3);
    expect(s.length).toBe(3);
    expect(s[0]).toBeCloseTo(2, 6);
    expect(s[1]).toBeCloseTo(1, 6);
    expect(s[2]).toBeCloseTo(0, 6);
    expect(nativeSingularValues(m, rows, cols, 10).length).toBe(4);
  });

  test('leaves no tfjs tensors and no TensorFlow handles behind', () => {
    const backend = tf.findBackend('tensorflow') as unknown as { binding: { getNumOfTensors(): number } };
    const handles = backend.binding.getNumOfTensors();
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) nativeSingularValues(randomMatrix(30, 20, i), 30, 20, 5);
    expect(backend.binding.getNumOfTensors()).toBe(handles);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  test('nativeGramSpectra: several tensors at once equal the Gram provider one by one, and ml-matrix', () => {
    const gram = createNativeSvd({ method: 'gram' });
    const shapes: [number, number][] = [[200, 784], [200, 200], [200, 200], [10, 200], [7, 5], [5, 7], [784, 200]];
    const mats = shapes.map(([r, c], i) => randomMatrix(r, c, 40 + i));
    const tensors = shapes.map(([r, c], i) => tf.tensor2d(mats[i], [r, c]));
    const backend = tf.findBackend('tensorflow') as unknown as { binding: { getNumOfTensors(): number } };
    // The first call gives the tfjs tensors their TensorFlow handles (tfjs-node makes them lazily).
    nativeGramSpectra(tensors, 10);
    const handles = backend.binding.getNumOfTensors();
    const all = nativeGramSpectra(tensors, 10);
    expect(backend.binding.getNumOfTensors()).toBe(handles);
    shapes.forEach(([r, c], i) => {
      const one = gram(mats[i], r, c, 10);
      const ref = singularValues(mats[i], r, c, 10);
      expect(all[i].length).toBe(Math.min(10, r, c));
      all[i].forEach((v, j) => {
        expect(Math.abs(v - one[j])).toBeLessThanOrEqual(1e-12 * one[0]);
        expect(Math.abs(v - ref[j])).toBeLessThan(1e-6 * ref[0]);
      });
    });
    expect(nativeGramSpectra(tensors.slice(4, 5))[0].length).toBe(5);
    tf.dispose(tensors);
  });

  test('nativeGramSpectra: bad input and another active backend are [saddlelab] errors', async () => {
    const t = tf.tensor2d([[1, 2]]);
    expect(() => nativeGramSpectra([t], 0)).toThrow(/^\[saddlelab\] k must be a positive integer/);
    expect(() => nativeGramSpectra([tf.tensor1d([1]) as unknown as tf.Tensor2D])).toThrow(/^\[saddlelab\] tensors must be an array of 2-D float32 tfjs tensors/);
    await useBackend('cpu');
    try {
      expect(() => nativeGramSpectra([t])).toThrow(/^\[saddlelab\] nativeGramSpectra needs the native TensorFlow backend active/);
    } finally {
      await useBackend('tensorflow');
      t.dispose();
    }
  });

  test('works while another backend is active', async () => {
    await useBackend('cpu');
    expect(nativeSvdAvailable()).toBe(true);
    expect(Array.from(nativeSingularValues(new Float32Array([3, 0, 0, 4]), 2, 2))).toEqual([4, 3]);
    await useBackend('tensorflow');
  });

  test('bad input is a [saddlelab] error naming the field', () => {
    expect(() => nativeSingularValues(new Float32Array(5), 2, 3)).toThrow(/^\[saddlelab\] m must be a matrix of rows × cols = 2 × 3 = 6 values/);
    expect(() => nativeSingularValues(new Float32Array(6), 0, 3)).toThrow(/^\[saddlelab\] rows must be a positive integer; got 0/);
    expect(() => nativeSingularValues(new Float32Array([1, NaN]), 1, 2)).toThrow(/^\[saddlelab\] m\[1\] must be a finite number/);
    expect(() => nativeSingularValues(new Float32Array(4), 2, 2, 0)).toThrow(/^\[saddlelab\] k must be a positive integer/);
  });
});
