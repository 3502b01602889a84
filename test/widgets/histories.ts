/** Histories with known shapes for the widget tests: a two-plateau loss staircase and rank-1-then-2 spectra. */
import { createHistory, type History } from '../../src/train/history';

export function staircase(steps = 400, layers = 4, every = 20): History {
  const h = createHistory({ name: 'stairs', activation: 'relu', dims: [3, ...Array(layers - 1).fill(6), 1], depth: layers, config: { steps } });
  for (let t = 0; t < steps; t++) addStep(h, t, steps, layers, every);
  return h;
}

export function lossAt(t: number, steps: number): number {
  const a = steps * 0.375;
  const b = steps * 0.75;
  return 0.9 / (1 + Math.exp((t - a) / (steps / 50))) + 0.1 / (1 + Math.exp((t - b) / (steps / 50))) + 1e-3;
}

export function addStep(h: History, t: number, steps: number, layers: number, every: number): void {
  const loss = lossAt(t, steps);
  h.addStep({ step: t, loss, paramNorm: 1, lr: 0.1 });
  if (t % every === 0) {
    const s1 = 0.01 + 1 / (1 + Math.exp(-(t - steps * 0.375) / 8));
    const s2 = 0.01 + 0.5 / (1 + Math.exp(-(t - steps * 0.75) / 8));
    h.addRecord({ step: t, loss, paramNorm: 1, weights: Array.from({ length: layers }, (_, l) => Float64Array.of(s1 * (l + 1), s2, 0.01)) });
  }
}
