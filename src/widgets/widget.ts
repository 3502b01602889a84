/**
 * What every saddlelab widget shares on the kernel side, put together from
 * three parts: the protocol model (protocol.ts: the ipywidgets comm and its
 * typed channel), the live appender (appender.ts: what the browser has, and
 * what is new), and the display (display.ts: the bundle with its static
 * figures). A widget follows its histories, sends increments at most once per
 * `interval` (throttle.ts) and keeps the values the browser sets. The widget
 * classes only say how to compute their PlotState.
 */
import type { History } from '../train/history';
import type { StatefulWidget } from '../host';
import { SaddlelabError, fail, requireNonNegative } from '../errors';
import type { Split } from './codec';
import { createAppender, type Appender } from './appender';
import { BROWSER_KEYS, defaultState } from './contract';
import { WidgetDisplay } from './display';
import { describeFigure, type FigureDescription } from './figure';
import { defaultKernel, type MimeBundle, type WidgetKernel } from './kernel-port';
import { WidgetModel } from './protocol';
import type { BrowserCustom, BrowserKey, BrowserState, PlotState, ProgressState, WidgetKind } from './state';
import { createThrottle, type Throttle } from './throttle';
import { unreachable } from './wire';

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
/** Kernels already told that their widgets are static (the notice is printed once per kernel). */
const noticed = new WeakSet<object>();

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
  private readonly model: WidgetModel;
  private readonly appender: Appender;
  private readonly throttle: Throttle;
  private readonly output: WidgetDisplay;
  private readonly unsubscribe: Array<() => void> = [];
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
    this.appender = createAppender(kind, runs);
    this.throttle = createThrottle(this.options.interval, () => this.flush());
    this.model = new WidgetModel(kind, this.kernel, {
      state: () => this.state,
      opened: () => this.appender.synced(),
      browserSet: (changes) => this.browserSet(changes),
      custom: (message) => this.custom(message),
    });
    this.output = new WidgetDisplay(this.kernel, {
      describe: () => this.describe(),
      state: () => this.state,
      staticNow: () => this.staticNow() || this.runs.every((h) => h.end),
      modelId: () => (this.model.open ? this.model.commId : ''),
    }, this.options.staticFigure);
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
    return this.model.commId;
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
  getState(): Split {
    return this.model.getState();
  }

  /** The browser set values (already checked against their declared types). */
  private browserSet(changes: Partial<BrowserState>): void {
    Object.assign(this.browser, changes);
    for (const key of BROWSER_KEYS) {
      if (!(key in changes)) continue;
      this.browserChanged(key, changes[key]);
      for (const l of this.listeners) l(key, changes[key]);
    }
  }

  /** Hook: a browser-set value changed (the dashboard acts on `paused`). */
  protected browserChanged(_key: BrowserKey, _value: unknown): void {}

  /** A `custom` message from the browser: the dashboard's Stop button. */
  private custom(message: BrowserCustom): void {
    switch (message.type) {
      case 'control':
        this.onControl(message.action);
        return;
      default:
        return unreachable(message.type);
    }
  }

  /** Hook: a run control from the browser (the dashboard acts on it). */
  protected onControl(_action: BrowserCustom['action']): void {}

  /** Sends some state keys to the browser (binary fields as buffers). */
  protected sendUpdate(partial: Partial<PlotState>): void {
    this.model.send({ method: 'update', state: partial });
  }

  /** A history changed: send now if the last update is `interval` old, else once the interval has passed. */
  private changed(): void {
    if (this.model.open) this.throttle.poke();
  }

  /** Extra fields for append messages (the dashboard's progress). */
  protected progress(): ProgressState | null {
    return null;
  }

  /** Sends what is new since the last update: one `custom` append per changed run (or the full state after the indices moved). */
  flush(): void {
    this.throttle.ran();
    if (!this.model.open) return;
    const t0 = performance.now();
    for (const inc of this.appender.next(() => this.progress())) {
      const bytes = inc.kind === 'full' ? this.model.sendState() : this.model.send({ method: 'custom', content: inc.message });
      this.stats.updates++;
      this.stats.bytes += bytes;
    }
    this.stats.busyMs += performance.now() - t0;
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
    this.output.refresh();
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
    return this.output.output().data;
  }

  /**
   * Shows the widget in the current cell's output (display_data with a
   * display id, so the static figure can be refreshed when the run ends).
   */
  display(): void {
    if (!this.model.connect(this) && !noticed.has(this.kernel)) {
      noticed.add(this.kernel);
      console.log('[saddlelab] static figures only: live widgets need the saddlelab kernel (npx saddlelab install, then pick "TypeScript (saddlelab)")');
    }
    this.output.show();
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
    this.throttle.cancel();
    for (const u of this.unsubscribe.splice(0)) u();
    this.model.close();
  }
}

/** A History or several, as an array. */
export function asRuns(history: History | History[]): History[] {
  return Array.isArray(history) ? history : [history];
}
