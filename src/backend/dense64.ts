/**
 * Dense float64 kernels and backpropagation on row-major Float64Arrays, shared
 * by the float64 training engine (js64.ts) and the escape solver's evaluator
 * (src/spectrum/localized.ts).
 */

/**
 * `c = a·bᵀ` for row-major `a` (m×q) and `b` (p×q), so `c` is m×p. Blocks of 2×2
 * outputs keep four sums in registers: about 3× the plain dot-product loop in V8.
 */
export function abt(a: Float64Array, b: Float64Array, c: Float64Array, m: number, p: number, q: number): void {
  const m2 = m - (m % 2);
  const p2 = p - (p % 2);
  for (let i = 0; i < m2; i += 2) {
    const a0 = i * q;
    const a1 = a0 + q;
    const c0 = i * p;
    const c1 = c0 + p;
    for (let j = 0; j < p2; j += 2) {
      const b0 = j * q;
      const b1 = b0 + q;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let k = 0; k < q; k++) {
        const x0 = a[a0 + k];
        const x1 = a[a1 + k];
        const y0 = b[b0 + k];
        const y1 = b[b1 + k];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      c[c0 + j] = s00;
      c[c0 + j + 1] = s01;
      c[c1 + j] = s10;
      c[c1 + j + 1] = s11;
    }
    if (p2 < p) {
      const b0 = p2 * q;
      let s0 = 0;
      let s1 = 0;
      for (let k = 0; k < q; k++) {
        s0 += a[a0 + k] * b[b0 + k];
        s1 += a[a1 + k] * b[b0 + k];
      }
      c[c0 + p2] = s0;
      c[c1 + p2] = s1;
    }
  }
  if (m2 < m) {
    const a0 = m2 * q;
    const c0 = m2 * p;
    for (let j = 0; j < p; j++) {
      const b0 = j * q;
      let s = 0;
      for (let k = 0; k < q; k++) s += a[a0 + k] * b[b0 + k];
      c[c0 + j] = s;
    }
  }
}

/** `t = sᵀ` for row-major `s` (rows×cols). */
export function transpose(s: Float64Array, t: Float64Array, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = s[i * cols + j];
}

/** Forward and backward passes of a bias-free MLP on fixed inputs, in float64 (rows are samples). */
export interface Backprop64 {
  /** `Z_ℓ = σ(Z_{ℓ−1}) W_ℓᵀ` for ℓ = 1..L (`Z_0 = X`); returns `Z_L` (n × d_L; overwritten by the next call). */
  forward(W: Float64Array[]): Float64Array;
  /** From `dOut` = ∂f/∂Z_L (n × d_L), writes ∂f/∂W_ℓ into `grad`, at the weights of the last `forward`. */
  backward(W: Float64Array[], dOut: Float64Array, grad: Float64Array[]): void;
  /** To call after the contents of `x` change (a new mini-batch): refreshes what is kept of them. */
  inputsChanged(): void;
}

/**
 * Backpropagation on preallocated arrays through {@link abt}, shared by the float64
 * training engine (js64.ts, f = the MSE) and the escape solver (f = L0, src/spectrum).
 * At a ReLU kink (`Z = 0`) relu' is `reluGradAtZero`. The sums run in the order of
 * ml-matrix's products, which the escape solver used before.
 */
export function createBackprop64(dims: number[], x: Float64Array, n: number, relu: boolean, reluGradAtZero = 0): Backprop64 {
  const L = dims.length - 1;
  // Z[l] pre-activations, A[l] = σ(Z[l]) (A[0] = X, A[L] = Z[L]), D[l] = ∂f/∂Z[l] (l < L), and the
  // transposes the products need (Xᵀ once: the inputs do not change).
  const Z = dims.map((d) => new Float64Array(n * d));
  const A = dims.map((d, l) => (l === 0 ? x : relu && l < L ? new Float64Array(n * d) : Z[l]));
  const D = dims.map((d) => new Float64Array(n * d));
  const AT = dims.map((d) => new Float64Array(n * d));
  const DT = dims.map((d) => new Float64Array(n * d));
  const WT = dims.slice(1).map((d, l) => new Float64Array(d * dims[l]));
  transpose(x, AT[0], n, dims[0]);
  return {
    inputsChanged() {
      transpose(x, AT[0], n, dims[0]);
    },
    forward(W) {
      for (let l = 1; l <= L; l++) {
        abt(A[l - 1], W[l - 1], Z[l], n, dims[l], dims[l - 1]);
        if (A[l] !== Z[l]) {
          const z = Z[l];
          const a = A[l];
          for (let i = 0; i < z.length; i++) a[i] = z[i] < 0 ? 0 : z[i];
        }
      }
      return Z[L];
    },
    backward(W, dOut, grad) {
      let dz = dOut;
      for (let l = L; l >= 1; l--) {
        const din = dims[l - 1];
        const dout = dims[l];
        // ∂f/∂W_ℓ = D_ℓᵀ A_{ℓ−1}, summed over the n samples.
        transpose(dz, DT[l], n, dout);
        if (l > 1) transpose(A[l - 1], AT[l - 1], n, din);
        abt(DT[l], AT[l - 1], grad[l - 1], dout, din, n);
        if (l > 1) {
          // D_{ℓ−1} = (D_ℓ W_ℓ) ⊙ σ'(Z_{ℓ−1}).
          transpose(W[l - 1], WT[l - 1], dout, din);
          const d = D[l - 1];
          abt(dz, WT[l - 1], d, n, din, dout);
          if (relu) {
            const z = Z[l - 1];
            for (let i = 0; i < d.length; i++) {
              if (z[i] < 0) d[i] = 0;
              else if (z[i] === 0) d[i] = reluGradAtZero * d[i];
            }
          }
          dz = d;
        }
      }
    },
  };
}
