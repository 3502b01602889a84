/**
 * Row-major matrices as the singular-value routines take them: the
 * {@link SvdProvider} seam through which a backend supplies its own routine
 * (TensorFlow's linear algebra on the native backend, src/backend/native-svd.ts)
 * and ml-matrix supplies the default (src/spectrum/svd.ts), and the one argument
 * check every provider runs.
 */
import { fail, requirePositiveInt } from '../errors';

/**
 * A routine returning the top-`k` singular values of a row-major `rows × cols`
 * matrix, descending, as float64.
 *
 * @example
 * ```ts
 * import { spectrum } from 'saddlelab';
 * const svd: spectrum.SvdProvider = spectrum.singularValues;
 * console.log(svd(new Float32Array([3, 0, 0, 4]), 2, 2)); // Float64Array(2) [4, 3]
 * ```
 */
export type SvdProvider = (m: Float32Array | Float64Array, rows: number, cols: number, k?: number) => Float64Array;

/**
 * A Float32Array or Float64Array from any JS realm: tfjs-node returns typed arrays
 * made by its native addon, which fail `instanceof` where the caller's realm differs
 * (jest's test sandbox), so the check goes by the object's tag.
 */
export function isFloatArray(m: unknown): m is Float32Array | Float64Array {
  const tag = Object.prototype.toString.call(m);
  return tag === '[object Float32Array]' || tag === '[object Float64Array]';
}

/** Validates a row-major matrix argument; shared by every provider. */
export function checkMatrix(m: unknown, rows: unknown, cols: unknown, k?: unknown): void {
  requirePositiveInt('rows', rows);
  requirePositiveInt('cols', cols);
  if (!isFloatArray(m)) fail('m', 'a Float32Array or Float64Array', m);
  if (m.length !== (rows as number) * (cols as number)) {
    fail('m', `a matrix of rows × cols = ${rows} × ${cols} = ${(rows as number) * (cols as number)} values`, m);
  }
  if (k !== undefined) requirePositiveInt('k', k);
  for (let i = 0; i < m.length; i++) {
    if (!Number.isFinite(m[i])) fail(`m[${i}]`, 'a finite number (a non-finite entry has no singular values)', m[i]);
  }
}
