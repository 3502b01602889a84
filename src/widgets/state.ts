/**
 * The state schema and the messages shared by the kernel-side widgets
 * (src/widgets/) and their browser models and views (widgets/src/).
 * Type-only: both sides `import type` it, so a field renamed on one side fails
 * to compile on the other; the values that go with these types (kinds,
 * defaults, key lists, colours, live-update plans) are in contract.ts.
 *
 * Numeric series are typed arrays: they travel as binary buffers (ipywidgets
 * `buffer_paths`); wire.ts encodes and decodes the messages for both sides.
 */

/** Run state as the dashboard shows it (mirrors src/train/types.ts RunState). */
export type RunPhase = 'idle' | 'running' | 'paused' | 'stopped' | 'done';

/** One run's loss curve and the phases found on it (train.detectPhases, docs/phases.md). */
export interface RunSeriesState {
  /** The run's name in legends; distinct between the runs of one widget. */
  name: string;
  steps: Float64Array;
  loss: Float64Array;
  /** `[start, end]` step ranges of the plateaus. */
  plateaus: Array<[number, number]>;
  /** Escape steps (train.detectPhases: where the loss has fallen `drop` below each plateau). */
  escapes: number[];
  /**
   * The confidence of the escapes (train.detectPhases; docs/phases.md), by step: a live update that
   * moves an escape leaves its old entry unmatched rather than attached to another escape.
   */
  confidence?: Array<{ step: number; confidence: number }>;
  /** Escape steps of the plateaus found below the confidence level: drawn as uncertain, never as plain escapes. */
  uncertain?: Array<{ step: number; confidence: number }>;
  /**
   * The loss of the whole data set at the spectrum records, where it is not the per-step loss (a
   * mini-batch run): drawn as the run's loss, the per-step loss faint behind it.
   */
  fullLoss?: { steps: number[]; loss: number[] };
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
  /** Updates done (0 before the first; the planned total after a completed run). */
  step: number;
  /** Total updates planned, when known. */
  total: number | null;
  stepsPerSecond: number;
  /** Seconds left at the current rate, when the total is known. */
  etaSeconds: number | null;
  phase: RunPhase;
}

/**
 * How a run ended (src/train/history.ts HistoryEnd). A run that did not
 * complete (stopped, aborted, diverged) is marked on the loss plot at `step`,
 * the last step in its history, with its `[saddlelab]` message.
 */
export interface RunEndState {
  reason: 'completed' | 'stopped' | 'aborted' | 'diverged';
  step: number;
  message: string;
}

/**
 * What the dashboard's buttons can act on, and why not when they cannot: a
 * dashboard over a History alone (or over a trainer without a control) shows
 * its buttons disabled, with `reason` as their tooltip.
 */
export interface ControlsState {
  enabled: boolean;
  /** Why the buttons are disabled ('' when enabled). */
  reason: string;
}

/**
 * What a SweepPlot shows: a field of a sweep's rows against a swept parameter, grouped by another,
 * averaged over the rows of each point (seeds) with error bars, or a success rate pooled over them
 * with Wilson intervals (src/sweep/stats.ts `aggregate`; docs/sweeps.md).
 */
export interface SweepState {
  /** The sweep's name (titles, file names). */
  name: string;
  /** The field on the x axis: a swept parameter (`model.init.scale`) or a metric. */
  x: string;
  /** The metric averaged on the y axis; null for a success rate. */
  y: string | null;
  /** A success rate instead: the metrics holding each row's successes and trials. */
  success: { hits: string; trials: string } | null;
  /** The field whose values make the groups (one line each); null: one line. */
  group: string | null;
  average: 'arithmetic' | 'geometric';
  bars: 'sem' | 'sd';
  /** The rows so far, reduced to the fields the plot reads. */
  rows: Array<{ id: string; status: 'done' | 'failed'; params: Record<string, unknown>; metrics: Record<string, unknown> }>;
  /** Reference power laws `y ∝ x^slope`, drawn through the first point of `group` (of every group when null). */
  references: Array<{ slope: number; group: string | null; label: string }>;
  /** Points the sweep has in all, when known (the plot says how many are done). */
  total: number | null;
  /** Words for fields, over figure/words.ts `FIELD_WORDS` (axis titles, legend, caption); absent in states saved before it existed. */
  labels?: Record<string, string>;
}

/** Which widget a model is; picks the view and which fields below are used (contract.ts KINDS). */
export type WidgetKind = 'LossPlot' | 'SpectrumPlot' | 'LayerLawPlot' | 'TrainingDashboard' | 'SweepPlot';

/** The synced state of every saddlelab widget (each kind uses a subset; defaults in contract.ts). */
export interface PlotState {
  kind: WidgetKind;
  title: string;
  /** Log scale on the value axis (loss, singular values). */
  log_y: boolean;
  /** Log scale on the step axis (the layer axis of a LayerLawPlot). Steps ≤ 0 are not drawn on it. */
  log_x: boolean;
  /** Loss smoothing window in steps (a centred moving average; 0: off). The raw loss stays drawn, faint. */
  smoothing: number;
  /** Singular values divided by s1 of the same layer and record (s_i/s_1) instead of s_i. */
  relative: boolean;
  runs: RunSeriesState[];
  spectrum: SpectrumState | null;
  source: 'weights' | 'activations';
  /** `series`: singular values against step; `snapshot`: top-k per layer at `snapshot_steps` (Figure 1). */
  mode: 'series' | 'snapshot';
  /** Snapshot steps: the spectrum panels of a snapshot view, and marks on a loss plot. */
  snapshot_steps: number[];
  /**
   * Several runs of a LossPlot in one panel (true), or each in its own panel on a shared step
   * axis (false, the default: curves of different depths would cross each other's plateaus and
   * squeeze each other's scale). Absent in states saved before it existed (read as false).
   */
  overlay?: boolean;
  /**
   * The layer law at the cursor's record. Superseded by the figure description,
   * which computes it from `spectrum` at the cursor (figure/law.ts); kept while
   * older readers of the state still use it.
   */
  law: LawState | null;
  /** Cursor step, set in the browser (null: follow the latest step). */
  cursor: number | null;
  /** 1-based layer indices shown, set in the browser (empty: all). */
  selected_layers: number[];
  /** Pause toggle of the dashboard, set in the browser. */
  paused: boolean;
  progress: ProgressState | null;
  /** Per run: how it ended, or null while it runs (or for a history without an end). */
  ends: Array<RunEndState | null>;
  /** Whether the dashboard's buttons can act (null for kinds without buttons). */
  controls: ControlsState | null;
  /** A SweepPlot's rows and what it plots of them (null for the other kinds). */
  sweep: SweepState | null;
}

/** Keys the browser may change (contract.ts BROWSER_KEYS); the kernel ignores updates to any other key. */
export type BrowserKey = 'cursor' | 'selected_layers' | 'paused' | 'log_y' | 'log_x' | 'smoothing' | 'relative';

/** The values of the browser-set keys. */
export type BrowserState = Pick<PlotState, BrowserKey>;

/** What a live update of one widget kind carries (contract.ts LIVE). */
export interface LivePlan {
  /** Loss points of every run (`AppendMessage.steps/loss`). */
  points: boolean;
  /** Plateaus and escapes of every run (sent with each append, also by kinds without points). */
  phases: boolean;
  /** Spectrum records (of run 0). */
  records: boolean;
  /** The dashboard's progress line. */
  progress: boolean;
}

/**
 * An incremental update, sent as a widget `custom` message: the points of run
 * `run` from index `from` on, and the spectrum records from index `recordFrom`
 * on. Binary fields travel as buffers, at the paths listed in `buffer_paths`.
 * A kind whose LivePlan has no points sends empty `steps`/`loss` with `from`
 * 0; one without records sends empty record arrays.
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

/** Browser → kernel `custom` message of the dashboard's Stop button (pause and resume go through `paused`). */
export interface ControlMessage {
  type: 'control';
  action: 'stop';
}

/** ipywidgets buffer paths: where each binary buffer goes in the JSON. */
export type BufferPaths = Array<Array<string | number>>;

/** The ipywidgets protocol's own fields of a model's state (2.1.0), sent with the full state. */
export interface ProtocolState {
  _model_name: string;
  _model_module: string;
  _model_module_version: string;
  _view_name: string;
  _view_module: string;
  _view_module_version: string;
  _view_count: null;
  _dom_classes: string[];
  layout: null;
  tabbable: null;
  tooltip: null;
}

/** What the kernel sends in `custom` messages (one kind so far; the browser switches on `type`). */
export type KernelCustom = AppendMessage;
/** What the browser sends in `custom` messages. */
export type BrowserCustom = ControlMessage;

/**
 * Kernel → browser messages on a widget comm (ipywidgets protocol 2.1.0).
 * `update`: kernel-side state changed (or the full state, answering
 * `request_state`); `echo_update`: a browser view's `update`, echoed to every
 * view so the others learn it (the view that sent it recognises its own by the
 * parent message id); `custom`: an incremental append. Typed arrays anywhere in
 * a message travel as binary buffers (wire.ts).
 */
export type KernelMessage =
  | { method: 'update'; state: Partial<PlotState> & Partial<ProtocolState> }
  | { method: 'echo_update'; state: Partial<BrowserState> }
  | { method: 'custom'; content: KernelCustom };

/** Browser → kernel messages on a widget comm. */
export type BrowserMessage =
  | { method: 'update'; state: Partial<BrowserState> }
  | { method: 'request_state' }
  | { method: 'custom'; content: BrowserCustom };

/**
 * One end of a widget's comm, typed by what this end sends and what it
 * receives: the kernel holds a `Channel<KernelMessage, BrowserMessage>`
 * (src/widgets/protocol.ts), the browser a `Channel<BrowserMessage,
 * KernelMessage>` (widgets/src/adapter.ts). Each side handles what it receives
 * in an exhaustive `switch`, so a message kind one side forgets does not compile.
 */
export interface Channel<Send, Receive> {
  send(message: Send): void;
  /** Calls `handler` with each message received, in order; returns the unsubscribe function. */
  onMessage(handler: (message: Receive) => void): () => void;
}
