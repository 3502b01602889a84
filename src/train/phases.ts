/**
 * Plateaus, escapes and rank increments read off a history. Near a saddle the
 * loss sits at the level set by that saddle while the escape direction grows;
 * the escape is a drop by a significant fraction of that level (docs/paper.md,
 * "The linear warm-up" and "Theorem 3.1 and its companions"). The criteria, the
 * noise model and the error rates: docs/phases.md. In short:
 * - the log-loss is fitted by straight pieces, cut only where the run's own noise
 *   cannot explain the change (src/train/noise.ts, src/train/changepoints.ts);
 *   the full-data loss of the spectrum records enters as exact points;
 * - on that fit, with T(t) the number of steps until the loss is 5 % lower, a
 *   plateau is where T, long on the plateau, falls at least `contrast` (5) times:
 *   the loss waits, then falls fast. A power law has T ∝ t, an exponential a
 *   constant T, so neither has one; it holds its level for `minPoints` (30)
 *   points, is no catapult and its drop is at least a tenth of the fall before it;
 * - every plateau gets a confidence: that its escape fell by at least `drop` and
 *   at least `contrast` times faster than it waited, given the noise. Those at or
 *   above `confidence` (0.95) are reported; the others are `uncertain`.
 */
import { fail, requireKnownKeys, requireObject, requirePositive, requirePositiveInt } from '../errors';
import { fitPieces, type PiecewiseFit } from './changepoints';
import { confidenceOf } from './confidence';
import type { History } from './history';
import { centredMedian, median, noiseModel } from './noise';
import { descents, measurePace, type Pace } from './pace';
import { ranksOf, type RankCriterion, type RankPoint } from './ranks';

export type { RankCriterion, RankPoint } from './ranks';

export interface Plateau {
  /** First step of the plateau. */
  start: number;
  /** Last step before the escape begins (before the loss falls within `contrast` of its fastest pace). */
  end: number;
  /** Its level: the median of the loss on it. */
  loss: number;
  /** The step where the loss leaves it: where it completes its first fall by `drop` (docs/phases.md). */
  escapeStep: number;
  /** How many times faster the loss falls in the escape than on the plateau (T ratio). */
  contrast: number;
  /**
   * How sure the detector is, given the run's noise, that the escape fell by at least `drop` and at
   * least `contrast` times faster than the plateau: Φ of the smaller of the two z-scores (docs/phases.md).
   */
  confidence: number;
}

/** What the detector took the noise of the run to be. */
export interface NoiseSummary {
  /** Median standard deviation of the per-step log-loss (0: a noise-free curve). */
  sigma: number;
  /** Points left out as spikes (far above their neighbours: a step at the edge of stability). */
  spikes: number;
  /** Spectrum records whose full-data loss entered the fit (0 for a full-batch run, where it is the per-step loss). */
  records: number;
}

export interface Phases {
  /** Plateaus the run has left, at or above the confidence level, in order; they never overlap. */
  plateaus: Plateau[];
  /** Escape steps of those plateaus, in order, each once. */
  escapes: number[];
  /** Plateaus found below the confidence level: to be drawn as uncertain, never as plain marks. */
  uncertain: Plateau[];
  /** The confidence level a plateau needs to be reported. */
  confidenceLevel: number;
  noise: NoiseSummary;
  /** Rank of every record (deep layers). */
  ranks: RankPoint[];
  /** Records where the rank rises: `{ step, from, to }`. */
  rankIncrements: Array<{ step: number; from: number; to: number }>;
  /** How the ranks were read. */
  rankCriterion: RankCriterion;
}

export interface PhaseOptions {
  /** The smallest drop that makes an escape, as a fraction of the plateau's level (default 0.05). */
  drop?: number;
  /** How much faster the escape must be than the plateau, as a ratio of T (default 5). */
  contrast?: number;
  /** Fewest recorded points a plateau holds its level for (default 30). */
  minPoints?: number;
  /** The confidence a plateau needs to be reported, in (0, 1) (default 0.95). */
  confidence?: number;
  /**
   * Read ranks as #{i : s_i/s₁ ≥ rankThreshold} instead of against the random bulk (the criterion
   * before the bulk edge; it counts the bulk too, docs/phases.md "Rank"). Default: the bulk edge.
   */
  rankThreshold?: number;
}

const OPTION_KEYS = ['drop', 'contrast', 'minPoints', 'confidence', 'rankThreshold'] as const;

/** Fixed choices, explained in docs/phases.md. */
const FLOOR = 1e-4; // the least noise assumed in the log-loss: below it, differences are rounding
const PENALTY = 4; // a piece costs 4·ln(n) in χ² units, BIC's price of its 4 parameters: a line's 2, where it starts, whether it joins the last
const CONTEXT = 0.1; // a drop must be ≥ 10 % of the fall (in log-loss) before the plateau
const SETTLED = 3; // the escape lasts while the loss falls ≥ 3× faster than on the plateau
const SPIKE = 6; // a jump beyond drop + 6σ of the noise above the lowest loss so far is a catapult
const COMPLETE = 1; // an escape is under way once the loss is a factor e below its plateau, whatever its pace

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
  const level = requirePositive('confidence', options.confidence ?? 0.95);
  if (level >= 1) fail('confidence', 'a probability in (0, 1)', level);
  const fraction = options.rankThreshold === undefined ? undefined : requirePositive('rankThreshold', options.rankThreshold);
  const { steps, loss, exact } = curveOf(history);
  const found = findPlateaus(steps, loss, { drop, contrast, minPoints, exact });
  const plateaus = found.plateaus.filter((p) => p.confidence >= level);
  return {
    plateaus,
    escapes: plateaus.map((p) => p.escapeStep),
    uncertain: found.plateaus.filter((p) => p.confidence < level),
    confidenceLevel: level,
    noise: found.noise,
    ...ranksOf(history, fraction),
  };
}

/**
 * The points phase detection reads: the per-step loss, and the records' full-data loss where it is
 * not the per-step loss (a mini-batch run), marked exact: the loss of the whole data set at those
 * weights, free of the batch's noise.
 */
function curveOf(history: History): { steps: Float64Array; loss: Float64Array; exact: Uint8Array } {
  const steps = history.steps();
  const loss = history.loss();
  const at = new Map<number, number>();
  steps.forEach((s, i) => at.set(s, loss[i]));
  let paired = 0;
  let differ = 0;
  for (const r of history.records) {
    const l = at.get(r.step);
    if (l === undefined || !(l > 0) || !(r.loss > 0)) continue;
    paired++;
    if (Math.abs(Math.log(l / r.loss)) > 1e-5) differ++;
  }
  const records = differ > 0 ? history.records.filter((r) => Number.isFinite(r.loss) && r.loss > 0) : [];
  if (!records.length || !paired) return { steps, loss, exact: new Uint8Array(steps.length) };
  const all = [...Array.from(steps, (s, i) => ({ s, l: loss[i], e: 0 })), ...records.map((r) => ({ s: r.step, l: r.loss, e: 1 }))];
  all.sort((a, b) => a.s - b.s || a.e - b.e);
  return { steps: Float64Array.from(all, (p) => p.s), loss: Float64Array.from(all, (p) => p.l), exact: Uint8Array.from(all, (p) => p.e) };
}

export interface FoundPlateaus {
  /** Every plateau found, whatever its confidence, in order. */
  plateaus: Plateau[];
  noise: NoiseSummary;
}

/**
 * The plateaus of one loss curve (steps ascending), with their confidences; see the criteria above.
 * `exact` marks points that carry the full-data loss (records of a mini-batch run).
 */
export function findPlateaus(
  allSteps: ArrayLike<number>,
  allLoss: ArrayLike<number>,
  o: { drop?: number; contrast?: number; minPoints?: number; exact?: ArrayLike<number> } = {},
): FoundPlateaus {
  const { drop = 0.05, contrast = 5, minPoints = 30 } = o;
  // Points with a finite positive loss only: the log of anything else means nothing.
  const keep: number[] = [];
  for (let i = 0; i < allLoss.length; i++) if (Number.isFinite(allLoss[i]) && allLoss[i] > 0) keep.push(i);
  const n = keep.length;
  const steps = Float64Array.from(keep, (i) => allSteps[i]);
  const lam = Float64Array.from(keep, (i) => Math.log(allLoss[i]));
  const exact = Uint8Array.from(keep, (i) => (o.exact?.[i] ? 1 : 0));
  const batch = keep.flatMap((_, j) => (exact[j] ? [] : [j]));
  const noise = noiseModel(Float64Array.from(batch, (j) => lam[j]), FLOOR);
  // A per-step loss without noise is the loss of the whole data set already: records add nothing
  // (and a record that disagrees with it, as a hand-made history's may, is not taken over it).
  if (batch.length < n && median(noise.sigma) <= 10 * FLOOR) {
    return findPlateaus(Float64Array.from(batch, (j) => steps[j]), Float64Array.from(batch, (j) => Math.exp(lam[j])), { drop, contrast, minPoints });
  }
  const sigma = new Float64Array(n).fill(FLOOR);
  const spike = new Uint8Array(n);
  batch.forEach((j, q) => {
    sigma[j] = noise.sigma[q];
    spike[j] = noise.spike[q];
  });
  // Weights 1/σ²; a spike weighs nothing.
  const w = Float64Array.from(sigma, (s, i) => (spike[i] ? 0 : 1 / (s * s)));
  if (batch.length < n && batch.length >= 8) liftBatches(steps, lam, exact, w);
  const summary: NoiseSummary = { sigma: batch.length ? median(Float64Array.from(batch, (j) => sigma[j])) : 0, spikes: spike.reduce((t, v) => t + v, 0), records: n - batch.length };
  if (n < 8) return { plateaus: [], noise: summary };
  const fit = fitPieces(steps, lam, w, PENALTY * Math.log(n));
  // The scatter of the loss about the curve at each point, for the catapult test: a record's own
  // noise is nil, but the lowest loss it is compared with is a batch's.
  const scatter = Float64Array.from(sigma);
  for (let i = 0, last = FLOOR; i < n; i++) exact[i] ? (scatter[i] = last) : (last = sigma[i]);
  // The pace is read off the fit's centred median of 9 points: a dip or a bump of up to 4 points that
  // the fit follows (a run of easy or hard batches) would otherwise set a level the loss then seems to
  // wait to regain. A centred median keeps a step where it is, and a monotone curve as it is.
  const p = measurePace(steps, lam, centredMedian(fit.value, 4), scatter, drop);
  const { bottom, deepest } = descents(p);
  const med5 = centredMedian(lam, 2);
  const out: Plateau[] = [];
  let prev = 0;
  let a = 0;
  while (a < n - 1) {
    const m = deepest[bottom[a]];
    if (!Number.isFinite(p.pace[a]) || p.pace[a] < contrast * Math.max(p.pace[m], 1e-12)) {
      a++;
      continue;
    }
    const found = judge(p, fit, med5, spike, steps, a, m, prev, out.length === 0, minPoints, contrast);
    if (typeof found === 'number') {
      a = found;
      continue;
    }
    out.push({ ...found.plateau, contrast: p.pace[a] / Math.max(p.pace[m], 1e-12) });
    // The next plateau starts after this escape: plateaus never overlap, and no escape is found twice.
    prev = Math.max(p.fallsAt[m], m + 1, found.escapeIndex);
    // And it waits there only once the escape has settled, its pace `contrast` times slower than at
    // its fastest: a fall that keeps speeding up (into an exponential decay) is one escape, however a
    // wobble of the noise slows it for a while.
    a = prev;
    while (a < n - 1 && Number.isFinite(p.pace[a]) && p.pace[a] < contrast * p.pace[m]) a++;
  }
  return { plateaus: out, noise: summary };
}

/**
 * The plateau that starts its wait at a and escapes by m, or, if it is not one,
 * the next index worth trying: a later start on the same descent has a lower
 * level and so a smaller drop against a larger fall before it (skip to the
 * bottom); past a spike, start after the spike; else the next point.
 */
function judge(
  p: Pace,
  fit: PiecewiseFit,
  med5: Float64Array,
  spike: Uint8Array,
  steps: Float64Array,
  a: number,
  m: number,
  prev: number,
  isFirst: boolean,
  minPoints: number,
  contrast: number,
): { plateau: Omit<Plateau, 'contrast'>; escapeIndex: number } | number {
  const { fit: f, envelope, pace, logDrop } = p;
  // The whole escape: while the loss keeps falling SETTLED times faster than on the plateau.
  let z = m;
  while (z + 1 < p.n && pace[z + 1] <= pace[a] / SETTLED) z++;
  const landed = p.fallsAt[z] >= 0 ? p.fallsAt[z] : z;
  if (envelope[a] - envelope[landed] < CONTEXT * (envelope[0] - envelope[a])) return m + 1;
  // Its level: the fit at a (as T is counted from it: measurePace), held at the drop above the lowest
  // the loss had been where a bump lifts it higher.
  const at = Math.min(f[a], envelope[a] + logDrop);
  let st = a;
  while (st - 1 >= prev && f[st - 1] <= at + logDrop) st--;
  // It holds its level while within half the drop of it...
  let en = a;
  while (en + 1 <= m && f[en + 1] >= at - logDrop / 2) en++;
  if (en - st + 1 < minPoints) return a + 1;
  // ...and, for a plateau that creeps down, lasts until the escape begins: the last point before the pace
  // comes within `contrast` of the escape's fastest.
  let end = en;
  while (end + 1 <= m && !(pace[end + 1] <= contrast * pace[m])) end++;
  // A first plateau that the loss reached by falling for longer than it then stays is a pause.
  if (isFirst && steps[st] - steps[0] > steps[en] - steps[st]) return a + 1;
  // Catapult: a point far above the lowest the loss had been (a median of 5, which no single
  // spike moves and which, unlike the fit, does not see the drop coming).
  let low = Infinity;
  for (let i = st; i <= m; i++) {
    low = Math.min(low, med5[i]);
    if (spike[i]) continue;
    if (p.lam[i] - low > logDrop + SPIKE * p.noise[i]) return Math.max(a, i) + 1;
  }
  const level: number[] = [];
  for (let i = st; i <= en; i++) level.push(p.lam[i]);
  // The escape step: where the first fall by `drop` at no less than half the escape's fastest pace is
  // complete. A fall that runs into an exponential decay is fastest only at its end, where noise moves
  // the fastest pace far along: by a factor e below the plateau, the escape is under way whatever its pace.
  let e = a;
  while (e < m && !(pace[e] <= 2 * pace[m]) && f[e] > envelope[a] - COMPLETE) e++;
  e = Math.min(p.n - 1, Math.max(p.fallsAt[e], e));
  end = Math.min(end, e - 1);
  return {
    plateau: { start: steps[st], end: steps[end], loss: Math.exp(median(level)), escapeStep: steps[e], confidence: confidenceOf(fit, steps, { st, end, e, m, fallsAt: Math.max(m, p.fallsAt[m]), minPoints, waited: pace[a], fastest: Math.max(pace[m], 1e-12) }, logDrop, contrast) },
    escapeIndex: e,
  };
}

/**
 * Lifts the per-step points of a mini-batch run onto the records' full-data loss. The mean log of
 * a batch's loss lies below the log of the full loss (Jensen): by σ²/2 where the batch noise is
 * log-normal, by far more in a converged tail, where most batches fit and a few do not (in notebook
 * 05 at the paper scale the median batch loss is a third of the full loss at step 6000). The offset
 * is measured at each record against the fit of the batch points alone (which follows the loss
 * through its falls, as a window of raw points straddling one would not), smoothed by a median over
 * 5 records (a record in a catapult, or at the very step of a fall, does not move it), interpolated
 * in steps between records and held beyond them. Then both kinds of point describe one curve.
 */
function liftBatches(steps: Float64Array, lam: Float64Array, exact: Uint8Array, w: Float64Array): void {
  const batch: number[] = [];
  for (let i = 0; i < lam.length; i++) if (!exact[i]) batch.push(i);
  const bs = Float64Array.from(batch, (i) => steps[i]);
  const alone = fitPieces(bs, Float64Array.from(batch, (i) => lam[i]), Float64Array.from(batch, (i) => w[i]), PENALTY * Math.log(batch.length)).value;
  const at: number[] = [];
  const raw: number[] = [];
  let k = 0;
  for (let i = 0; i < lam.length; i++) {
    if (!exact[i]) continue;
    while (k < bs.length && bs[k] < steps[i]) k++;
    at.push(steps[i]);
    raw.push(lam[i] - alone[Math.min(k, bs.length - 1)]);
  }
  const offset = raw.map((_, r) => median(raw.slice(Math.max(0, r - 2), r + 3)));
  let r = 0;
  for (const i of batch) {
    while (r + 1 < at.length && at[r + 1] <= steps[i]) r++;
    const t = steps[i];
    lam[i] += t <= at[0] ? offset[0] : r + 1 >= at.length ? offset[r] : offset[r] + ((offset[r + 1] - offset[r]) * (t - at[r])) / (at[r + 1] - at[r]);
  }
}
