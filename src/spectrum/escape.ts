/**
 * The escape solver (docs/paper.md, "Escape directions"): the optimal escape
 * direction minimizes `L0` on the sphere `‖θ‖² = Σ_ℓ ‖W_ℓ‖²_F = L`. We run
 * projected (Riemannian) gradient descent on that sphere from many seeded
 * random starts, in float64. At a critical point `∇L0(ρ) = −sρ` and, by
 * Euler's identity for the L-homogeneous `L0`, `s = −L0(ρ)`.
 *
 * Sign of G: `L0` is odd in the last layer (W_L → −W_L flips Yθ), so G and −G
 * have the same optimal speed with mirrored directions; `s > 0` whenever some
 * network output correlates with G at all.
 */
import { Matrix } from 'ml-matrix';
import { fail, requireKnownKeys, requireNonNegativeInt, requireObject, requirePositive, requirePositiveInt } from '../errors';
import { createRng } from '../data/random';
import { checkActivation, checkProblem, createLocalized64, failWith, lossOptions, toMatrix, type Activation, type Localized64, type LocalizedLossOptions, type NestedWeights } from './localized';
import { singularValues } from './svd';

export interface EscapeOptions {
  /** Number of weight matrices L (default 3). */
  depth?: number;
  /** Hidden width, one number for every hidden layer or one per hidden layer (L − 1 entries; default 10). */
  width?: number | number[];
  /** Random starts (default 20). */
  starts?: number;
  /** Seed of the starts (default 0). */
  seed?: number;
  /** Most gradient steps per start (default 3000). */
  steps?: number;
  /** Step size, in units of the sphere's radius per unit gradient of G with ‖G‖_F = 1 (default 0.5). */
  stepSize?: number;
  /** Two speeds within this (absolute) count as the same optimum in `reachedBest` (default 1e-3). */
  tolerance?: number;
  /** 'relu' (default) or 'linear'. */
  activation?: Activation;
  /** Also return every start's per-layer singular values (`startSpectra`; default false: one SVD per layer per start). */
  spectraPerStart?: boolean;
  /**
   * Starting directions used as the first starts (each scaled onto the sphere), before the random ones;
   * at most `starts`. At large depth random starts sit where L0 is flat (speed ≈ 0, see `deepen`), so a
   * deep solve starts from a shallower optimum made deeper.
   */
  init?: NestedWeights[];
}

const ESCAPE_KEYS = ['depth', 'width', 'starts', 'seed', 'steps', 'stepSize', 'tolerance', 'activation', 'spectraPerStart', 'init'] as const;
const DEFAULTS = { depth: 3, width: 10, starts: 20, seed: 0, steps: 3000, stepSize: 0.5, tolerance: 1e-3, activation: 'relu' as Activation, spectraPerStart: false };

/** One start's outcome. */
export interface EscapeStart {
  speed: number;
  residual: number;
  steps: number;
  direction: Matrix[];
}

/**
 * The solver's answer: the best escape found.
 */
export interface EscapeResult {
  /** Escape speed `s = −L0(ρ)` of the best direction. */
  speed: number;
  /** The best direction ρ, `‖ρ‖² = L`, as `direction[ℓ][i][j]` (`d_ℓ × d_{ℓ−1}`). */
  direction: NestedWeights;
  /** Singular values of each layer of ρ, descending. */
  layerSingularValues: number[][];
  /** `‖∇L0(ρ) + sρ‖` (0 at an exact critical point). */
  residual: number;
  /** Speed reached by each start, in start order. */
  starts: number[];
  /** How many starts came within `tolerance` of the best speed. */
  reachedBest: number;
  /** With `spectraPerStart`: `startSpectra[start][ℓ]` = singular values of layer ℓ of that start's direction. */
  startSpectra?: number[][][];
  /** The options used, defaults filled in (`init`: how many starting directions were given). */
  options: Required<Omit<EscapeOptions, 'width' | 'init'>> & { widths: number[]; init: number };
}

/**
 * Optimal escape direction of `L0(θ) = Tr[Gᵀ Yθ]` on `‖θ‖² = L`, from many
 * seeded random starts. `X`: N rows of `d_in`; `G`: N rows of `d_out`
 * (for MSE, `G = −Y* / N`).
 *
 * @example
 * ```ts
 * import { spectrum, data } from 'saddlelab';
 * const toy = data.circleToy();
 * const r = spectrum.escape(toy.X, toy.G, { depth: 3, width: 4, starts: 10, seed: 0 });
 * console.log(r.speed.toFixed(4), r.reachedBest, r.layerSingularValues[0]);
 * ```
 */
export function escape(X: number[][], G: number[][], options: EscapeOptions = {}): EscapeResult {
  requireObject('escape options', options);
  requireKnownKeys('escape', options, ESCAPE_KEYS);
  const o = { ...DEFAULTS, ...options };
  requirePositiveInt('depth', o.depth);
  requirePositiveInt('starts', o.starts);
  requireNonNegativeInt('seed', o.seed);
  requirePositiveInt('steps', o.steps);
  requirePositive('stepSize', o.stepSize);
  requirePositive('tolerance', o.tolerance);
  if (typeof o.spectraPerStart !== 'boolean') fail('spectraPerStart', 'true or false', o.spectraPerStart);
  checkActivation(o.activation);
  const widths = Array.isArray(o.width) ? o.width : new Array<number>(o.depth - 1).fill(o.width);
  if (Array.isArray(o.width) && o.width.length !== o.depth - 1) fail('width', `a number or an array of depth − 1 = ${o.depth - 1} widths`, o.width);
  widths.forEach((w, i) => requirePositiveInt(Array.isArray(o.width) ? `width[${i}]` : 'width', w));
  const Xm = toMatrix('X', X);
  const Gm = toMatrix('G', G);
  if (Gm.rows !== Xm.rows) failWith('G', `${Xm.rows} rows (one per row of X)`, `${Gm.rows} rows`);
  const gNorm = Gm.norm();
  if (gNorm === 0) fail('G', 'a matrix with a non-zero entry (G = 0 has no escape direction)', 'all zeros');

  const dims = [Xm.columns, ...widths, Gm.columns];
  const init = o.init ?? [];
  if (!Array.isArray(init) || init.length > o.starts) fail('init', `an array of at most starts = ${o.starts} directions (number[][][])`, init);
  const initW = init.map((w, k) => {
    if (!Array.isArray(w) || w.length !== o.depth) fail(`init[${k}]`, `a direction with depth = ${o.depth} matrices`, w);
    return w.map((m, l) => {
      const M = toMatrix(`init[${k}][${l}]`, m);
      if (M.rows !== dims[l + 1] || M.columns !== dims[l]) failWith(`init[${k}][${l}]`, `a ${dims[l + 1]} × ${dims[l]} matrix (the layer's shape)`, `${M.rows} × ${M.columns}`);
      return M;
    });
  });
  const rng = createRng(o.seed);
  const f = createLocalized64(dims, Xm, Gm, o.activation);
  const results: EscapeStart[] = [];
  for (let s = 0; s < o.starts; s++) {
    const W = s < initW.length ? initW[s] : dims.slice(1).map((d, l) => {
      const m = new Matrix(d, dims[l]);
      for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.columns; j++) m.set(i, j, rng.normal());
      return m;
    });
    results.push(descend(W, f, o.steps, o.stepSize / gNorm, gNorm));
  }
  let best = 0;
  results.forEach((r, i) => {
    if (r.speed > results[best].speed) best = i;
  });
  const b = results[best];
  const reachedBest = results.filter((r) => r.speed >= b.speed - o.tolerance).length;
  const spectra = (W: Matrix[]) => W.map((w) => Array.from(singularValues(Float64Array.from(w.to1DArray()), w.rows, w.columns)));
  return {
    speed: b.speed,
    direction: b.direction.map((w) => w.to2DArray()),
    layerSingularValues: spectra(b.direction),
    residual: b.residual,
    starts: results.map((r) => r.speed),
    reachedBest,
    ...(o.spectraPerStart ? { startSpectra: results.map((r) => spectra(r.direction)) } : {}),
    options: { depth: o.depth, widths, starts: o.starts, seed: o.seed, steps: o.steps, stepSize: o.stepSize, tolerance: o.tolerance, activation: o.activation, spectraPerStart: o.spectraPerStart, init: initW.length },
  };
}

/**
 * Speed `s = −L0(ρ)` and residual `‖∇L0(ρ) + sρ‖` of a candidate direction,
 * after scaling it onto `‖ρ‖² = L`: how far it is from being an escape
 * direction (0 exactly at one). At ReLU kinks the gradient depends on
 * `reluGradAtZero` (see `localizedLossGradient`).
 *
 * @example
 * ```ts
 * import { spectrum, data } from 'saddlelab';
 * const toy = data.circleToy();
 * const r = spectrum.escapeResidual(data.circleRank2Direction(), toy.X, toy.G, { reluGradAtZero: Math.SQRT2 / 4 });
 * console.log(r.speed, Math.abs(r.residual) < 1e-12); // 0.5 true
 * ```
 */
export function escapeResidual(weights: NestedWeights, X: number[][], G: number[][], options: LocalizedLossOptions = {}): { speed: number; residual: number } {
  const o = lossOptions(options);
  const p = checkProblem(weights, X, G);
  const W = p.W.map((w) => Float64Array.from(w.to1DArray()));
  scaleTo(W, W.length);
  const grad = W.map((w) => new Float64Array(w.length));
  const value = createLocalized64([p.X.columns, ...p.W.map((w) => w.rows)], p.X, p.G, o.activation, o.reluGradAtZero).lossAndGradient(W, grad);
  return { speed: -value, residual: residualOf(W, grad, -value) };
}

function dotAll(a: Float64Array[], b: Float64Array[]): number {
  let t = 0;
  for (let l = 0; l < a.length; l++) {
    const A = a[l], B = b[l];
    for (let i = 0; i < A.length; i++) t += A[i] * B[i];
  }
  return t;
}

function scaleTo(W: Float64Array[], L: number): void {
  const n2 = dotAll(W, W);
  if (n2 === 0) fail('weights', 'a non-zero point (θ = 0 has no direction)', 'all zeros');
  const f = Math.sqrt(L / n2);
  for (const w of W) for (let i = 0; i < w.length; i++) w[i] *= f;
}

function residualOf(W: Float64Array[], grad: Float64Array[], speed: number): number {
  let t = 0;
  for (let l = 0; l < W.length; l++) {
    const A = W[l], D = grad[l];
    for (let i = 0; i < A.length; i++) {
      const r = D[i] + speed * A[i];
      t += r * r;
    }
  }
  return Math.sqrt(t);
}

/**
 * Riemannian gradient descent on the sphere: step along the tangent part of
 * −∇L0, then retract by rescaling. The step is fixed, not backtracked: L0 is
 * only piecewise smooth (ReLU kinks), and a monotone line search stalls on the
 * first kink it meets, far from any critical point. In the last quarter the
 * step decays geometrically to 1e-6·η, so a descent that chatters across a
 * kink (the optima of Example 1 sit on kinks) settles onto it; the best
 * iterate seen is kept.
 * It stops early when the tangent gradient is below 1e-10·‖G‖.
 */
function descend(W0: Matrix[], f: Localized64, steps: number, step: number, gScale: number): EscapeStart {
  const L = W0.length;
  const W = W0.map((w) => Float64Array.from(w.to1DArray()));
  const grad = W.map((w) => new Float64Array(w.length));
  const tangent = W.map((w) => new Float64Array(w.length));
  scaleTo(W, L);
  let value = f.lossAndGradient(W, grad);
  const best = { W: W.map((w) => w.slice()), grad: grad.map((d) => d.slice()), value };
  let k = 0;
  for (; k < steps; k++) {
    const radial = dotAll(grad, W) / L;
    for (let l = 0; l < L; l++) for (let i = 0; i < W[l].length; i++) tangent[l][i] = grad[l][i] - W[l][i] * radial;
    const tNorm = Math.sqrt(dotAll(tangent, tangent));
    if (tNorm < 1e-10 * gScale) break;
    const eta = k < 0.75 * steps ? step : step * Math.pow(10, -24 * (k / steps - 0.75)); // down to 1e-6·step
    for (let l = 0; l < L; l++) for (let i = 0; i < W[l].length; i++) W[l][i] -= tangent[l][i] * eta;
    scaleTo(W, L);
    value = f.lossAndGradient(W, grad);
    if (value < best.value) {
      W.forEach((w, l) => best.W[l].set(w));
      grad.forEach((d, l) => best.grad[l].set(d));
      best.value = value;
    }
  }
  const speed = -best.value;
  const direction = best.W.map((w, l) => Matrix.from1DArray(W0[l].rows, W0[l].columns, w));
  return { speed, residual: residualOf(best.W, best.grad, speed), steps: k, direction };
}
