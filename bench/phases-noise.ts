/**
 * How phase detection holds up under SGD-like noise (docs/phases.md, "Noise"): Saxe et al.'s
 * closed-form staircase (modes 1, 2, 4, 8 from u0 = 1e-8, 2000 points), times e^(σ·N(0,1)) per
 * point, 20 seeds per σ; a run counts as exact when every escape is found within 100 steps of its
 * mode's half-time and nothing else is found. Reports; asserts nothing.
 *
 *   node scripts/run-ts.mjs bench/phases-noise.ts
 */
import { createRng } from '../src/data/random';
import { findPlateaus } from '../src/train/phases';

const MODES = [1, 2, 4, 8];
const [U0, T, N] = [1e-8, 12, 2000];

/** Loss of a two-layer linear network on whitened inputs, mode s from u0: u(t) = s·e^(2st) / (e^(2st) − 1 + s/u0). */
function saxe(): Float64Array {
  const loss = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const t = (T * i) / (N - 1);
    for (const s of MODES) {
      const e = Math.exp(2 * s * t);
      const u = Number.isFinite(e) ? (s * e) / (e - 1 + s / U0) : s;
      loss[i] += (s - u) ** 2 / 2;
    }
  }
  return loss;
}

// Each mode's half-time ln(s/u0)/(2s), in points.
const expected = MODES.map((s) => (Math.log(s / U0) / (2 * s) / T) * (N - 1)).sort((a, b) => a - b);
const clean = saxe();
const steps = Array.from(clean, (_, i) => i);
for (const sigma of [0.01, 0.02, 0.05, 0.1]) {
  let [exact, missed, invented] = [0, 0, 0];
  for (let seed = 1; seed <= 20; seed++) {
    const rng = createRng(seed);
    const unmatched = findPlateaus(steps, clean.map((v) => v * Math.exp(sigma * rng.normal()))).map((p) => p.escapeStep);
    let miss = 0;
    for (const e of expected) {
      const i = unmatched.findIndex((f) => Math.abs(f - e) <= 100);
      if (i < 0) miss++;
      else unmatched.splice(i, 1);
    }
    missed += miss;
    invented += unmatched.length;
    if (!miss && !unmatched.length) exact++;
  }
  console.log(`σ = ${sigma}: ${exact}/20 runs exact; ${missed} escapes missed, ${invented} invented`);
}
