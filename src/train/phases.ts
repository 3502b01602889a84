/**
 * Plateaus, escapes and rank increments read off a history (issue 2). The
 * criteria, documented in docs/phases.md:
 * - Work with λ(t) = log10 loss(t). R = λ(0) − min λ is the total drop in decades,
 *   capped at `maxDecades` (default 4) so that a fall to the float32 noise floor
 *   does not hide the plateaus above it.
 * - A step t is *flat* when over the next window w (default 1 % of the run)
 *   λ falls by less than `flatness` (default 2) times the run's average fall
 *   over a window, R·w/T. A *plateau* is a maximal stretch of flat steps at
 *   least `minLength` (default 2 % of the run) long.
 * - Its *escape step* is the first step after the plateau starts where λ is
 *   below the plateau's median level by more than `escapeDrop`·R (default 0.05);
 *   a plateau the run never leaves has none.
 * - The *rank* of a record is the median over the deep layers (the last half,
 *   ℓ > L/2) of #{i : s_i/s_1 ≥ rankThreshold} (default 0.1); a *rank increment*
 *   is a record where it rises.
 */
import { requireObject, requirePositive } from '../errors';
import type { History } from './history';

export interface Plateau {
  start: number;
  end: number;
  /** Median loss on the plateau. */
  loss: number;
  /** First step that leaves it (see criteria), if any. */
  escapeStep?: number;
}

export interface RankPoint {
  step: number;
  rank: number;
}

export interface Phases {
  plateaus: Plateau[];
  /** Escape steps of the plateaus, in order. */
  escapes: number[];
  /** Rank of every record (deep layers). */
  ranks: RankPoint[];
  /** Records where the rank rises: `{ step, from, to }`. */
  rankIncrements: Array<{ step: number; from: number; to: number }>;
}

export interface PhaseOptions {
  window?: number;
  flatness?: number;
  minLength?: number;
  escapeDrop?: number;
  maxDecades?: number;
  rankThreshold?: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * Finds plateaus, escapes and rank increments.
 *
 * @example
 * ```ts
 * import { train } from 'saddlelab';
 * const h = train.createHistory({ name: 's', activation: 'linear', dims: [1, 1], depth: 1, config: {} });
 * for (let t = 0; t < 1000; t++) h.addStep({ step: t, loss: t < 500 ? 1 : 0.01, paramNorm: 1, lr: 1 });
 * console.log(train.detectPhases(h).escapes); // [500]
 * ```
 */
export function detectPhases(history: History, options: PhaseOptions = {}): Phases {
  requireObject('options', options);
  const steps = history.steps();
  const loss = history.loss();
  const n = steps.length;
  const phases: Phases = { plateaus: [], escapes: [], ranks: [], rankIncrements: [] };
  if (n >= 4) {
    const T = steps[n - 1] - steps[0];
    const stride = T / (n - 1);
    const window = Math.max(1, Math.round(requirePositive('window', options.window ?? Math.max(stride, 0.01 * T)) / stride));
    const flatness = requirePositive('flatness', options.flatness ?? 2);
    const minLength = requirePositive('minLength', options.minLength ?? 0.02 * T);
    const escapeDrop = requirePositive('escapeDrop', options.escapeDrop ?? 0.05);
    const lam = Array.from(loss, (c) => Math.log10(Math.max(c, Number.MIN_VALUE)));
    const maxDecades = requirePositive('maxDecades', options.maxDecades ?? 4);
    // A loop, not Math.min(...lam): spreading 2¹⁸ points overflows the call stack.
    const R = Math.min(maxDecades, lam[0] - lam.reduce((a, b) => Math.min(a, b), Infinity));
    const flatFall = (flatness * R * window) / (n - 1);
    let runStart = -1;
    const close = (endIdx: number) => {
      if (runStart >= 0 && steps[endIdx] - steps[runStart] >= minLength) {
        const level = median(lam.slice(runStart, endIdx + 1));
        const plateau: Plateau = { start: steps[runStart], end: steps[endIdx], loss: Math.pow(10, level) };
        for (let i = runStart; i < n; i++) {
          if (lam[i] < level - escapeDrop * R) {
            plateau.escapeStep = steps[i];
            break;
          }
        }
        phases.plateaus.push(plateau);
        if (plateau.escapeStep !== undefined) phases.escapes.push(plateau.escapeStep);
      }
      runStart = -1;
    };
    for (let i = 0; i < n; i++) {
      const j = Math.min(n - 1, i + window);
      const flat = R > 0 && j > i ? lam[i] - lam[j] < flatFall * ((j - i) / window) : R === 0;
      if (flat && runStart < 0) runStart = i;
      if (!flat) close(i - 1);
    }
    close(n - 1);
  }
  const threshold = requirePositive('rankThreshold', options.rankThreshold ?? 0.1);
  const L = history.meta.depth;
  for (const r of history.records) {
    const deep = r.weights.slice(Math.floor(L / 2));
    const ranks = deep.map((s) => (s[0] > 0 ? s.filter((v) => v / s[0] >= threshold).length : 0));
    const rank = Math.round(median(ranks));
    const prev = phases.ranks[phases.ranks.length - 1];
    if (prev && rank > prev.rank) phases.rankIncrements.push({ step: r.step, from: prev.rank, to: rank });
    phases.ranks.push({ step: r.step, rank });
  }
  return phases;
}
