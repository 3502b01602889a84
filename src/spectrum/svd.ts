/**
 * Singular values and the spectral summaries of Theorem 3.1 (docs/paper.md,
 * "Theorem 3.1 and companions"): the energy outside the top singular value,
 * s1/s2, and the ReLU cut ratio. Singular values come from a maintained library
 * (ml-matrix's Golub–Kahan SVD, values only), never from hand-written linear
 * algebra.
 */
import { EigenvalueDecomposition, Matrix, SVD } from 'ml-matrix';
import { fail } from '../errors';
import { checkMatrix, isFloatArray, type SvdProvider } from '../backend/matrix';

export type { SvdProvider };

/**
 * Top-`k` singular values (all `min(rows, cols)` when `k` is omitted) of the
 * row-major `rows × cols` matrix `m`, descending, computed in float64 by
 * ml-matrix. Fewer than `k` come back when the matrix has fewer.
 *
 * @example
 * ```ts
 * import { spectrum } from 'saddlelab';
 * const s = spectrum.singularValues(new Float64Array([1, 0, 0, 0, 2, 0]), 2, 3);
 * console.log(Array.from(s)); // [2, 1]
 * ```
 */
export const singularValues: SvdProvider = (m, rows, cols, k) => {
  checkMatrix(m, rows, cols, k);
  const M = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) M.set(i, j, m[i * cols + j]);
  const svd = new SVD(M, { computeLeftSingularVectors: false, computeRightSingularVectors: false, autoTranspose: true });
  const all = Float64Array.from(svd.diagonal).sort().reverse();
  // Golub–Kahan returns |σ| up to rounding; clamp tiny negative zeros.
  for (let i = 0; i < all.length; i++) if (all[i] < 0) all[i] = 0;
  return k === undefined || k >= all.length ? all : all.slice(0, k);
};

/**
 * Singular values as square roots of the eigenvalues of the smaller Gram
 * matrix (`MᵀM` or `MMᵀ`, ml-matrix's `gram`/`mmulByTranspose` and symmetric
 * `EigenvalueDecomposition`). For a tall or wide matrix (activations: N samples
 * × width) it is a few times faster than `singularValues`; the price is
 * absolute accuracy `≈ ε·s1²/s_i` instead of `≈ ε·s1` (ε = 2.2e-16), which is
 * far below float32 resolution for the top singular values a record keeps,
 * but makes values below `~1e-8·s1` meaningless. Same contract as `singularValues`.
 *
 * @example
 * ```ts
 * import { spectrum, train } from 'saddlelab';
 * const record = { svd: spectrum.gramSingularValues }; // pass as `record` options to the trainer
 * console.log(Array.from(spectrum.gramSingularValues(new Float64Array([3, 0, 0, 4, 0, 0]), 3, 2))); // [4, 3]
 * ```
 */
export const gramSingularValues: SvdProvider = (m, rows, cols, k) => {
  checkMatrix(m, rows, cols, k);
  const M = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) M.set(i, j, m[i * cols + j]);
  const gram = rows >= cols ? M.gram() : M.mmulByTranspose();
  const lambda = new EigenvalueDecomposition(gram, { assumeSymmetric: true }).realEigenvalues;
  const all = Float64Array.from(lambda, (v) => Math.sqrt(Math.max(v, 0))).sort().reverse();
  return k === undefined || k >= all.length ? all : all.slice(0, k);
};

/**
 * Fraction of the squared Frobenius energy outside the top singular value,
 * `Σ_{i≥2} s_i² / Σ_i s_i²` (Theorem 3.1's rank-1 measure). 0 for a zero or
 * rank-1 matrix. Pass all singular values for the exact figure; with only the
 * top k it is a lower bound.
 *
 * @example
 * ```ts
 * import { spectrum } from 'saddlelab';
 * console.log(spectrum.energyOutsideTop1([3, 4].sort((a, b) => b - a))); // 0.36 (9/25)
 * ```
 */
export function energyOutsideTop1(s: ArrayLike<number>): number {
  checkSpectrum(s);
  let total = 0;
  for (let i = 0; i < s.length; i++) total += s[i] * s[i];
  if (total === 0) return 0;
  return (total - s[0] * s[0]) / total;
}

/**
 * `s1 / s2`, the gap between the top two singular values. `Infinity` when
 * `s2 = 0 < s1` (exactly rank 1); `NaN` for the zero matrix (no direction at all).
 *
 * @example
 * ```ts
 * import { spectrum } from 'saddlelab';
 * console.log(spectrum.ratio12([4, 2, 1])); // 2
 * ```
 */
export function ratio12(s: ArrayLike<number>): number {
  checkSpectrum(s);
  if (s.length < 2) fail('s', 'at least 2 singular values for s1/s2', s);
  if (s[0] === 0) return NaN;
  return s[1] === 0 ? Infinity : s[0] / s[1];
}

/**
 * ReLU cut ratio `‖relu(Z) − Z‖²_F / ‖Z‖²_F` of pre-activations `Z`: 0 when
 * `Z ≥ 0` (the ReLU is the identity), 1 when `Z ≤ 0`. The second argument is
 * `relu(Z)` if you already have it (same length), else it is computed.
 * For `Z = 0` the ratio is 0/0; we return 0, since the ReLU then cuts nothing.
 *
 * @example
 * ```ts
 * import { spectrum } from 'saddlelab';
 * console.log(spectrum.reluCutRatio(new Float32Array([3, -4]))); // 0.64 (16/25)
 * ```
 */
export function reluCutRatio(z: Float32Array | Float64Array, zRelu?: Float32Array | Float64Array): number {
  if (!isFloatArray(z)) fail('z', 'a Float32Array or Float64Array', z);
  if (zRelu !== undefined) {
    if (!isFloatArray(zRelu)) fail('zRelu', 'a Float32Array or Float64Array', zRelu);
    if (zRelu.length !== z.length) fail('zRelu', `an array of the same length as z (${z.length})`, zRelu);
  }
  let cut = 0;
  let total = 0;
  for (let i = 0; i < z.length; i++) {
    const v = z[i];
    if (!Number.isFinite(v)) fail(`z[${i}]`, 'a finite number', v);
    const r = zRelu ? zRelu[i] : v > 0 ? v : 0;
    const d = r - v;
    cut += d * d;
    total += v * v;
  }
  return total === 0 ? 0 : cut / total;
}

function checkSpectrum(s: unknown): asserts s is ArrayLike<number> {
  if (!(Array.isArray(s) || isFloatArray(s))) fail('s', 'an array of singular values', s);
  const a = s as ArrayLike<number>;
  for (let i = 0; i < a.length; i++) {
    if (!(Number.isFinite(a[i]) && a[i] >= 0)) fail(`s[${i}]`, 'a finite number >= 0', a[i]);
    if (i > 0 && a[i] > a[i - 1]) fail(`s[${i}]`, `at most s[${i - 1}] = ${a[i - 1]} (singular values in descending order)`, a[i]);
  }
}
