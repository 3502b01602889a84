/**
 * A figure's data inside its own output: every saddlelab display bundle
 * carries, under FIGURE_MIME, the widget's PlotState thinned for the page
 * (at most FIGURE_MAX_POINTS loss points per run, FIGURE_MAX_RECORDS
 * spectrum records) with its series as base64 float32. A report's HTML draws
 * the interactive figure from it with the same figure code as the live view
 * (hover, zoom), offline, from any executed notebook: the saved widget state
 * cannot serve, since it is missing or, for a notebook executed headlessly,
 * holds only the state of the widget's comm_open and full updates, never the
 * incremental appends of a live run.
 *
 * Pure and browser-safe (btoa/atob): the kernel encodes, the report page decodes.
 */
import type { PlotState } from './state';

/** The mime type of a figure's data in a display bundle (JSON: Jupyter stores it as an object). */
export const FIGURE_MIME = 'application/vnd.saddlelab.figure+json';
/** Most loss points per run in a figure's data (evenly thinned, last point kept). */
export const FIGURE_MAX_POINTS = 4000;
/** Most spectrum records in a figure's data (evenly thinned, last kept). */
export const FIGURE_MAX_RECORDS = 400;

/** The JSON under FIGURE_MIME. */
export interface FigureData {
  version: 1;
  /** PlotState with every Float64Array replaced by `{ $f32: base64 }` (little-endian float32). */
  state: unknown;
}

/** Indices 0, s, 2s, … of n items with at most about `max` of them, the last one always kept. */
export function thinIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const stride = Math.ceil(n / max);
  const idx: number[] = [];
  for (let i = 0; i < n; i += stride) idx.push(i);
  if (idx[idx.length - 1] !== n - 1) idx.push(n - 1);
  return idx;
}

function pick(a: Float64Array, idx: number[], width = 1): Float64Array {
  const out = new Float64Array(idx.length * width);
  idx.forEach((r, j) => out.set(a.subarray(r * width, r * width + width), j * width));
  return out;
}

/** The state with long series thinned for a page (the figure keeps its shape: plateaus, escapes and marks are untouched). */
export function thinState(state: PlotState, maxPoints = FIGURE_MAX_POINTS, maxRecords = FIGURE_MAX_RECORDS): PlotState {
  const runs = state.runs.map((r) => {
    const idx = thinIndices(r.steps.length, maxPoints);
    return { ...r, steps: pick(r.steps, idx), loss: pick(r.loss, idx) };
  });
  let spectrum = state.spectrum;
  if (spectrum) {
    const idx = thinIndices(spectrum.steps.length, maxRecords);
    spectrum = {
      ...spectrum,
      steps: pick(spectrum.steps, idx),
      weights: pick(spectrum.weights, idx, spectrum.layers * spectrum.k),
      activations: spectrum.activations ? pick(spectrum.activations, idx, spectrum.actLayers * spectrum.k) : null,
    };
  }
  return { ...state, runs, spectrum };
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function encode(v: unknown): unknown {
  if (v instanceof Float64Array) return { $f32: toBase64(new Uint8Array(Float32Array.from(v).buffer)) };
  if (Array.isArray(v)) return v.map(encode);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
  return v;
}

function decode(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$f32 === 'string' && Object.keys(o).length === 1) {
      const bytes = fromBase64(o.$f32);
      return Float64Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decode(x)]));
  }
  return v;
}

/**
 * The figure data of a widget state (thinned, series as base64 float32).
 *
 * @example
 * ```ts
 * import { train, widgets } from 'saddlelab';
 * import { figureData, stateOfFigureData } from './figure-data';
 * const h = train.createHistory({ name: 'demo', activation: 'linear', dims: [2, 2], depth: 1, config: {} });
 * for (let t = 0; t < 3; t++) h.addStep({ step: t, loss: 1 / (t + 1), paramNorm: 1, lr: 0.1 });
 * const data = figureData(new widgets.LossPlot(h).state);
 * console.log(stateOfFigureData(JSON.parse(JSON.stringify(data)))?.runs[0].loss); // Float64Array(3) [1, 0.5, 0.333…]
 * ```
 */
export function figureData(state: PlotState): FigureData {
  return { version: 1, state: encode(thinState(state)) };
}

/** The PlotState back from a figure's data (series as Float64Array), or null when `data` is not figure data. */
export function stateOfFigureData(data: unknown): PlotState | null {
  const d = data as Partial<FigureData> | null;
  if (!d || typeof d !== 'object' || d.version !== 1 || !d.state || typeof d.state !== 'object') return null;
  const state = decode(d.state) as PlotState;
  return Array.isArray(state.runs) && typeof state.kind === 'string' ? state : null;
}
