/**
 * Synthetic teachers for the linear warm-up and the ReLU experiments
 * (docs/paper.md, "The linear warm-up").
 */
import { EigenvalueDecomposition, Matrix, QrDecomposition } from 'ml-matrix';
import { SaddlelabError, fail, requireKnownKeys, requireObject, requirePositiveInt } from '../errors';
import type { Dataset } from './dataset';
import { createRng, type Rng } from './random';

export interface LinearTeacherOptions {
  /** The teacher's singular values, e.g. `[10, 20, 30, 40, 50]` for `10·diag(1..5)`. Non-negative, finite. */
  singularValues: number[];
  /** Number of samples. */
  n: number;
  /** Input dimension (default: the number of singular values). */
  dIn?: number;
  /** Output dimension (default: the number of singular values). */
  dOut?: number;
  /** Seed of inputs and of the teacher's singular vectors (default 0). */
  seed?: number;
  /** Transform the inputs so that `xᵀx/n = I` exactly (Saxe et al.'s whitened inputs; needs `n ≥ dIn`; default false). */
  whiten?: boolean;
  /** Random orthonormal singular vectors (default true); `false` puts the values on the diagonal: `T = diag(s)`. */
  orthogonal?: boolean;
}

const LINEAR_KEYS = ['singularValues', 'n', 'dIn', 'dOut', 'seed', 'whiten', 'orthogonal'] as const;

/** A data set made by a teacher, with the teacher itself. */
export interface TeacherDataset extends Dataset {
  /** The linear teacher `T`, `dOut × dIn` row-major float64, with `y = x Tᵀ`. */
  teacher: Float64Array;
}

/**
 * Linear teacher `y = T x` (row-wise `y = x Tᵀ`) on standard Gaussian inputs, where `T`
 * (`dOut × dIn`) has exactly the given singular values: `T = U diag(s) Vᵀ` with
 * seeded random orthonormal `U`, `V`, or `T = diag(s)` when `orthogonal: false`.
 * Shapes: `x` is `n × dIn`, `y` is `n × dOut`, `teacher` is `dOut × dIn`.
 *
 * @example
 * ```ts
 * import { data } from 'saddlelab';
 * const ds = data.linearTeacher({ singularValues: [10, 20, 30, 40, 50], n: 100, seed: 0, orthogonal: false });
 * console.log(ds.n, ds.dIn, ds.dOut, ds.teacher[4 * 5 + 4]); // 100 5 5 50
 * ```
 */
export function linearTeacher(options: LinearTeacherOptions): TeacherDataset {
  requireObject('linearTeacher options', options);
  requireKnownKeys('linearTeacher', options, LINEAR_KEYS);
  const s = options.singularValues;
  if (!Array.isArray(s) || s.length === 0) fail('linearTeacher.singularValues', 'a non-empty array of numbers >= 0', s);
  s.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(`linearTeacher.singularValues[${i}]`, 'a finite number >= 0', v);
  });
  const r = s.length;
  const n = requirePositiveInt('linearTeacher.n', options.n);
  const dIn = requirePositiveInt('linearTeacher.dIn', options.dIn ?? r);
  const dOut = requirePositiveInt('linearTeacher.dOut', options.dOut ?? r);
  if (r > Math.min(dIn, dOut)) fail('linearTeacher.singularValues', `at most min(dIn, dOut) = ${Math.min(dIn, dOut)} values`, s);
  const seed = options.seed ?? 0;
  const whiten = options.whiten ?? false;
  const orthogonal = options.orthogonal ?? true;
  if (typeof whiten !== 'boolean') fail('linearTeacher.whiten', 'true or false', whiten);
  if (typeof orthogonal !== 'boolean') fail('linearTeacher.orthogonal', 'true or false', orthogonal);
  if (whiten && n < dIn) fail('linearTeacher.n', `at least dIn = ${dIn} when whiten is true (xᵀx/n must be invertible)`, n);

  const rng = createRng(seed);
  // Inputs first, so the same seed gives the same x whatever the teacher's shape.
  const x = rng.normals(n * dIn);
  if (whiten) whitenRows(x, n, dIn);
  const teacher = new Float64Array(dOut * dIn);
  if (orthogonal) {
    const U = orthonormalColumns(rng, dOut, r);
    const V = orthonormalColumns(rng, dIn, r);
    for (let i = 0; i < dOut; i++)
      for (let j = 0; j < dIn; j++) {
        let t = 0;
        for (let k = 0; k < r; k++) t += U.get(i, k) * s[k] * V.get(j, k);
        teacher[i * dIn + j] = t;
      }
  } else {
    for (let k = 0; k < r; k++) teacher[k * dIn + k] = s[k];
  }
  const y = new Float32Array(n * dOut);
  for (let a = 0; a < n; a++)
    for (let i = 0; i < dOut; i++) {
      let t = 0;
      for (let j = 0; j < dIn; j++) t += teacher[i * dIn + j] * x[a * dIn + j];
      y[a * dOut + i] = t;
    }
  const desc = `linear teacher s=[${s.join(', ')}]${orthogonal ? '' : ' (diagonal)'}${whiten ? ', whitened' : ''}, n=${n}, seed ${seed}`;
  return { name: desc, n, dIn, dOut, x: Float32Array.from(x), y, teacher };
}

/** A `rows × cols` matrix with orthonormal columns: Q of a Gaussian matrix, signs fixed by R's diagonal so it is Haar-distributed. */
function orthonormalColumns(rng: Rng, rows: number, cols: number): Matrix {
  const A = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) A.set(i, j, rng.normal());
  const qr = new QrDecomposition(A);
  const Q = qr.orthogonalMatrix.subMatrix(0, rows - 1, 0, cols - 1);
  const R = qr.upperTriangularMatrix;
  for (let j = 0; j < cols; j++) if (R.get(j, j) < 0) for (let i = 0; i < rows; i++) Q.set(i, j, -Q.get(i, j));
  return Q;
}

/** In place: x ← x (xᵀx/n)^(−1/2), so that xᵀx/n = I. No centring: a bias-free network sees second moments, not covariances. */
function whitenRows(x: Float64Array, n: number, d: number): void {
  const C = new Matrix(d, d);
  for (let i = 0; i < d; i++)
    for (let j = i; j < d; j++) {
      let t = 0;
      for (let a = 0; a < n; a++) t += x[a * d + i] * x[a * d + j];
      C.set(i, j, t / n);
      C.set(j, i, t / n);
    }
  const e = new EigenvalueDecomposition(C, { assumeSymmetric: true });
  const lambda = e.realEigenvalues;
  if (Math.min(...lambda) <= 1e-12 * Math.max(...lambda)) {
    throw new SaddlelabError('[saddlelab] linearTeacher.whiten: the sampled inputs are rank-deficient; use a larger n or another seed', 'whiten');
  }
  const V = e.eigenvectorMatrix;
  const W = new Matrix(d, d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      let t = 0;
      for (let k = 0; k < d; k++) t += (V.get(i, k) * V.get(j, k)) / Math.sqrt(lambda[k]);
      W.set(i, j, t);
    }
  const row = new Float64Array(d);
  for (let a = 0; a < n; a++) {
    for (let j = 0; j < d; j++) {
      let t = 0;
      for (let k = 0; k < d; k++) t += x[a * d + k] * W.get(k, j);
      row[j] = t;
    }
    x.set(row, a * d);
  }
}

export interface ReluTeacherOptions {
  /** Input dimension. */
  dIn: number;
  /** Output dimension. */
  dOut: number;
  /** Rank of the teacher's first layer (≤ min(dIn, hidden)). */
  rank: number;
  /** The teacher's hidden width (default 100). */
  hidden?: number;
  /** Number of samples. */
  n: number;
  /** Seed (default 0). */
  seed?: number;
}

const RELU_KEYS = ['dIn', 'dOut', 'rank', 'hidden', 'n', 'seed'] as const;

/**
 * A random low-rank ReLU teacher `f(x) = C relu(B x)` on standard Gaussian inputs,
 * with `B = P Q` of rank `rank` (`P` hidden×rank, `Q` rank×dIn) and `C` dOut×hidden,
 * Gaussian entries scaled so that `B x` and `f(x)` have unit variance per coordinate
 * (He-style `2/hidden` for `C`). Shapes: `x` is `n × dIn`, `y` is `n × dOut`.
 *
 * @example
 * ```ts
 * import { data } from 'saddlelab';
 * const ds = data.reluTeacher({ dIn: 20, dOut: 3, rank: 2, n: 500, seed: 1 });
 * console.log(ds.x.length, ds.y.length); // 10000 1500
 * ```
 */
export function reluTeacher(options: ReluTeacherOptions): Dataset {
  requireObject('reluTeacher options', options);
  requireKnownKeys('reluTeacher', options, RELU_KEYS);
  const dIn = requirePositiveInt('reluTeacher.dIn', options.dIn);
  const dOut = requirePositiveInt('reluTeacher.dOut', options.dOut);
  const rank = requirePositiveInt('reluTeacher.rank', options.rank);
  const hidden = requirePositiveInt('reluTeacher.hidden', options.hidden ?? 100);
  const n = requirePositiveInt('reluTeacher.n', options.n);
  const seed = options.seed ?? 0;
  if (rank > Math.min(dIn, hidden)) fail('reluTeacher.rank', `at most min(dIn, hidden) = ${Math.min(dIn, hidden)}`, rank);
  const rng = createRng(seed);
  const x = rng.normals(n * dIn);
  const Q = rng.normals(rank * dIn, 1 / Math.sqrt(dIn));
  const P = rng.normals(hidden * rank, 1 / Math.sqrt(rank));
  const C = rng.normals(dOut * hidden, Math.sqrt(2 / hidden));
  const B = new Float64Array(hidden * dIn);
  for (let h = 0; h < hidden; h++)
    for (let j = 0; j < dIn; j++) {
      let t = 0;
      for (let k = 0; k < rank; k++) t += P[h * rank + k] * Q[k * dIn + j];
      B[h * dIn + j] = t;
    }
  const y = new Float32Array(n * dOut);
  const z = new Float64Array(hidden);
  for (let a = 0; a < n; a++) {
    for (let h = 0; h < hidden; h++) {
      let t = 0;
      for (let j = 0; j < dIn; j++) t += B[h * dIn + j] * x[a * dIn + j];
      z[h] = t > 0 ? t : 0;
    }
    for (let i = 0; i < dOut; i++) {
      let t = 0;
      for (let h = 0; h < hidden; h++) t += C[i * hidden + h] * z[h];
      y[a * dOut + i] = t;
    }
  }
  return { name: `ReLU teacher rank ${rank}, hidden ${hidden}, n=${n}, seed ${seed}`, n, dIn, dOut, x: Float32Array.from(x), y };
}

