/**
 * Singular values from TensorFlow's own `Svd` op through the native backend
 * (issue 6: "TensorFlow's Svd op becomes available through the native backend").
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
import { SaddlelabError } from '../errors';
import { checkMatrix, type SvdProvider } from '../spectrum/svd';

/** The part of tfjs-node's native binding used here (binding/tfjs_binding.cc). */
interface TfBinding {
  TF_FLOAT: number;
  TF_ATTR_TYPE: number;
  TF_ATTR_BOOL: number;
  createTensor(shape: number[], dtype: number, values: Float32Array): number;
  executeOp(name: string, attrs: { name: string; type: number; value: unknown }[], inputs: number[], numOutputs: number): { id: number; shape: number[]; dtype: number }[];
  tensorDataSync(id: number): Float32Array;
  deleteTensor(id: number): void;
}

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

/**
 * Top-`k` singular values (all `min(rows, cols)` when `k` is omitted) of the
 * row-major `rows × cols` matrix `m`, descending, from TensorFlow's `Svd` op
 * (computed in float64, returned through float32). A {@link SvdProvider}:
 * pass it as `record.svd` when the native backend is in use.
 *
 * @example
 * ```ts
 * import { train } from 'saddlelab';
 * await train.useBackend('tensorflow');
 * const s = train.nativeSingularValues(new Float32Array([3, 0, 0, 4]), 2, 2);
 * console.log(Array.from(s)); // [4, 3]
 * ```
 */
export const nativeSingularValues: SvdProvider = (m, rows, cols, k) => {
  checkMatrix(m, rows, cols, k);
  const b = binding();
  const input = m instanceof Float32Array ? m : Float32Array.from(m);
  const ids: number[] = [];
  try {
    const x = b.createTensor([rows, cols], b.TF_FLOAT, input);
    ids.push(x);
    const type = (name: string, value: number) => ({ name, type: b.TF_ATTR_TYPE, value });
    const [x64] = b.executeOp('Cast', [type('SrcT', b.TF_FLOAT), type('DstT', TF_DOUBLE), { name: 'Truncate', type: b.TF_ATTR_BOOL, value: false }], [x], 1);
    ids.push(x64.id);
    // Svd always has three outputs (s, u, v); with compute_uv = false u and v are empty.
    const out = b.executeOp(
      'Svd',
      [
        { name: 'compute_uv', type: b.TF_ATTR_BOOL, value: false },
        { name: 'full_matrices', type: b.TF_ATTR_BOOL, value: false },
        type('T', TF_DOUBLE),
      ],
      [x64.id],
      3,
    );
    ids.push(...out.map((o) => o.id));
    const [s32] = b.executeOp('Cast', [type('SrcT', TF_DOUBLE), type('DstT', b.TF_FLOAT), { name: 'Truncate', type: b.TF_ATTR_BOOL, value: false }], [out[0].id], 1);
    ids.push(s32.id);
    const s = Float64Array.from(b.tensorDataSync(s32.id));
    // TensorFlow documents s as sorted descending; sort anyway so the contract holds on any build.
    s.sort().reverse();
    return k === undefined || k >= s.length ? s : s.slice(0, k);
  } finally {
    for (const id of ids) b.deleteTensor(id);
  }
};
