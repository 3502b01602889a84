/**
 * The browser-side views: a Plotly figure of the model's figure description,
 * redrawn at most once per animation frame (extended in place while only
 * points are added), with the controls a researcher needs: log/linear on both
 * axes, smoothing, s_i/s_1, layer toggles, a cursor with its values, export
 * (CSV, JSON, PNG, SVG), and the dashboard's run controls. Values set here go
 * back to the kernel (and, echoed, to every other view of the widget).
 */
import { DOMWidgetView } from '@jupyter-widgets/base';
import Plotly from 'plotly.js-dist-min';
import { describeFigure } from '../../src/widgets/figure/describe';
import { exportFileName, figureCsv, figureJson } from '../../src/widgets/figure/export';
import type { FigureDescription } from '../../src/widgets/figure/types';
import type { BrowserKey, PlotState } from '../../src/widgets/state';
import { plotState } from './models';
import { axisName, plotlyFigure, zoomKey, type Zoom } from './plotly-figure';
import { drawnOf, planUpdate, progressText, stepRange, type Drawn } from './update-plan';

type Plot = HTMLDivElement & { on?(event: string, handler: (e: any) => void): void };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, css = ''): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  if (css) e.style.cssText = css;
  return e;
}

function checkbox(label: string, className: string, title: string, onChange: (on: boolean) => void): { label: HTMLLabelElement; box: HTMLInputElement } {
  const box = el('input', { type: 'checkbox', className });
  box.onchange = () => onChange(box.checked);
  const l = el('label', { title }, 'display:inline-flex;align-items:center;gap:2px;cursor:pointer');
  l.append(box, label);
  return { label: l, box };
}

function button(label: string, action: string, onClick: () => void, title = ''): HTMLButtonElement {
  const b = el('button', { textContent: label, className: 'jupyter-button', title });
  b.dataset.action = action;
  b.onclick = onClick;
  return b;
}

/** Starts a download of `content` (a string, or a data: URL) as `name`. */
function download(name: string, content: string, type: string): void {
  const url = content.startsWith('data:') ? content : URL.createObjectURL(new Blob([content], { type }));
  const a = el('a', { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  if (!content.startsWith('data:')) setTimeout(() => URL.revokeObjectURL(url), 10000);
}

const BAR_CSS = 'display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin:4px 0;font-size:12px';

export class SaddlelabView extends DOMWidgetView {
  protected plot!: Plot;
  private readoutEl!: HTMLDivElement;
  private captionEl!: HTMLDivElement;
  /** Why runs stopped early (their `[saddlelab]` messages), under the plot. */
  private message!: HTMLDivElement;
  private drawn?: Drawn;
  private frame = 0;
  private drawing: Promise<unknown> = Promise.resolve();
  /** The description last drawn (maps Plotly's axes back to panels). */
  protected desc?: FigureDescription;
  /** Ranges the user zoomed to, kept across redraws. */
  private zoom: Zoom = {};
  /** True while this view itself changes the plot (its relayout events are not the user's zoom). */
  private applying = false;
  private logY!: HTMLInputElement;
  private logX!: HTMLInputElement;
  private smoothing?: HTMLInputElement;
  private relative?: HTMLInputElement;
  private layers?: HTMLSpanElement;

  render(): void {
    this.el.classList.add('saddlelab-widget');
    this.el.style.minWidth = '360px';
    const kind = plotState(this.model).kind;
    this.el.dataset.kind = kind;
    this.renderControls();
    this.el.appendChild(this.viewBar(kind));
    this.plot = el('div', { className: 'saddlelab-plot' });
    this.el.appendChild(this.plot);
    this.readoutEl = el('div', { className: 'saddlelab-readout' }, 'font-size:12px;font-family:monospace;margin:2px 0;min-height:1.2em');
    this.captionEl = el('div', { className: 'saddlelab-caption' }, 'font-size:11px;color:#555;margin:2px 0;max-width:60em');
    this.message = el('div', { className: 'saddlelab-message' }, 'color:#b00020;font-size:12px;white-space:pre-wrap;margin:2px 0');
    this.el.append(this.readoutEl, this.message, this.captionEl);
    this.listenTo(this.model, 'change', () => this.schedule());
    this.schedule();
  }

  /** The controls every kind has (scales, smoothing, s_i/s_1, layers, export). */
  private viewBar(kind: PlotState['kind']): HTMLDivElement {
    const bar = el('div', { className: 'saddlelab-view-controls' }, BAR_CSS);
    const sweep = kind === 'SweepPlot';
    const y = checkbox(kind === 'LayerLawPlot' ? ' log value' : kind === 'LossPlot' ? ' log loss' : sweep ? ' log y' : ' log value', 'saddlelab-log-y', 'logarithmic value axis', (on) => this.setSync('log_y', on));
    const x = checkbox(kind === 'LayerLawPlot' ? ' log ℓ' : sweep ? ' log x' : ' log step', 'saddlelab-log-x', kind === 'LayerLawPlot' ? 'logarithmic layer axis' : sweep ? 'logarithmic x axis' : 'logarithmic step axis (step 0 is not drawn on it)', (on) => this.setSync('log_x', on));
    this.logY = y.box;
    this.logX = x.box;
    bar.append(y.label);
    if (!(kind === 'SpectrumPlot' && plotState(this.model).mode === 'snapshot')) bar.append(x.label);
    if (kind === 'LossPlot' || kind === 'TrainingDashboard') {
      const input = el('input', { type: 'number', min: '0', step: '1', className: 'saddlelab-smoothing', title: 'centred moving average over this many steps (0: off)' }, 'width:6em');
      const apply = () => {
        const value = Math.max(0, Number(input.value) || 0);
        if (value !== plotState(this.model).smoothing) this.setSync('smoothing', value);
      };
      input.addEventListener('change', apply);
      input.addEventListener('keydown', (e) => e.key === 'Enter' && apply());
      const label = el('label', { title: input.title }, 'display:inline-flex;align-items:center;gap:3px');
      label.append('smooth over', input, 'steps');
      this.smoothing = input;
      bar.append(label);
    }
    if (kind === 'SpectrumPlot' || kind === 'TrainingDashboard') {
      const rel = checkbox(' s_i/s_1', 'saddlelab-relative', 'each singular value divided by s1 of its layer', (on) => this.setSync('relative', on));
      this.relative = rel.box;
      this.layers = el('span', { className: 'saddlelab-layers', title: 'layers shown' }, 'display:inline-flex;gap:4px');
      bar.append(rel.label, this.layers);
    }
    const exports = el('span', { className: 'saddlelab-export', title: 'download what the plot shows' }, 'display:inline-flex;gap:3px;margin-left:auto');
    exports.append('export');
    for (const ext of ['csv', 'json', 'png', 'svg'] as const) {
      const b = button(ext.toUpperCase(), `export-${ext}`, () => void this.export(ext).catch((e) => console.error('[saddlelab] export failed', e)));
      b.dataset.export = ext;
      exports.append(b);
    }
    bar.append(exports);
    return bar;
  }

  /** Hook for the dashboard's controls (above the plot). */
  protected renderControls(): void {}

  /** Refreshes the controls from the model. */
  protected updateControls(state: PlotState): void {
    this.logY.checked = state.log_y;
    this.logX.checked = state.log_x;
    if (this.smoothing && document.activeElement !== this.smoothing) this.smoothing.value = String(state.smoothing);
    if (this.relative) this.relative.checked = state.relative;
    if (this.layers) {
      const sp = state.spectrum;
      const n = sp ? (state.source === 'activations' && sp.activations ? sp.actLayers : sp.layers) : 0;
      const symbol = state.source === 'activations' ? 'Z' : 'W';
      if (this.layers.childElementCount !== n) {
        this.layers.textContent = '';
        for (let l = 1; l <= n; l++) {
          const { label, box } = checkbox(`${symbol}${l}`, 'saddlelab-layer', `show layer ${l}`, () => {
            const ticked = [...this.layers!.querySelectorAll<HTMLInputElement>('input')].filter((b) => b.checked).map((b) => Number(b.dataset.layer));
            this.setSync('selected_layers', ticked.length === n || !ticked.length ? [] : ticked);
          });
          box.dataset.layer = String(l);
          this.layers.appendChild(label);
        }
      }
      const sel = state.selected_layers;
      this.layers.querySelectorAll<HTMLInputElement>('input').forEach((b) => (b.checked = !sel.length || sel.includes(Number(b.dataset.layer))));
    }
  }

  protected setSync(key: BrowserKey, value: unknown): void {
    this.model.set(key, value);
    this.model.save_changes();
  }

  private schedule(): void {
    if (this.frame) return;
    const run = () => {
      this.frame = 0;
      this.drawing = this.drawing.then(() => this.draw()).catch((e) => console.error('[saddlelab] plot update failed', e));
    };
    this.frame = typeof requestAnimationFrame === 'function' && document.visibilityState !== 'hidden' ? requestAnimationFrame(run) : (setTimeout(run, 50) as unknown as number);
  }

  private async draw(): Promise<void> {
    const state = plotState(this.model);
    this.updateControls(state);
    const desc = describeFigure(state);
    this.desc = desc;
    const fig = plotlyFigure(desc, this.zoom);
    const plan = planUpdate(this.drawn, fig);
    this.applying = true;
    try {
      if (plan.kind === 'extend') {
        if (plan.indices.length) await Plotly.extendTraces(this.plot, { x: plan.x, y: plan.y }, plan.indices);
        if (Object.keys(plan.layout).length) await Plotly.relayout(this.plot, plan.layout);
      } else if (plan.kind === 'react') {
        const first = !this.drawn;
        await Plotly.react(this.plot, fig.data, { ...fig.layout, autosize: true }, { responsive: true, displaylogo: false, modeBarButtonsToRemove: ['toImage'] });
        if (first) this.listen();
      }
    } finally {
      this.applying = false;
    }
    this.drawn = drawnOf(fig);
    this.readoutEl.textContent = desc.readout?.text ?? '';
    this.captionEl.textContent = desc.caption;
    this.message.textContent = desc.notes.join('\n');
    const loss = desc.panels.flatMap((p) => p.series.filter((s) => s.role === 'loss' || s.role === 'loss-raw').slice(0, 1));
    this.el.dataset.points = String(loss.reduce((n, s) => n + s.x.length, 0));
    // The sum of the drawn steps: two views showing the same points agree on it, and a gap (missed appends) would not.
    this.el.dataset.stepSum = String(loss.reduce((n, s) => n + s.x.reduce((a, b) => a + b, 0), 0));
    // The last drawn step: it only grows while a run trains (the point count halves when a long history thins itself).
    this.el.dataset.lastStep = String(Math.max(-1, ...loss.map((s) => (s.x.length ? s.x[s.x.length - 1] : -1))));
    this.el.dataset.traces = String(fig.data.length);
    this.el.dataset.file = desc.fileStem;
  }

  /** Plot events: a zoom is kept (and its ticks redone); a click on a step axis moves the cursor there. */
  private listen(): void {
    this.plot.on?.('plotly_relayout', (e: Record<string, unknown>) => {
      if (this.applying || !this.desc) return;
      let changed = false;
      for (const [key, value] of Object.entries(e)) {
        const m = /^([xy])axis(\d*)\.(range\[[01]\]|range|autorange)$/.exec(key);
        if (!m) continue;
        const which = m[1] as 'x' | 'y';
        const panel = this.desc.panels[m[2] ? Number(m[2]) - 1 : 0];
        if (!panel) continue;
        const zk = zoomKey(panel, which);
        const log = panel[which].type === 'log';
        const toData = (v: unknown) => (log ? 10 ** Number(v) : Number(v));
        if (m[3] === 'autorange') delete this.zoom[zk];
        else if (m[3] === 'range' && Array.isArray(value)) this.zoom[zk] = [toData(value[0]), toData(value[1])];
        else {
          const axis = (this.plot as any).layout?.[`${which}axis${m[2]}`];
          const r = axis?.range as number[] | undefined;
          if (r) this.zoom[zk] = [toData(r[0]), toData(r[1])];
        }
        changed = true;
      }
      if (changed) this.schedule();
    });
    this.plot.on?.('plotly_click', (e: { points?: Array<{ x: number; xaxis?: { _id?: string } }> }) => {
      const pt = e.points?.[0];
      if (!pt || !this.desc) return;
      const p = this.desc.panels.findIndex((_, i) => axisName('x', i) === (pt.xaxis?._id ?? 'x'));
      if (p >= 0 && this.desc.panels[p].x.link === 'step') this.setSync('cursor', pt.x);
    });
  }

  /** Downloads what the plot shows, under a name that says what it is. */
  private async export(ext: 'csv' | 'json' | 'png' | 'svg'): Promise<void> {
    const desc = this.desc ?? describeFigure(plotState(this.model));
    const name = exportFileName(desc, ext);
    if (ext === 'csv') download(name, figureCsv(desc), 'text/csv');
    else if (ext === 'json') download(name, figureJson(desc), 'application/json');
    else {
      const url = await Plotly.toImage(this.plot, { format: ext, width: Math.max(640, this.plot.clientWidth || 900), height: Number((this.plot as any).layout?.height) || 480, scale: ext === 'png' ? 2 : 1 });
      download(name, url, ext === 'png' ? 'image/png' : 'image/svg+xml');
    }
  }

  processLuminoMessage(msg: any): void {
    super.processLuminoMessage(msg);
    if ((msg.type === 'resize' || msg.type === 'after-show') && this.plot?.isConnected) Plotly.Plots.resize(this.plot);
  }

  remove(): any {
    if (this.plot) Plotly.purge(this.plot);
    return super.remove();
  }
}

export class LossPlotView extends SaddlelabView {}
export class SpectrumPlotView extends SaddlelabView {}
/** A sweep's rows (src/widgets/sweep-plot.ts): scales and export; the rows arrive as full updates. */
export class SweepPlotView extends SaddlelabView {}

/** The cursor's scrubber: a step slider and "latest" (follow the run). */
class Scrubber {
  readonly el: HTMLSpanElement;
  private slider: HTMLInputElement;
  private follow: HTMLInputElement;
  constructor(set: (cursor: number | null) => void) {
    this.slider = el('input', { type: 'range', className: 'saddlelab-scrubber', title: 'move the cursor (values under the plot)' }, 'width:14em');
    this.slider.oninput = () => {
      this.follow.checked = false;
      set(Number(this.slider.value));
    };
    const follow = checkbox(' latest', 'saddlelab-follow', 'the cursor follows the latest step', (on) => set(on ? null : Number(this.slider.value)));
    this.follow = follow.box;
    this.el = el('span', { className: 'saddlelab-cursor' }, 'display:inline-flex;align-items:center;gap:4px');
    this.el.append('cursor', this.slider, follow.label);
  }
  update(state: PlotState): void {
    const [lo, hi] = stepRange(state);
    this.slider.min = String(lo);
    this.slider.max = String(hi);
    this.follow.checked = state.cursor === null;
    this.slider.value = String(state.cursor ?? hi);
  }
}

export class LayerLawPlotView extends SaddlelabView {
  private scrubber!: Scrubber;
  protected renderControls(): void {
    this.scrubber = new Scrubber((c) => this.setSync('cursor', c));
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
  private progress!: HTMLSpanElement;
  private scrubber!: Scrubber;
  private buttons: Record<'pause' | 'resume' | 'stop', HTMLButtonElement> = {} as never;

  protected renderControls(): void {
    const bar = el('div', { className: 'saddlelab-controls' }, BAR_CSS);
    this.buttons.pause = button('Pause', 'pause', () => this.setSync('paused', true));
    this.buttons.resume = button('Resume', 'resume', () => this.setSync('paused', false));
    this.buttons.stop = button('Stop', 'stop', () => this.send({ type: 'control', action: 'stop' }));
    this.scrubber = new Scrubber((c) => this.setSync('cursor', c));
    this.progress = el('span', { className: 'saddlelab-progress' }, 'font-weight:600');
    bar.append(this.buttons.pause, this.buttons.resume, this.buttons.stop, this.progress, this.scrubber.el);
    this.el.appendChild(bar);
  }

  protected updateControls(state: PlotState): void {
    super.updateControls(state);
    this.scrubber.update(state);
    const phase = state.progress?.phase ?? 'idle';
    const finished = phase === 'done' || phase === 'stopped';
    const controls = state.controls ?? { enabled: true, reason: '' };
    const paused = phase === 'paused' || state.paused;
    const why = !controls.enabled ? controls.reason : finished ? `The run has ended (${phase}); nothing to pause or stop.` : '';
    const set = (b: HTMLButtonElement, disabled: boolean, title: string) => {
      b.disabled = disabled;
      // Visibly disabled (the notebook's button style barely changes), with the reason on hover.
      b.style.opacity = disabled ? '0.45' : '';
      b.style.cursor = disabled ? 'not-allowed' : '';
      b.title = why || title;
    };
    set(this.buttons.pause, !!why || paused, paused ? 'already paused' : 'pause the run after its current step');
    set(this.buttons.resume, !!why || !paused, paused ? 'resume the run' : 'the run is not paused');
    set(this.buttons.stop, !!why, 'stop the run after its current step (the history so far is kept)');
    this.progress.textContent = progressText(state);
    this.el.dataset.phase = phase;
    this.el.dataset.controls = controls.enabled ? 'enabled' : 'disabled';
  }
}
