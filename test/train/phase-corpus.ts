/**
 * The labelled corpus of phase detection under noise (docs/phases.md, "Error rates"), shared by
 * test/train/phases-noise.test.ts and bench/phases-noise.ts: curves whose escapes are known, with
 * the noise of a mini-batch run at levels up to σ = 0.2 per point in the log-loss, the spikes of a
 * step at the edge of stability, and the noise of a real mini-batch run, each with many seeds.
 */
import { createRng, type Rng } from '../../src/data/random';
import { findPlateaus } from '../../src/train/phases';
import { saxe } from './saxe-staircase';

export interface LabelledCurve {
  family: string;
  sigma: number;
  seed: number;
  loss: Float64Array;
  /** Where each true escape may be reported, in steps (one found per window; anything else is false). */
  windows: Array<[number, number]>;
}

/** The noise levels of the corpus: standard deviations of the log-loss per point. */
export const SIGMAS = [0, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2];

/** e^(σ·noise) per point: the relative noise of a mini-batch loss. */
const times = (loss: Float64Array, noise: Float64Array) => loss.map((v, i) => v * Math.exp(noise[i]));

/** Gaussian noise of standard deviation σ. */
const gaussian = (n: number, sigma: number, rng: Rng) => rng.normals(n, sigma);

/**
 * Gaussian noise plus the spikes of a step at the edge of stability: from one point in 200 on
 * average, the loss jumps up by a factor e^0.1 to e^0.7 for 1 to 3 points and comes back (the
 * catapults of notebook 06's depth-4 run at ETA0 = 1 lift it by ~25 %).
 */
function spiky(n: number, sigma: number, rng: Rng): Float64Array {
  const out = gaussian(n, sigma, rng);
  for (let i = 0; i < n; i++) {
    if (rng.uniform() >= 1 / 200) continue;
    const height = 0.1 + 0.6 * rng.uniform();
    const width = 1 + Math.floor(3 * rng.uniform());
    for (let k = 0; k < width && i + k < n; k++) out[i + k] += height;
    i += width;
  }
  return out;
}

/**
 * The noise of a real mini-batch run, rescaled: the per-step log-loss of notebook 05 at the paper
 * scale between steps 1500 and 4000 (batch noise and catapults), less its running median over 9
 * steps, divided by its median absolute deviation ×1.4826 per block of 100 steps and clipped at ±4
 * (its catapults are the spikes' family's); resampled in
 * blocks of 50 steps from random places (so that its correlations and spikes are kept), times σ.
 */
export function realNoise(runLoss: ArrayLike<number>): (n: number, sigma: number, rng: Rng) => Float64Array {
  const lam = Array.from(runLoss, Math.log).slice(1500, 4000);
  const resid = lam.map((v, i) => {
    const w = lam.slice(Math.max(0, i - 4), i + 5).sort((a, b) => a - b);
    return v - w[w.length >> 1];
  });
  const unit: number[] = [];
  for (let b = 0; b < resid.length; b += 100) {
    const block = resid.slice(b, b + 100);
    const mad = [...block].map(Math.abs).sort((a, c) => a - c)[block.length >> 1] * 1.4826;
    // Clipped at ±4: a drop of the real run leaves a dip of a few steps below its running median.
    for (const v of block) unit.push(Math.max(-4, Math.min(4, v / mad)));
  }
  return (n, sigma, rng) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i += 50) {
      const at = Math.floor(rng.uniform() * (unit.length - 50));
      for (let k = 0; k < 50 && i + k < n; k++) out[i + k] = sigma * unit[at + k];
    }
    return out;
  };
}

/**
 * The corpus: for each noise level and seed, Saxe's staircase with four modes (1, 2, 4, 8 from
 * u0 = 1e-8) and with two (1, 4), with Gaussian noise, with spikes and with a real run's noise; a
 * plateau then a power law; and power laws (α = 0.5, 1, 2), which have no escape at all. 2000
 * points each.
 */
export function corpus(seeds: number, runLoss: ArrayLike<number>, sigmas = SIGMAS): LabelledCurve[] {
  const four = saxe([1, 2, 4, 8], 1e-8, 12);
  const two = saxe([1, 4], 1e-8, 12);
  const kink = Float64Array.from({ length: 2000 }, (_, t) => 0.5 * (1 + Math.max(0, t - 500) / 30) ** -1);
  const power = (alpha: number) => Float64Array.from({ length: 2000 }, (_, t) => (1 + t / 10) ** -alpha);
  const real = realNoise(runLoss);
  const out: LabelledCurve[] = [];
  for (const sigma of sigmas) {
    for (let seed = 1; seed <= seeds; seed++) {
      const rng = createRng(`${sigma}/${seed}`);
      const add = (family: string, clean: Float64Array, windows: Array<[number, number]>, noise: (n: number, s: number, r: Rng) => Float64Array) =>
        out.push({ family, sigma, seed, loss: times(clean, noise(clean.length, sigma, rng)), windows });
      add('staircase of 4', four.loss, four.windows, gaussian);
      add('staircase of 2', two.loss, two.windows, gaussian);
      add('staircase of 4, spikes', four.loss, four.windows, spiky);
      add('staircase of 4, real noise', four.loss, four.windows, real);
      add('plateau, then power law', kink, [[490, 550]], gaussian);
      for (const alpha of [0.5, 1, 2]) add(`power law α = ${alpha}`, power(alpha), [], gaussian);
    }
  }
  return out;
}

export interface Score {
  /** Escapes in the labels. */
  escapes: number;
  /** Reported (at or above the confidence level) within a label's window. */
  found: number;
  /** Labels without one. */
  missed: number;
  /** Reported escapes in no window, or a second one in a window. */
  false: number;
  /** Plateaus below the confidence level (shown as uncertain). */
  uncertain: number;
}

/** Scores the detector on one curve: each window takes at most one reported escape. */
export function score(curve: LabelledCurve, level = 0.95): Score {
  const steps = Array.from(curve.loss, (_, i) => i);
  const all = findPlateaus(steps, curve.loss).plateaus;
  const reported = all.filter((p) => p.confidence >= level).map((p) => p.escapeStep);
  const open = [...curve.windows];
  let falses = 0;
  for (const e of reported) {
    const k = open.findIndex(([a, b]) => e >= a && e <= b);
    if (k < 0) falses++;
    else open.splice(k, 1);
  }
  return { escapes: curve.windows.length, found: curve.windows.length - open.length, missed: open.length, false: falses, uncertain: all.length - reported.length };
}
