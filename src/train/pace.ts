/**
 * The loss curve as phase detection reads it (docs/phases.md): the log-loss
 * smoothed just enough for SGD noise, which points of it can be trusted, and the
 * pace of the loss, T(t) = the number of steps from t until the loss is a given
 * fraction lower. Kept apart from the decision rules in phases.ts so that each
 * can be read on its own.
 */

/** Points per block for the local noise estimate. */
const BLOCK = 32;

/**
 * Robust noise level (standard deviation of the log-loss from one point to the
 * next) in blocks of BLOCK points. Third differences cancel every quadratic
 * trend, so a smooth descent reads as noise-free; for white noise of standard
 * deviation σ they have standard deviation √20·σ. MAD·1.4826 is a standard
 * deviation that a few spikes do not move.
 */
export function blockNoise(lam: Float64Array): Float64Array {
  const n = lam.length;
  const blocks = Math.ceil(n / BLOCK);
  const out = new Float64Array(blocks);
  for (let b = 0; b < blocks; b++) {
    const from = Math.max(0, b * BLOCK - 2);
    const to = Math.min(n - 3, b * BLOCK + BLOCK);
    if (to - from >= 4) {
      const d3 = new Float64Array(to - from);
      for (let i = from; i < to; i++) d3[i - from] = lam[i + 3] - 3 * lam[i + 2] + 3 * lam[i + 1] - lam[i];
      const m = median(d3);
      out[b] = (1.4826 * median(d3.map((v) => Math.abs(v - m)))) / Math.sqrt(20);
    }
  }
  return out;
}

/** Blocks on either side whose median is a block's noise floor. */
const REGION = 8;

/**
 * The median noise of each block's region (REGION blocks on either side): a floor that one block
 * whose few points happen to agree cannot undercut. Regional, not the run's: SGD noise in the
 * log-loss grows as the loss falls. In the paper-scale run of notebook 05 the converged tail, 95 %
 * of the steps, is 25 to 70 times noisier than the loss around the first escape, and a floor set by
 * it left no point there precise enough to use: the first escape was lost (docs/phases.md, "Noise").
 */
function regionalMedian(blocks: Float64Array): Float64Array {
  return blocks.map((_, b) => median(blocks.subarray(Math.max(0, b - REGION), Math.min(blocks.length, b + REGION + 1))));
}

export function median(values: ArrayLike<number>): number {
  const s = Float64Array.from(values).sort();
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export interface PaceOptions {
  /** The smallest drop that counts, as a fraction of the loss (0.05: 5 %). */
  drop: number;
  /** How finely the smoothed curve must resolve that drop: 2σ of the smoothed log-loss ≤ drop/resolution. */
  resolution: number;
  /** Largest half-window of the smoothing as a fraction of the step index (symmetric windows only). */
  reach: number;
}

export interface Pace {
  n: number;
  /** Log-loss. */
  lam: Float64Array;
  /** Smoothed log-loss. */
  smooth: Float64Array;
  /** Half-width of the smoothing window at each point. */
  half: Int32Array;
  /** Whether the smoothed value is precise enough to use. */
  resolved: Uint8Array;
  /** Noise of the log-loss at each point (per block, at least its region's median). */
  noise: Float64Array;
  /** The run's median noise. */
  sigma: number;
  /** The drop used, in log units: −ln(1 − drop), raised where noise cannot resolve it. */
  logDrop: number;
  /** Lowest smoothed log-loss reached so far (over resolved points). */
  envelope: Float64Array;
  /** Index where the loss is first `logDrop` below envelope[j], or −1. */
  fallsAt: Int32Array;
  /** Steps from j until then (Infinity if it never does, or only across unresolved points). */
  pace: Float64Array;
}

/** Everything phase detection measures on one loss curve. */
export function measurePace(steps: ArrayLike<number>, lam: Float64Array, o: PaceOptions): Pace {
  const n = lam.length;
  const noiseBlocks = blockNoise(lam);
  const sigma = noiseBlocks.length ? median(noiseBlocks) : 0;
  const want = Math.log(1 / (1 - o.drop));
  const cap = Math.floor(n / 8);
  // Window that brings the run's median noise under drop/resolution (2σ), within cap.
  const halfFor = (s: number, d: number) => Math.min(cap, Math.max(0, Math.ceil(((2 * s * o.resolution) / d) ** 2 / 2 - 0.5)));
  const H = halfFor(sigma, want);
  // Where even that window leaves the noise above a 5 % drop, only larger drops can be told from noise.
  const logDrop = Math.max(want, (o.resolution * 2 * sigma) / Math.sqrt(2 * H + 1));
  const floor = regionalMedian(noiseBlocks);
  const noise = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const b = Math.floor(i / BLOCK);
    // A block and its neighbours: a burst of noise widens the window around it, not only inside it.
    const local = Math.max(noiseBlocks[b], noiseBlocks[b - 1] ?? 0, noiseBlocks[b + 1] ?? 0);
    noise[i] = Math.max(local, floor[b]);
  }
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + lam[i];
  const smooth = new Float64Array(n);
  const half = new Int32Array(n);
  const resolved = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    // Symmetric windows only, and no wider than reach·i: a one-sided or wide window moves a drop
    // earlier or bends a power law into something flatter than it is.
    const h = Math.min(halfFor(noise[i], logDrop), Math.floor(o.reach * i), n - 1 - i);
    half[i] = h;
    smooth[i] = (prefix[i + h + 1] - prefix[i - h]) / (2 * h + 1);
    resolved[i] = (2 * noise[i]) / Math.sqrt(2 * h + 1) <= (1.5 * logDrop) / o.resolution ? 1 : 0;
  }
  const envelope = new Float64Array(n);
  let low = Infinity;
  for (let i = 0; i < n; i++) {
    if (resolved[i]) low = Math.min(low, smooth[i]);
    envelope[i] = low;
  }
  // Next unresolved index at or after i: a fall measured across points we cannot trust is no evidence.
  const nextUnresolved = new Int32Array(n + 1).fill(n);
  for (let i = n - 1; i >= 0; i--) nextUnresolved[i] = resolved[i] ? nextUnresolved[i + 1] : i;
  // The envelope never rises, so the threshold envelope[j] − logDrop never rises either and the
  // first crossing after j never moves back: one forward pointer finds them all (linear time).
  const fallsAt = new Int32Array(n).fill(-1);
  const pace = new Float64Array(n).fill(Infinity);
  let k = 0;
  for (let j = 0; j < n; j++) {
    if (!resolved[j] || !Number.isFinite(envelope[j])) continue;
    const threshold = envelope[j] - logDrop;
    k = Math.max(k, j + 1);
    while (k < n && !(resolved[k] && smooth[k] < threshold)) k++;
    if (k >= n) break;
    fallsAt[j] = k;
    if (k < nextUnresolved[j + 1]) pace[j] = steps[k] - steps[j];
  }
  return { n, lam, smooth, half, resolved, noise, sigma, logDrop, envelope, fallsAt, pace };
}
