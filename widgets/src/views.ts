/**
 * The browser-side views: Plotly figures of a model's PlotState, redrawn at
 * most once per animation frame, extended in place while only loss points are
 * added. The dashboard adds controls whose values go back to the kernel.
 */
import { DOMWidgetView } from '@jupyter-widgets/base';
import Plotly from 'plotly.js-dist-min';
import { figure, unfinished } from './figures';
import { plotState } from './models';
import { drawnOf, planUpdate, progressText, stepRange, type Drawn } from './update-plan';

export class SaddlelabView extends DOMWidgetView {
  protected plot!: HTMLDivElement;
  /** Why runs stopped early (their `[saddlelab]` messages), under the plot. */
  private message!: HTMLDivElement;
  private drawn?: Drawn;
  private frame = 0;
  private drawing: Promise<unknown> = Promise.resolve();

  render(): void {
    this.el.classList.add('saddlelab-widget');
    this.el.style.minWidth = '360px';
    this.renderControls();
    this.plot = document.createElement('div');
    this.plot.className = 'saddlelab-plot';
    this.el.appendChild(this.plot);
    this.message = document.createElement('div');
    this.message.className = 'saddlelab-message';
    this.message.style.cssText = 'color:#b00;font-size:12px;white-space:pre-wrap;margin:2px 0';
    this.el.appendChild(this.message);
    this.listenTo(this.model, 'change', () => this.schedule());
    this.schedule();
  }

  /** Hook for the dashboard's controls (above the plot). */
  protected renderControls(): void {}
  /** Hook: refresh the controls from the model. */
  protected updateControls(): void {}

  private schedule(): void {
    if (this.frame) return;
    const run = () => {
      this.frame = 0;
      this.drawing = this.drawing.then(() => this.draw()).catch((e) => console.error('[saddlelab] plot update failed', e));
    };
    this.frame = typeof requestAnimationFrame === 'function' && document.visibilityState !== 'hidden' ? requestAnimationFrame(run) : (setTimeout(run, 50) as unknown as number);
  }

  private async draw(): Promise<void> {
    this.updateControls();
    const state = plotState(this.model);
    const fig = figure(state);
    const plan = planUpdate(this.drawn, state, fig);
    if (plan.kind === 'extend') {
      if (plan.indices.length) await Plotly.extendTraces(this.plot, { x: plan.x, y: plan.y }, plan.indices);
      if (plan.shapes) await Plotly.relayout(this.plot, { shapes: plan.shapes });
    } else if (plan.kind === 'react') await Plotly.react(this.plot, fig.data, { ...fig.layout, autosize: true }, { responsive: true, displaylogo: false });
    this.drawn = drawnOf(state, fig);
    this.message.textContent = unfinished(state).map((e) => e.message || `[saddlelab] ${e.reason} at step ${e.step}`).join('\n');
    this.el.dataset.points = String(fig.lossTraces.reduce((n, i) => n + fig.data[i].x.length, 0));
    // The sum of the drawn steps: two views showing the same points agree on it, and a gap (missed appends) would not.
    this.el.dataset.stepSum = String(fig.lossTraces.reduce((n, i) => n + fig.data[i].x.reduce((a, b) => a + b, 0), 0));
    this.el.dataset.traces = String(fig.data.length);
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
export class LayerLawPlotView extends SaddlelabView {}

function button(label: string, action: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.textContent = label;
  b.dataset.action = action;
  b.className = 'jupyter-button';
  b.onclick = onClick;
  return b;
}

export class TrainingDashboardView extends SaddlelabView {
  private progress!: HTMLSpanElement;
  private slider!: HTMLInputElement;
  private follow!: HTMLInputElement;
  private log!: HTMLInputElement;
  private layers!: HTMLSpanElement;
  private buttons: Record<string, HTMLButtonElement> = {};

  protected renderControls(): void {
    const bar = document.createElement('div');
    bar.className = 'saddlelab-controls';
    bar.style.cssText = 'display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:4px 0;font-size:12px';
    this.buttons.pause = button('Pause', 'pause', () => this.setSync('paused', true));
    this.buttons.resume = button('Resume', 'resume', () => this.setSync('paused', false));
    this.buttons.stop = button('Stop', 'stop', () => this.send({ type: 'control', action: 'stop' }));
    this.slider = document.createElement('input');
    this.slider.type = 'range';
    this.slider.className = 'saddlelab-scrubber';
    this.slider.oninput = () => {
      this.follow.checked = false;
      this.setSync('cursor', Number(this.slider.value));
    };
    this.follow = document.createElement('input');
    this.follow.type = 'checkbox';
    this.follow.onchange = () => this.setSync('cursor', this.follow.checked ? null : Number(this.slider.value));
    const followLabel = document.createElement('label');
    followLabel.append(this.follow, ' latest');
    this.log = document.createElement('input');
    this.log.type = 'checkbox';
    this.log.className = 'saddlelab-log';
    this.log.onchange = () => this.setSync('log_y', this.log.checked);
    const logLabel = document.createElement('label');
    logLabel.append(this.log, ' log');
    this.layers = document.createElement('span');
    this.layers.className = 'saddlelab-layers';
    this.progress = document.createElement('span');
    this.progress.className = 'saddlelab-progress';
    bar.append(this.buttons.pause, this.buttons.resume, this.buttons.stop, this.slider, followLabel, logLabel, this.layers, this.progress);
    this.el.appendChild(bar);
  }

  private setSync(key: string, value: unknown): void {
    this.model.set(key, value);
    this.model.save_changes();
  }

  protected updateControls(): void {
    const state = plotState(this.model);
    const [lo, hi] = stepRange(state);
    this.slider.min = String(lo);
    this.slider.max = String(hi);
    this.follow.checked = state.cursor === null;
    this.slider.value = String(state.cursor ?? hi);
    this.log.checked = state.log_y;
    const phase = state.progress?.phase ?? 'idle';
    const finished = phase === 'done' || phase === 'stopped';
    this.buttons.pause.disabled = finished || state.paused;
    this.buttons.resume.disabled = finished || !state.paused;
    this.buttons.stop.disabled = finished;
    this.progress.textContent = progressText(state);
    this.el.dataset.phase = phase;
    const n = state.spectrum?.layers ?? 0;
    if (this.layers.childElementCount !== n) {
      this.layers.textContent = '';
      for (let l = 1; l <= n; l++) {
        const box = document.createElement('input');
        box.type = 'checkbox';
        box.dataset.layer = String(l);
        box.onchange = () => {
          const ticked = [...this.layers.querySelectorAll('input')].filter((b) => (b as HTMLInputElement).checked).map((b) => Number((b as HTMLInputElement).dataset.layer));
          this.setSync('selected_layers', ticked.length === n ? [] : ticked);
        };
        const label = document.createElement('label');
        label.append(box, `W${l}`);
        this.layers.appendChild(label);
      }
    }
    const sel = state.selected_layers;
    this.layers.querySelectorAll('input').forEach((b) => ((b as HTMLInputElement).checked = !sel.length || sel.includes(Number((b as HTMLInputElement).dataset.layer))));
  }
}
