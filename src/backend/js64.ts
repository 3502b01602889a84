/**
 * A float64 pure-JS engine for the tiny networks of the paper's toy and teacher
 * experiments. There a tfjs step is a few dozen
 * kernel launches on matrices of a few thousand entries, and per-launch
 * overhead dominates; one fused forward + backward + update pass over
 * preallocated Float64Arrays does the same maths without it. float64 also
 * keeps very small initializations away from float32 underflow.
 *
 * The bias-free MLP of docs/paper.md ("Setup"): `Z_ℓ = W_ℓ σ(Z_{ℓ−1})` (rows are
 * samples here: `Z_ℓ = σ(Z_{ℓ−1}) W_ℓᵀ`), linear output, and the trainer's two
 * costs: `C = ‖Z_L − Y‖²/(2m)` or the softmax cross-entropy averaged over the m
 * samples, on the whole data set or on a mini-batch of rows. Cost grows like
 * m·Σ d_ℓ d_{ℓ−1}: use it below about 10⁵ multiply-adds per sample pass (C1 yes,
 * C2 no; see `npm run bench`), or as the float64 reference of the float32 engines.
 */
import { SaddlelabError, fail, requirePositive, requirePositiveInt, requireOneOf } from '../errors';
import type { Activation } from './activation';
import { createBackprop64 } from './dense64';

export interface Js64Options {
  /** Layer sizes `[d_in, ...widths, d_out]`. */
  dims: number[];
  /** `W_1 … W_L`, row-major `d_ℓ × d_{ℓ−1}`; copied. */
  weights: ArrayLike<number>[];
  /** Inputs, row-major `n × d_in`; copied. */
  x: ArrayLike<number>;
  /** Targets, row-major `n × d_out`; copied. */
  y: ArrayLike<number>;
  n: number;
  /** Hidden nonlinearity (default `relu`). */
  activation?: Activation;
  /** `mse` (default): ‖Z_L − Y‖²/(2m); `cross-entropy`: softmax cross-entropy, mean over the m samples. */
  loss?: 'mse' | 'cross-entropy';
  /** With mini-batches: their size b (each call then passes the batch's row indices); default: full batch. */
  batchSize?: number;
}

/** A bias-free MLP with its data, trained in float64 by full-batch GD. */
export interface Js64Mlp {
  readonly dims: readonly number[];
  /** The current weights (live views; copy to keep). */
  readonly weights: readonly Float64Array[];
  /**
   * Loss and gradients at the current weights, without updating (gradients are live views),
   * on the whole data set, or with `batchSize` on the rows `batch` (b indices in [0, n)).
   */
  gradients(batch?: ArrayLike<number>): { loss: number; grads: readonly Float64Array[] };
  /** One step `W ← W − lr ∇C` (on `batch`, as for `gradients`); returns the loss before the update (as train's trainer does). */
  step(lr: number, batch?: ArrayLike<number>): number;
}

/**
 * Creates the float64 engine for one network and data set.
 *
 * @example
 * ```ts
 * import { backend } from 'saddlelab';
 * const net = backend.createJs64Mlp({ dims: [2, 3, 1], weights: [[1, 0, 0, 1, 1, -1], [1, 1, 1]], x: [1, 2, -1, 0.5], y: [1, 0], n: 2 });
 * for (let t = 0; t < 100; t++) net.step(0.05);
 * console.log(net.gradients().loss < 0.01); // true
 * ```
 */
export function createJs64Mlp(options: Js64Options): Js64Mlp {
  const { dims, n } = options;
  if (!Array.isArray(dims) || dims.length < 2) fail('dims', 'an array [d_in, ...widths, d_out] of at least 2 positive integers', dims);
  dims.forEach((d, i) => requirePositiveInt(`dims[${i}]`, d));
  requirePositiveInt('n', n);
  const relu = requireOneOf('activation', options.activation ?? 'relu', ['relu', 'linear'] as const) === 'relu';
  const L = dims.length - 1;
  if (!Array.isArray(options.weights) || options.weights.length !== L) fail('weights', `an array of ${L} matrices (one per layer)`, options.weights);
  const copy = (field: string, a: ArrayLike<number>, len: number): Float64Array => {
    if (a == null || typeof a.length !== 'number' || a.length !== len) fail(field, `${len} numbers`, a);
    const out = Float64Array.from(a);
    for (let i = 0; i < len; i++) if (!Number.isFinite(out[i])) fail(`${field}[${i}]`, 'a finite number', out[i]);
    return out;
  };
  const W = options.weights.map((w, l) => copy(`weights[${l}]`, w, dims[l + 1] * dims[l]));
  const X = copy('x', options.x, n * dims[0]);
  const Y = copy('y', options.y, n * dims[L]);
  const crossEntropy = requireOneOf('loss', options.loss ?? 'mse', ['mse', 'cross-entropy'] as const) === 'cross-entropy';
  const m = options.batchSize === undefined ? n : requirePositiveInt('batchSize', options.batchSize);
  if (m > n) fail('batchSize', `at most n = ${n}`, m);
  const [d0, dL] = [dims[0], dims[L]];
  // With mini-batches the batch's rows are copied into Xb, Yb before each pass.
  const [Xb, Yb] = options.batchSize === undefined ? [X, Y] : [new Float64Array(m * d0), new Float64Array(m * dL)];
  // dOut = ∂C/∂Z_L, dW[l-1] = ∂C/∂W_l.
  const net = createBackprop64(dims, Xb, m, relu);
  const dOut = new Float64Array(m * dL);
  const dW = W.map((w) => new Float64Array(w.length));

  function takeBatch(batch: ArrayLike<number> | undefined): void {
    if (Xb === X) {
      if (batch !== undefined) fail('batch', 'no batch without batchSize (full batch)', batch);
      return;
    }
    if (batch == null || batch.length !== m) fail('batch', `${m} row indices (batchSize)`, batch);
    for (let i = 0; i < m; i++) {
      const r = batch[i];
      if (!Number.isInteger(r) || r < 0 || r >= n) fail(`batch[${i}]`, `a row index in [0, ${n})`, r);
      Xb.set(X.subarray(r * d0, (r + 1) * d0), i * d0);
      Yb.set(Y.subarray(r * dL, (r + 1) * dL), i * dL);
    }
    net.inputsChanged();
  }

  function forwardBackward(batch: ArrayLike<number> | undefined): number {
    takeBatch(batch);
    const zL = net.forward(W);
    let loss = 0;
    if (!crossEntropy) {
      for (let i = 0; i < zL.length; i++) {
        const r = zL[i] - Yb[i];
        loss += r * r;
        dOut[i] = r / m;
      }
      loss /= 2;
    } else {
      // Per sample: −Σ_k y_k log p_k with p = softmax(z) (shifted by max z); ∂/∂z = p·Σ_k y_k − y.
      for (let i = 0; i < m; i++) {
        const o = i * dL;
        let zMax = -Infinity;
        for (let k = 0; k < dL; k++) zMax = Math.max(zMax, zL[o + k]);
        let sum = 0;
        for (let k = 0; k < dL; k++) sum += Math.exp(zL[o + k] - zMax);
        const logSum = Math.log(sum);
        let ySum = 0;
        for (let k = 0; k < dL; k++) {
          const logP = zL[o + k] - zMax - logSum;
          loss -= Yb[o + k] * logP;
          ySum += Yb[o + k];
        }
        for (let k = 0; k < dL; k++) dOut[o + k] = (Math.exp(zL[o + k] - zMax - logSum) * ySum - Yb[o + k]) / m;
      }
    }
    net.backward(W, dOut, dW);
    return loss / m;
  }

  return {
    dims: dims.slice(),
    weights: W,
    gradients(batch) {
      return { loss: forwardBackward(batch), grads: dW };
    },
    step(lr, batch) {
      requirePositive('lr', lr);
      const loss = forwardBackward(batch);
      if (!Number.isFinite(loss)) throw new SaddlelabError(`[saddlelab] loss is not finite (${loss}); the weights were not updated`, 'loss');
      for (let l = 0; l < L; l++) {
        const w = W[l];
        const d = dW[l];
        for (let i = 0; i < w.length; i++) w[i] -= lr * d[i];
      }
      return loss;
    },
  };
}
