/**
 * The pace of a loss curve (docs/phases.md): T(t), the number of steps from t until the loss is a
 * given fraction lower, read off the curve's piecewise-linear fit (src/train/changepoints.ts), so
 * that noise the fit has judged to be noise cannot make a pace. Kept apart from the decision rules
 * in phases.ts so that each can be read on its own.
 */

/** T is never this much slower than at a descent's start on the way to its lowest (30 %)... */
const WOBBLE = 0.3;
/** ...and a descent goes on until T is 1 + DESCENT times its lowest so far. */
const DESCENT = 1;

export interface Pace {
  n: number;
  /** Log-loss of each point. */
  lam: Float64Array;
  /** The fitted log-loss. */
  fit: Float64Array;
  /** Noise of each point's log-loss (src/train/noise.ts). */
  noise: Float64Array;
  /** The drop, in log units: −ln(1 − drop). */
  logDrop: number;
  /** Lowest fitted log-loss reached so far. */
  envelope: Float64Array;
  /** Index where the fit is first `logDrop` below its level at j (or the drop above envelope[j], if lower), or −1. */
  fallsAt: Int32Array;
  /** Steps from j until then (Infinity if it never does). */
  pace: Float64Array;
}

/**
 * T(t) on the fitted log-loss `fit` (steps ascending).
 *
 * @example
 * ```ts
 * import { measurePace } from './pace';
 * const fit = Float64Array.of(0, 0, 0, -1, -1);
 * console.log(Array.from(measurePace([0, 1, 2, 3, 4], fit, fit, new Float64Array(5), 0.05).pace)); // [3, 2, 1, Infinity, Infinity]
 * ```
 */
export function measurePace(steps: ArrayLike<number>, lam: Float64Array, fit: Float64Array, noise: Float64Array, drop: number): Pace {
  const n = fit.length;
  const logDrop = Math.log(1 / (1 - drop));
  const envelope = new Float64Array(n);
  let low = Infinity;
  for (let i = 0; i < n; i++) {
    low = Math.min(low, fit[i]);
    envelope[i] = low;
  }
  // T is counted from each point's own level, not from the lowest the loss has been: a dip that
  // the fit follows and leaves would otherwise set a level that the loss then seems to wait to
  // regain. Only where the loss is more than the drop above that lowest level (a bump: a catapult of
  // a step too large) is the reference held there, so that falling back from a bump is no escape.
  const firstBelow = minTree(fit);
  const fallsAt = new Int32Array(n).fill(-1);
  const pace = new Float64Array(n).fill(Infinity);
  for (let j = 0; j < n; j++) {
    const k = firstBelow(j + 1, Math.min(fit[j], envelope[j] + logDrop) - logDrop);
    if (k >= n) continue;
    fallsAt[j] = k;
    pace[j] = steps[k] - steps[j];
  }
  return { n, lam, fit, noise, logDrop, envelope, fallsAt, pace };
}

/** A min-tree over `values`: the returned query gives the first index ≥ from whose value is below x (or length). */
function minTree(values: Float64Array): (from: number, x: number) => number {
  const n = values.length;
  let size = 1;
  while (size < n) size *= 2;
  const tree = new Float64Array(2 * size).fill(Infinity);
  tree.set(values, size);
  for (let i = size - 1; i >= 1; i--) tree[i] = Math.min(tree[2 * i], tree[2 * i + 1]);
  const search = (node: number, lo: number, hi: number, from: number, x: number): number => {
    if (hi <= from || tree[node] >= x) return n;
    if (node >= size) return lo;
    const mid = (lo + hi) >> 1;
    const left = search(2 * node, lo, mid, from, x);
    return left < n ? left : search(2 * node + 1, mid, hi, from, x);
  };
  return (from, x) => Math.min(n, search(1, 0, size, from, x));
}

/**
 * The descents of T: `bottom[i]`, where T falling from i is lowest, and `deepest[m]`, for a bottom m,
 * the lowest T of the whole descent on from it (docs/phases.md, "The criteria", 1).
 *
 * @example
 * ```ts
 * import { descents, measurePace } from './pace';
 * const fit = Float64Array.of(0, 0, 0, 0, -1, -2, -3, -3, -3);
 * const p = measurePace([0, 1, 2, 3, 4, 5, 6, 7, 8], fit, fit, new Float64Array(9), 0.05);
 * console.log(descents(p).bottom[0]); // 3
 * ```
 */
export function descents(p: Pace): { bottom: Int32Array; deepest: Int32Array } {
  const bottom = bottoms(p);
  return { bottom, deepest: deepen(p, bottom) };
}

/**
 * bottom[i]: where the pace, falling from i, is fastest before it is ever WOBBLE slower than at i.
 * (Each point's own bound, not the last point's: on a fitted curve the pace changes smoothly, and a
 * bound from one point to the next would let it creep up from an escape over a whole plateau.)
 */
function bottoms(p: Pace): Int32Array {
  const bottom = Int32Array.from({ length: p.n }, (_, i) => i);
  const slower = firstAbove(Float64Array.from(p.pace, (v) => (Number.isFinite(v) ? v : Infinity)));
  let next = p.n;
  for (let i = p.n - 1; i >= 0; i--) {
    if (!Number.isFinite(p.pace[i])) continue;
    if (next < p.n) {
      const j = bottom[next];
      if (p.pace[j] < p.pace[i] && slower(i + 1, p.pace[i] * (1 + WOBBLE)) > j) bottom[i] = j;
    }
    next = i;
  }
  return bottom;
}

/**
 * For every local bottom of the pace, on through wobbles: the fastest pace of the whole descent,
 * which ends once the pace is slower than its fastest so far by more than a factor 1 + DESCENT (or
 * where the pace is unknown). Bottoms are done last to first, so a descent that reaches a later,
 * faster bottom takes that one's answer (the walk from there is the same).
 *
 * The walk goes from one strictly faster point to the next (`faster`, a next-smaller chain) and
 * asks a max-tree whether the pace broke the factor before it: O(n log n) whatever the curve.
 * Scanning point by point was quadratic on a power law, where every point is a bottom and each
 * walk runs until the pace doubles (a 2¹⁸-point history took most of a minute).
 */
function deepen(p: Pace, bottom: Int32Array): Int32Array {
  const n = p.n;
  const deepest = Int32Array.from(bottom);
  const isBottom = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (Number.isFinite(p.pace[i])) isBottom[bottom[i]] = 1;
  // faster[i]: the next point with a finite pace below pace[i] (n if none).
  const faster = new Int32Array(n).fill(n);
  const stack: number[] = [];
  for (let i = n - 1; i >= 0; i--) {
    if (!Number.isFinite(p.pace[i])) continue;
    while (stack.length && p.pace[stack[stack.length - 1]] >= p.pace[i]) stack.pop();
    if (stack.length) faster[i] = stack[stack.length - 1];
    stack.push(i);
  }
  // stopAt[i]: the first point at or after i whose pace is unknown (n if none).
  const stopAt = new Int32Array(n + 1).fill(n);
  for (let i = n - 1; i >= 0; i--) stopAt[i] = !Number.isFinite(p.pace[i]) ? i : stopAt[i + 1];
  const slower = firstAbove(Float64Array.from(p.pace, (v) => (Number.isFinite(v) ? v : -Infinity)));
  for (let m = n - 1; m >= 0; m--) {
    if (!isBottom[m]) continue;
    let best = m;
    for (;;) {
      const k = faster[best];
      if (k >= n) break;
      const end = Math.min(stopAt[best + 1], slower(best + 1, (1 + DESCENT) * p.pace[best]));
      if (end < k) break;
      if (isBottom[k]) {
        best = deepest[k];
        break;
      }
      best = k;
    }
    deepest[m] = best;
  }
  return deepest;
}

/** A max-tree over `values`: the returned query gives the first index ≥ from whose value exceeds x (or length). */
function firstAbove(values: Float64Array): (from: number, x: number) => number {
  const n = values.length;
  let size = 1;
  while (size < n) size *= 2;
  const tree = new Float64Array(2 * size).fill(-Infinity);
  tree.set(values, size);
  for (let i = size - 1; i >= 1; i--) tree[i] = Math.max(tree[2 * i], tree[2 * i + 1]);
  const search = (node: number, lo: number, hi: number, from: number, x: number): number => {
    if (hi <= from || tree[node] <= x) return n;
    if (node >= size) return lo;
    const mid = (lo + hi) >> 1;
    const left = search(2 * node, lo, mid, from, x);
    return left < n ? left : search(2 * node + 1, mid, hi, from, x);
  };
  return (from, x) => Math.min(n, search(1, 0, size, from, x));
}
