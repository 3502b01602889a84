/**
 * How phase detection holds up under SGD-like noise (docs/phases.md, "Noise"): Saxe et al.'s
 * closed-form staircase (modes 1, 2, 4, 8 from u0 = 1e-8, 2000 points), times e^(σ·N(0,1)) per
 * point, 20 seeds per σ; a run counts as exact when every escape is found within 100 steps of its
 * mode's half-time and nothing else is found. Reports; asserts nothing.
 *
 *   node scripts/run-ts.mjs bench/phases-noise.ts
 */
import { createRng } from './src/data/random';
import { findPlateaus } from './src/train/phases';
function saxe(modes: number[], u0: number, T: number, n = 2000) {
  const loss = new Float64Array(n);
  for (let i = 0; i < n; i++) { const t = (T * i) / (n - 1); for (const s of modes) { const e = Math.exp(2 * s * t); const u = Number.isFinite(e) ? (s * e) / (e - 1 + s / u0) : s; loss[i] += (s - u) ** 2 / 2; } }
  return loss;
}
const expected = [1, 2, 4, 8].map((s) => (Math.log(s / 1e-8) / (2 * s) / 12) * 1999).sort((a, b) => a - b);
const clean = saxe([1, 2, 4, 8], 1e-8, 12);
const steps = Array.from(clean, (_, i) => i);
for (const sigma of [0.01, 0.02, 0.05, 0.1]) {
  let ok = 0, missed = 0, invented = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const rng = createRng(seed);
    const found = findPlateaus(steps, clean.map((v) => v * Math.exp(sigma * rng.normal()))).map((p) => p.escapeStep);
    const un = [...found]; let m = 0;
    for (const e of expected) { const i = un.findIndex((f) => Math.abs(f - e) <= 100); if (i < 0) m++; else un.splice(i, 1); }
    missed += m; invented += un.length; if (!m && !un.length) ok++;
  }
  console.log(`sigma ${sigma}: ${ok}/20 exact; ${missed} missed, ${invented} invented`);
}
