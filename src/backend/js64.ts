/**
 * A float64 pure-JS engine for the tiny networks of the paper's toy and teacher
 * experiments. There a tfjs step is a few dozen
 * kernel launches on matrices of a few thousand entries, and per-launch
 * overhead dominates; one fused forward + backward + update pass over
 * preallocated Float64Arrays does the same maths without it. float64 also
 * keeps very small initializations away from float32 underflow.
 *
 * Only full-batch GD on the bias-free MLP of docs/paper.md ("Setup"):
 * `Z_ℓ = W_ℓ σ(Z_{ℓ−1})` (rows are samples here: `Z_ℓ = σ(Z_{ℓ−1}) W_ℓᵀ`),
 * linear output, `C = ‖Z_L − Y‖²/(2N)`. Cost grows like n·Σ d_ℓ d_{ℓ−1}: use it
 * below about 10⁵ multiply-adds per sample pass (C1 yes, C2 no; see `npm run bench`).
 */
import { SaddlelabError, fail, requirePositive, requirePositiveInt, requireOneOf } from '../errors';
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
  activation?: 'relu' | 'linear';
}

/** A bias-free MLP with its data, trained in float64 by full-batch GD. */
export interface Js64Mlp {
  readonly dims: readonly number[];
  /** The current weights (live views; copy to keep). */
  readonly weights: readonly Float64Array[];
  /** Loss and gradients at the current weights, without updating (gradients are live views). */
  gradients(): { loss: number; grads: readonly Float64Array[] };
  /** One GD step `W ← W − lr ∇C`; returns the loss before the update (as train's trainer does). */
  step(lr: number): number;
}

/**
 * Creates the float64 engine for one network and data set.
 *
 * @example
 * ```ts
 * import { backend } from 'saddlelab';
 * const net = backend.createJs64Mlp({ dims: [2, 3, 1], weights: [[1, 0, 0, 1, 1, -1], [1, 1, 1]], x: [1, 2, -1, 0.5], y: [1, 0], n: 2 });
 * for (let t = 0; t < 100; t++) net.step(0.05);
 * console.log(net.gradients().loss); // close to 0
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
  // dOut = ∂C/∂Z_L, dW[l-1] = ∂C/∂W_l.
  const net = createBackprop64(dims, X, n, relu);
  const dOut = new Float64Array(n * dims[L]);
  const dW = W.map((w) => new Float64Array(w.length));

  function forwardBackward(): number {
    const zL = net.forward(W);
    let loss = 0;
    for (let i = 0; i < zL.length; i++) {
      const r = zL[i] - Y[i];
      loss += r * r;
      dOut[i] = r / n;
    }
    net.backward(W, dOut, dW);
    return loss / (2 * n);
  }

  return {
    dims: dims.slice(),
    weights: W,
    gradients() {
      return { loss: forwardBackward(), grads: dW };
    },
    step(lr) {
      requirePositive('lr', lr);
      const loss = forwardBackward();
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
