/**
 * Turns the binary fields of the kernel's state (DataViews after ipywidgets'
 * deserialization, at arbitrary byte offsets) back into Float64Arrays, and
 * merges the kernel's `append` messages into the model's state, so that a
 * notebook saved from the browser holds the whole run. The series grow in
 * place, in buffers with room to spare (amortized: an append costs its own
 * points, not a copy of the run).
 */
import { toFloat64 } from '../../src/widgets/codec';
import type { AppendMessage, LivePlan, PlotState, RunSeriesState, SpectrumState } from '../../src/widgets/state';

/** A run's series with binary fields as Float64Arrays. */
export function normalizeRun(run: RunSeriesState): RunSeriesState {
  return { ...run, steps: toFloat64(run.steps), loss: toFloat64(run.loss) };
}

export function normalizeSpectrum(sp: SpectrumState | null): SpectrumState | null {
  if (!sp) return null;
  return { ...sp, steps: toFloat64(sp.steps), weights: toFloat64(sp.weights), activations: sp.activations ? toFloat64(sp.activations) : null };
}

/** For each buffer this module grew: how many of its values are in use (by its newest array). */
const inUse = new WeakMap<ArrayBufferLike, number>();

/**
 * `a` up to `at`, then `b`. When `b` starts at `a`'s end and `a` is the newest array of a buffer
 * grown here, `b` is written behind it in place; else the values go to a new buffer with room to
 * double. (An earlier array of the buffer keeps its values: only what lies past it is written.)
 */
export function concat(a: Float64Array, at: number, b: Float64Array): Float64Array {
  const n = at + b.length;
  const start = a.byteOffset / 8;
  if (at === a.length && inUse.get(a.buffer) === start + a.length && a.buffer.byteLength / 8 >= start + n) {
    const out = new Float64Array(a.buffer, a.byteOffset, n);
    out.set(b, at);
    inUse.set(a.buffer, start + n);
    return out;
  }
  const out = new Float64Array(new ArrayBuffer(Math.max(16, 2 * n) * 8), 0, n);
  out.set(a.subarray(0, Math.min(at, a.length)));
  out.set(b, at);
  inUse.set(out.buffer, n);
  return out;
}

/** An exact copy (ipywidgets serializes a typed array's whole buffer, room to spare included). */
export const exact = (a: Float64Array): Float64Array => (a.byteOffset === 0 && a.buffer.byteLength === a.byteLength ? a : a.slice());

/** Re-lays a record-major spectrum buffer from `kOld` to `kNew` values per layer (NaN padded). */
function widen(values: Float64Array, records: number, layers: number, kOld: number, kNew: number): Float64Array {
  if (kOld === kNew) return values;
  const out = new Float64Array(records * layers * kNew).fill(NaN);
  for (let r = 0; r < records; r++) for (let l = 0; l < layers; l++) for (let i = 0; i < Math.min(kOld, kNew); i++) out[(r * layers + l) * kNew + i] = values[(r * layers + l) * kOld + i];
  return out;
}

/**
 * Whether an `append` continues what the state holds: its first point and
 * first record may overlap the state's end but must not lie past it. A view
 * that joined during a run (a reload, a second page) got its state from
 * `request_states` while appends were in flight; one sent before that state
 * but delivered after it fits (it overlaps), one from before the comm
 * existed on this page was lost, and the next one leaves a gap: the model
 * then asks the kernel for the full state instead of drawing zeros. Only
 * what the kind's live plan (contract.ts LIVE) sends is checked.
 */
export function appendFits(state: Pick<PlotState, 'runs' | 'spectrum'>, msg: Pick<AppendMessage, 'run' | 'from' | 'recordFrom' | 'recordSteps'>, plan: LivePlan): boolean {
  if (plan.points && msg.from > (state.runs[msg.run]?.steps.length ?? 0)) return false;
  if (plan.records && msg.recordSteps.length > 0 && msg.recordFrom > (state.spectrum?.steps.length ?? 0)) return false;
  return true;
}

/**
 * The state after an `append` message: what the kind's live plan sends is
 * merged (the run's points from `from` on, its plateaus and escapes, the
 * records from `recordFrom` on, the progress); the rest is left as it is.
 */
export function applyAppend(state: Pick<PlotState, 'runs' | 'spectrum' | 'progress'>, msg: AppendMessage, plan: LivePlan): Pick<PlotState, 'runs' | 'spectrum' | 'progress'> {
  let runs = state.runs;
  if (plan.points || plan.phases) {
    runs = state.runs.slice();
    const old = runs[msg.run] ?? { name: `run ${msg.run}`, steps: new Float64Array(0), loss: new Float64Array(0), plateaus: [], escapes: [] };
    const points = plan.points ? { steps: concat(old.steps, msg.from, msg.steps), loss: concat(old.loss, msg.from, msg.loss) } : {};
    const phases = plan.phases ? { plateaus: msg.plateaus, escapes: msg.escapes } : {};
    runs[msg.run] = { ...old, ...points, ...phases };
  }
  let spectrum = state.spectrum;
  const steps = msg.recordSteps;
  if (plan.records && spectrum && steps.length) {
    const kOld = spectrum.k;
    const n = steps.length;
    const w = msg.recordWeights;
    const kNew = w.length / (n * spectrum.layers);
    const k = Math.max(spectrum.k, kNew);
    const kept = msg.recordFrom;
    const merge = (oldV: Float64Array, newV: Float64Array, layers: number) =>
      concat(widen(oldV, kept, layers, kOld, k), kept * layers * k, widen(newV, n, layers, kNew, k));
    const act = msg.recordActivations;
    spectrum = {
      ...spectrum,
      k,
      steps: concat(spectrum.steps, kept, steps),
      weights: merge(spectrum.weights, w, spectrum.layers),
      activations: act ? merge(spectrum.activations ?? new Float64Array(kept * spectrum.actLayers * kOld).fill(NaN), act, spectrum.actLayers) : spectrum.activations,
    };
  }
  return { runs, spectrum, progress: plan.progress ? (msg.progress ?? state.progress) : state.progress };
}
