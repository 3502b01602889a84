/**
 * The widget contract as data: kinds, model and view names, the default
 * state, which keys the browser may set and how each is checked, the colours,
 * and what a live update carries for each kind. Imported by the kernel side
 * (src/widgets/) and bundled into the browser side (widgets/src/), so the two
 * can never hold different copies. Pure data and pure functions: no Node, no
 * DOM. The types are in state.ts; the module name and version in version.ts
 * (generated from package.json).
 *
 * Adding a widget kind: add it to `WidgetKind` (state.ts) and `KINDS`, give it
 * a `LIVE` plan, a `DEFAULT_STATE` override if it needs one, and a case in
 * figure/describe.ts; the model and view classes follow from the names here.
 *
 * @example
 * ```ts
 * import { KINDS, MODEL_NAMES, defaultState } from './contract';
 * console.log(KINDS.length, MODEL_NAMES.LossPlot, defaultState('LossPlot').log_y); // 5 LossPlotModel true
 * ```
 */
import type { BrowserKey, LivePlan, PlotState, RunPhase, WidgetKind } from './state';

/** Every widget kind, in a fixed order. */
export const KINDS = ['LossPlot', 'SpectrumPlot', 'LayerLawPlot', 'TrainingDashboard', 'SweepPlot'] as const satisfies readonly WidgetKind[];

/** Browser model class name of each kind (`<Kind>Model`: the type rejects any other spelling). */
export const MODEL_NAMES = {
  LossPlot: 'LossPlotModel',
  SpectrumPlot: 'SpectrumPlotModel',
  LayerLawPlot: 'LayerLawPlotModel',
  TrainingDashboard: 'TrainingDashboardModel',
  SweepPlot: 'SweepPlotModel',
} as const satisfies { readonly [K in WidgetKind]: `${K}Model` };
/** Browser view class name of each kind (`<Kind>View`). */
export const VIEW_NAMES = {
  LossPlot: 'LossPlotView',
  SpectrumPlot: 'SpectrumPlotView',
  LayerLawPlot: 'LayerLawPlotView',
  TrainingDashboard: 'TrainingDashboardView',
  SweepPlot: 'SweepPlotView',
} as const satisfies { readonly [K in WidgetKind]: `${K}View` };

/** Every PlotState key, in the order the browser model reads them. */
export const STATE_KEYS = [
  'kind', 'title', 'log_y', 'log_x', 'smoothing', 'relative', 'runs', 'spectrum', 'source', 'mode', 'snapshot_steps', 'overlay',
  'law', 'cursor', 'selected_layers', 'paused', 'progress', 'ends', 'controls', 'sweep',
] as const satisfies ReadonlyArray<keyof PlotState>;

/** The keys the browser may set (state.ts BrowserKey). */
export const BROWSER_KEYS = ['cursor', 'selected_layers', 'paused', 'log_y', 'log_x', 'smoothing', 'relative'] as const satisfies readonly BrowserKey[];

/** Every run state the dashboard shows (state.ts RunPhase). */
export const RUN_PHASES = ['idle', 'running', 'paused', 'stopped', 'done'] as const satisfies readonly RunPhase[];

/** Whether a browser-set value has its declared type; the kernel drops any other. */
export const BROWSER_VALUE_OK: { readonly [K in BrowserKey]: (v: unknown) => v is PlotState[K] } = {
  cursor: (v): v is number | null => v === null || (typeof v === 'number' && Number.isFinite(v)),
  selected_layers: (v): v is number[] => Array.isArray(v) && v.every((l) => Number.isInteger(l) && l >= 0),
  paused: (v): v is boolean => typeof v === 'boolean',
  log_y: (v): v is boolean => typeof v === 'boolean',
  log_x: (v): v is boolean => typeof v === 'boolean',
  smoothing: (v): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0,
  relative: (v): v is boolean => typeof v === 'boolean',
};

/**
 * The state of a widget of `kind` before any data: what the browser model
 * starts from and what the kernel side fills in.
 */
export function defaultState(kind: WidgetKind): PlotState {
  return {
    kind,
    title: '',
    // A SweepPlot's default is a rate or a mean on a linear axis; times and scales opt into log.
    log_y: kind !== 'SweepPlot',
    // The layer law is read on log–log axes (Theorem 3.1's slopes are powers of ℓ).
    log_x: kind === 'LayerLawPlot',
    smoothing: 0,
    relative: false,
    runs: [],
    spectrum: null,
    source: 'weights',
    mode: 'series',
    snapshot_steps: [],
    overlay: false,
    law: null,
    cursor: null,
    selected_layers: [],
    paused: false,
    progress: null,
    ends: [],
    controls: null,
    sweep: null,
  };
}

/**
 * What a live update carries, per kind. A SpectrumPlot or LayerLawPlot sends
 * no loss points, only records and the phases (escape marks on its panels);
 * the browser checks an append against the same plan (widgets/src/buffers.ts).
 */
export const LIVE: { readonly [K in WidgetKind]: LivePlan } = {
  LossPlot: { points: true, phases: true, records: false, progress: false },
  SpectrumPlot: { points: false, phases: true, records: true, progress: false },
  LayerLawPlot: { points: false, phases: false, records: true, progress: false },
  TrainingDashboard: { points: true, phases: true, records: true, progress: true },
  // A sweep's rows are few (one per finished run): every change goes out as a full `update` of `sweep`.
  SweepPlot: { points: false, phases: false, records: false, progress: false },
};

/** Run colours (Matplotlib's tab10): run j of a widget is `RUN_COLORS[j % 10]`, its loss, plateaus and escapes alike. */
export const RUN_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'] as const;

/** Colours of s_1, s_2, … in the spectrum-against-step panels (the same tab10 cycle). */
export const INDEX_COLORS = RUN_COLORS;

/** The cursor line and its readout. */
export const CURSOR_COLOR = '#111111';
/**
 * The faint per-step loss beneath a run's main loss line (its mini-batch loss, or the raw loss
 * under a smoothed one) when a panel shows one run: grey, so that it does not read as the run's
 * plateau shading, which is drawn in the run's colour.
 */
export const RAW_LOSS_COLOR = '#8c8c8c';
/** Text of a run that stopped early (its label and message). */
export const ALERT_COLOR = '#b00020';

/** Viridis at 9 evenly spaced stops: dark purple (early) to yellow (late). */
const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];

/**
 * The colour of snapshot `j` of `n` in time order (viridis, early dark, late
 * yellow-green; the last stop is skipped, too pale on white). The same colour
 * marks that step on the loss plot and draws its line in the snapshot panels.
 *
 * @example
 * ```ts
 * import { timeColor } from './contract';
 * console.log(timeColor(0, 3), timeColor(2, 3)); // #440154 #addc30
 * ```
 */
export function timeColor(j: number, n: number): string {
  const last = VIRIDIS.length - 2;
  const t = n <= 1 ? 0 : Math.min(1, Math.max(0, j / (n - 1)));
  const x = t * last;
  const a = Math.floor(x);
  const b = Math.min(last, a + 1);
  return mix(VIRIDIS[a], VIRIDIS[b], x - a);
}

function mix(a: string, b: string, t: number): string {
  const ca = [1, 3, 5].map((i) => parseInt(a.slice(i, i + 2), 16));
  const cb = [1, 3, 5].map((i) => parseInt(b.slice(i, i + 2), 16));
  return '#' + ca.map((v, i) => Math.round(v + (cb[i] - v) * t).toString(16).padStart(2, '0')).join('');
}

/** SVG `stroke-dasharray` of each line style (Plotly draws the same names natively). */
export const DASH_PATTERNS = { solid: '', dash: '6,3', dot: '2,2', dashdot: '8,3,2,3' } as const;
