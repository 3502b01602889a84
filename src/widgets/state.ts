/**
 * The state schema shared by the kernel-side widgets (src/widgets/) and their
 * browser views (widgets/src/). Type-only: both sides `import type` it, so a
 * field renamed on one side fails to compile on the other (CONVENTIONS.md,
 * "A widget's kernel class and its browser view share one state type").
 *
 * Numeric series are typed arrays: the kernel sends them as binary buffers
 * (ipywidgets `buffer_paths`), the browser turns the received DataViews back
 * into Float64Arrays (widgets/src/buffers.ts).
 */

/** Run state as the dashboard shows it (mirrors src/train/types.ts RunState). */
export type RunPhase = 'idle' | 'running' | 'paused' | 'stopped' | 'done';

/** One run's loss curve and the phases found on it (src/train/phases.ts). */
export interface RunSeriesState {
  name: string;
  steps: Float64Array;
  loss: Float64Array;
  /** `[start, end]` step ranges of the plateaus. */
  plateaus: Array<[number, number]>;
  /** Escape steps (first step leaving each plateau). */
  escapes: number[];
}

/**
 * The spectrum records of one run, flattened record-major so a whole run is
 * one buffer: value `i` of layer `l` at record `r` is
 * `weights[(r * layers + l) * k + i]` (NaN where a layer has fewer than k values).
 */
export interface SpectrumState {
  steps: Float64Array;
  layers: number;
  k: number;
  weights: Float64Array;
  /** Same layout for the hidden activations (`actLayers` = L − 1), or null when not recorded. */
  activations: Float64Array | null;
  actLayers: number;
}

/** The layer law of Theorem 3.1 at one record: per layer ℓ, s1/s2 and the energy outside s1. */
export interface LawState {
  step: number;
  layers: Float64Array;
  ratio: Float64Array;
  energy: Float64Array;
}

/** Dashboard progress line. */
export interface ProgressState {
  step: number;
  /** Total steps planned, when known. */
  total: number | null;
  stepsPerSecond: number;
  /** Seconds left at the current rate, when the total is known. */
  etaSeconds: number | null;
  phase: RunPhase;
}

/**
 * How a run ended (src/train/history.ts HistoryEnd). A run that did not
 * complete (stopped, aborted, diverged) is marked on the loss plot at `step`,
 * the last step in its history, with its `[saddlelab]` message (issue 7).
 */
export interface RunEndState {
  reason: 'completed' | 'stopped' | 'aborted' | 'diverged';
  step: number;
  message: string;
}

/** Which widget a model is; picks the view and which fields below are used. */
export type WidgetKind = 'LossPlot' | 'SpectrumPlot' | 'LayerLawPlot' | 'TrainingDashboard';

/** The synced state of every saddlelab widget (each kind uses a subset). */
export interface PlotState {
  kind: WidgetKind;
  title: string;
  /** Log scale on the value axis (loss, singular values). Set in the browser by the dashboard switch. */
  log_y: boolean;
  runs: RunSeriesState[];
  spectrum: SpectrumState | null;
  source: 'weights' | 'activations';
  /** `series`: singular values against step; `snapshot`: top-k per layer at `snapshot_steps` (Figure 1). */
  mode: 'series' | 'snapshot';
  snapshot_steps: number[];
  law: LawState | null;
  /** Scrubber step, set in the browser (null: follow the latest step). */
  cursor: number | null;
  /** 1-based layer indices shown, set in the browser (empty: all). */
  selected_layers: number[];
  /** Pause toggle of the dashboard, set in the browser. */
  paused: boolean;
  progress: ProgressState | null;
  /** Per run: how it ended, or null while it runs (or for a history without an end). */
  ends: Array<RunEndState | null>;
}

/** Keys the browser may change; the kernel ignores updates to any other key. */
export type BrowserKey = 'cursor' | 'selected_layers' | 'paused' | 'log_y';

/**
 * An incremental update, sent as a widget `custom` message: the points of run
 * `run` from index `from` on, and the spectrum records from index `recordFrom`
 * on. Binary fields travel as buffers, in the order named by `buffers`.
 */
export interface AppendMessage {
  type: 'append';
  run: number;
  from: number;
  steps: Float64Array;
  loss: Float64Array;
  recordFrom: number;
  recordSteps: Float64Array;
  recordWeights: Float64Array;
  recordActivations: Float64Array | null;
  escapes: number[];
  plateaus: Array<[number, number]>;
  progress: ProgressState | null;
}

/** Browser → kernel `custom` message of the dashboard buttons. */
export interface ControlMessage {
  type: 'control';
  action: 'pause' | 'resume' | 'stop';
}
