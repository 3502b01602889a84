/**
 * The static figure of a widget: a Vega-Lite spec built from the same
 * PlotState the browser view draws, rendered to SVG in Node (svg-render.ts).
 * Same series, same log scales, same marks (plateaus shaded, escapes dashed,
 * snapshot steps dotted, the scrubber cursor red) as widgets/src/figures.ts.
 */
import { fail } from '../errors';
import type { PlotState, SpectrumState, WidgetKind } from './state';
import { FIGURE_MIME, figureData, type FigureData } from './figure-data';
import { svgToPng } from './png-render';
import { renderSvgSync } from './svg-render';

/** Most points per series in a static figure; longer series are thinned evenly (the last point kept). */
export const STATIC_MAX_POINTS = 1500;

type Row = Record<string, number | string>;

/** The palette of the browser views (widgets/src/figures.ts), so both figures use the same colours. */
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

function thin(n: number, max = STATIC_MAX_POINTS): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const stride = Math.ceil(n / max);
  const idx: number[] = [];
  for (let i = 0; i < n; i += stride) idx.push(i);
  if (idx[idx.length - 1] !== n - 1) idx.push(n - 1);
  return idx;
}

const positive = (v: number, log: boolean) => Number.isFinite(v) && (!log || v > 0);
const yScale = (log: boolean) => (log ? { type: 'log' } : { type: 'linear', zero: false });

function lossLayers(state: PlotState): object {
  const log = state.log_y;
  const rows: Row[] = [];
  for (const run of state.runs) for (const i of thin(run.steps.length)) if (positive(run.loss[i], log)) rows.push({ run: run.name, step: run.steps[i], loss: run.loss[i] });
  const plateaus = state.runs.flatMap((r) => r.plateaus.map(([a, b]) => ({ start: a, end: b })));
  const escapes = state.runs.flatMap((r) => r.escapes.map((s) => ({ step: s })));
  const snaps = state.kind === 'SpectrumPlot' || state.mode === 'snapshot' ? state.snapshot_steps.map((s) => ({ step: s })) : [];
  const cursor = state.cursor === null ? [] : [{ step: state.cursor }];
  // Runs that stopped early: where (a thick dash-dot rule labelled with the reason) and why (the message, as subtitle).
  const ends = (state.ends ?? []).flatMap((e, i) => (e && e.reason !== 'completed' ? [{ step: e.step, run: state.runs[i]?.name ?? `run ${i}`, label: `${e.reason} at step ${e.step}`, message: e.message }] : []));
  const x = { field: 'step', type: 'quantitative', title: 'step' };
  const messages = ends.map((e) => e.message).filter((m) => m);
  return {
    width: 460,
    height: 240,
    title: messages.length ? { text: state.title || 'training loss', subtitle: messages, subtitleColor: '#b00' } : state.title || 'training loss',
    layer: [
      { data: { values: plateaus }, mark: { type: 'rect', color: '#999', opacity: 0.15 }, encoding: { x: { field: 'start', type: 'quantitative' }, x2: { field: 'end' } } },
      { data: { values: rows }, mark: { type: 'line', strokeWidth: 1.5, clip: true }, encoding: { x, y: { field: 'loss', type: 'quantitative', scale: yScale(log), title: 'loss' }, color: { field: 'run', type: 'nominal', title: 'run', scale: { range: COLORS } } } },
      { data: { values: escapes }, mark: { type: 'rule', strokeDash: [6, 3], color: '#444' }, encoding: { x: { field: 'step', type: 'quantitative' } } },
      { data: { values: snaps }, mark: { type: 'rule', strokeDash: [2, 2], color: '#888' }, encoding: { x: { field: 'step', type: 'quantitative' } } },
      { data: { values: cursor }, mark: { type: 'rule', color: '#d62728' }, encoding: { x: { field: 'step', type: 'quantitative' } } },
      { data: { values: ends }, mark: { type: 'rule', strokeWidth: 2.5, strokeDash: [8, 3, 2, 3] }, encoding: { x: { field: 'step', type: 'quantitative' }, color: { field: 'run', type: 'nominal', scale: { range: COLORS } } } },
      { data: { values: ends }, mark: { type: 'text', align: 'right', baseline: 'top', dx: -3, dy: 3, color: '#d62728', fontSize: 11 }, encoding: { x: { field: 'step', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } } },
    ],
  };
}

function spectrumSource(state: PlotState): { values: Float64Array; layers: number; sp: SpectrumState } | null {
  const sp = state.spectrum;
  if (!sp) return null;
  if (state.source === 'activations' && sp.activations) return { values: sp.activations, layers: sp.actLayers, sp };
  return { values: sp.weights, layers: sp.layers, sp };
}

function shownLayers(state: PlotState, layers: number): number[] {
  const all = Array.from({ length: layers }, (_, l) => l + 1);
  const sel = state.selected_layers.filter((l) => l >= 1 && l <= layers);
  return sel.length ? sel : all;
}

function spectrumSeriesView(state: PlotState): object {
  const src = spectrumSource(state);
  const rows: Row[] = [];
  const label = state.source === 'activations' ? 'Z' : 'W';
  if (src) {
    const { sp, values, layers } = src;
    for (const l of shownLayers(state, layers)) {
      for (const r of thin(sp.steps.length, 400)) {
        for (let i = 0; i < sp.k; i++) {
          const v = values[(r * layers + (l - 1)) * sp.k + i];
          if (positive(v, state.log_y)) rows.push({ layer: `${label}${l}`, l, i: `s${i + 1}`, rank: i + 1, step: sp.steps[r], value: v });
        }
      }
    }
  }
  const cursor = state.cursor === null ? [] : [{ step: state.cursor }];
  return {
    data: { values: rows },
    facet: { field: 'layer', type: 'nominal', title: null, sort: { field: 'l' } },
    columns: 3,
    spec: {
      width: 200,
      height: 140,
      layer: [
        {
          mark: { type: 'line', strokeWidth: 1.2 },
          encoding: {
            x: { field: 'step', type: 'quantitative', title: 'step' },
            y: { field: 'value', type: 'quantitative', scale: yScale(state.log_y), title: 'singular value' },
            color: { field: 'i', type: 'nominal', title: 'index', sort: { field: 'rank' }, scale: { range: COLORS } },
            detail: { field: 'i' },
          },
        },
        ...(cursor.length ? [{ mark: { type: 'rule', color: '#d62728' }, encoding: { x: { datum: state.cursor, type: 'quantitative' } } }] : []),
      ],
    },
    resolve: { scale: { y: 'independent' }, axis: { x: 'independent' } },
  };
}

/** Integer ticks 1, 1+d, … ≤ k for the index axis of the snapshot panels (at most about 10 of them). */
export function indexTicks(k: number): number[] {
  const d = Math.max(1, Math.ceil(k / 10));
  const ticks: number[] = [];
  for (let i = 1; i <= k; i += d) ticks.push(i);
  return ticks;
}

function snapshotView(state: PlotState): object {
  const src = spectrumSource(state);
  const kMax = Math.max(2, src?.sp.k ?? 2);
  const rows: Row[] = [];
  if (src) {
    const { sp, values, layers } = src;
    for (const want of state.snapshot_steps) {
      let r = -1;
      for (let j = 0; j < sp.steps.length; j++) if (sp.steps[j] <= want) r = j;
      if (r < 0) continue;
      for (const l of shownLayers(state, layers)) {
        for (let i = 0; i < sp.k; i++) {
          const v = values[(r * layers + (l - 1)) * sp.k + i];
          if (positive(v, state.log_y)) rows.push({ snapshot: `step ${sp.steps[r]}`, at: sp.steps[r], layer: `ℓ=${l}`, l, index: i + 1, value: v });
        }
      }
    }
  }
  return {
    data: { values: rows },
    facet: { field: 'snapshot', type: 'nominal', title: null, sort: { field: 'at' } },
    spec: {
      width: 220,
      height: 180,
      mark: { type: 'line', point: true },
      encoding: {
        // Explicit integer ticks: Vega ignores tickMinStep inside a facet and labelled 1.0, 1.2, … for k = 2.
        x: { field: 'index', type: 'quantitative', title: 'i', scale: { domain: [1, kMax], nice: false }, axis: { values: indexTicks(kMax), format: 'd' } },
        y: { field: 'value', type: 'quantitative', scale: yScale(state.log_y), title: 's_i' },
        color: { field: 'layer', type: 'nominal', sort: { field: 'l' }, title: 'layer', scale: { range: COLORS } },
      },
    },
  };
}

/** Rows of the layer-law plot, reference slopes included (anchored at layer 1's values). */
export function lawRows(state: PlotState): Row[] {
  const law = state.law;
  const rows: Row[] = [];
  if (!law) return rows;
  for (let l = 0; l < law.layers.length; l++) {
    if (law.ratio[l] > 0) rows.push({ layer: law.layers[l], quantity: 's1/s2', value: law.ratio[l] });
    if (law.energy[l] > 0) rows.push({ layer: law.layers[l], quantity: 'energy outside s1', value: law.energy[l] });
  }
  const ref = (q: string, name: string, p: number) => {
    const first = rows.find((r) => r.quantity === q);
    if (!first) return;
    for (let l = 0; l < law.layers.length; l++) rows.push({ layer: law.layers[l], quantity: name, value: (first.value as number) * Math.pow(law.layers[l] / (first.layer as number), p) });
  };
  ref('s1/s2', 'ℓ^(1/4)', 0.25);
  ref('energy outside s1', 'ℓ^(−1/2)', -0.5);
  return rows;
}

function lawView(state: PlotState): object {
  return {
    width: 380,
    height: 260,
    title: state.title || `layer law at step ${state.law?.step ?? '–'}`,
    data: { values: lawRows(state) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'layer', type: 'quantitative', scale: { type: 'log', nice: false }, title: 'layer ℓ' },
      y: { field: 'value', type: 'quantitative', scale: { type: 'log' }, title: null },
      // Each reference slope in its quantity's colour, dashed, as in the browser view.
      color: { field: 'quantity', type: 'nominal', title: null, scale: { domain: ['s1/s2', 'energy outside s1', 'ℓ^(1/4)', 'ℓ^(−1/2)'], range: [COLORS[0], COLORS[1], COLORS[0], COLORS[1]] } },
      strokeDash: { condition: { test: "indexof(datum.quantity, 'ℓ^') === 0", value: [5, 3] }, value: [1, 0] },
    },
  };
}

/**
 * The Vega-Lite spec of a widget's figure.
 *
 * @example
 * ```ts
 * import { figureSpec } from './static-figure';
 * // state: a PlotState, e.g. `new LossPlot(history).state`
 * // const spec = figureSpec(state);
 * ```
 */
export function figureSpec(state: PlotState): object {
  const kinds: WidgetKind[] = ['LossPlot', 'SpectrumPlot', 'LayerLawPlot', 'TrainingDashboard'];
  if (typeof state !== 'object' || state === null || !kinds.includes((state as { kind?: WidgetKind }).kind!) || !Array.isArray(state.runs)) {
    fail('state', `a PlotState (a widget's .state) with kind ${kinds.join(' | ')}`, state);
  }
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', background: 'white', config: { font: 'sans-serif' } };
  switch (state.kind) {
    case 'LossPlot':
      return { ...base, ...lossLayers(state) };
    case 'SpectrumPlot':
      return { ...base, ...(state.mode === 'snapshot' ? snapshotView(state) : spectrumSeriesView(state)) };
    case 'LayerLawPlot':
      return { ...base, ...lawView(state) };
    case 'TrainingDashboard':
      return { ...base, vconcat: [lossLayers(state), spectrumSeriesView(state)], resolve: { scale: { color: 'independent' } } };
    case 'SweepPlot':
      return fail('state.kind', 'a kind this Vega-Lite figure draws (SweepPlot is drawn from its figure description)', state.kind);
  }
}

/** The widget's static figure as an SVG string. */
export function figureSvg(state: PlotState): string {
  return renderSvgSync(figureSpec(state));
}

/** A widget's static figure as display data: SVG and PNG, with the PNG's display size, and the figure's data for reports. */
export interface StaticFigure {
  data: { 'image/svg+xml': string; 'image/png': string; [FIGURE_MIME]: FigureData };
  /** Per mime type display metadata: the PNG holds 2× the pixels of its `width` × `height`. */
  metadata: { 'image/png': { width: number; height: number } };
}

/**
 * The static figure of a widget state, ready for a display bundle: the SVG,
 * a PNG of it (base64) for viewers that render no SVG without trust, and the
 * figure's data (figure-data.ts) from which a report draws it interactively.
 *
 * @example
 * ```ts
 * import { staticFigure } from './static-figure';
 * // const { data, metadata } = staticFigure(new LossPlot(history).state);
 * // kernel.display({ 'text/plain': 'loss', ...data }, { metadata });
 * ```
 */
export function staticFigure(state: PlotState): StaticFigure {
  const svg = figureSvg(state);
  const { png, width, height } = svgToPng(svg);
  return { data: { 'image/svg+xml': svg, 'image/png': Buffer.from(png).toString('base64'), [FIGURE_MIME]: figureData(state) }, metadata: { 'image/png': { width, height } } };
}
