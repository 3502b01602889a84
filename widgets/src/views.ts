/**
 * The browser-side views: a live Plotly figure of the model's state
 * (live-figure.ts: appends extend the traces, other changes redraw what they
 * touch) with the controls a researcher needs (controls.ts): log/linear on
 * both axes, smoothing, s_i/s_1, layer toggles, a cursor with its values,
 * export (CSV, JSON, PNG, SVG), and the dashboard's run controls. Values set
 * here go to the kernel through the model's channel (and, echoed, to every
 * other view of the widget).
 */
import { describeFigure } from '../../src/widgets/figure/describe';
import { exportFileName, figureCsv, figureJson } from '../../src/widgets/figure/export';
import type { PlotState } from '../../src/widgets/state';
import { ChannelView, type ModelEvent } from './adapter';
import { BAR_CSS, RunControls, Scrubber, ViewBar, download, el } from './controls';
import { LiveFigure, type Scope, type Shown } from './live-figure';

/** Keys whose change leaves the figure as it is (the controls show them). */
const CONTROL_KEYS = new Set(['paused', 'progress', 'controls']);
/** Keys whose change moves only the figure's layout: marks, ranges, readout, title (the traces stay). */
const LAYOUT_KEYS = new Set(['cursor', 'ends', 'title']);

/** How much of the figure a change of `keys` touches (null: none); the layer law's series follow its cursor. */
function scopeOf(keys: string[], kind: PlotState['kind']): Scope | null {
  const touching = keys.filter((k) => !CONTROL_KEYS.has(k) && !k.startsWith('_'));
  if (!touching.length) return null;
  return touching.every((k) => LAYOUT_KEYS.has(k) && !(k === 'cursor' && kind === 'LayerLawPlot')) ? 'layout' : 'full';
}

export class SaddlelabView extends ChannelView {
  private figure!: LiveFigure;
  private bar!: ViewBar;
  private readoutEl!: HTMLDivElement;
  private captionEl!: HTMLDivElement;
  /** Why runs stopped early (their `[saddlelab]` messages), under the plot. */
  private message!: HTMLDivElement;

  render(): void {
    const state = this.typed.plotState();
    this.el.classList.add('saddlelab-widget');
    this.el.style.minWidth = '360px';
    this.el.dataset.kind = state.kind;
    this.renderControls();
    this.bar = new ViewBar(state, (s) => this.setBrowser(s), (ext) => void this.export(ext).catch((e) => console.error('[saddlelab] export failed', e)));
    const plot = el('div', { className: 'saddlelab-plot' });
    this.readoutEl = el('div', { className: 'saddlelab-readout' }, 'font-size:12px;font-family:monospace;margin:2px 0;min-height:1.2em');
    this.captionEl = el('div', { className: 'saddlelab-caption' }, 'font-size:11px;color:#555;margin:2px 0;max-width:60em');
    this.message = el('div', { className: 'saddlelab-message' }, 'color:#b00020;font-size:12px;white-space:pre-wrap;margin:2px 0');
    this.el.append(this.bar.el, plot, this.readoutEl, this.message, this.captionEl);
    this.figure = new LiveFigure(plot, () => this.typed.plotState(), (s) => this.shown(s), (step) => this.setBrowser({ cursor: step }));
    this.listen((e) => this.event(e));
    this.updateControls(state);
    this.figure.changed('full');
  }

  private event(e: ModelEvent): void {
    const state = this.typed.plotState();
    this.updateControls(state);
    if (e.kind === 'appended') return this.figure.appended(e.message);
    const scope = scopeOf(e.keys, state.kind);
    if (scope) this.figure.changed(scope);
  }

  private shown(s: Shown): void {
    this.readoutEl.textContent = s.readout?.text ?? '';
    this.captionEl.textContent = s.desc.caption;
    this.message.textContent = s.desc.notes.join('\n');
    this.el.dataset.points = String(s.counts.points);
    // The sum of the drawn steps: two views showing the same points agree on it, and a gap (missed appends) would not.
    this.el.dataset.stepSum = String(s.counts.stepSum);
    // The last drawn step: it only grows while a run trains (the point count halves when a long history thins itself).
    this.el.dataset.lastStep = String(s.counts.lastStep);
    this.el.dataset.traces = String(s.traces);
    this.el.dataset.describes = String(s.describes);
  }

  /** Hook for the dashboard's controls (above the plot). */
  protected renderControls(): void {}

  /** Refreshes the controls from the state. */
  protected updateControls(state: PlotState): void {
    this.bar.update(state);
  }

  /** Downloads what the plot shows now, under a name that says what it is. */
  private async export(ext: 'csv' | 'json' | 'png' | 'svg'): Promise<void> {
    const desc = describeFigure(this.typed.plotState());
    const name = exportFileName(desc, ext);
    if (ext === 'csv') download(name, figureCsv(desc), 'text/csv');
    else if (ext === 'json') download(name, figureJson(desc), 'application/json');
    else download(name, await this.figure.image(ext), ext === 'png' ? 'image/png' : 'image/svg+xml');
  }

  protected resized(): void {
    this.figure?.resize();
  }

  protected removed(): void {
    this.figure?.purge();
  }
}

export class LossPlotView extends SaddlelabView {}
export class SpectrumPlotView extends SaddlelabView {}
/** A sweep's rows (src/widgets/sweep-plot.ts): scales and export; the rows arrive as full updates. */
export class SweepPlotView extends SaddlelabView {}

export class LayerLawPlotView extends SaddlelabView {
  private scrubber!: Scrubber;
  protected renderControls(): void {
    this.scrubber = new Scrubber((c) => this.setBrowser({ cursor: c }));
    const bar = el('div', { className: 'saddlelab-controls' }, BAR_CSS);
    bar.append(this.scrubber.el);
    this.el.appendChild(bar);
  }
  protected updateControls(state: PlotState): void {
    super.updateControls(state);
    this.scrubber.update(state);
  }
}

export class TrainingDashboardView extends SaddlelabView {
  private controls!: RunControls;
  protected renderControls(): void {
    this.controls = new RunControls((s) => this.setBrowser(s), () => this.sendControl('stop'));
    this.el.appendChild(this.controls.el);
  }
  protected updateControls(state: PlotState): void {
    super.updateControls(state);
    const { phase, enabled } = this.controls.update(state);
    this.el.dataset.phase = phase;
    this.el.dataset.controls = enabled ? 'enabled' : 'disabled';
  }
}
