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
import { saxe } from '../test/train/saxe-staircase';

// Each mode's escape is at its half-time ln(s/u0)/(2s), in points.
const { loss: clean, escapes: expected } = saxe([1, 2, 4, 8], 1e-8, 12);
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
