/**
 * The loss curve as a sequence of straight pieces (docs/phases.md, "The curve it reads"): the
 * log-loss against the step, cut where a new line fits the points so much better than the old one
 * that noise cannot explain it. Each point is weighted by its noise (src/train/noise.ts), and a cut costs a
 * penalty in those units, so what counts as evidence is set by the run's own noise: on a flat
 * stretch of white noise a cut is not made, on a fall far larger than the noise it is.
 *
 * Optimal partitioning with the PELT pruning of Killick, Fearnhead & Eckley (2012): the partition
 * that minimises Σ (weighted residual sum of squares of each piece's least-squares line) + β per
 * piece, exactly, over cuts at bins whose width grows with the step (x/BINS steps, at least one
 * point), which keeps the work bounded for 2¹⁸ points; each cut is then moved to its best point
 * within the bins beside it, and the lines are fitted to every point. Neighbouring lines are then
 * joined into one continuous curve where the data allow it (`fitPieces`).
 */

/** Bins per unit of ln(step): a cut can fall anywhere within 1/BINS of the step. */
const BINS = 400;

export interface Piece {
  /** First and last point index (inclusive). */
  from: number;
  to: number;
  /** The line: value(x) = mean + slope·(x − xMean). */
  xMean: number;
  mean: number;
  slope: number;
  /** Σ w and the weighted Σ (x − xMean)² of its points: Var(mean) = 1/sw, Var(slope) = 1/sxx (0: one abscissa). */
  sw: number;
  sxx: number;
}

export interface PiecewiseFit {
  /** The least-squares line of each piece (their ends need not meet). */
  pieces: Piece[];
  /** 1 where the fit jumps between piece q and q + 1; elsewhere it is continuous there. */
  jump: Uint8Array;
  /** The fitted log-loss at each point: the continuous piecewise-linear fit, with the jumps the data demand. */
  value: Float64Array;
  /** Index of each point's piece. */
  pieceOf: Int32Array;
  /** The weighted least-squares line through points a..b (inclusive), as a piece. */
  lineOver(a: number, b: number): Piece;
}

/** The line's value at x, and its standard deviation there (in the units the weights give). */
export function lineAt(p: Piece, x: number): { value: number; sd: number } {
  const dx = x - p.xMean;
  return { value: p.mean + p.slope * dx, sd: Math.sqrt(1 / p.sw + (p.sxx > 0 ? (dx * dx) / p.sxx : 0)) };
}

/**
 * The optimal piecewise-linear fit of y against x with weights w (1/σ², 0 for a point to ignore)
 * and penalty `penalty` per piece (in units of χ²).
 *
 * @example
 * ```ts
 * import { fitPieces } from './changepoints';
 * const x = Float64Array.from({ length: 100 }, (_, i) => i);
 * const y = x.map((t) => (t < 50 ? 0 : -1));
 * console.log(fitPieces(x, y, new Float64Array(100).fill(1e4), 20).pieces.length); // 2
 * ```
 */
export function fitPieces(x: Float64Array, y: Float64Array, w: Float64Array, penalty: number): PiecewiseFit {
  const n = x.length;
  // Bins: the points a cut cannot separate.
  const starts: number[] = [];
  for (let i = 0; i < n; ) {
    starts.push(i);
    const end = x[i] + Math.max(0, x[i] / BINS);
    i++;
    while (i < n && x[i] < end) i++;
  }
  starts.push(n);
  const m = starts.length - 1;
  // Prefix sums over the points, in coordinates centred and scaled for precision.
  const x0 = x[0];
  const span = Math.max(1, x[n - 1] - x0);
  let ySum = 0;
  let wSum = 0;
  for (let i = 0; i < n; i++) {
    ySum += w[i] * y[i];
    wSum += w[i];
  }
  const y0 = wSum > 0 ? ySum / wSum : 0;
  const P = Array.from({ length: 6 }, () => new Float64Array(n + 1));
  for (let i = 0; i < n; i++) {
    const u = (x[i] - x0) / span;
    const v = y[i] - y0;
    const wi = w[i];
    const terms = [wi, wi * u, wi * u * u, wi * v, wi * u * v, wi * v * v];
    for (let s = 0; s < 6; s++) P[s][i + 1] = P[s][i] + terms[s];
  }
  /** The weighted least-squares line through points a..b−1. */
  const stats = (a: number, b: number) => {
    const s0 = P[0][b] - P[0][a];
    const s1 = P[1][b] - P[1][a];
    const s2 = P[2][b] - P[2][a];
    const t0 = P[3][b] - P[3][a];
    const t1 = P[4][b] - P[4][a];
    const u = P[5][b] - P[5][a];
    if (!(s0 > 0)) return { s0: 0, mx: 0, my: 0, sxx: 0, slope: 0, sse: 0 };
    const mx = s1 / s0;
    const my = t0 / s0;
    const sxx = s2 - s1 * mx;
    const sxy = t1 - s1 * my;
    const syy = u - t0 * my;
    // One abscissa (or all but rounding the same): a level, not a line.
    const line = sxx > 1e-14 * s0;
    const slope = line ? sxy / sxx : 0;
    return { s0, mx, my, sxx: line ? sxx : 0, slope, sse: Math.max(0, line ? syy - slope * sxy : syy) };
  };
  const pieceOver = (a: number, b: number): Piece => {
    const st = stats(a, b + 1);
    // Points that all carry no weight (spikes only) take the level of the first of them.
    return st.s0 > 0
      ? { from: a, to: b, xMean: x0 + st.mx * span, mean: st.my + y0, slope: st.slope / span, sw: st.s0, sxx: st.sxx * span * span }
      : { from: a, to: b, xMean: x[a], mean: y[a], slope: 0, sw: 1e-300, sxx: 0 };
  };
  // The residual of the line through bins i..j−1: stats' sse, without its object (the hot loop).
  const [P0, P1, P2, P3, P4, P5] = P;
  const cost = (i: number, j: number) => {
    const a = starts[i];
    const b = starts[j];
    const s0 = P0[b] - P0[a];
    if (!(s0 > 0)) return 0;
    const s1 = P1[b] - P1[a];
    const t0 = P3[b] - P3[a];
    const sxx = P2[b] - P2[a] - (s1 * s1) / s0;
    const syy = P5[b] - P5[a] - (t0 * t0) / s0;
    if (!(sxx > 1e-14 * s0)) return Math.max(0, syy);
    const sxy = P4[b] - P4[a] - (s1 * t0) / s0;
    return Math.max(0, syy - (sxy * sxy) / sxx);
  };
  // PELT: F[j] = min over kept i of F[i] + cost(i, j) + β; i is dropped for good once
  // F[i] + cost(i, j) > F[j], since a longer piece from i never costs less.
  const F = new Float64Array(m + 1);
  const from = new Int32Array(m + 1);
  F[0] = -penalty;
  let kept = new Int32Array(m + 1);
  let next = new Int32Array(m + 1);
  let count = 1;
  const c = new Float64Array(m + 1);
  for (let j = 1; j <= m; j++) {
    let best = Infinity;
    let arg = 0;
    for (let q = 0; q < count; q++) {
      const i = kept[q];
      c[q] = F[i] + cost(i, j);
      if (c[q] + penalty < best) {
        best = c[q] + penalty;
        arg = i;
      }
    }
    F[j] = best;
    from[j] = arg;
    let k = 0;
    for (let q = 0; q < count; q++) if (c[q] <= best) next[k++] = kept[q];
    next[k++] = j;
    [kept, next] = [next, kept];
    count = k;
  }
  const cuts: number[] = [];
  for (let j = m; j > 0; j = from[j]) cuts.push(j);
  cuts.push(0);
  cuts.reverse();
  // Each cut, moved to the best point within the two bins beside it: bins bound the work, not
  // where a cut may fall (a drop at step 131,072 is cut there, not at its bin's edge).
  const bounds = cuts.map((c) => starts[c]);
  for (let q = 1; q + 1 < bounds.length; q++) {
    const lo = Math.max(bounds[q - 1] + 1, starts[Math.max(0, cuts[q] - 1)]);
    const hi = Math.min(bounds[q + 1] - 1, starts[Math.min(m, cuts[q] + 1)]);
    let best = bounds[q];
    let bestCost = stats(bounds[q - 1], best).sse + stats(best, bounds[q + 1]).sse;
    for (let b = lo; b <= hi; b++) {
      const c = stats(bounds[q - 1], b).sse + stats(b, bounds[q + 1]).sse;
      if (c < bestCost) [best, bestCost] = [b, c];
    }
    bounds[q] = best;
  }
  // A cut that no longer pays for itself once its neighbours have moved (a drop inside a bin can
  // leave a piece of one or two points beside it) is removed.
  for (let q = 1; q + 1 < bounds.length; ) {
    if (stats(bounds[q - 1], bounds[q + 1]).sse <= stats(bounds[q - 1], bounds[q]).sse + stats(bounds[q], bounds[q + 1]).sse + penalty) bounds.splice(q, 1);
    else q++;
  }
  const pieces: Piece[] = [];
  const pieceOf = new Int32Array(n);
  for (let q = 0; q + 1 < bounds.length; q++) {
    const piece = pieceOver(bounds[q], bounds[q + 1] - 1);
    pieces.push(piece);
    pieceOf.fill(q, piece.from, piece.to + 1);
  }
  // Knots of the continuous fit. Lines fitted with free ends to a curve that bends overshoot at
  // their ends, so a fit made of them would jump up and down between pieces, and a jump reads as a
  // pace of one step. So neighbouring lines meet: at one knot where that costs less than a cut (a
  // discontinuity must pay for itself as a piece does); else through a ramp over a few points on
  // either side, where one fits within a cut's cost of the free lines (a sharp but resolved fall);
  // else they jump, from one step to the next (a drop within one step, as of a step function).
  const region = (a: number, b: number) => [0, 1, 2, 3, 4, 5].map((k) => P[k][b] - P[k][a]);
  const rampCost = (a0: number, i: number, j: number, b1: number, free: number) => ramp(region(a0, i + 1), region(i + 1, j), region(j, b1 + 1), P[5][b1 + 1] - P[5][a0], (x[i] - x0) / span, (x[j] - x0) / span) - free;
  const jump = new Uint8Array(Math.max(0, pieces.length - 1));
  const knots = [x[0]];
  const add = (k: number) => {
    if (k > knots[knots.length - 1]) knots.push(k);
  };
  for (let q = 0; q + 1 < pieces.length; q++) {
    const [A, B] = [pieces[q], pieces[q + 1]];
    const xa = x[A.to];
    const xb = x[B.from];
    // (A line through one or two points can meet anything: such a piece is joined by a ramp or a jump.)
    if (A.to - A.from >= 2 && B.to - B.from >= 2 && joinCost(A, B, (xa + xb) / 2) <= penalty) {
      add((xa + xb) / 2);
      continue;
    }
    const free = stats(A.from, A.to + 1).sse + stats(B.from, B.to + 1).sse;
    let best: [number, number] | null = null;
    let bestCost = penalty;
    for (let k = 1; k <= Math.max(A.to - A.from, B.to - B.from); k *= 2) {
      for (const [i, j] of [
        [A.to - k, B.from + k],
        [A.to - k, B.from],
        [A.to, B.from + k],
      ]) {
        if (i <= A.from || j >= B.to || x[i] <= knots[knots.length - 1]) continue;
        const c = rampCost(A.from, i, j, B.to, free);
        if (c < bestCost) [best, bestCost] = [[i, j], c];
      }
    }
    if (best) {
      add(x[best[0]]);
      add(x[best[1]]);
    } else {
      jump[q] = 1;
      add(xa);
      add(xb);
    }
  }
  if (x[n - 1] > knots[knots.length - 1]) knots.push(x[n - 1]);
  const value = linearSpline(x, y, w, knots);
  return { pieces, jump, value, pieceOf, lineOver: pieceOver };
}

/**
 * How much worse (in χ²) pieces A and B fit when their lines must meet at x = k: the residual of the
 * broken line c + s_A·(x − k) on A, c + s_B·(x − k) on B, less that of the two free lines, from
 * their weighted sums alone.
 */
function joinCost(A: Piece, B: Piece, k: number): number {
  const sums = (p: Piece) => {
    const d = p.xMean - k;
    return { s0: p.sw, su: p.sw * d, suu: p.sxx + p.sw * d * d, sy: p.sw * p.mean, suy: p.slope * p.sxx + p.sw * d * p.mean, free: p.sw * p.mean * p.mean + p.slope * p.slope * p.sxx };
  };
  const a = sums(A);
  const b = sums(B);
  if (!(a.suu > 0 && b.suu > 0)) return 0;
  const c = (a.sy + b.sy - (a.su * a.suy) / a.suu - (b.su * b.suy) / b.suu) / (a.s0 + b.s0 - (a.su * a.su) / a.suu - (b.su * b.su) / b.suu);
  const sa = (a.suy - a.su * c) / a.suu;
  const sb = (b.suy - b.su * c) / b.suu;
  return Math.max(0, a.free + b.free - (c * (a.sy + b.sy) + sa * a.suy + sb * b.suy));
}

/**
 * The residual (χ²) of the continuous fit over three regions: a line ending at knot k1, a ramp from
 * k1 to k2, a line starting at k2 (four parameters: the values at the knots and the two slopes),
 * from each region's weighted sums [Σw, Σwu, Σwu², Σwv, Σwuv, Σwv²] and Σwv² of all three.
 */
function ramp(r1: number[], r2: number[], r3: number[], svv: number, k1: number, k2: number): number {
  const D = k2 - k1;
  // Σ w·(u − k)ᵖ·vᵠ over a region, from its sums.
  const m = (r: number[], k: number) => ({ s0: r[0], s1: r[1] - k * r[0], s2: r[2] - 2 * k * r[1] + k * k * r[0], v0: r[3], v1: r[4] - k * r[3] });
  const a = m(r1, k1);
  const c = m(r3, k2);
  const e = m(r2, k1); // in the ramp, φ₂ = (u − k1)/D and φ₁ = 1 − φ₂
  const g22r = e.s2 / (D * D);
  const g12r = e.s1 / D - g22r;
  const g11r = e.s0 - 2 * (e.s1 / D) + g22r;
  const G = [
    [a.s0 + g11r, g12r, a.s1, 0],
    [g12r, c.s0 + g22r, 0, c.s1],
    [a.s1, 0, a.s2, 0],
    [0, c.s1, 0, c.s2],
  ];
  const rhs = [a.v0 + e.v0 - e.v1 / D, c.v0 + e.v1 / D, a.v1, c.v1];
  const theta = solve(G, rhs);
  return theta ? Math.max(0, svv - theta.reduce((t, v, i) => t + v * rhs[i], 0)) : Infinity;
}

/** Gaussian elimination with partial pivoting; null when the system is singular. */
function solve(G: number[][], b: number[]): number[] | null {
  const n = b.length;
  const A = G.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r][c]) > Math.abs(A[p][c])) p = r;
    if (!(Math.abs(A[p][c]) > 1e-300)) return null;
    [A[c], A[p]] = [A[p], A[c]];
    for (let r = c + 1; r < n; r++) {
      const f = A[r][c] / A[c][c];
      for (let k = c; k <= n; k++) A[r][k] -= f * A[c][k];
    }
  }
  const out = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let t = A[r][n];
    for (let k = r + 1; k < n; k++) t -= A[r][k] * out[k];
    out[r] = t / A[r][r];
  }
  return out;
}

/**
 * The weighted least-squares linear spline through (x, y) with the given knots (ascending, spanning
 * x), at each x: hat functions make the normal equations tridiagonal. A knot with no weighted point
 * beside it takes its neighbours' value (a faint pull between neighbours, 10⁻⁹ of the weights).
 */
function linearSpline(x: Float64Array, y: Float64Array, w: Float64Array, knots: number[]): Float64Array {
  const K = knots.length;
  const n = x.length;
  if (K < 2) {
    let sw = 0;
    let sy = 0;
    for (let i = 0; i < n; i++) {
      sw += w[i];
      sy += w[i] * y[i];
    }
    return new Float64Array(n).fill(sw > 0 ? sy / sw : y[0]);
  }
  const diag = new Float64Array(K);
  const off = new Float64Array(K - 1);
  const rhs = new Float64Array(K);
  const at = new Int32Array(n);
  const frac = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < n; i++) {
    while (j < K - 2 && x[i] > knots[j + 1]) j++;
    const t = (x[i] - knots[j]) / (knots[j + 1] - knots[j]);
    at[i] = j;
    frac[i] = t;
    const [p, q] = [1 - t, t];
    diag[j] += w[i] * p * p;
    diag[j + 1] += w[i] * q * q;
    off[j] += w[i] * p * q;
    rhs[j] += w[i] * p * y[i];
    rhs[j + 1] += w[i] * q * y[i];
  }
  let scale = 0;
  for (let k = 0; k < K; k++) scale = Math.max(scale, diag[k]);
  const eps = 1e-9 * (scale || 1);
  for (let k = 0; k + 1 < K; k++) {
    diag[k] += eps;
    diag[k + 1] += eps;
    off[k] -= eps;
  }
  // Thomas algorithm for the symmetric tridiagonal system.
  const c = new Float64Array(K);
  const d = new Float64Array(K);
  c[0] = off[0] / diag[0];
  d[0] = rhs[0] / diag[0];
  for (let k = 1; k < K; k++) {
    const m = diag[k] - off[k - 1] * c[k - 1];
    c[k] = k < K - 1 ? off[k] / m : 0;
    d[k] = (rhs[k] - off[k - 1] * d[k - 1]) / m;
  }
  const coef = new Float64Array(K);
  coef[K - 1] = d[K - 1];
  for (let k = K - 2; k >= 0; k--) coef[k] = d[k] - c[k] * coef[k + 1];
  return Float64Array.from(x, (_, i) => coef[at[i]] * (1 - frac[i]) + coef[at[i] + 1] * frac[i]);
}
