import { Matrix, QrDecomposition } from 'ml-matrix';
import { energyOutsideTop1, gramSingularValues, ratio12, reluCutRatio, singularValues } from '../../src/spectrum/svd';
import { createRng } from '../../src/data/random';

/** Random orthogonal n×n matrix (Q of a seeded Gaussian matrix). */
function orthogonal(n: number, seed: number): Matrix {
  const rng = createRng(seed);
  const A = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A.set(i, j, rng.normal());
  return new QrDecomposition(A).orthogonalMatrix;
}

function flat(m: Matrix): Float64Array {
  return Float64Array.from(m.to1DArray());
}

describe('singularValues', () => {
  test('diagonal matrix: the absolute diagonal, sorted descending', () => {
    const d = [3, -7, 0.5, 2];
    const m = new Float32Array(16);
    d.forEach((v, i) => (m[i * 4 + i] = v));
    expect(Array.from(singularValues(m, 4, 4))).toEqual([7, 3, 2, 0.5]);
  });

  test('Q·D·Qᵀ and U·D·Vᵀ (rectangular) give back D to float64 tolerance', () => {
    const D = [50, 40, 30, 20, 10, 1e-3];
    const Q = orthogonal(6, 1);
    const QDQt = Q.mmul(Matrix.diag(D)).mmul(Q.transpose());
    const s = singularValues(flat(QDQt), 6, 6);
    D.forEach((v, i) => expect(s[i]).toBeCloseTo(v, 10));

    const U = orthogonal(9, 2).subMatrix(0, 8, 0, 5);
    const V = orthogonal(6, 3);
    const M = U.mmul(Matrix.diag(D)).mmul(V.transpose()); // 9 × 6
    const s2 = singularValues(flat(M), 9, 6);
    D.forEach((v, i) => expect(s2[i]).toBeCloseTo(v, 10));
    // the wide transpose (6 × 9) has the same singular values
    const s3 = singularValues(flat(M.transpose()), 6, 9, 3);
    expect(s3.length).toBe(3);
    [50, 40, 30].forEach((v, i) => expect(s3[i]).toBeCloseTo(v, 10));
  });

  test('float32 input: exact to float32 rounding of the entries', () => {
    const D = [5, 4, 3];
    const Q = orthogonal(3, 4);
    const M = Float32Array.from(Q.mmul(Matrix.diag(D)).mmul(Q.transpose()).to1DArray());
    const s = singularValues(M, 3, 3);
    D.forEach((v, i) => expect(Math.abs(s[i] - v)).toBeLessThan(5 * 5 * 2 ** -23));
  });

  test('rank-1 outer product: one non-zero singular value ‖a‖‖b‖', () => {
    const a = [1, 2, 2], b = [3, 4];
    const m = new Float64Array(6);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) m[i * 2 + j] = a[i] * b[j];
    const s = singularValues(m, 3, 2);
    expect(s[0]).toBeCloseTo(15, 12);
    expect(s[1]).toBeCloseTo(0, 12);
  });

  test('bad input names the field', () => {
    expect(() => singularValues(new Float32Array(5), 2, 3)).toThrow(/^\[saddlelab\] m must be a matrix of rows × cols = 2 × 3 = 6 values; got a Float32Array of length 5/);
    expect(() => singularValues(new Float32Array(6), 0, 3)).toThrow(/^\[saddlelab\] rows must be a positive integer; got 0/);
    expect(() => singularValues(new Float32Array(6), 2, 3, 0)).toThrow(/^\[saddlelab\] k must be a positive integer/);
    expect(() => singularValues([1, 2] as unknown as Float32Array, 1, 2)).toThrow(/^\[saddlelab\] m must be a Float32Array or Float64Array/);
    expect(() => singularValues(new Float32Array([1, NaN]), 1, 2)).toThrow(/^\[saddlelab\] m\[1\] must be a finite number/);
  });
});

describe('gramSingularValues', () => {
  test('agrees with singularValues on tall and wide known spectra, and on random matrices', () => {
    const D = [50, 40, 30, 20, 10, 1e-3];
    const U = orthogonal(40, 5).subMatrix(0, 39, 0, 5);
    const V = orthogonal(6, 6);
    const M = U.mmul(Matrix.diag(D)).mmul(V.transpose()); // 40 × 6
    const tall = gramSingularValues(flat(M), 40, 6);
    const wide = gramSingularValues(flat(M.transpose()), 6, 40, 4);
    D.slice(0, 5).forEach((v, i) => expect(tall[i]).toBeCloseTo(v, 9));
    expect(Math.abs(tall[5] - 1e-3)).toBeLessThan(1e-9); // ε·s1²/s6 ≈ 5e-10
    expect(wide.length).toBe(4);
    D.slice(0, 4).forEach((v, i) => expect(wide[i]).toBeCloseTo(v, 9));
    const rng = createRng(7);
    const R = Float32Array.from(rng.normals(300 * 30));
    const a = singularValues(R, 300, 30, 10);
    const b = gramSingularValues(R, 300, 30, 10);
    a.forEach((v, i) => expect(Math.abs(b[i] - v)).toBeLessThan(1e-10 * a[0]));
    expect(() => gramSingularValues(new Float32Array(3), 2, 2)).toThrow(/^\[saddlelab\] m must be a matrix of rows × cols/);
  });
});

describe('spectral summaries', () => {
  test('energyOutsideTop1 and ratio12 on known spectra', () => {
    expect(energyOutsideTop1([4, 3])).toBeCloseTo(9 / 25, 15);
    expect(energyOutsideTop1([2, 0, 0])).toBe(0);
    expect(energyOutsideTop1([0, 0])).toBe(0);
    expect(ratio12([4, 2, 1])).toBe(2);
    expect(ratio12([1, 0])).toBe(Infinity);
    expect(Number.isNaN(ratio12([0, 0]))).toBe(true);
    // agrees with the singular values of a matrix built with that spectrum
    const m = new Float64Array([3, 0, 0, 0, 1, 0]);
    expect(energyOutsideTop1(singularValues(m, 2, 3))).toBeCloseTo(0.1, 15);
  });

  test('reluCutRatio: 0 for Z ≥ 0, 1 for Z ≤ 0, 0/0 → 0, and with a given relu(Z)', () => {
    expect(reluCutRatio(new Float32Array([3, -4]))).toBeCloseTo(16 / 25, 7);
    expect(reluCutRatio(new Float64Array([1, 2, 0]))).toBe(0);
    expect(reluCutRatio(new Float64Array([-1, -2]))).toBe(1);
    expect(reluCutRatio(new Float64Array([0, 0]))).toBe(0);
    const z = new Float64Array([1, -1, 2, -2]);
    expect(reluCutRatio(z, new Float64Array([1, 0, 2, 0]))).toBeCloseTo(0.5, 15);
  });

  test('bad input names the field', () => {
    expect(() => energyOutsideTop1([1, 2])).toThrow(/^\[saddlelab\] s\[1\] must be at most s\[0\] = 1/);
    expect(() => ratio12([1])).toThrow(/^\[saddlelab\] s must be at least 2 singular values/);
    expect(() => ratio12([1, -1])).toThrow(/^\[saddlelab\] s\[1\] must be a finite number >= 0/);
    expect(() => reluCutRatio(new Float64Array(2), new Float64Array(3))).toThrow(/^\[saddlelab\] zRelu must be an array of the same length as z \(2\)/);
  });
});
