/**
 * The controls around a plot: the bar every kind has (log/linear on both
 * axes, smoothing, s_i/s_1, layer toggles, export buttons), the cursor's
 * scrubber, and the dashboard's run controls with its status line. Each is
 * refreshed from the state with `update(state)` and reports what the user set
 * through a callback; the view sends it to the kernel.
 */
import type { BrowserState, PlotState } from '../../src/widgets/state';

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, css = ''): HTMLElementTagNameMap[K] {
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

export function button(label: string, action: string, onClick: () => void, title = ''): HTMLButtonElement {
  const b = el('button', { textContent: label, className: 'jupyter-button', title });
  b.dataset.action = action;
  b.onclick = onClick;
  return b;
}

/** Starts a download of `content` (a string, or a data: URL) as `name`. */
export function download(name: string, content: string, type: string): void {
  const url = content.startsWith('data:') ? content : URL.createObjectURL(new Blob([content], { type }));
  const a = el('a', { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  if (!content.startsWith('data:')) setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export const BAR_CSS = 'display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin:4px 0;font-size:12px';

/** What the user sets in the controls. */
export type SetBrowser = (state: Partial<BrowserState>) => void;

/** The controls every kind has (scales, smoothing, s_i/s_1, layers, export). */
export class ViewBar {
  readonly el: HTMLDivElement;
  private logY: HTMLInputElement;
  private logX: HTMLInputElement;
  private smoothing?: HTMLInputElement;
  private relative?: HTMLInputElement;
  private layers?: HTMLSpanElement;
  /** The state last shown. */
  private current: PlotState;

  constructor(state: PlotState, private readonly set: SetBrowser, exportAs: (ext: 'csv' | 'json' | 'png' | 'svg') => void) {
    this.current = state;
    const kind = state.kind;
    const bar = el('div', { className: 'saddlelab-view-controls' }, BAR_CSS);
    const sweep = kind === 'SweepPlot';
    const y = checkbox(kind === 'LayerLawPlot' ? ' log value' : kind === 'LossPlot' ? ' log loss' : sweep ? ' log y' : ' log value', 'saddlelab-log-y', 'logarithmic value axis', (on) => set({ log_y: on }));
    const x = checkbox(kind === 'LayerLawPlot' ? ' log ℓ' : sweep ? ' log x' : ' log step', 'saddlelab-log-x', kind === 'LayerLawPlot' ? 'logarithmic layer axis' : sweep ? 'logarithmic x axis' : 'logarithmic step axis (step 0 is not drawn on it)', (on) => set({ log_x: on }));
    this.logY = y.box;
    this.logX = x.box;
    bar.append(y.label);
    if (!(kind === 'SpectrumPlot' && state.mode === 'snapshot')) bar.append(x.label);
    if (kind === 'LossPlot' || kind === 'TrainingDashboard') {
      const input = el('input', { type: 'number', min: '0', step: '1', className: 'saddlelab-smoothing', title: 'centred moving average over this many steps (0: off)' }, 'width:6em');
      const apply = () => {
        const value = Math.max(0, Number(input.value) || 0);
        if (value !== this.current.smoothing) set({ smoothing: value });
      };
      input.addEventListener('change', apply);
      input.addEventListener('keydown', (e) => e.key === 'Enter' && apply());
      const label = el('label', { title: input.title }, 'display:inline-flex;align-items:center;gap:3px');
      label.append('smooth over', input, 'steps');
      this.smoothing = input;
      bar.append(label);
    }
    if (kind === 'SpectrumPlot' || kind === 'TrainingDashboard') {
      const rel = checkbox(' s_i/s_1', 'saddlelab-relative', 'each singular value divided by s1 of its layer', (on) => set({ relative: on }));
      this.relative = rel.box;
      this.layers = el('span', { className: 'saddlelab-layers', title: 'layers shown' }, 'display:inline-flex;gap:4px');
      bar.append(rel.label, this.layers);
    }
    const exports = el('span', { className: 'saddlelab-export', title: 'download what the plot shows' }, 'display:inline-flex;gap:3px;margin-left:auto');
    exports.append('export');
    for (const ext of ['csv', 'json', 'png', 'svg'] as const) {
      const b = button(ext.toUpperCase(), `export-${ext}`, () => exportAs(ext));
      b.dataset.export = ext;
      exports.append(b);
    }
    bar.append(exports);
    this.el = bar;
  }

  /** Shows the state's values. */
  update(state: PlotState): void {
    this.current = state;
    this.logY.checked = state.log_y;
    this.logX.checked = state.log_x;
    if (this.smoothing && document.activeElement !== this.smoothing) this.smoothing.value = String(state.smoothing);
    if (this.relative) this.relative.checked = state.relative;
    const layers = this.layers;
    if (!layers) return;
    const sp = state.spectrum;
    const n = sp ? (state.source === 'activations' && sp.activations ? sp.actLayers : sp.layers) : 0;
    const symbol = state.source === 'activations' ? 'Z' : 'W';
    if (layers.childElementCount !== n) {
      layers.textContent = '';
      for (let l = 1; l <= n; l++) {
        const { label, box } = checkbox(`${symbol}${l}`, 'saddlelab-layer', `show layer ${l}`, () => {
          const ticked = [...layers.querySelectorAll<HTMLInputElement>('input')].filter((b) => b.checked).map((b) => Number(b.dataset.layer));
          this.set({ selected_layers: ticked.length === n || !ticked.length ? [] : ticked });
        });
        box.dataset.layer = String(l);
        layers.appendChild(label);
      }
    }
    const sel = state.selected_layers;
    layers.querySelectorAll<HTMLInputElement>('input').forEach((b) => (b.checked = !sel.length || sel.includes(Number(b.dataset.layer))));
  }
}

/** The cursor's scrubber: a step slider and "latest" (follow the run). */
export class Scrubber {
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

/** The dashboard's run controls (Pause, Resume, Stop) and its status line. */
export class RunControls {
  readonly el: HTMLDivElement;
  readonly scrubber: Scrubber;
  private readonly progress: HTMLSpanElement;
  private readonly buttons: Record<'pause' | 'resume' | 'stop', HTMLButtonElement>;

  constructor(set: SetBrowser, stop: () => void) {
    this.el = el('div', { className: 'saddlelab-controls' }, BAR_CSS);
    this.buttons = {
      pause: button('Pause', 'pause', () => set({ paused: true })),
      resume: button('Resume', 'resume', () => set({ paused: false })),
      stop: button('Stop', 'stop', stop),
    };
    this.scrubber = new Scrubber((c) => set({ cursor: c }));
    this.progress = el('span', { className: 'saddlelab-progress' }, 'font-weight:600');
    this.el.append(this.buttons.pause, this.buttons.resume, this.buttons.stop, this.progress, this.scrubber.el);
  }

  /** Shows the run's state: what each button can do now (and why not), the status line; returns the phase and whether the buttons act. */
  update(state: PlotState): { phase: string; enabled: boolean } {
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
    return { phase, enabled: controls.enabled };
  }
}

/** The dashboard's status line: steps done (updates made, docs/history-format.md) of the planned total, rate, time left, and the run state. */
export function progressText(state: PlotState): string {
  const p = state.progress;
  if (!p) return '';
  const parts = [`${p.step}${p.total !== null ? ` / ${p.total}` : ''} steps`];
  if (p.phase === 'running' && p.stepsPerSecond > 0) parts.push(`${p.stepsPerSecond.toFixed(p.stepsPerSecond < 10 ? 1 : 0)} steps/s`);
  if (p.etaSeconds !== null && p.phase === 'running') parts.push(`${Math.ceil(p.etaSeconds)} s left`);
  const phase = state.paused && p.phase === 'running' ? 'pausing' : p.phase === 'idle' ? (p.step === 0 ? 'not started' : 'idle') : p.phase;
  parts.push(phase);
  return parts.join(' · ');
}

/** The scrubber's range: the first and last step in the state. */
export function stepRange(state: PlotState): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of state.runs) if (r.steps.length) (lo = Math.min(lo, r.steps[0]), hi = Math.max(hi, r.steps[r.steps.length - 1]));
  const sp = state.spectrum;
  if (sp && sp.steps.length) (lo = Math.min(lo, sp.steps[0]), hi = Math.max(hi, sp.steps[sp.steps.length - 1]));
  return Number.isFinite(lo) ? [lo, hi] : [0, 0];
}
