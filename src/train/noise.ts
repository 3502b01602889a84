/**
 * The noise of a loss curve, estimated from the run itself (docs/phases.md, "The curve it
 * reads"): the mini-batch noise of the log-loss, region by region, and the spikes of a step at the
 * edge of stability. Phase detection weighs every point by it (src/train/changepoints.ts) and states
 * its confidences in its units.
 */

/** Points per block of the local noise estimate. */
const BLOCK = 32;
/** Blocks on either side whose median is a block's noise floor. */
const REGION = 8;
/** A point this many standard deviations from the median of its 7 neighbours is a spike. */
const SPIKE = 5;

export function median(values: ArrayLike<number>): number {
  const s = Float64Array.from(values).sort();
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * Robust noise level (standard deviation of the log-loss from one point to the next) in blocks of
 * BLOCK points. Third differences cancel every quadratic trend, so a smooth descent reads as
 * noise-free; for white noise of standard deviation σ they have standard deviation √20·σ.
 * MAD·1.4826 is a standard deviation that a few spikes do not move.
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

export interface NoiseModel {
  /** Standard deviation of each point's log-loss about the curve (at least `floor`). */
  sigma: Float64Array;
  /** 1 where the point is a spike: far from its neighbours (above: a catapult of a step too large; either way: an outlying batch). */
  spike: Uint8Array;
  /** The smallest noise assumed: below it, differences of the log-loss are rounding, not evidence. */
  floor: number;
}

/**
 * The noise of a log-loss curve: per point, the larger of the median third-difference noise of
 * its block and its two neighbours (where the noise changes, as it does when a run leaves the exact
 * loss of the origin, within two blocks) and the median over the REGION blocks on either side (so
 * that one block whose few points happen to agree cannot undercut it).
 * Regional, not the run's: mini-batch noise in the log-loss grows as the loss falls (in notebook 05
 * at the paper scale, the converged tail is 25 to 70 times noisier than the loss around the first
 * escape, and a floor set by it hid that escape). Spikes are points more than SPIKE standard
 * deviations from the median of their 7 neighbours: above it, mostly, the jumps of a step at the
 * edge of stability, which come back down within a few steps (docs/phases.md); below it, a batch
 * far easier than the rest.
 */
export function noiseModel(lam: Float64Array, floor: number): NoiseModel {
  const n = lam.length;
  const blocks = blockNoise(lam);
  const region = blocks.map((_, b) => median(blocks.subarray(Math.max(0, b - REGION), Math.min(blocks.length, b + REGION + 1))));
  const sigma = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const b = Math.floor(i / BLOCK);
    const near = [blocks[b], blocks[b - 1] ?? blocks[b], blocks[b + 1] ?? blocks[b]].sort((u, v) => u - v)[1];
    sigma[i] = Math.max(near, region[b], floor);
  }
  const spike = new Uint8Array(n);
  const w = new Float64Array(7);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 7; k++) w[k] = lam[Math.min(n - 1, Math.max(0, i + k - 3))];
    w.sort();
    if (Math.abs(lam[i] - w[3]) > SPIKE * sigma[i]) spike[i] = 1;
  }
  return { sigma, spike, floor };
}

/** The median of the 2h + 1 points around each point (clamped at the ends), without allocating per point. */
export function centredMedian(values: Float64Array, h: number): Float64Array {
  const out = new Float64Array(values.length);
  const w = new Float64Array(2 * h + 1);
  for (let i = 0; i < values.length; i++) {
    for (let k = 0; k <= 2 * h; k++) w[k] = values[Math.min(values.length - 1, Math.max(0, i + k - h))];
    w.sort();
    out[i] = w[h];
  }
  return out;
}
