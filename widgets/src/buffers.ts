/**
 * Turns the binary fields the kernel sent (DataViews after ipywidgets'
 * deserialization, at arbitrary byte offsets) back into Float64Arrays, and
 * applies the kernel's incremental `append` messages to a PlotState.
 */
import type { AppendMessage, LivePlan, PlotState, RunSeriesState, SpectrumState } from '../../src/widgets/state';

/** A Float64Array copy of a DataView / ArrayBuffer / typed array (copied: offsets need not be 8-aligned). */
export function toFloat64(value: unknown): Float64Array {
  if (value instanceof Float64Array) return value;
  if (ArrayBuffer.isView(value)) return new Float64Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  if (value instanceof ArrayBuffer) return new Float64Array(value.slice(0));
  if (Array.isArray(value)) return Float64Array.from(value as number[]);
  return new Float64Array(0);
}

/** Puts buffers at their paths (as Float64Arrays) into a JSON object. */
export function putBuffers(obj: Record<string, unknown>, paths: Array<Array<string | number>>, buffers: unknown[]): void {
  paths.forEach((path, i) => {
    let o = obj as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) o = o[key] as Record<string | number, unknown>;
    o[path[path.length - 1]] = toFloat64(buffers[i]);
  });
}

/** A run's series with binary fields as Float64Arrays. */
export function normalizeRun(run: RunSeriesState): RunSeriesState {
  return { ...run, steps: toFloat64(run.steps), loss: toFloat64(run.loss) };
}

export function normalizeSpectrum(sp: SpectrumState | null): SpectrumState | null {
  if (!sp) return null;
  return { ...sp, steps: toFloat64(sp.steps), weights: toFloat64(sp.weights), activations: sp.activations ? toFloat64(sp.activations) : null };
}

function concat(a: Float64Array, at: number, b: Float64Array): Float64Array {
  const out = new Float64Array(at + b.length);
  out.set(a.subarray(0, Math.min(at, a.length)));
  out.set(b, at);
  return out;
}

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
  const records = (msg.recordSteps as ArrayLike<number> | undefined)?.length ?? 0;
  if (plan.records && records > 0 && msg.recordFrom > (state.spectrum?.steps.length ?? 0)) return false;
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
    const points = plan.points ? { steps: concat(old.steps, msg.from, toFloat64(msg.steps)), loss: concat(old.loss, msg.from, toFloat64(msg.loss)) } : {};
    const phases = plan.phases ? { plateaus: msg.plateaus, escapes: msg.escapes } : {};
    runs[msg.run] = { ...old, ...points, ...phases };
  }
  let spectrum = state.spectrum;
  const steps = toFloat64(msg.recordSteps);
  if (plan.records && spectrum && steps.length) {
    const n = steps.length;
    const w = toFloat64(msg.recordWeights);
    const kNew = w.length / (n * spectrum.layers);
    const k = Math.max(spectrum.k, kNew);
    const kept = msg.recordFrom;
    const merge = (oldV: Float64Array, newV: Float64Array, layers: number) =>
      concat(widen(oldV, kept, layers, spectrum!.k, k), kept * layers * k, widen(newV, n, layers, kNew, k));
    const act = msg.recordActivations ? toFloat64(msg.recordActivations) : null;
    spectrum = {
      ...spectrum,
      k,
      steps: concat(spectrum.steps, kept, steps),
      weights: merge(spectrum.weights, w, spectrum.layers),
      activations: act ? merge(spectrum.activations ?? new Float64Array(kept * spectrum.actLayers * spectrum.k).fill(NaN), act, spectrum.actLayers) : spectrum.activations,
    };
  }
  return { runs, spectrum, progress: plan.progress ? (msg.progress ?? state.progress) : state.progress };
}
