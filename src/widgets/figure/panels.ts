/**
 * The panels of a figure description: the loss against step, the singular
 * values against step (one panel per layer), Figure 1's snapshots (one panel
 * per layer, one line per snapshot step), and the layer law against ℓ.
 * Ranges and ticks are filled in by describe.ts once every panel of a link
 * group is known.
 */
import { CURSOR_COLOR, INDEX_COLORS, RAW_LOSS_COLOR, RUN_COLORS, timeColor } from '../contract';
import type { PlotState } from '../state';
import { drawable, lawAt, recordIndexAt, shownLayers, smoothSeries, spectrumSource, valueAt, type SpectrumSource } from './data';
import type { AxisDescription, MarkDescription, PanelDescription, SeriesDescription } from './types';

export const runColor = (j: number): string => RUN_COLORS[j % RUN_COLORS.length];

/**
 * A colour darkened to 60 % (a reference line over a curve of its colour stays visible; a light
 * snapshot colour becomes readable as label text).
 */
export function darker(color: string): string {
  if (!/^#[0-9a-f]{6}$/i.test(color)) return color;
  return '#' + [1, 3, 5].map((i) => Math.round(parseInt(color.slice(i, i + 2), 16) * 0.6).toString(16).padStart(2, '0')).join('');
}

const SUBSCRIPT = '₀₁₂₃₄₅₆₇₈₉';
/** `W₁₂`: a matrix symbol with its layer as a subscript. */
export const subscript = (symbol: string, l: number): string => symbol + String(l).replace(/\d/g, (d) => SUBSCRIPT[Number(d)]);

/** An axis before describe.ts fits its range and ticks. */
export function axis(title: string, type: 'linear' | 'log', link: string | null, integer = false): AxisDescription {
  return { title, type, range: null, ticks: [], link, integer };
}

/** The step axis (log when `log_x`, where step 0 cannot be drawn). */
export function stepAxis(state: PlotState, link: string | null): AxisDescription {
  return axis('step', state.log_x ? 'log' : 'linear', link, true);
}

interface Cell {
  row: number;
  col: number;
  colSpan: number;
}

/** A confidence as a mark or a caption shows it: '>0.999' above 0.9995, else three decimals ('' if unknown). */
export const confidenceText = (c: number | undefined): string => (c === undefined ? '' : c >= 0.9995 ? '>0.999' : c.toFixed(3));

/** The confidence of a run's escape at `step`, if known. */
export const confidenceAt = (run: PlotState['runs'][number], step: number): number | undefined => run.confidence?.find((c) => c.step === step)?.confidence;

/** A run's uncertain escapes, less any step it now reports as an escape (a live update may have moved it there). */
export const uncertainOf = (run: PlotState['runs'][number]): Array<{ step: number; confidence: number }> => (run.uncertain ?? []).filter((u) => !run.escapes.includes(u.step));

/** Vertical lines and bands on a step axis; on a log axis a band from step 0 starts at step 1, a line at step 0 is left out. */
function onStepAxis(marks: MarkDescription[], log: boolean): MarkDescription[] {
  if (!log) return marks;
  return marks.flatMap((m) => (m.x1 <= 0 ? [] : [{ ...m, x0: m.x0 > 0 ? m.x0 : Math.min(1, m.x1) }]));
}

function vline(role: MarkDescription['role'], x: number, color: string, dash: MarkDescription['dash'], width: number, label = '', run: number | null = null): MarkDescription {
  return { role, x0: x, x1: x, y0: 0, y1: 1, color, dash, width, opacity: 1, label, run, labelLane: 0, labelAnchor: 'middle' };
}

/** The escape marks of run 0 for spectrum panels, and the cursor. */
function stepMarks(state: PlotState, escapesOf: number[]): MarkDescription[] {
  const marks: MarkDescription[] = [];
  state.runs.forEach((run, j) => {
    if (!escapesOf.includes(j)) return;
    for (const s of run.escapes) marks.push(vline('escape', s, runColor(j), 'dash', 1.2, '', j));
  });
  if (state.cursor !== null) marks.push(vline('cursor', state.cursor, CURSOR_COLOR, 'solid', 1.5));
  return onStepAxis(marks, state.log_x);
}

/**
 * The loss of the runs `which` (indices into `state.runs`; default all) against step, in each
 * run's colour; smoothed (with the raw loss faint beneath) when `smoothing` > 0, or, for a run
 * that carries the full-data loss of its records, that loss with the per-step loss faint beneath.
 * Marks: plateaus shaded (several runs in one panel: a strip of the run's colour along the bottom
 * each, so that one run's shading does not cover another's curve) and escapes dashed in the run's
 * colour (uncertain ones faint and dotted), snapshot steps dotted in their time colour and
 * labelled by step, the cursor, and where runs stopped early. The panel's title names its run
 * when it shows one of several.
 */
export function lossPanel(state: PlotState, names: string[], cell: Cell, which: number[] = state.runs.map((_, j) => j)): PanelDescription {
  const logX = state.log_x;
  const logY = state.log_y;
  const series: SeriesDescription[] = [];
  const runs = which.map((j) => [j, state.runs[j]] as const);
  for (const [j, run] of runs) {
    const color = runColor(j);
    const raw = drawable(run.steps, run.loss, logX, logY);
    const base = { group: `run${j}`, color, dash: 'solid' as const, markers: false };
    // Several runs in one panel: each faint loss keeps its run's colour, to tell them apart.
    const faint = { ...base, color: runs.length === 1 ? RAW_LOSS_COLOR : color };
    const full = run.fullLoss && run.fullLoss.steps.length ? drawable(Float64Array.from(run.fullLoss.steps), Float64Array.from(run.fullLoss.loss), logX, logY) : null;
    if (full) {
      // A mini-batch run: the loss of the whole data set at the records is the run's loss; each step's batch loss is context.
      series.push({ ...faint, id: `loss${j}-raw`, name: `${names[j]} (per-step batch loss)`, legend: false, role: 'loss-raw', ...raw, width: 1, opacity: 0.25, growing: true });
      series.push({ ...base, id: `loss${j}`, name: `${names[j]} (full data, at the records)`, legend: true, role: 'loss', ...full, width: 1.8, opacity: 1, markers: true, growing: false });
    } else if (state.smoothing > 0) {
      series.push({ ...faint, id: `loss${j}-raw`, name: names[j], legend: false, role: 'loss-raw', ...raw, width: 1, opacity: 0.3, growing: true });
      const smooth = drawable(raw.x, smoothSeries(raw.x, raw.y, state.smoothing, logY), logX, logY);
      series.push({ ...base, id: `loss${j}`, name: `${names[j]} (smoothed over ${state.smoothing} steps)`, legend: true, role: 'loss', ...smooth, width: 1.8, opacity: 1, growing: false });
    } else {
      series.push({ ...base, id: `loss${j}`, name: names[j], legend: true, role: 'loss', ...raw, width: 1.5, opacity: 1, growing: true });
    }
  }
  const marks: MarkDescription[] = [];
  const many = runs.length > 1;
  const strip = Math.min(0.04, 0.2 / Math.max(1, runs.length));
  runs.forEach(([j, run], k) => {
    const [y0, y1] = many ? [k * strip, (k + 1) * strip] : [0, 1];
    for (const [a, b] of run.plateaus) marks.push({ role: 'plateau', x0: a, x1: b, y0, y1, color: runColor(j), dash: 'solid', width: 0, opacity: many ? 0.6 : 0.14, label: '', run: j, labelLane: 0, labelAnchor: 'middle' });
  });
  // One run with a few escapes: each is labelled with its confidence, where known (with more, the
  // caption lists them). Escapes below the confidence level are faint dotted lines, never plain
  // marks (docs/phases.md).
  const few = !many && runs[0] !== undefined && runs[0][1].escapes.length + uncertainOf(runs[0][1]).length <= 4;
  const sure = (c: number | undefined) => (few ? confidenceText(c) : '');
  for (const [j, run] of runs) {
    for (const s of run.escapes) marks.push(vline('escape', s, runColor(j), 'dash', 1.2, sure(confidenceAt(run, s)), j));
    for (const u of uncertainOf(run)) marks.push({ ...vline('uncertain', u.step, runColor(j), 'dot', 1, sure(u.confidence), j), opacity: 0.5 });
  }
  const snaps = [...state.snapshot_steps].sort((a, b) => a - b);
  snaps.forEach((s, j) => marks.push(vline('snapshot', s, timeColor(j, snaps.length), 'dot', 1.5, String(s))));
  if (state.cursor !== null) marks.push(vline('cursor', state.cursor, CURSOR_COLOR, 'solid', 1.5));
  for (const [j] of runs) {
    const e = state.ends?.[j];
    if (e && e.reason !== 'completed') marks.push(vline('end', e.step, runColor(j), 'dashdot', 2.5, `${e.reason} at step ${e.step}`, j));
  }
  const title = state.runs.length > 1 && runs.length === 1 ? names[runs[0][0]] : '';
  const id = runs.length === 1 && state.runs.length > 1 ? `loss${runs[0][0]}` : 'loss';
  return { id, title, ...cell, x: stepAxis(state, 'step'), y: axis(state.smoothing > 0 ? 'loss (smoothed)' : 'loss', logY ? 'log' : 'linear', null), series, marks: onStepAxis(marks, logX), labelLanes: 0 };
}

/** s_i, or s_i/s_1 when `relative`, at record r. */
function shown(src: SpectrumSource, relative: boolean, r: number, l: number, i: number): number {
  const v = valueAt(src, r, l, i);
  return relative ? v / valueAt(src, r, l, 0) : v;
}

/** One panel per shown layer: s_1…s_k against step, s_i in the i-th index colour, escapes of run 0 and the cursor marked. */
export function spectrumPanels(state: PlotState, firstRow: number, cols: number): PanelDescription[] {
  const src = spectrumSource(state);
  if (!src) return [];
  const { sp } = src;
  const seen = new Set<string>();
  return shownLayers(state.selected_layers, src.layers).map((l, p) => {
    const series: SeriesDescription[] = [];
    for (let i = 0; i < sp.k; i++) {
      const y = Float64Array.from(sp.steps, (_, r) => shown(src, state.relative, r, l, i));
      const pts = drawable(sp.steps, y, state.log_x, state.log_y);
      const group = `s${i + 1}`;
      // The legend entry goes to the first series of the group with points, whichever layer it is in.
      const legend = pts.x.length > 0 && !seen.has(group);
      if (legend) seen.add(group);
      series.push({ id: `${src.symbol}${l}-s${i + 1}`, name: state.relative ? `s${i + 1}/s1` : `s${i + 1}`, group, legend, role: 'singular', ...pts, color: INDEX_COLORS[i % INDEX_COLORS.length], dash: 'solid', width: 1.2, opacity: 1, markers: false, growing: true });
    }
    return {
      id: `${src.symbol}${l}`,
      title: subscript(src.symbol, l) + (src.symbol === 'Z' ? 'σ' : ''),
      row: firstRow + Math.floor(p / cols),
      col: p % cols,
      colSpan: 1,
      x: stepAxis(state, 'step'),
      y: axis(state.relative ? 'sᵢ / s₁' : 'singular value', state.log_y ? 'log' : 'linear', 'value'),
      series,
      marks: stepMarks(state, [0]),
      labelLanes: 0,
    };
  });
}

/** The record index of each snapshot step (the record at or before it), in time order, without repeats; steps before the first record are left out. */
export function snapshotRecords(state: PlotState): number[] {
  const sp = state.spectrum;
  if (!sp || !sp.steps.length) return [];
  const out: number[] = [];
  for (const want of [...state.snapshot_steps].sort((a, b) => a - b)) {
    if (want < sp.steps[0]) continue;
    const r = recordIndexAt(sp.steps, want);
    if (!out.includes(r)) out.push(r);
  }
  return out;
}

/**
 * Figure 1's view: one panel per shown layer, s_i (or s_i/s_1) against the
 * index i, one line per snapshot step coloured in time order and named by its
 * step; every panel on one value range.
 */
export function snapshotPanels(state: PlotState, cols: number): PanelDescription[] {
  const src = spectrumSource(state);
  if (!src) return [];
  const records = snapshotRecords(state);
  const k = src.sp.k;
  const index = Float64Array.from({ length: k }, (_, i) => i + 1);
  const seen = new Set<string>();
  return shownLayers(state.selected_layers, src.layers).map((l, p) => {
    const series: SeriesDescription[] = records.map((r, j) => {
      const y = Float64Array.from({ length: k }, (_, i) => shown(src, state.relative, r, l, i));
      const pts = drawable(index, y, false, state.log_y);
      const group = `snap${j}`;
      const legend = pts.x.length > 0 && !seen.has(group);
      if (legend) seen.add(group);
      return { id: `${src.symbol}${l}-step${src.sp.steps[r]}`, name: `step ${src.sp.steps[r]}`, group, legend, role: 'snapshot', ...pts, color: timeColor(j, records.length), dash: 'solid', width: 1.5, opacity: 1, markers: true, growing: false };
    });
    return {
      id: `${src.symbol}${l}`,
      title: subscript(src.symbol, l) + (src.symbol === 'Z' ? 'σ' : ''),
      row: Math.floor(p / cols),
      col: p % cols,
      colSpan: 1,
      x: axis('index i', 'linear', 'index', true),
      y: axis(state.relative ? 'sᵢ / s₁' : 'sᵢ', state.log_y ? 'log' : 'linear', 'value'),
      series,
      marks: [],
      labelLanes: 0,
    };
  });
}

/** The law at the cursor's record: from the spectrum, or from `state.law` for a state that carries only that. */
export function lawOf(state: PlotState): { step: number; layers: Float64Array; ratio: Float64Array; energy: Float64Array } | null {
  const src = spectrumSource(state);
  if (src) return lawAt(src, recordIndexAt(src.sp.steps, state.cursor));
  return state.law;
}

/**
 * Theorem 3.1 read off one record: s1/s2 and the energy outside s1 against ℓ,
 * with ℓ^(1/4) and ℓ^(−1/2) drawn through layer 1's values (the bounds'
 * slopes, not predicted values).
 */
export function lawPanel(state: PlotState): PanelDescription {
  const law = lawOf(state);
  const series: SeriesDescription[] = [];
  const logX = state.log_x;
  const logY = state.log_y;
  if (law) {
    const quantity = (id: string, name: string, values: Float64Array, color: string, slope: number, refName: string) => {
      const pts = drawable(law.layers, values, logX, logY);
      series.push({ id, name, group: id, legend: true, role: 'law', ...pts, color, dash: 'solid', width: 1.5, opacity: 1, markers: true, growing: false });
      if (!pts.x.length) return;
      const ref = Float64Array.from(law.layers, (l) => pts.y[0] * Math.pow(l / pts.x[0], slope));
      series.push({ id: `${id}-ref`, name: refName, group: `${id}-ref`, legend: true, role: 'reference', ...drawable(law.layers, ref, logX, logY), color: darker(color), dash: 'dash', width: 1.4, opacity: 1, markers: false, growing: false });
    };
    quantity('ratio', 's1/s2', law.ratio, RUN_COLORS[0], 0.25, 'ℓ^(1/4)');
    quantity('energy', 'energy outside s1', law.energy, RUN_COLORS[1], -0.5, 'ℓ^(−1/2)');
  }
  return { id: 'law', title: '', row: 0, col: 0, colSpan: 1, x: axis('layer ℓ', logX ? 'log' : 'linear', null, true), y: axis('', logY ? 'log' : 'linear', null), series, marks: [], labelLanes: 0 };
}
