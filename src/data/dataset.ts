/**
 * A dataset as row-major float32 matrices. The paper writes inputs as columns
 * (`X` is `d_in × N`); saddlelab stores one sample per row (`x` is `n × dIn`),
 * which is the same network: `Z_ℓ = Z_{ℓ−1}σ W_ℓᵀ` row-wise.
 *
 * @example
 * ```ts
 * import { data } from 'saddlelab';
 * const ds = data.linearTeacher({ singularValues: [10, 20, 30, 40, 50], n: 100, seed: 1 });
 * console.log(ds.n, ds.dIn, ds.dOut, ds.x.length); // 100 5 5 500
 * ```
 */
export interface Dataset {
  /** Short description, shown in histories and reports. */
  name: string;
  /** Number of samples. */
  n: number;
  /** Input dimension. */
  dIn: number;
  /** Output dimension. */
  dOut: number;
  /** Inputs, `n × dIn`, row-major. */
  x: Float32Array;
  /** Targets, `n × dOut`, row-major. */
  y: Float32Array;
  /** Class labels where the data has them (MNIST), length `n`. */
  labels?: Int32Array;
}
