/**
 * Plateaus, escapes and rank increments read off a history. Near a saddle the
 * loss sits at the level set by that saddle while the escape direction grows;
 * the escape is a drop by a significant fraction of that level (docs/paper.md,
 * "The linear warm-up" and "Theorem 3.1 and its companions"). The criteria and
 * why they are what they are: docs/phases.md. In short, with T(t) the number of
 * steps from t until the loss is 5 % lower:
 * - a plateau is where T, long on the plateau, falls at least `contrast` (5)
 *   times before the loss has dropped: the loss waits, then falls fast. A power
 *   law L ∝ t^−α has T ∝ t, an exponential a constant T, so neither has one;
 * - it holds its level (±5 %) for at least `minPoints` (30) recorded points,
 *   the loss never jumps above it by more than the noise allows (a catapult of a
 *   too large step is not a saddle), and its drop is at least a tenth of the fall
 *   before it (a pause in a long steady descent is not a saddle);
 * - its escape step is where the loss reaches (within a factor 2) its fastest
 *   pace of the drop; the one definition plots, tables and summaries use.
 * The loss is smoothed just enough to resolve a 5 % drop through SGD noise
 * (src/train/pace.ts). Everything is measured in log-loss and in ratios of step
 * counts, so neither the loss's units nor the run's length matter.
 */
import { fail, requireKnownKeys, requireObject, requirePositive, requirePositiveInt } from '../errors';
import type { History } from './history';
import { measurePace, median, type Pace } from './pace';

export interface Plateau {
  /** First step of the plateau. */
  start: number;
  /** Last step before the escape begins (before the loss falls within `contrast` of its fastest pace). */
  end: number;
  /** Its level: the median of the smoothed loss on it. */
  loss: number;
  /** The step where the loss leaves it: where it reaches its fastest pace (docs/phases.md). */
  escapeStep: number;
  /** How many times faster the loss falls in the escape than on the plateau (T ratio). */
  contrast: number;
}

export interface RankPoint {
  step: number;
  rank: number;
}

export interface Phases {
  /** Plateaus the run has left, in order. A stretch it has not left is not one yet. */
  plateaus: Plateau[];
  /** Escape steps of the plateaus, in order. */
  escapes: number[];
  /** Rank of every record (deep layers). */
  ranks: RankPoint[];
  /** Records where the rank rises: `{ step, from, to }`. */
  rankIncrements: Array<{ step: number; from: number; to: number }>;
}

export interface PhaseOptions {
  /** The smallest drop that makes an escape, as a fraction of the plateau's level (default 0.05). */
  drop?: number;
  /** How much faster the escape must be than the plateau, as a ratio of T (default 5). */
  contrast?: number;
  /** Fewest recorded points a plateau holds its level for (default 30). */
  minPoints?: number;
  /** s_i/s_1 at or above which a singular value counts towards the rank (default 0.1). */
  rankThreshold?: number;
}

const OPTION_KEYS = ['drop', 'contrast', 'minPoints', 'rankThreshold'] as const;

/** Fixed choices, explained in docs/phases.md. */
const RESOLUTION = 4; // the smoothed curve resolves drop/4 at 2σ
const REACH = 0.5; // smoothing half-window ≤ half the step index
const CONTEXT = 0.1; // a drop must be ≥ 10 % of the fall (in log-loss) before the plateau
const SETTLED = 3; // the escape lasts while the loss falls ≥ 3× faster than on the plateau
const WOBBLE = 0.3; // T may rise by 30 % from one point to the next inside an escape
const DESCENT = 1; // and to twice its fastest so far before the escape is over
const SPIKE = 6; // a jump beyond drop + 6σ of the noise above the lowest loss so far is a catapult

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
  requireKnownKeys('options', options, OPTION_KEYS);
  const drop = requirePositive('drop', options.drop ?? 0.05);
  if (drop >= 1) fail('drop', 'a fraction in (0, 1)', drop);
  const contrast = requirePositive('contrast', options.contrast ?? 5);
  const minPoints = requirePositiveInt('minPoints', options.minPoints ?? 30);
  const rankThreshold = requirePositive('rankThreshold', options.rankThreshold ?? 0.1);
  const plateaus = findPlateaus(history.steps(), history.loss(), drop, contrast, minPoints);
  return { plateaus, escapes: plateaus.map((p) => p.escapeStep), ...ranksOf(history, rankThreshold) };
}

/** The plateaus of one loss curve (steps ascending); see the criteria above. */
export function findPlateaus(allSteps: ArrayLike<number>, allLoss: ArrayLike<number>, drop = 0.05, contrast = 5, minPoints = 30): Plateau[] {
  // Points with a finite positive loss only: the log of anything else means nothing.
  const keep: number[] = [];
  for (let i = 0; i < allLoss.length; i++) if (Number.isFinite(allLoss[i]) && allLoss[i] > 0) keep.push(i);
  const n = keep.length;
  if (n < 8) return [];
  const steps = Float64Array.from(keep, (i) => allSteps[i]);
  const lam = Float64Array.from(keep, (i) => Math.log(allLoss[i]));
  const p = measurePace(steps, lam, { drop, resolution: RESOLUTION, reach: REACH });
  const bottom = bottoms(p);
  const deepest = deepen(p, bottom);
  const med5 = medians5(lam);
  const first = p.resolved.indexOf(1);
  const out: Plateau[] = [];
  let prev = 0;
  let a = 0;
  while (a < n - 1) {
    const m = deepest[bottom[a]];
    if (!Number.isFinite(p.pace[a]) || p.pace[a] < contrast * Math.max(p.pace[m], 1e-12)) {
      a++;
      continue;
    }
    const found = judge(p, med5, steps, a, m, prev, first, out.length === 0, minPoints, contrast);
    if (typeof found === 'number') {
      a = found;
      continue;
    }
    out.push({ ...found, contrast: p.pace[a] / Math.max(p.pace[m], 1e-12) });
    a = Math.max(p.fallsAt[m], m + 1);
    prev = a;
  }
  return out;
}

/** bottom[i]: where the pace, falling from i (allowing WOBBLE), is fastest. */
function bottoms(p: Pace): Int32Array {
  const bottom = Int32Array.from({ length: p.n }, (_, i) => i);
  let next = p.n;
  for (let i = p.n - 1; i >= 0; i--) {
    if (!Number.isFinite(p.pace[i])) continue;
    if (next < p.n && p.pace[next] <= p.pace[i] * (1 + WOBBLE)) {
      const j = bottom[next];
      bottom[i] = p.pace[j] < p.pace[i] ? j : i;
    }
    next = i;
  }
  return bottom;
}

/**
 * For every local bottom of the pace, on through noise: the fastest pace of the whole descent,
 * which ends once the pace is slower than its fastest so far by more than a factor 1 + DESCENT
 * (or at a trusted point whose pace is unknown). Bottoms are done last to first, so a descent
 * that reaches a later, faster bottom takes that one's answer (the walk from there is the same).
 *
 * The walk goes from one strictly faster point to the next (`faster`, a next-smaller chain) and
 * asks a max-tree whether the pace broke the factor before it: O(n log n) whatever the curve.
 * Scanning point by point was quadratic on a power law, where every point is a bottom and each
 * walk runs until the pace doubles (a 2¹⁸-point history took most of a minute).
 */
function deepen(p: Pace, bottom: Int32Array): Int32Array {
  const n = p.n;
  const deepest = Int32Array.from(bottom);
  const isBottom = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (Number.isFinite(p.pace[i])) isBottom[bottom[i]] = 1;
  // faster[i]: the next point with a finite pace below pace[i] (n if none).
  const faster = new Int32Array(n).fill(n);
  const stack: number[] = [];
  for (let i = n - 1; i >= 0; i--) {
    if (!Number.isFinite(p.pace[i])) continue;
    while (stack.length && p.pace[stack[stack.length - 1]] >= p.pace[i]) stack.pop();
    if (stack.length) faster[i] = stack[stack.length - 1];
    stack.push(i);
  }
  // stopAt[i]: the first trusted point at or after i whose pace is unknown (n if none).
  const stopAt = new Int32Array(n + 1).fill(n);
  for (let i = n - 1; i >= 0; i--) stopAt[i] = p.resolved[i] && !Number.isFinite(p.pace[i]) ? i : stopAt[i + 1];
  const slower = firstAbove(Float64Array.from(p.pace, (v) => (Number.isFinite(v) ? v : -Infinity)));
  for (let m = n - 1; m >= 0; m--) {
    if (!isBottom[m]) continue;
    let best = m;
    for (;;) {
      const k = faster[best];
      if (k >= n) break;
      const end = Math.min(stopAt[best + 1], slower(best + 1, (1 + DESCENT) * p.pace[best]));
      if (end < k) break;
      if (isBottom[k]) {
        best = deepest[k];
        break;
      }
      best = k;
    }
    deepest[m] = best;
  }
  return deepest;
}

/** A max-tree over `values`: the returned query gives the first index ≥ from whose value exceeds x (or length). */
function firstAbove(values: Float64Array): (from: number, x: number) => number {
  const n = values.length;
  let size = 1;
  while (size < n) size *= 2;
  const tree = new Float64Array(2 * size).fill(-Infinity);
  tree.set(values, size);
  for (let i = size - 1; i >= 1; i--) tree[i] = Math.max(tree[2 * i], tree[2 * i + 1]);
  const search = (node: number, lo: number, hi: number, from: number, x: number): number => {
    if (hi <= from || tree[node] <= x) return n;
    if (node >= size) return lo;
    const mid = (lo + hi) >> 1;
    const left = search(2 * node, lo, mid, from, x);
    return left < n ? left : search(2 * node + 1, mid, hi, from, x);
  };
  return (from, x) => Math.min(n, search(1, 0, size, from, x));
}

/**
 * The plateau that starts its wait at a and escapes by m, or, if it is not one,
 * the next index worth trying: a later start on the same descent has a lower
 * level and so a smaller drop against a larger fall before it (skip to the
 * bottom); past a spike, start after the spike; else the next point.
 */
function judge(p: Pace, med5: Float64Array, steps: Float64Array, a: number, m: number, prev: number, first: number, isFirst: boolean, minPoints: number, contrast: number): Omit<Plateau, 'contrast'> | number {
  const { smooth, resolved, envelope, pace, logDrop } = p;
  // The whole escape: while the loss keeps falling SETTLED times faster than on the plateau.
  let z = m;
  while (z + 1 < p.n && (!resolved[z + 1] || pace[z + 1] <= pace[a] / SETTLED)) z++;
  const fell = envelope[a] - envelope[p.fallsAt[z] >= 0 ? p.fallsAt[z] : z];
  if (fell < CONTEXT * (envelope[first] - envelope[a])) return m + 1;
  let st = a;
  while (st - 1 >= prev && (!resolved[st - 1] || smooth[st - 1] <= envelope[a] + logDrop)) st--;
  // It holds its level while within half the drop of it...
  let en = a;
  while (en + 1 <= m && smooth[en + 1] >= envelope[a] - logDrop / 2) en++;
  if (en - st + 1 < minPoints) return a + 1;
  // ...and, for a plateau that creeps down, lasts until the escape begins: the last point before the pace
  // comes within `contrast` of the escape's fastest.
  let end = en;
  while (end + 1 <= m && !(Number.isFinite(pace[end + 1]) && pace[end + 1] <= contrast * pace[m])) end++;
  // A first plateau that the loss reached by falling for longer than it then stays is a pause.
  if (isFirst && steps[st] - steps[0] > steps[en] - steps[st]) return a + 1;
  // Catapult: a point far above the lowest the loss had been (a median of 5, which no single
  // spike moves and which, unlike the smoothed curve, does not see the drop coming).
  let low = Infinity;
  for (let i = st; i <= m; i++) {
    low = Math.min(low, med5[i]);
    if (p.lam[i] - low > logDrop + SPIKE * p.noise[i]) return Math.max(a, i) + 1;
  }
  const level: number[] = [];
  for (let i = st; i <= en; i++) if (resolved[i]) level.push(smooth[i]);
  let e = a;
  while (e < m && !(Number.isFinite(pace[e]) && pace[e] <= 2 * pace[m])) e++;
  // The escape step: where the first fall by `drop` at that pace is complete. The smoothing
  // spreads a sharp drop over its window, so the drop itself is half a window later.
  e = Math.min(p.n - 1, Math.max(p.fallsAt[e], e) + p.half[e]);
  return { start: steps[st], end: steps[end], loss: Math.exp(median(level.length ? level : [smooth[a]])), escapeStep: steps[e] };
}

/** Median of 5 around each point (clamped at the ends), without allocating per point. */
function medians5(lam: Float64Array): Float64Array {
  const out = new Float64Array(lam.length);
  const w = new Float64Array(5);
  for (let i = 0; i < lam.length; i++) {
    for (let k = 0; k < 5; k++) w[k] = lam[Math.min(lam.length - 1, Math.max(0, i + k - 2))];
    w.sort();
    out[i] = w[2];
  }
  return out;
}

/**
 * The rank of each record: the median over the deep layers (ℓ > L/2) of
 * #{i : s_i/s_1 ≥ threshold}; a rank increment is a record where it rises.
 */
function ranksOf(history: History, threshold: number): Pick<Phases, 'ranks' | 'rankIncrements'> {
  const ranks: RankPoint[] = [];
  const rankIncrements: Phases['rankIncrements'] = [];
  const L = history.meta.depth;
  for (const r of history.records) {
    const deep = r.weights.slice(Math.floor(L / 2));
    const rank = Math.round(median(deep.map((s) => (s[0] > 0 ? s.filter((v) => v / s[0] >= threshold).length : 0))));
    const prevRank = ranks[ranks.length - 1];
    if (prevRank && rank > prevRank.rank) rankIncrements.push({ step: r.step, from: prevRank.rank, to: rank });
    ranks.push({ step: r.step, rank });
  }
  return { ranks, rankIncrements };
}
