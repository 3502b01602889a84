/**
 * What every saddlelab widget shares on the kernel side: its ipywidgets comm
 * (protocol 2.1.0: `comm_open` with the full state, `update`, `request_state`,
 * `custom`), throttled and batched incremental updates with binary buffers,
 * the state the browser sets, and the display bundle (widget view,
 * text/plain and a static figure (SVG and PNG), refreshed by update_display_data when a run
 * ends). The four widget classes only say how to compute their PlotState.
 */
import type { History } from '../train/history';
import { SaddlelabError, fail, requireNonNegative } from '../errors';
import { splitBuffers } from './codec';
import { BROWSER_KEYS, BROWSER_VALUE_OK, LIVE, MODEL_NAMES, VIEW_NAMES, defaultState } from './contract';
import { defaultKernel, type MimeBundle, type WidgetComm, type WidgetCommMsg, type WidgetKernel } from './kernel-port';
import { displayStride, phasesOf, runSeries, spectrumSeries, topK } from './series';
import type { StatefulWidget } from '../host';
import type { AppendMessage, BrowserKey, BrowserState, PlotState, WidgetKind } from './state';
import { describeFigure, type FigureDescription } from './figure';
import { staticFigure } from './static-figure';
import { WIDGET_MODULE, WIDGET_MODULE_RANGE } from './version';

/** Options every widget takes. */
export interface WidgetOptions {
  /** The kernel to talk to (default: this process's saddlelab kernel, or static output). */
  kernel?: WidgetKernel;
  /** Least milliseconds between two live updates (default 100, i.e. at most 10 updates/s). */
  interval?: number;
  title?: string;
  /** Log scale on the value axis (default true). */
  logY?: boolean;
  /** Log scale on the step axis (default false; steps ≤ 0 are not drawn on it). */
  logX?: boolean;
  /** Smooth the loss over a centred window of this many steps (default 0: off; for SGD's noisy loss). */
  smoothing?: number;
  /** Put a static figure (SVG and PNG) in the display bundle (default true). */
  staticFigure?: boolean;
}

const JUPYTER_DISPLAY = Symbol.for('Jupyter.display');
const INSPECT = Symbol.for('nodejs.util.inspect.custom');
let displayCounter = 0;
/** Kernels already told that their widgets are static (the notice is printed once per kernel). */
const noticed = new WeakSet<object>();

/** What the browser has of one run: sent points (at display stride `every` of the history's `stride`), records and phases. */
interface Sent {
  points: number;
  stride: number;
  every: number;
  records: number;
  /** The plateaus and escapes last sent, as JSON. */
  phases: string;
}

/** Measured live-update figures (for docs/widgets.md). */
export interface UpdateStats {
  updates: number;
  bytes: number;
  /** Milliseconds spent building and sending updates. */
  busyMs: number;
}

export abstract class PlotWidget implements StatefulWidget {
  readonly kind: WidgetKind;
  protected readonly kernel: WidgetKernel;
  protected readonly runs: History[];
  protected readonly options: Required<Omit<WidgetOptions, 'kernel' | 'title' | 'logY' | 'logX' | 'smoothing'>> & { title: string };
  /** Values the browser set (or the constructor defaults), by key. */
  protected browser: BrowserState;
  private comm?: WidgetComm;
  private readonly displayId = `saddlelab-${process.pid}-${++displayCounter}`;
  private displayed = false;
  private sent: Sent[] = [];
  private lastFlush = 0;
  private timer?: ReturnType<typeof setTimeout>;
  private readonly unsubscribe: Array<() => void> = [];
  private unregister?: () => void;
  private readonly listeners = new Set<(key: BrowserKey, value: unknown) => void>();
  readonly stats: UpdateStats = { updates: 0, bytes: 0, busyMs: 0 };

  /** `runs`: the histories the widget follows; empty only for a kind drawn from other data (a SweepPlot's rows). */
  protected constructor(kind: WidgetKind, runs: History[], options: WidgetOptions = {}) {
    if (!runs.length && kind !== 'SweepPlot') throw new SaddlelabError('[saddlelab] history must be a History or a non-empty array of them; got an empty array', 'history');
    // Duck-typed, not instanceof: a History from another loaded copy of saddlelab is fine.
    runs.forEach((h, i) => {
      const ok = typeof h === 'object' && h !== null && typeof h.subscribe === 'function' && typeof h.steps === 'function' && typeof h.meta === 'object';
      if (!ok) fail(runs.length > 1 || Array.isArray(h) ? `history[${i}]` : 'history', 'a History (run.history, train.createHistory or train.loadHistory) or a non-empty array of them', h);
    });
    this.kind = kind;
    this.runs = runs;
    this.kernel = options.kernel ?? defaultKernel();
    this.options = {
      interval: requireNonNegative('options.interval', options.interval ?? 100),
      title: options.title ?? '',
      staticFigure: options.staticFigure ?? true,
    };
    const defaults = defaultState(kind);
    this.browser = {
      cursor: defaults.cursor,
      selected_layers: defaults.selected_layers,
      paused: defaults.paused,
      log_y: options.logY ?? defaults.log_y,
      log_x: options.logX ?? defaults.log_x,
      smoothing: requireNonNegative('options.smoothing', options.smoothing ?? defaults.smoothing),
      relative: defaults.relative,
    };
    for (const h of runs) {
      this.unsubscribe.push(
        h.subscribe({
          onStep: () => this.changed(),
          onRecord: () => this.changed(),
          onEnd: () => this.ended(),
        }),
      );
    }
  }

  /** The figure's fields specific to this kind (runs, spectrum, law, ...). */
  protected abstract compute(): Partial<PlotState>;

  /** The whole state, computed from the histories and the browser-set values. */
  get state(): PlotState {
    return { ...defaultState(this.kind), title: this.options.title, ends: this.ends(), ...this.compute(), ...this.browser };
  }

  /** How each run ended (null while running). */
  private ends(): PlotState['ends'] {
    return this.runs.map((h) => (h.end ? { reason: h.end.reason, step: h.end.step, message: h.end.message ?? '' } : null));
  }

  /** The comm id (the widget's model id), once the widget is live. */
  get commId(): string {
    return this.comm?.commId ?? '';
  }
  /** Scrubber step set in the browser (null: the latest). */
  get cursor(): number | null {
    return this.browser.cursor;
  }
  /** Layers (1-based) ticked in the browser; empty means all. */
  get selectedLayers(): number[] {
    return [...this.browser.selected_layers];
  }
  get logY(): boolean {
    return this.browser.log_y;
  }
  get logX(): boolean {
    return this.browser.log_x;
  }
  /** Loss smoothing window in steps (0: off). */
  get smoothing(): number {
    return this.browser.smoothing;
  }

  /**
   * What the figure shows now (the description every renderer draws), e.g.
   * for `widgets.figureCsv(w.figure())`.
   */
  figure(): FigureDescription {
    return describeFigure(this.state);
  }

  /** Calls `listener(key, value)` whenever the browser changes a value; returns the unsubscribe function. */
  onChange(listener: (key: BrowserKey, value: unknown) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** ipywidgets state: the protocol fields plus PlotState, buffers split out. */
  getState(): { state: Record<string, unknown>; buffer_paths: Array<Array<string | number>>; buffers: ArrayBufferView[] } {
    const split = splitBuffers({ ...this.state } as unknown as Record<string, unknown>);
    split.state = {
      _model_name: MODEL_NAMES[this.kind],
      _model_module: WIDGET_MODULE,
      _model_module_version: WIDGET_MODULE_RANGE,
      _view_name: VIEW_NAMES[this.kind],
      _view_module: WIDGET_MODULE,
      _view_module_version: WIDGET_MODULE_RANGE,
      _view_count: null,
      _dom_classes: [],
      layout: null,
      tabbable: null,
      tooltip: null,
      ...split.state,
    };
    return split;
  }

  /** Opens the comm (once) when the kernel is live; returns whether the widget is live. */
  protected ensureComm(): boolean {
    if (this.comm && !this.comm.closed) return true;
    if (!this.kernel.live) return false;
    const { state, buffer_paths, buffers } = this.getState();
    this.comm = this.kernel.openComm('jupyter.widget', { state, buffer_paths }, { version: '2.1.0' }, buffers);
    this.sent = this.runs.map((h) => this.sentOf(h));
    this.unsubscribe.push(this.comm.onMsg((msg) => this.received(msg)));
    // The kernel answers the control comm's request_states from its one list (shared by every copy of saddlelab).
    const unregister = this.kernel.registerWidget?.(this);
    if (unregister) {
      this.unregister = unregister;
      this.unsubscribe.push(this.comm.onClose(unregister));
    }
    return true;
  }

  private received(msg: WidgetCommMsg): void {
    const data = msg.data as { method?: string; state?: unknown; content?: Record<string, unknown> };
    if (data.method === 'update' && typeof data.state === 'object' && data.state !== null) {
      const state = data.state as Record<string, unknown>;
      const accepted: Array<[BrowserKey, unknown]> = [];
      for (const key of BROWSER_KEYS) {
        if (!Object.prototype.hasOwnProperty.call(state, key)) continue;
        const value = state[key];
        // Only values of the declared type reach the kernel side (contract.ts BROWSER_VALUE_OK).
        if (!BROWSER_VALUE_OK[key](value)) continue;
        (this.browser as Record<string, unknown>)[key] = value;
        accepted.push([key, value]);
      }
      // ipywidgets protocol 2.1.0: echo the accepted values to every view, so the others learn
      // them (the sender knows its own echo by the parent message id and skips it).
      if (accepted.length) this.comm?.send({ method: 'echo_update', state: Object.fromEntries(accepted), buffer_paths: [] });
      for (const [key, value] of accepted) {
        this.browserChanged(key, value);
        for (const l of this.listeners) l(key, value);
      }
    } else if (data.method === 'request_state') {
      const { state, buffer_paths, buffers } = this.getState();
      this.comm?.send({ method: 'update', state, buffer_paths }, {}, buffers);
    } else if (data.method === 'custom' && data.content) {
      this.custom(data.content);
    }
  }

  /** Hook: a browser-set value changed (the dashboard acts on `paused`). */
  protected browserChanged(_key: BrowserKey, _value: unknown): void {}
  /** Hook: a `custom` message from the browser. */
  protected custom(_content: Record<string, unknown>): void {}

  /** Sends some state keys to the browser (binary fields as buffers). */
  protected sendUpdate(partial: Record<string, unknown>): void {
    if (!this.comm || this.comm.closed) return;
    const { state, buffer_paths, buffers } = splitBuffers(partial);
    this.comm.send({ method: 'update', state, buffer_paths }, {}, buffers);
  }

  /** A history changed: send now if the last update is `interval` old, else once the interval has passed. */
  private changed(): void {
    if (!this.comm || this.comm.closed) return;
    const now = Date.now();
    if (now - this.lastFlush >= this.options.interval) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.options.interval - (now - this.lastFlush));
  }

  /** Extra fields for append messages (the dashboard's progress). */
  protected progress(): AppendMessage['progress'] {
    return null;
  }

  /** Sends what is new since the last update: one `custom` append per changed run (or a full update after thinning). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.comm || this.comm.closed) return;
    const t0 = performance.now();
    // Keep the cadence: a flush that comes late (the training loop yields only every ~10 ms) starts
    // its interval at its slot, not at the late time, or the rate drifts to ~9/s; on average still ≤ 1 per interval.
    const now = Date.now();
    const slot = this.lastFlush + this.options.interval;
    this.lastFlush = now >= slot && now - slot < this.options.interval ? slot : now;
    const plan = LIVE[this.kind];
    this.runs.forEach((h, run) => {
      const s = this.sent[run];
      const now = this.sentOf(h);
      const records = plan.records && run === 0;
      const moved = (plan.points && (h.keptEvery !== s.stride || now.every !== s.every || now.points < s.points)) || (records && now.records < s.records);
      if (moved) {
        // The history thinned itself, or the display stride doubled: indices moved, so send everything again.
        const { state, buffer_paths, buffers } = splitBuffers(this.state as unknown as Record<string, unknown>);
        this.comm!.send({ method: 'update', state, buffer_paths }, {}, buffers);
        this.account(buffers);
      } else if ((plan.points && now.points > s.points) || (records && now.records > s.records) || (plan.phases && now.phases !== s.phases)) {
        const fresh = plan.points ? runSeries(h, s.points, now.every) : undefined;
        const phases = plan.phases ? phasesOf(h) : { plateaus: [], escapes: [] };
        const sp = records ? spectrumSeries(h.records, h.meta.depth, topK(h.records), s.records) : spectrumSeries([], h.meta.depth, 0);
        const msg: AppendMessage = {
          type: 'append',
          run,
          from: plan.points ? s.points : 0,
          steps: fresh?.steps ?? new Float64Array(0),
          loss: fresh?.loss ?? new Float64Array(0),
          recordFrom: records ? s.records : 0,
          recordSteps: sp.steps,
          recordWeights: sp.weights,
          recordActivations: sp.activations,
          escapes: [...phases.escapes],
          plateaus: phases.plateaus.map((p) => [p.start, p.end] as [number, number]),
          progress: plan.progress ? this.progress() : null,
        };
        const { state: content, buffer_paths, buffers } = splitBuffers(msg as unknown as Record<string, unknown>);
        this.comm!.send({ method: 'custom', content: { ...content, buffer_paths } }, {}, buffers);
        this.account(buffers);
      } else return;
      this.sent[run] = now;
    });
    this.stats.busyMs += performance.now() - t0;
  }

  /** What a full state of `h` holds (runSeries samples the same points). */
  private sentOf(h: History): Sent {
    const every = displayStride(h.length);
    const phases = LIVE[this.kind].phases ? phasesOf(h) : { plateaus: [], escapes: [] };
    return { points: Math.ceil(h.length / every), stride: h.keptEvery, every, records: h.records.length, phases: JSON.stringify([phases.plateaus, phases.escapes]) };
  }

  private account(buffers: ArrayBufferView[]): void {
    this.stats.updates++;
    for (const b of buffers) this.stats.bytes += b.byteLength;
  }

  /** A run ended: last update, and the static figure in the display replaced by the final one. */
  private ended(): void {
    this.flush();
    // Where and why the run stopped goes to the browser even when no point was added since the last update.
    this.sendUpdate({ ends: this.ends(), ...this.endState() });
    this.refreshDisplay();
  }

  /** Replaces the figure in the cell's output (update_display_data) by the current one, once shown. */
  protected refreshDisplay(): void {
    if (this.displayed) {
      const { data, metadata } = this.output();
      this.kernel.updateDisplay(this.displayId, data, { metadata });
    }
  }

  /** Hook: state to send when a run ends even if no point was added (the dashboard's final progress). */
  protected endState(): Partial<PlotState> {
    return {};
  }

  /** One line describing the widget (the bundle's text/plain). */
  protected abstract describe(): string;

  /**
   * Hook: whether the static SVG belongs in the bundle shown now. A live run's
   * figure at display time is nearly empty and replaced when the run ends, and
   * rendering it blocks the kernel (0.4–0.9 s of CPU for a dashboard), so the
   * dashboard of a run in progress leaves it out until the end.
   */
  protected staticNow(): boolean {
    return true;
  }

  /** The display bundle: widget view (when live), text/plain and the static figure (SVG and PNG). */
  bundle(): MimeBundle {
    return this.output().data;
  }

  /** The display bundle and its metadata (the PNG's display size). */
  private output(): { data: MimeBundle; metadata: Record<string, unknown> } {
    const bundle: MimeBundle = { 'text/plain': this.describe() };
    let metadata: Record<string, unknown> = {};
    if (this.options.staticFigure && (this.staticNow() || this.runs.every((h) => h.end))) {
      try {
        const fig = staticFigure(this.state);
        Object.assign(bundle, fig.data);
        metadata = fig.metadata;
      } catch (e) {
        bundle['text/plain'] += `\n(static figure unavailable: ${(e as Error).message})`;
      }
    }
    if (this.comm && !this.comm.closed) bundle['application/vnd.jupyter.widget-view+json'] = { version_major: 2, version_minor: 1, model_id: this.comm.commId };
    return { data: bundle, metadata };
  }

  /**
   * Shows the widget in the current cell's output (display_data with a
   * display id, so the static figure can be refreshed when the run ends).
   */
  display(): void {
    if (!this.ensureComm() && !noticed.has(this.kernel)) {
      noticed.add(this.kernel);
      console.log('[saddlelab] static figures only: live widgets need the saddlelab kernel (npx saddlelab install, then pick "TypeScript (saddlelab)")');
    }
    const { data, metadata } = this.output();
    this.kernel.display(data, { displayId: this.displayId, metadata });
    this.displayed = true;
  }

  /**
   * Rich display as a cell's last expression: the widget displays itself (so
   * that it has a display id) and hands the kernel an empty bundle.
   */
  [JUPYTER_DISPLAY](): MimeBundle {
    this.display();
    return {};
  }

  /** What console.log and a kernel without rich display print: the one-line description, not the object's fields. */
  [INSPECT](): string {
    return this.describe();
  }

  /** Stops listening to the histories and closes the comm. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const u of this.unsubscribe.splice(0)) u();
    this.unregister?.();
    if (this.comm && !this.comm.closed) this.comm.close();
  }
}

/** A History or several, as an array. */
export function asRuns(history: History | History[]): History[] {
  return Array.isArray(history) ? history : [history];
}
