/**
 * The pace of a loss curve (docs/phases.md): T(t), the number of steps from t until the loss is a
 * given fraction lower, read off the curve's piecewise-linear fit (src/train/changepoints.ts), so
 * that noise the fit has judged to be noise cannot make a pace. Kept apart from the decision rules
 * in phases.ts so that each can be read on its own.
 */

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
