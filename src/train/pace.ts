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
  /** Index where the fit is first `logDrop` below envelope[j], or −1. */
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
  // The envelope never rises, so the threshold envelope[j] − logDrop never rises either and the
  // first crossing after j never moves back: one forward pointer finds them all (linear time).
  const fallsAt = new Int32Array(n).fill(-1);
  const pace = new Float64Array(n).fill(Infinity);
  let k = 0;
  for (let j = 0; j < n; j++) {
    const threshold = envelope[j] - logDrop;
    k = Math.max(k, j + 1);
    while (k < n && !(fit[k] < threshold)) k++;
    if (k >= n) break;
    fallsAt[j] = k;
    pace[j] = steps[k] - steps[j];
  }
  return { n, lam, fit, noise, logDrop, envelope, fallsAt, pace };
}
