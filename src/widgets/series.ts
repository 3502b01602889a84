/**
 * Pure conversions from a training History to the widget state's numeric
 * series (src/widgets/state.ts). Kept apart from the comm logic so that the
 * live widget, its figure description and the tests all read the same numbers.
 */
import type { History } from '../train/history';
import { detectPhases } from '../train/phases';
import type { SpectrumRecord } from '../train/types';
import { lawAt } from './figure/data';
import type { LawState, RunSeriesState, SpectrumState } from './state';

/**
 * Most loss points per run a widget sends (2¹⁵). The History keeps up to 2¹⁸
 * points; sent as two Float64Arrays that is 4 MiB per run, 5.3 MB once the
 * notebook saves the widget state in base64. A plot
 * cannot show more than a few points per pixel anyway, and plateaus and
 * escapes are still found on the whole History. (A saved notebook's widget
 * state should stay within about 5 MB.)
 */
export const WIDGET_MAX_POINTS = 1 << 15;

/**
 * The stride (a power of two) at which a widget samples a History of `n`
 * points so that at most `max` are sent: history indices 0, m, 2m, ….
 *
 * @example
 * ```ts
 * import { displayStride } from './series';
 * console.log(displayStride(1000), displayStride(250001)); // 1 8
 * ```
 */
export function displayStride(n: number, max = WIDGET_MAX_POINTS): number {
  let m = 1;
  while (Math.ceil(n / m) > max) m *= 2;
  return m;
}

/**
 * A run's loss series with its plateaus and escapes: the points at history
 * indices `from·every`, `(from+1)·every`, … (`every` defaults to the display
 * stride, so `from` counts sent points, not history points).
 *
 * @example
 * ```ts
 * import { train } from 'saddlelab';
 * import { runSeries } from './series';
 * const h = train.createHistory({ name: 'r', activation: 'linear', dims: [1, 1], depth: 1, config: {} });
 * h.addStep({ step: 0, loss: 1, paramNorm: 1, lr: 1 });
 * console.log(runSeries(h).loss); // Float64Array(1) [1]
 * ```
 */
export function runSeries(history: History, from = 0, every = displayStride(history.length)): RunSeriesState {
  const phases = phasesOf(history);
  const pick = (all: Float64Array) => {
    if (every === 1) return all.slice(from);
    const out = new Float64Array(Math.max(0, Math.ceil(all.length / every) - from));
    for (let j = 0; j < out.length; j++) out[j] = all[(from + j) * every];
    return out;
  };
  return {
    name: history.meta.name,
    steps: pick(history.steps()),
    loss: pick(history.loss()),
    plateaus: phases.plateaus.map((p) => [p.start, p.end] as [number, number]),
    escapes: [...phases.escapes],
    confidence: phases.escapes.map((step, k) => ({ step, confidence: phases.confidence[k] })),
    uncertain: phases.uncertain.map((p) => ({ ...p })),
  };
}

interface CachedPhases {
  length: number;
  ended: boolean;
  /** Date.now() when computed. */
  at: number;
  /** How long that took (ms). */
  cost: number;
  plateaus: Array<{ start: number; end: number }>;
  escapes: number[];
  /** The confidence of each escape. */
  confidence: number[];
  /** Plateaus below the confidence level: their escape steps and confidences. */
  uncertain: Array<{ step: number; confidence: number }>;
}
type Found = Pick<CachedPhases, 'plateaus' | 'escapes' | 'confidence' | 'uncertain'>;
const phaseCache = new WeakMap<History, CachedPhases>();

/** Least milliseconds between two phase detections of a running history. */
export const PHASES_EVERY_MS = 1000;

/**
 * The plateaus and escapes of a history. detectPhases reads the whole series
 * (tens of ms for a few thousand points, seconds for the 2¹⁸ a long run keeps),
 * and a live widget asks at every update, so during a run they are recomputed
 * only when the series has grown by 1/64 and both `PHASES_EVERY_MS` and 50 times
 * the last detection's own time have passed since it ended (at most ~2 % of a
 * core, however long the history); always when the history ends. The marks are
 * decoration: a lag while running is invisible, and the final figure is exact.
 */
export function phasesOf(history: History): Found {
  const n = history.length;
  const ended = history.end !== undefined;
  const c = phaseCache.get(history);
  const now = Date.now();
  const wait = c ? Math.max(PHASES_EVERY_MS, 50 * c.cost) : 0;
  if (c && c.ended === ended && (c.length === n || (!ended && (n < c.length + Math.ceil(c.length / 64) || now - c.at < wait)))) return c;
  let found: Found = { plateaus: [], escapes: [], confidence: [], uncertain: [] };
  if (n >= 4) {
    try {
      const p = detectPhases(history);
      found = { plateaus: p.plateaus, escapes: p.escapes, confidence: p.plateaus.map((q) => q.confidence), uncertain: p.uncertain.map((q) => ({ step: q.escapeStep, confidence: q.confidence })) };
    } catch {
      // Marks are decoration: a failure in phase detection must not stop the plot.
    }
  }
  const at = Date.now();
  const entry = { length: n, ended, at, cost: at - now, ...found };
  phaseCache.set(history, entry);
  return entry;
}

function flatten(records: SpectrumRecord[], pick: (r: SpectrumRecord) => Float64Array[] | undefined, layers: number, k: number): Float64Array {
  const out = new Float64Array(records.length * layers * k).fill(NaN);
  records.forEach((r, ri) => {
    const values = pick(r) ?? [];
    for (let l = 0; l < layers; l++) {
      const s = values[l];
      if (!s) continue;
      for (let i = 0; i < Math.min(k, s.length); i++) out[(ri * layers + l) * k + i] = s[i];
    }
  });
  return out;
}

/** The number of singular values kept per layer (the largest over the records). */
export function topK(records: SpectrumRecord[]): number {
  let k = 0;
  for (const r of records) for (const s of r.weights) k = Math.max(k, s.length);
  for (const r of records) for (const s of r.activations ?? []) k = Math.max(k, s.length);
  return k;
}

/**
 * The spectrum records from index `from` on, flattened record-major (layout in state.ts).
 *
 * @example
 * ```ts
 * import { spectrumSeries } from './series';
 * const s = spectrumSeries([{ step: 0, loss: 1, paramNorm: 1, weights: [Float64Array.of(3, 1)] }], 1, 2);
 * console.log(Array.from(s.weights)); // [3, 1]
 * ```
 */
export function spectrumSeries(records: SpectrumRecord[], layers: number, k: number, from = 0): SpectrumState {
  const rs = records.slice(from);
  const hasAct = rs.some((r) => r.activations && r.activations.length);
  const actLayers = Math.max(0, layers - 1);
  return {
    steps: Float64Array.from(rs, (r) => r.step),
    layers,
    k,
    weights: flatten(rs, (r) => r.weights, layers, k),
    activations: hasAct ? flatten(rs, (r) => r.activations, actLayers, k) : null,
    actLayers,
  };
}

/**
 * The quantities of Theorem 3.1 per layer at one record: `s1/s2` and the
 * energy outside `s1`, `Σ_{i≥2} s_i² / Σ_i s_i²`, over the recorded top-k
 * values (so a lower bound of the true energy when k is below the rank).
 *
 * @example
 * ```ts
 * import { layerLaw } from './series';
 * const law = layerLaw({ step: 5, loss: 0, paramNorm: 1, weights: [Float64Array.of(2, 1)] }, 'weights');
 * console.log(law.ratio[0], law.energy[0]); // 2 0.2
 * ```
 */
export function layerLaw(record: SpectrumRecord, source: 'weights' | 'activations'): LawState {
  const values = (source === 'weights' ? record.weights : record.activations) ?? [];
  const one = [{ step: record.step, loss: record.loss, paramNorm: record.paramNorm, weights: values }];
  const sp = spectrumSeries(one, values.length, topK(one));
  return lawAt({ sp, values: sp.weights, layers: values.length, symbol: 'W' }, 0);
}

/** The record at or before `step` (the first one when none is), or undefined without records. */
export function recordAt(records: SpectrumRecord[], step: number | null): SpectrumRecord | undefined {
  if (!records.length) return undefined;
  if (step === null) return records[records.length - 1];
  let best = records[0];
  for (const r of records) if (r.step <= step) best = r;
  return best;
}

function flat(meta: History['meta']): Record<string, string> {
  const out: Record<string, string> = { depth: String(meta.depth), activation: meta.activation, width: String(meta.dims.slice(1, -1).join('×')) };
  if (meta.seed !== undefined) out.seed = String(meta.seed);
  for (const [k, v] of Object.entries(meta.config ?? {})) out[k] = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return out;
}

/**
 * Legend names for several runs: each run's name, and where runs share a
 * name (or are unnamed: `run-1`, `run-2`), the first settings (depth, width,
 * seed, then the run's options) that tell them apart, e.g. `run (depth 4)`
 * and `run (depth 6)`; an unnamed run nothing tells apart keeps its `run-N`.
 *
 * @example
 * ```ts
 * import { train } from 'saddlelab';
 * import { runNames } from './series';
 * const meta = (depth: number) => ({ name: 'run', activation: 'relu' as const, dims: Array(depth + 1).fill(2), depth, config: {} });
 * console.log(runNames([train.createHistory(meta(4)), train.createHistory(meta(6))])); // ['run (depth 4, width 2×2×2)', 'run (depth 6, width 2×2×2×2×2)']
 * ```
 */
export function runNames(histories: History[]): string[] {
  // Unnamed runs (`run-1`, `run-2`, …: train.createTrainer's default names) are told apart by
  // their settings too, when settings tell them apart: `run (depth 4)` says more than `run-7`.
  const auto = histories.map((h) => /^run-\d+$/.test(h.meta.name));
  const names = histories.map((h, i) => (auto[i] ? 'run' : h.meta.name || 'run'));
  const told = names.map((name, i) => {
    const same = histories.filter((_, j) => names[j] === name);
    if (same.length < 2) return name;
    const mine = flat(histories[i].meta);
    const all = same.map((h) => flat(h.meta));
    const differ = Object.keys(mine).filter((k) => all.some((m) => m[k] !== mine[k]));
    return differ.length ? `${name} (${differ.slice(0, 2).map((k) => `${k} ${mine[k]}`).join(', ')})` : name;
  });
  return told.map((name, i) => (auto[i] && name === 'run' ? histories[i].meta.name : name));
}
