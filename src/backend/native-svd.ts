/**
 * Singular values from TensorFlow's own linear algebra (`Svd`, `SelfAdjointEigV2`)
 * through the native backend (docs/native.md).
 *
 * tfjs has no Svd kernel, so this talks to tfjs-node's addon one level below
 * the tfjs engine (`binding.createTensor` / `executeOp` / `tensorDataSync`,
 * the calls tfjs-node's own kernels make). Going below the engine means the
 * op runs whatever tfjs backend is active and leaves no tfjs tensors behind.
 *
 * The addon only moves float32 across; the matrix is cast to float64 inside
 * TensorFlow and decomposed there, so the only rounding is that of the input
 * (which recorded weights already have) and of the float32 output.
 */
import * as tf from '@tensorflow/tfjs';
import { SaddlelabError, fail, requireKnownKeys, requireObject, requireOneOf, requirePositiveInt } from '../errors';
import { activeNodeBackend, type OpAttr as Attr, type TfBinding } from './node-kernel';
import { checkMatrix, type SvdProvider } from './matrix';

// TF_DataType enum value of TF_DOUBLE in tensorflow/c/tf_datatype.h; the
// binding exports TF_FLOAT but not TF_DOUBLE.
const TF_DOUBLE = 2;

function binding(): TfBinding {
  let backend: unknown;
  try {
    backend = tf.findBackend('tensorflow');
  } catch {
    backend = undefined;
  }
  const b = (backend as { binding?: TfBinding } | undefined)?.binding;
  if (!b || typeof b.executeOp !== 'function') {
    throw new SaddlelabError(
      "[saddlelab] svd 'native' needs the native TensorFlow backend; it is not loaded. " +
        "Accepted: call useBackend('tensorflow') first (build it with `npm run build:native`), or use the default ml-matrix svd.",
      'svd',
    );
  }
  return b;
}

/** True when the native backend is registered, so {@link nativeSingularValues} can run. */
export function nativeSvdAvailable(): boolean {
  try {
    binding();
    return true;
  } catch {
    return false;
  }
}

/** Runs one op on handles; every output handle is pushed to `ids` so the caller frees them all. */
function op(b: TfBinding, ids: number[], name: string, attrs: Attr[], inputs: number[], outputs: number): number[] {
  const out = b.executeOp(name, attrs, inputs, outputs).map((o) => o.id);
  ids.push(...out);
  return out;
}

/** The top `k` of `s`, sorted descending (Svd returns descending, SelfAdjointEig ascending). */
function topDescending(s: Float64Array, k: number | undefined): Float64Array {
  s.sort().reverse();
  return k === undefined || k >= s.length ? s : s.slice(0, k);
}

/** Singular values from a Gram matrix's eigenvalues s²; rounding can leave tiny negatives where s = 0. */
function fromGramEigenvalues(eig: ArrayLike<number>, k: number | undefined): Float64Array {
  const s = Float64Array.from(eig, (v) => (v > 0 ? Math.sqrt(v) : 0));
  return topDescending(s, k);
}

/** How {@link createNativeSvd} computes. */
export interface NativeSvdOptions {
  /**
   * `svd` (default): TensorFlow's `Svd` op on the matrix. `gram`: the eigenvalues of
   * the smaller Gram matrix (`M Mᵀ` or `Mᵀ M`, by `MatMul`) from `SelfAdjointEigV2`,
   * square-rooted: several times faster, and in float64 accurate to about
   * `1e-16·s₁²/s_i` relative, so only for values above ~1e-6·s₁ (top-k recording).
   */
  method?: 'svd' | 'gram';
  /**
   * `float64` (default): cast to float64 inside TensorFlow and decompose there.
   * `float32`: decompose the float32 matrix as is (faster; values to ~1e-6·s₁).
   * `gram` needs float64 (squaring the matrix squares its condition number).
   */
  precision?: 'float64' | 'float32';
}

/**
 * Builds a {@link SvdProvider} on TensorFlow's linear algebra through the native
 * backend. The matrix is cast to float64 inside TensorFlow and decomposed
 * there (the addon only moves float32 across), so the only roundings are those
 * of the input, which recorded weights already have, and of the float32 output.
 *
 * @example
 * ```ts
 * import { backend } from 'saddlelab';
 * await backend.useBackend('tensorflow');
 * const svd = backend.createNativeSvd({ method: 'gram' });
 * console.log(Array.from(svd(new Float32Array([3, 0, 0, 4]), 2, 2))); // [4, 3]
 * ```
 */
export function createNativeSvd(options: NativeSvdOptions = {}): SvdProvider {
  requireKnownKeys('options', requireObject('options', options), ['method', 'precision']);
  const method = requireOneOf('method', options.method ?? 'svd', ['svd', 'gram'] as const);
  const precision = requireOneOf('precision', options.precision ?? 'float64', ['float64', 'float32'] as const);
  if (method === 'gram' && precision === 'float32') fail('precision', "'float64' with method 'gram' (a float32 Gram matrix loses every s_i below ~3e-4·s₁)", precision);
  return (m, rows, cols, k) => {
    checkMatrix(m, rows, cols, k);
    const b = binding();
    const input = m instanceof Float32Array ? m : Float32Array.from(m);
    const type = (name: string, value: number): Attr => ({ name, type: b.TF_ATTR_TYPE, value });
    const bool = (name: string, value: boolean): Attr => ({ name, type: b.TF_ATTR_BOOL, value });
    const cast = (src: number, dst: number): Attr[] => [type('SrcT', src), type('DstT', dst), bool('Truncate', false)];
    const ids: number[] = [];
    try {
      const x = b.createTensor([rows, cols], b.TF_FLOAT, input);
      ids.push(x);
      const T = precision === 'float64' ? TF_DOUBLE : b.TF_FLOAT;
      const [xT] = T === TF_DOUBLE ? op(b, ids, 'Cast', cast(b.TF_FLOAT, TF_DOUBLE), [x], 1) : [x];
      let sT: number;
      if (method === 'svd') {
        // Svd always has three outputs (s, u, v); with compute_uv = false u and v are empty.
        [sT] = op(b, ids, 'Svd', [bool('compute_uv', false), bool('full_matrices', false), type('T', T)], [xT], 3);
      } else {
        // The smaller Gram matrix: M Mᵀ (rows × rows) for wide M, Mᵀ M (cols × cols) for tall M.
        const wide = rows <= cols;
        const [g] = op(b, ids, 'MatMul', [bool('transpose_a', !wide), bool('transpose_b', wide), type('T', T)], [xT, xT], 1);
        [sT] = op(b, ids, 'SelfAdjointEigV2', [bool('compute_v', false), type('T', T)], [g], 2);
      }
      const [s32] = T === TF_DOUBLE ? op(b, ids, 'Cast', cast(TF_DOUBLE, b.TF_FLOAT), [sT], 1) : [sT];
      const values = b.tensorDataSync(s32);
      return method === 'gram' ? fromGramEigenvalues(values, k) : topDescending(Float64Array.from(values), k);
    } finally {
      for (const id of ids) b.deleteTensor(id);
    }
  };
}

/**
 * Top-`k` singular values (all `min(rows, cols)` when `k` is omitted) of the
 * row-major `rows × cols` matrix `m`, descending, from TensorFlow's `Svd` op
 * (computed in float64, returned through float32). A {@link SvdProvider}:
 * pass it as `record.svd` when the native backend is in use.
 *
 * @example
 * ```ts
 * import { backend } from 'saddlelab';
 * await backend.useBackend('tensorflow');
 * const s = backend.nativeSingularValues(new Float32Array([3, 0, 0, 4]), 2, 2);
 * console.log(Array.from(s)); // [4, 3]
 * ```
 */
export const nativeSingularValues: SvdProvider = createNativeSvd();

/**
 * Top-`k` singular values of several float32 tfjs matrices at once, by the float64
 * Gram route of `createNativeSvd({ method: 'gram' })`, read from the tensors'
 * TensorFlow handles (no copy through JS) and with one batched `SelfAdjointEigV2`
 * per Gram size, which TensorFlow spreads over its threads. The recorder's route
 * for weights and activations on native TensorFlow.
 * Needs the native backend active, since the tensors must live there.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { backend } from 'saddlelab';
 * await backend.useBackend('tensorflow');
 * const [s] = backend.nativeGramSpectra([tf.tensor2d([[3, 0], [0, 4]])]);
 * console.log(Array.from(s)); // [4, 3]
 * ```
 */
export function nativeGramSpectra(tensors: tf.Tensor2D[], k?: number): Float64Array[] {
  if (!Array.isArray(tensors) || tensors.some((t) => !(t instanceof tf.Tensor) || t.rank !== 2 || t.dtype !== 'float32')) {
    fail('tensors', 'an array of 2-D float32 tfjs tensors', tensors);
  }
  if (k !== undefined) requirePositiveInt('k', k);
  const be = activeNodeBackend();
  if (!be) {
    throw new SaddlelabError(
      "[saddlelab] nativeGramSpectra needs the native TensorFlow backend active. Accepted: call useBackend('tensorflow') first, or use an SvdProvider.",
      'backend',
    );
  }
  const b = be.binding;
  const type = (name: string, value: number): Attr => ({ name, type: b.TF_ATTR_TYPE, value });
  const bool = (name: string, value: boolean): Attr => ({ name, type: b.TF_ATTR_BOOL, value });
  const int = (name: string, value: number): Attr => ({ name, type: b.TF_ATTR_INT, value });
  const cast = (src: number, dst: number): Attr[] => [type('SrcT', src), type('DstT', dst), bool('Truncate', false)];
  const ids: number[] = [];
  try {
    const handles = be.getInputTensorIds(tensors);
    // Gram matrices in float64, grouped by size: M Mᵀ for wide M, Mᵀ M for tall M.
    const bySize = new Map<number, { index: number; gram: number }[]>();
    tensors.forEach((t, index) => {
      const [rows, cols] = t.shape;
      const [x] = op(b, ids, 'Cast', cast(b.TF_FLOAT, TF_DOUBLE), [handles[index]], 1);
      const wide = rows <= cols;
      const [gram] = op(b, ids, 'MatMul', [bool('transpose_a', !wide), bool('transpose_b', wide), type('T', TF_DOUBLE)], [x, x], 1);
      const size = Math.min(rows, cols);
      bySize.set(size, [...(bySize.get(size) ?? []), { index, gram }]);
    });
    const out: Float64Array[] = new Array(tensors.length);
    for (const [size, group] of bySize) {
      const grams = group.map((g) => g.gram);
      const [batch] = grams.length === 1 ? grams : op(b, ids, 'Pack', [int('N', grams.length), type('T', TF_DOUBLE), int('axis', 0)], grams, 1);
      const [eig] = op(b, ids, 'SelfAdjointEigV2', [bool('compute_v', false), type('T', TF_DOUBLE)], [batch], 2);
      const [eig32] = op(b, ids, 'Cast', cast(TF_DOUBLE, b.TF_FLOAT), [eig], 1);
      const values = b.tensorDataSync(eig32);
      group.forEach((g, j) => (out[g.index] = fromGramEigenvalues(values.subarray(j * size, (j + 1) * size), k)));
    }
    return out;
  } finally {
    for (const id of ids) b.deleteTensor(id);
  }
}
