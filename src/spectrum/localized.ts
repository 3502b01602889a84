/**
 * The localized loss `L0(θ) = Tr[Gᵀ Yθ]` of a bias-free MLP and its gradient,
 * in float64 (docs/paper.md, "Setup"). Near θ = 0 the training loss is
 * `C(0) + L0(θ)` to leading order, so the first escape is governed by L0.
 *
 * Layout: the paper writes inputs as columns (`X` is `d_in × N`); here `X` is
 * given as N rows of `d_in` numbers (the same as `Dataset.x`), `G` as N rows of
 * `d_out`, and `W_ℓ` as `d_ℓ × d_{ℓ−1}` (rows = outputs), so row-wise
 * `Z_ℓ = Z_{ℓ−1}σ W_ℓᵀ`, `Z_0σ = X`, `Zσ = relu(Z)` on hidden layers, `Y = Z_L`.
 */
import { Matrix } from 'ml-matrix';
import type { Activation } from '../backend/activation';
import { createBackprop64 } from '../backend/dense64';
import { SaddlelabError, fail, requireKnownKeys, requireObject } from '../errors';

export type { Activation };

/** Nested weights as JSON has them: `weights[ℓ][i][j]`, each `d_ℓ × d_{ℓ−1}`. */
export type NestedWeights = number[][][];

/** Like `fail`, but `got` is already a description (printed as is, not quoted). */
export function failWith(field: string, accepted: string, got: string): never {
  throw new SaddlelabError(`[saddlelab] ${field} must be ${accepted}; got ${got}`, field);
}

/** Converts `number[][]` to an ml-matrix `Matrix`, validating shape and finiteness. */
export function toMatrix(field: string, rows: unknown, cols?: number): Matrix {
  if (!Array.isArray(rows) || rows.length === 0) fail(field, 'a non-empty array of rows (number[][])', rows);
  const width = cols ?? (Array.isArray(rows[0]) ? rows[0].length : 0);
  if (!(width > 0)) fail(`${field}[0]`, 'a non-empty array of numbers', rows[0]);
  const M = new Matrix(rows.length, width);
  rows.forEach((row: unknown, i: number) => {
    if (!Array.isArray(row) || row.length !== width) fail(`${field}[${i}]`, `an array of ${width} numbers`, row);
    row.forEach((v: unknown, j: number) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${field}[${i}][${j}]`, 'a finite number', v);
      M.set(i, j, v);
    });
  });
  return M;
}

/** Validates weights against X and G and returns them as matrices. */
export function checkProblem(weights: unknown, X: unknown, G: unknown): { W: Matrix[]; X: Matrix; G: Matrix } {
  const Xm = toMatrix('X', X);
  const Gm = toMatrix('G', G);
  if (Gm.rows !== Xm.rows) failWith('G', `${Xm.rows} rows (one per row of X)`, `${Gm.rows} rows`);
  if (!Array.isArray(weights) || weights.length === 0) fail('weights', 'a non-empty array of matrices (number[][][])', weights);
  const W = weights.map((w, l) => toMatrix(`weights[${l}]`, w));
  let dPrev = Xm.columns;
  W.forEach((w, l) => {
    if (w.columns !== dPrev) failWith(`weights[${l}]`, `${dPrev} columns (the width of the previous layer)`, `${w.columns} columns`);
    dPrev = w.rows;
  });
  if (dPrev !== Gm.columns) failWith(`weights[${W.length - 1}]`, `${Gm.columns} rows (the columns of G)`, `${dPrev} rows`);
  return { W, X: Xm, G: Gm };
}

/** Forward pass: pre-activations `Z_1..Z_L` (N × d_ℓ). */
export function forward(W: Matrix[], X: Matrix, activation: Activation): Matrix[] {
  const Z: Matrix[] = [];
  let A = X;
  W.forEach((w, l) => {
    const z = A.mmul(w.transpose());
    Z.push(z);
    A = l < W.length - 1 && activation === 'relu' ? relu(z) : z;
  });
  return Z;
}

function relu(z: Matrix): Matrix {
  const a = z.clone();
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.columns; j++) if (a.get(i, j) < 0) a.set(i, j, 0);
  return a;
}

/** `L0` and `∇L0` for fixed `X`, `G` and layer sizes, in float64 on preallocated arrays. */
export interface Localized64 {
  /** `L0` at `W` (row-major `d_ℓ × d_{ℓ−1}` each); writes `∇L0` into `grad` (same shapes). */
  lossAndGradient(W: Float64Array[], grad: Float64Array[]): number;
}

/**
 * The evaluator behind the escape solver's inner loop (and `localizedLossGradient`):
 * exact backpropagation of `L0` (∂L0/∂Y = G) on preallocated arrays, with no
 * allocation per call (src/backend/dense64.ts). Its sums run in the same order as
 * ml-matrix's products, so it gives the same numbers. At a ReLU kink (`Z = 0`)
 * relu' is `reluGradAtZero`.
 */
export function createLocalized64(dims: number[], X: Matrix, G: Matrix, activation: Activation, reluGradAtZero = 0): Localized64 {
  const net = createBackprop64(dims, Float64Array.from(X.to1DArray()), X.rows, activation === 'relu', reluGradAtZero);
  const g = Float64Array.from(G.to1DArray());
  return {
    lossAndGradient(W, grad) {
      const y = net.forward(W);
      let value = 0;
      for (let i = 0; i < y.length; i++) value += g[i] * y[i];
      net.backward(W, g, grad);
      return value;
    },
  };
}

/** `L0` and `∇L0` at matrices `W` (one call; the solver keeps a {@link Localized64} instead). */
export function localizedLossAndGradient(
  W: Matrix[],
  X: Matrix,
  G: Matrix,
  activation: Activation,
  reluGradAtZero = 0,
): { value: number; gradient: Matrix[] } {
  const dims = [X.columns, ...W.map((w) => w.rows)];
  const grad = W.map((w) => new Float64Array(w.rows * w.columns));
  const value = createLocalized64(dims, X, G, activation, reluGradAtZero).lossAndGradient(
    W.map((w) => Float64Array.from(w.to1DArray())),
    grad,
  );
  return { value, gradient: grad.map((d, l) => Matrix.from1DArray(W[l].rows, W[l].columns, d)) };
}

/** Options of `localizedLoss` and `localizedLossGradient`. */
export interface LocalizedLossOptions {
  /** 'relu' (default) or 'linear'. */
  activation?: Activation;
  /**
   * relu'(0) used where a hidden pre-activation is exactly 0 (default 0, as tfjs).
   * L0 is not differentiable there; any value in [0, 1] gives an element of
   * the Clarke subdifferential.
   */
  reluGradAtZero?: number;
}

/** Validates and fills in `LocalizedLossOptions`. */
export function lossOptions(options: unknown): Required<LocalizedLossOptions> {
  const o = requireObject('options', options);
  requireKnownKeys('options', o, ['activation', 'reluGradAtZero']);
  const activation = o.activation ?? 'relu';
  checkActivation(activation);
  const t = o.reluGradAtZero ?? 0;
  if (typeof t !== 'number' || !(t >= 0 && t <= 1)) fail('reluGradAtZero', 'a number in [0, 1]', t);
  return { activation, reluGradAtZero: t };
}

/**
 * The localized loss `L0(θ) = Tr[Gᵀ Yθ] = Σ_{n,k} G[n][k]·Yθ[n][k]`.
 * For the MSE `C = ‖Y − Y*‖²/(2N)`, `G = ∇C(0) = −Y* / N`.
 *
 * @example
 * ```ts
 * import { spectrum } from 'saddlelab';
 * const X = [[1, 0], [0, 1]], G = [[-1], [1]];
 * console.log(spectrum.localizedLoss([[[1, 0]], [[1]]], X, G)); // -1 (the net outputs x1)
 * ```
 */
export function localizedLoss(weights: NestedWeights, X: number[][], G: number[][], options: LocalizedLossOptions = {}): number {
  const o = lossOptions(options);
  const p = checkProblem(weights, X, G);
  return localizedLossAndGradient(p.W, p.X, p.G, o.activation).value;
}

/**
 * `L0` and its gradient `∂L0/∂W_ℓ` (same shapes as the weights), exact
 * backpropagation in float64. At a ReLU kink (`Z = 0`) relu' is `reluGradAtZero`.
 *
 * @example
 * ```ts
 * import { spectrum } from 'saddlelab';
 * const { value, gradient } = spectrum.localizedLossGradient([[[1, 0]], [[2]]], [[1, 0]], [[-1]]);
 * console.log(value, gradient[0]); // -2 [ [ -2, 0 ] ]
 * ```
 */
export function localizedLossGradient(
  weights: NestedWeights,
  X: number[][],
  G: number[][],
  options: LocalizedLossOptions = {},
): { value: number; gradient: NestedWeights } {
  const o = lossOptions(options);
  const p = checkProblem(weights, X, G);
  const r = localizedLossAndGradient(p.W, p.X, p.G, o.activation, o.reluGradAtZero);
  return { value: r.value, gradient: r.gradient.map((g) => g.to2DArray()) };
}

export function checkActivation(activation: unknown): asserts activation is Activation {
  if (activation !== 'relu' && activation !== 'linear') fail('activation', "one of 'relu', 'linear'", activation);
}
