import type { History } from '../train/history';
import type { RunState } from '../train/types';
import { runSeries, spectrumSeries, topK } from './series';
import type { BrowserKey, PlotState, ProgressState } from './state';
import { PlotWidget, type WidgetOptions } from './widget';

/** What the dashboard needs of a running training (src/train/fit.ts RunControl). */
export interface DashboardControl {
  readonly state: RunState;
  pause(): void;
  resume(): void;
  stop(): void;
}

/** Options of TrainingDashboard. */
export interface DashboardOptions extends WidgetOptions {
  /** Planned number of steps, for the time left (default: `history.meta.config.steps` when a number). */
  totalSteps?: number;
  layers?: number[];
}

/**
 * Loss and spectra of a run together, with controls acting on the running
 * training (pause, resume, stop), a step scrubber moving a cursor across every
 * panel, layer toggles, a log/linear switch and progress.
 *
 * @example
 * ```ts
 * import { train, widgets } from 'saddlelab';
 * // const run = train.start(model, data, { steps: 5000 });
 * // new widgets.TrainingDashboard(run.history, run.control);  // last expression of the cell
 * ```
 */
export class TrainingDashboard extends PlotWidget {
  private readonly control?: DashboardControl;
  private readonly total: number | null;
  private rate = { step: -1, time: 0, perSecond: 0 };
  constructor(history: History, control?: DashboardControl, options: DashboardOptions = {}) {
    const { totalSteps, layers, ...rest } = options;
    super('TrainingDashboard', [history], rest);
    this.control = control;
    const planned = totalSteps ?? history.meta.config?.steps;
    this.total = typeof planned === 'number' && planned > 0 ? planned : null;
    this.browser.selected_layers = [...(layers ?? [])];
    this.browser.paused = control?.state === 'paused';
  }
  /** Whether the browser's pause toggle is on. */
  get paused(): boolean {
    return this.browser.paused;
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
    const phase = h.end ? (h.end.reason === 'completed' ? 'done' : 'stopped') : (this.control?.state ?? 'idle');
    const left = this.total !== null && this.rate.perSecond > 0 ? Math.max(0, this.total - 1 - h.latestStep) / this.rate.perSecond : null;
    return { step: h.latestStep, total: this.total, stepsPerSecond: this.rate.perSecond, etaSeconds: h.end ? 0 : left, phase };
  }
  protected compute(): Partial<PlotState> {
    const h = this.runs[0];
    return { runs: [runSeries(h)], spectrum: spectrumSeries(h.records, h.meta.depth, topK(h.records)), progress: this.progress() };
  }
  protected browserChanged(key: BrowserKey, value: unknown): void {
    if (key !== 'paused' || !this.control) return;
    // RunControl ignores a pause after the end and a resume when not paused.
    if (value) this.control.pause();
    else this.control.resume();
    // A paused loop sends no more steps, so the new phase would never reach the browser.
    this.sendUpdate({ progress: this.progress() });
  }
  protected staticNow(): boolean {
    // A run in progress (its end sends the final figure by update_display_data); 'idle' is a run about to start.
    const inProgress = this.control !== undefined && ['idle', 'running', 'paused'].includes(this.control.state) && !this.runs[0].end;
    return !(inProgress && this.kernel.live);
  }
  protected endState(): Partial<PlotState> {
    return { progress: this.progress() };
  }
  protected custom(content: Record<string, unknown>): void {
    if (content.type !== 'control' || !this.control) return;
    if (content.action === 'pause') this.control.pause();
    else if (content.action === 'resume') this.control.resume();
    else if (content.action === 'stop') this.control.stop();
    this.browser.paused = this.control.state === 'paused';
    this.flushProgress();
  }
  /** Tells the browser the run state right away (buttons must not wait for the next step). */
  private flushProgress(): void {
    this.sendUpdate({ paused: this.browser.paused, progress: this.progress() });
  }
  /** Pause from the kernel (same as the browser's button). */
  pause(): void {
    this.control?.pause();
    this.browser.paused = true;
    this.flushProgress();
  }
  resume(): void {
    this.control?.resume();
    this.browser.paused = false;
    this.flushProgress();
  }
  stop(): void {
    this.control?.stop();
    this.flushProgress();
  }
  protected describe(): string {
    const h = this.runs[0];
    return `TrainingDashboard(${h.meta.name}: step ${h.latestStep}, loss ${h.latestLoss.toPrecision(4)}, ${h.end ? h.end.reason : (this.control?.state ?? 'idle')})`;
  }
}
