import type { History } from '../train/history';
import type { RunState } from '../train/types';
import { fail } from '../errors';
import { isRecord } from './codec';
import { runSeries, spectrumSeries, topK } from './series';
import type { BrowserKey, ControlsState, PlotState, ProgressState, RunPhase } from './state';
import { PlotWidget, type WidgetOptions } from './widget';
import { unreachable } from './wire';

/** What the dashboard needs of a running training's control (train.createRunControl, `trainer.control`, `run.control`). */
export interface DashboardControl {
  readonly state: RunState;
  pause(): void;
  resume(): void;
  stop(): void;
}

/**
 * What a dashboard can show: a trainer (its `history` and `control`: the
 * buttons act on a hand-written `trainer.next()` loop), a run from
 * `train.start` (`history`, `control`), or a History alone (the buttons are
 * disabled: nothing to act on).
 */
export type DashboardSource = History | { readonly history: History; readonly control?: DashboardControl };

/** Options of TrainingDashboard. */
export interface DashboardOptions extends WidgetOptions {
  /** Planned number of steps (updates), for the progress line and the time left (default: the run's `steps`, else `history.meta.config.steps`, when a number). */
  totalSteps?: number;
  /** Layers shown (1-based; default all). */
  layers?: number[];
  /** The control to act on, when the source carries none (a History of a run driven elsewhere). */
  control?: DashboardControl;
}

const isHistory = (v: unknown): v is History => isRecord(v) && typeof v.subscribe === 'function' && typeof v.steps === 'function' && typeof v.meta === 'object';
const isControl = (v: unknown): v is DashboardControl => isRecord(v) && ['pause', 'resume', 'stop'].every((m) => typeof v[m] === 'function') && 'state' in v;

/** Why the buttons of a dashboard over a History cannot act. */
export const HISTORY_ONLY_REASON =
  'This dashboard shows a History: there is no run to pause or stop. Show the trainer (new TrainingDashboard(trainer)) or the run of train.start to control it.';
/** Why the buttons of a dashboard over a trainer or run without a control cannot act. */
export const NO_CONTROL_REASON = 'This trainer has no run control, so nothing here can pause or stop its loop.';

/**
 * Loss and spectra of a run together, with controls acting on the run
 * (pause, resume, stop), a cursor moved by a step scrubber across every panel
 * with the values there, layer toggles, log/linear switches, smoothing, and
 * the run's progress.
 *
 * @example
 * ```ts
 * import { data, train, widgets } from 'saddlelab';
 * const net = train.mlp({ inputDim: 2, widths: [8], outputDim: 1, init: { scale: 0.1, seed: 0 } });
 * const trainer = train.createTrainer(net, data.circleToy(), { lr: 0.05 });
 * const dash = new widgets.TrainingDashboard(trainer, { totalSteps: 20 }); // the last expression of a cell shows it
 * for (let t = 0; t < 20; t++) if (!(await trainer.next())) break; // the next cell: the loop stays visible
 * console.log(dash.state.runs[0].loss.length); // 20
 * ```
 */
export class TrainingDashboard extends PlotWidget {
  private readonly control?: DashboardControl;
  private readonly historyOnly: boolean;
  private readonly total: number | null;
  private rate = { step: -1, time: 0, perSecond: 0 };
  /**
   * @param source a trainer, a run (train.start) or a History.
   * @param options dashboard options. (A `DashboardControl` here, with the options third, is the older
   *   form `new TrainingDashboard(history, control, options)`, still accepted.)
   */
  constructor(source: DashboardSource, options?: DashboardOptions | DashboardControl, legacyOptions?: DashboardOptions) {
    const control0 = isControl(options) ? options : undefined;
    const opts: DashboardOptions = (isControl(options) ? legacyOptions : options ?? legacyOptions) ?? {};
    // A trainer or a run: its fields, read as what they are checked to be.
    const fields: Record<string, unknown> = isRecord(source) && !isHistory(source) ? source : {};
    const history = isHistory(source) ? source : isHistory(fields.history) ? fields.history : undefined;
    if (!history) fail('source', 'a trainer (train.createTrainer), a run (train.start) or a History', source);
    const { totalSteps, layers, control: optControl, ...rest } = opts;
    super('TrainingDashboard', [history], rest);
    this.control = control0 ?? optControl ?? (isControl(fields.control) ? fields.control : undefined);
    this.historyOnly = isHistory(source);
    // The planned updates: given, or the run's own `steps` when it carries them, or its config's.
    const runSteps = fields.steps;
    const planned = totalSteps ?? runSteps ?? history.meta.config?.steps;
    this.total = typeof planned === 'number' && planned > 0 ? planned : null;
    this.browser.selected_layers = [...(layers ?? [])];
    this.browser.paused = this.control?.state === 'paused';
  }
  /** Whether the run is paused (from the dashboard or elsewhere); always false without a control. */
  get paused(): boolean {
    return this.control?.state === 'paused';
  }
  /** The run state as the status line shows it. */
  private phase(): RunPhase {
    const h = this.runs[0];
    if (h.end) return h.end.reason === 'completed' ? 'done' : 'stopped';
    // Steps arriving mean a loop is running, even one whose control was never started.
    if (this.control && !(this.control.state === 'idle' && h.latestStep >= 0)) return this.control.state;
    return h.latestStep >= 0 ? 'running' : 'idle';
  }
  protected progress(): ProgressState {
    const h = this.runs[0];
    const now = performance.now();
    if (this.rate.step >= 0 && now > this.rate.time && h.latestStep > this.rate.step) {
      const inst = ((h.latestStep - this.rate.step) * 1000) / (now - this.rate.time);
      this.rate.perSecond = this.rate.perSecond ? 0.7 * this.rate.perSecond + 0.3 * inst : inst;
    }
    this.rate.step = h.latestStep;
    this.rate.time = now;
    // Steps done: step t's loss is taken before its update, which the trainer then applied, so
    // latestStep + 1 updates are made (docs/history-format.md, "Steps and updates").
    const done = Math.max(0, h.latestStep + 1);
    const step = this.total !== null ? Math.min(done, this.total) : done;
    const phase = this.phase();
    const left = this.total !== null && this.rate.perSecond > 0 ? Math.max(0, this.total - step) / this.rate.perSecond : null;
    return { step, total: this.total, stepsPerSecond: phase === 'running' ? this.rate.perSecond : 0, etaSeconds: h.end ? 0 : left, phase };
  }
  private controls(): ControlsState {
    if (this.control) return { enabled: true, reason: '' };
    return { enabled: false, reason: this.historyOnly ? HISTORY_ONLY_REASON : NO_CONTROL_REASON };
  }
  protected compute(): Partial<PlotState> {
    const h = this.runs[0];
    return { runs: [runSeries(h)], spectrum: spectrumSeries(h.records, h.meta.depth, topK(h.records)), progress: this.progress(), controls: this.controls() };
  }
  protected browserChanged(key: BrowserKey, value: unknown): void {
    if (key !== 'paused') return;
    if (this.control) {
      // RunControl ignores a pause after the end and a resume when not paused.
      if (value) this.control.pause();
      else this.control.resume();
    }
    // A paused loop sends no more steps, so the new phase would never reach the browser; a
    // dashboard without a control takes the toggle back.
    this.flushProgress();
  }
  protected staticNow(): boolean {
    // A run in progress (its end sends the final figure by update_display_data); 'idle' is a run about to start.
    const inProgress = this.control !== undefined && ['idle', 'running', 'paused'].includes(this.control.state) && !this.runs[0].end;
    return !(inProgress && this.kernel.live);
  }
  protected endState(): Partial<PlotState> {
    return { progress: this.progress() };
  }
  protected onControl(action: 'stop'): void {
    if (!this.control) return;
    switch (action) {
      case 'stop':
        this.control.stop();
        break;
      default:
        unreachable(action);
    }
    this.flushProgress();
  }
  /** Tells the browser the run state right away (buttons must not wait for the next step). */
  private flushProgress(): void {
    this.browser.paused = this.paused;
    this.sendUpdate({ paused: this.browser.paused, progress: this.progress() });
  }
  /** Pauses the run (same as the browser's button). */
  pause(): void {
    this.control?.pause();
    this.flushProgress();
  }
  resume(): void {
    this.control?.resume();
    this.flushProgress();
  }
  stop(): void {
    this.control?.stop();
    this.flushProgress();
  }
  protected describe(): string {
    const h = this.runs[0];
    const p = this.progress();
    return `TrainingDashboard(${h.meta.name}: ${p.step}${p.total !== null ? ` / ${p.total}` : ''} steps, loss ${h.latestLoss.toPrecision(4)}, ${h.end ? h.end.reason : p.phase})`;
  }
}
