/**
 * PlotState → Plotly traces and layout, for every widget kind. Pure (no DOM),
 * so the view logic is unit-tested in Node (test/widgets/browser/). The same
 * marks as the static SVG (src/widgets/static-figure.ts): plateaus shaded,
 * escapes dashed, snapshot steps dotted, the scrubber cursor red.
 */
import type { PlotState, SpectrumState } from '../../src/widgets/state';

export interface Trace {
  type: 'scatter';
  mode: 'lines' | 'lines+markers' | 'markers';
  name: string;
  x: number[];
  y: number[];
  xaxis?: string;
  yaxis?: string;
  line?: Record<string, unknown>;
  legendgroup?: string;
  showlegend?: boolean;
}

export interface Figure {
  data: Trace[];
  layout: Record<string, unknown>;
  /** Index of each run's loss trace in `data`. */
  lossTraces: number[];
  /**
   * Traces that only grow while a run goes on (the loss traces and the
   * singular values against step), so new points are drawn with
   * Plotly.extendTraces; absent means the loss traces.
   */
  growing?: number[];
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

function finite(x: Float64Array, y: Float64Array, log: boolean): { x: number[]; y: number[] } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < y.length; i++) if (Number.isFinite(y[i]) && (!log || y[i] > 0)) (xs.push(x[i]), ys.push(y[i]));
  return { x: xs, y: ys };
}

function vline(step: number, yref: string, xref: string, line: Record<string, unknown>): Record<string, unknown> {
  return { type: 'line', xref, yref: `${yref} domain`, x0: step, x1: step, y0: 0, y1: 1, line };
}

/** The layers shown: the selection when it is not empty, else all. */
export function shownLayers(selected: number[], layers: number): number[] {
  const sel = selected.filter((l) => l >= 1 && l <= layers);
  return sel.length ? sel : Array.from({ length: layers }, (_, l) => l + 1);
}

/** The runs that stopped before completing (stopped, aborted, diverged), with their run index. */
export function unfinished(state: PlotState): Array<{ run: number; reason: string; step: number; message: string }> {
  return (state.ends ?? []).flatMap((e, run) => (e && e.reason !== 'completed' ? [{ run, ...e }] : []));
}

/** The loss panel's traces, shapes and labels on axes `x{ax}`/`y{ax}`. */
export function lossPanel(state: PlotState, ax = ''): { data: Trace[]; shapes: Record<string, unknown>[]; annotations: Record<string, unknown>[] } {
  const data: Trace[] = state.runs.map((run, i) => ({
    type: 'scatter',
    mode: 'lines',
    name: run.name,
    ...finite(run.steps, run.loss, state.log_y),
    xaxis: `x${ax}`,
    yaxis: `y${ax}`,
    line: { color: COLORS[i % COLORS.length], width: 1.5 },
  }));
  const xref = `x${ax}`;
  const yref = `y${ax}`;
  const shapes: Record<string, unknown>[] = [];
  for (const run of state.runs) {
    for (const [a, b] of run.plateaus) shapes.push({ type: 'rect', xref, yref: `${yref} domain`, x0: a, x1: b, y0: 0, y1: 1, fillcolor: '#999', opacity: 0.15, line: { width: 0 } });
    for (const s of run.escapes) shapes.push(vline(s, yref, xref, { color: '#444', dash: 'dash', width: 1 }));
  }
  if (state.mode === 'snapshot') for (const s of state.snapshot_steps) shapes.push(vline(s, yref, xref, { color: '#888', dash: 'dot', width: 1 }));
  if (state.cursor !== null) shapes.push(vline(state.cursor, yref, xref, { color: '#d62728', width: 1.5 }));
  // Where a run stopped early: a thick dash-dot line in the run's colour, labelled with the reason.
  const annotations: Record<string, unknown>[] = [];
  for (const e of unfinished(state)) {
    shapes.push(vline(e.step, yref, xref, { color: COLORS[e.run % COLORS.length], dash: 'dashdot', width: 2.5 }));
    annotations.push({ text: `${e.reason} at step ${e.step}`, xref, yref: `${yref} domain`, x: e.step, y: 1, xanchor: 'right', yanchor: 'top', showarrow: false, font: { size: 11, color: '#d62728' } });
  }
  return { data, shapes, annotations };
}

function source(state: PlotState): { sp: SpectrumState; values: Float64Array; layers: number } | null {
  const sp = state.spectrum;
  if (!sp || !sp.k) return null;
  if (state.source === 'activations' && sp.activations) return { sp, values: sp.activations, layers: sp.actLayers };
  return { sp, values: sp.weights, layers: sp.layers };
}

/** One value series: s_{i+1} of layer l (1-based) at every record. */
export function singularSeries(sp: SpectrumState, values: Float64Array, layers: number, l: number, i: number): Float64Array {
  const out = new Float64Array(sp.steps.length);
  for (let r = 0; r < sp.steps.length; r++) out[r] = values[(r * layers + (l - 1)) * sp.k + i];
  return out;
}

/** Spectrum panels (one per shown layer) starting at axis number `firstAxis`. */
export function spectrumPanels(state: PlotState, firstAxis: number): { data: Trace[]; shapes: Record<string, unknown>[]; axes: number[]; titles: string[] } {
  const src = source(state);
  const data: Trace[] = [];
  const shapes: Record<string, unknown>[] = [];
  const axes: number[] = [];
  const titles: string[] = [];
  if (!src) return { data, shapes, axes, titles };
  const { sp, values, layers } = src;
  const label = state.source === 'activations' ? 'Z' : 'W';
  shownLayers(state.selected_layers, layers).forEach((l, p) => {
    const ax = firstAxis + p;
    const suffix = ax === 1 ? '' : String(ax);
    axes.push(ax);
    titles.push(`${label}${l}`);
    for (let i = 0; i < sp.k; i++) {
      data.push({
        type: 'scatter',
        mode: 'lines',
        name: `s${i + 1}`,
        legendgroup: `s${i + 1}`,
        showlegend: p === 0,
        ...finite(sp.steps, singularSeries(sp, values, layers, l, i), state.log_y),
        xaxis: `x${suffix}`,
        yaxis: `y${suffix}`,
        line: { color: COLORS[i % COLORS.length], width: 1.2 },
      });
    }
    if (state.cursor !== null) shapes.push(vline(state.cursor, `y${suffix}`, `x${suffix}`, { color: '#d62728', width: 1.5 }));
  });
  return { data, shapes, axes, titles };
}

/** Snapshot mode: per chosen step, the top-k of every shown layer against the index i (Figure 1, centre and right). */
export function snapshotPanels(state: PlotState): { data: Trace[]; axes: number[]; titles: string[] } {
  const src = source(state);
  const data: Trace[] = [];
  const axes: number[] = [];
  const titles: string[] = [];
  if (!src) return { data, axes, titles };
  const { sp, values, layers } = src;
  state.snapshot_steps.forEach((want) => {
    let r = -1;
    for (let j = 0; j < sp.steps.length; j++) if (sp.steps[j] <= want) r = j;
    if (r < 0) return;
    const ax = axes.length + 1;
    const suffix = ax === 1 ? '' : String(ax);
    axes.push(ax);
    titles.push(`step ${sp.steps[r]}`);
    shownLayers(state.selected_layers, layers).forEach((l, li) => {
      const idx = Float64Array.from({ length: sp.k }, (_, i) => i + 1);
      const vals = Float64Array.from({ length: sp.k }, (_, i) => values[(r * layers + (l - 1)) * sp.k + i]);
      data.push({ type: 'scatter', mode: 'lines+markers', name: `ℓ=${l}`, legendgroup: `l${l}`, showlegend: ax === 1, ...finite(idx, vals, state.log_y), xaxis: `x${suffix}`, yaxis: `y${suffix}`, line: { color: COLORS[li % COLORS.length] } });
    });
  });
  return { data, axes, titles };
}

/** The layer law: s1/s2 and energy outside s1 against ℓ, log–log, with ℓ^(1/4) and ℓ^(−1/2) slopes anchored at layer 1. */
export function lawTraces(state: PlotState): Trace[] {
  const law = state.law;
  if (!law) return [];
  const ratio = finite(law.layers, law.ratio, true);
  const energy = finite(law.layers, law.energy, true);
  const traces: Trace[] = [
    { type: 'scatter', mode: 'lines+markers', name: 's1/s2', ...ratio, line: { color: COLORS[0] } },
    { type: 'scatter', mode: 'lines+markers', name: 'energy outside s1', ...energy, line: { color: COLORS[1] } },
  ];
  const ref = (s: { x: number[]; y: number[] }, p: number, name: string, color: string) => {
    if (!s.x.length) return;
    traces.push({ type: 'scatter', mode: 'lines', name, x: Array.from(law.layers), y: Array.from(law.layers, (l) => s.y[0] * Math.pow(l / s.x[0], p)), line: { color, dash: 'dash' } });
  };
  ref(ratio, 0.25, 'ℓ^(1/4)', COLORS[0]);
  ref(energy, -0.5, 'ℓ^(−1/2)', COLORS[1]);
  return traces;
}

function grid(n: number, top: number, bottom: number, cols: number, first: number, titles: string[], log: boolean, layout: Record<string, unknown>, annotations: Record<string, unknown>[]): void {
  const rows = Math.ceil(n / cols);
  const gap = 0.06;
  const h = (top - bottom - gap * (rows - 1)) / Math.max(rows, 1);
  const w = (1 - gap * (cols - 1)) / cols;
  for (let p = 0; p < n; p++) {
    const ax = first + p;
    const suffix = ax === 1 ? '' : String(ax);
    const r = Math.floor(p / cols);
    const c = p % cols;
    const y1 = top - r * (h + gap);
    layout[`xaxis${suffix}`] = { domain: [c * (w + gap), c * (w + gap) + w], anchor: `y${suffix}` };
    layout[`yaxis${suffix}`] = { domain: [y1 - h, y1], anchor: `x${suffix}`, type: log ? 'log' : 'linear', exponentformat: 'power' };
    annotations.push({ text: titles[p], xref: `x${suffix} domain`, yref: `y${suffix} domain`, x: 0.02, y: 1, showarrow: false, xanchor: 'left', yanchor: 'top', font: { size: 11 } });
  }
}

/**
 * The whole figure of a widget.
 *
 * @example
 * ```ts
 * // figure(model.state) → { data, layout } for Plotly.react(div, data, layout)
 * ```
 */
export function figure(state: PlotState): Figure {
  const yType = state.log_y ? 'log' : 'linear';
  const base = { margin: { l: 60, r: 20, t: 36, b: 40 }, showlegend: true, title: { text: state.title, font: { size: 14 } } };
  switch (state.kind) {
    case 'LossPlot': {
      const { data, shapes, annotations } = lossPanel(state);
      return { data, lossTraces: data.map((_, i) => i), layout: { ...base, height: 320, shapes, annotations, xaxis: { title: { text: 'step' } }, yaxis: { title: { text: 'loss' }, type: yType, exponentformat: 'power' } } };
    }
    case 'SpectrumPlot': {
      const layout: Record<string, unknown> = { ...base };
      const annotations: Record<string, unknown>[] = [];
      if (state.mode === 'snapshot') {
        const { data, axes, titles } = snapshotPanels(state);
        grid(axes.length, 1, 0, Math.max(1, axes.length), 1, titles, state.log_y, layout, annotations);
        // The index i is an integer: without a fixed tick step Plotly labels 1, 1.5, 2 for k = 2.
        const dtick = Math.max(1, Math.ceil((state.spectrum?.k ?? 1) / 10));
        for (const ax of axes) Object.assign(layout[`xaxis${ax === 1 ? '' : ax}`] as object, { tickmode: 'linear', tick0: 1, dtick });
        return { data, lossTraces: [], layout: { ...layout, annotations, height: 320 } };
      }
      const { data, shapes, axes, titles } = spectrumPanels(state, 1);
      const cols = Math.min(3, Math.max(1, axes.length));
      grid(axes.length, 1, 0, cols, 1, titles, state.log_y, layout, annotations);
      return { data, lossTraces: [], growing: data.map((_, i) => i), layout: { ...layout, shapes, annotations, height: 200 * Math.ceil(axes.length / cols) + 60 } };
    }
    case 'LayerLawPlot':
      return {
        data: lawTraces(state),
        lossTraces: [],
        layout: { ...base, title: { text: state.title || `layer law at step ${state.law?.step ?? '–'}` }, height: 340, xaxis: { type: 'log', title: { text: 'layer ℓ' } }, yaxis: { type: 'log', exponentformat: 'power' } },
      };
    case 'TrainingDashboard': {
      const loss = lossPanel(state);
      const spec = spectrumPanels(state, 2);
      const layout: Record<string, unknown> = { ...base, xaxis: { domain: [0, 1], anchor: 'y', title: { text: 'step' } }, yaxis: { domain: [0.62, 1], anchor: 'x', type: yType, title: { text: 'loss' }, exponentformat: 'power' } };
      const annotations: Record<string, unknown>[] = [...loss.annotations];
      grid(spec.axes.length, 0.52, 0, Math.min(3, Math.max(1, spec.axes.length)), 2, spec.titles, state.log_y, layout, annotations);
      return { data: [...loss.data, ...spec.data], lossTraces: loss.data.map((_, i) => i), growing: [...loss.data, ...spec.data].map((_, i) => i), layout: { ...layout, shapes: [...loss.shapes, ...spec.shapes], annotations, height: 640 } };
    }
  }
}
