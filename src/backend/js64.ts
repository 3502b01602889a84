/**
 * A float64 pure-JS engine for the tiny networks of the paper's toy and teacher
 * experiments (issue 6, "Small networks"). There a tfjs step is a few dozen
 * kernel launches on matrices of a few thousand entries, and per-launch
 * overhead dominates; one fused forward + backward + update pass over
 * preallocated Float64Arrays does the same maths without it. float64 also
 * keeps very small initializations away from float32 underflow.
 *
 * Only full-batch GD on the bias-free MLP of PAPER.md ("Setup"):
 * `Z_ℓ = W_ℓ σ(Z_{ℓ−1})` (rows are samples here: `Z_ℓ = σ(Z_{ℓ−1}) W_ℓᵀ`),
 * linear output, `C = ‖Z_L − Y‖²/(2N)`. Cost grows like n·Σ d_ℓ d_{ℓ−1}: use it
 * below about 10⁵ multiply-adds per sample pass (C1 yes, C2 no; see `npm run bench`).
 */
import { SaddlelabError, fail, requirePositive, requirePositiveInt, requireOneOf } from '../errors';
import { abt, transpose } from './dense64';

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
  // Z[l] (l = 1..L) pre-activations, A[l] = σ(Z[l]) (A[0] = X), G[l] = ∂C/∂Z[l], dW[l-1] = ∂C/∂W_l.
  const Z = dims.map((d) => new Float64Array(n * d));
  const A = dims.map((d, l) => (l === 0 ? X : relu && l < L ? new Float64Array(n * d) : Z[l]));
  const G = dims.map((d) => new Float64Array(n * d));
  const dW = W.map((w) => new Float64Array(w.length));

  // Scratch for the transposes the three products need (see abt): Aᵀ, Gᵀ and Wᵀ per layer
  // (Xᵀ once: the data do not change).
  const AT = dims.map((d) => new Float64Array(n * d));
  const GT = dims.map((d) => new Float64Array(n * d));
  const WT = W.map((w) => new Float64Array(w.length));
  transpose(X, AT[0], n, dims[0]);

  function forwardBackward(): number {
    for (let l = 1; l <= L; l++) {
      abt(A[l - 1], W[l - 1], Z[l], n, dims[l], dims[l - 1]);
      if (relu && l < L) {
        const z = Z[l];
        const h = A[l];
        for (let i = 0; i < z.length; i++) h[i] = z[i] > 0 ? z[i] : 0;
      }
    }
    let loss = 0;
    const zL = Z[L];
    const gL = G[L];
    for (let i = 0; i < zL.length; i++) {
      const r = zL[i] - Y[i];
      loss += r * r;
      gL[i] = r / n;
    }
    for (let l = L; l >= 1; l--) {
      const din = dims[l - 1];
      const dout = dims[l];
      // dW_ℓ = G_ℓᵀ A_{ℓ−1} = Gᵀ · (Aᵀ)ᵀ, summed over the n samples.
      transpose(G[l], GT[l], n, dout);
      if (l > 1) transpose(A[l - 1], AT[l - 1], n, din);
      abt(GT[l], AT[l - 1], dW[l - 1], dout, din, n);
      if (l > 1) {
        // G_{ℓ−1} = (G_ℓ W_ℓ) ⊙ σ'(Z_{ℓ−1}).
        transpose(W[l - 1], WT[l - 1], dout, din);
        const gPrev = G[l - 1];
        abt(G[l], WT[l - 1], gPrev, n, din, dout);
        if (relu) {
          const zPrev = Z[l - 1];
          for (let i = 0; i < gPrev.length; i++) if (!(zPrev[i] > 0)) gPrev[i] = 0;
        }
      }
    }
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
