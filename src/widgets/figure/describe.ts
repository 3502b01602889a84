/**
 * `describeFigure(state)`: a widget state → its figure description (types.ts).
 * The one place that decides what a figure shows; the live Plotly view, the
 * static SVG/PNG, the report HTML and CSV/JSON export all draw from it.
 */
import { fail } from '../../errors';
import { ALERT_COLOR, CURSOR_COLOR, KINDS, RUN_COLORS } from '../contract';
import type { PlotState } from '../state';
import { formatValue } from './axes';
import { fitAxes, isOpen } from './fit';
import { recordIndexAt, shownLayers, spectrumSource, valueAt } from './data';
import { panelWidthPx } from './layout';
import { placeLabels, separatePlateaus } from './marks';
import { confidenceAt, confidenceText, lawOf, lawPanel, lossPanel, snapshotPanels, snapshotRecords, spectrumPanels, subscript, uncertainOf } from './panels';
import { sweepCaption, sweepFileStem, sweepPanel } from './sweep';
import type { FigureDescription, MarkLegendEntry, MarkRole, PanelDescription, Readout, SeriesDescription } from './types';

export interface DescribeOptions {
  /** Most points per series; longer ones are thinned evenly, keeping the first and last (default: every point). */
  maxPoints?: number;
}

/** Most spectrum panels in one row. */
const SPECTRUM_COLUMNS = 3;

/**
 * Distinct legend names for the runs: a name used by several runs gets ` #2`,
 * ` #3`, … on its later uses (the kernel side already names runs by what
 * differs between them; this is the last resort).
 */
export function distinctNames(names: string[]): string[] {
  const count = new Map<string, number>();
  return names.map((n) => {
    const name = n || 'run';
    const c = (count.get(name) ?? 0) + 1;
    count.set(name, c);
    return c === 1 ? name : `${name} #${c}`;
  });
}

function thin(s: SeriesDescription, max: number): SeriesDescription {
  const n = s.x.length;
  if (!(max >= 2) || n <= max) return s;
  const stride = Math.ceil((n - 1) / (max - 1));
  const idx: number[] = [];
  for (let j = 0; j < n - 1; j += stride) idx.push(j);
  idx.push(n - 1);
  return { ...s, x: Float64Array.from(idx, (j) => s.x[j]), y: Float64Array.from(idx, (j) => s.y[j]) };
}

const LEGEND: Record<MarkRole, Omit<MarkLegendEntry, 'role'>> = {
  plateau: { label: 'plateau', symbol: 'band', color: RUN_COLORS[0], dash: 'solid' },
  escape: { label: 'escape', symbol: 'line', color: RUN_COLORS[0], dash: 'dash' },
  uncertain: { label: 'uncertain escape', symbol: 'line', color: RUN_COLORS[0], dash: 'dot' },
  snapshot: { label: 'snapshot step', symbol: 'line', color: '#21918c', dash: 'dot' },
  cursor: { label: 'cursor', symbol: 'line', color: CURSOR_COLOR, dash: 'solid' },
  end: { label: 'stopped early', symbol: 'line', color: ALERT_COLOR, dash: 'dashdot' },
};
const ROLES: MarkRole[] = ['plateau', 'escape', 'uncertain', 'snapshot', 'cursor', 'end'];

function legendOf(panels: PanelDescription[]): MarkLegendEntry[] {
  const present = new Set(panels.flatMap((p) => p.marks.map((m) => m.role)));
  return ROLES.filter((r) => present.has(r)).map((role) => ({ role, ...LEGEND[role] }));
}

/** What the marks mean, in the order of the legend. */
function markSentences(state: PlotState, panels: PanelDescription[]): string[] {
  const roles = new Set(panels.flatMap((p) => p.marks.map((m) => m.role)));
  const many = state.runs.length > 1;
  const strips = many && state.kind === 'LossPlot' && state.overlay;
  const out: string[] = [];
  const colour = many ? ", in each run's colour" : '';
  if (roles.has('plateau')) out.push(strips ? "Strips along the bottom: each run's plateaus, in its colour." : many ? "Shaded bands: each run's plateaus, in its colour." : 'Shaded bands: plateaus.');
  if (roles.has('escape')) out.push(`Dashed vertical lines: escapes${colour} (where the loss completes its first 5 % fall below a plateau, train.detectPhases; docs/phases.md).`);
  if (roles.has('uncertain')) out.push('Faint dotted lines: escapes found below the confidence level (uncertain: the noise could have made them).');
  if (roles.has('snapshot')) out.push('Dotted vertical lines, labelled by step: the snapshot steps of the spectrum panels, coloured in time order (dark early, light late), as their lines there.');
  if (roles.has('cursor')) out.push(`Black line: the cursor, at step ${state.cursor}.`);
  if (roles.has('end')) out.push('Thick dash-dot line: where a run stopped before completing (the reason is written beside it).');
  return out;
}

function caption(state: PlotState, panels: PanelDescription[], names: string[]): string {
  const scale = (log: boolean) => (log ? 'log' : 'linear');
  const runs = state.runs.length > 1 ? ` of ${state.runs.length} runs (${names.join(', ')})` : '';
  const smoothing = state.smoothing > 0 ? ` Loss smoothed by a centred moving average over ${state.smoothing} steps (of log loss on a log axis); the raw loss is drawn faint beneath (grey where a panel shows one run).` : '';
  const src = spectrumSource(state);
  const what = src?.symbol === 'Z' ? 'activation Zℓσ' : 'weight matrix Wℓ';
  const value = state.relative ? 'sᵢ/s₁' : 'sᵢ';
  const escapes = state.runs[0]?.escapes ?? [];
  const lines: string[] = [];
  switch (state.kind) {
    case 'LossPlot':
      lines.push(`Training loss${runs} against step (${scale(state.log_y)} loss, ${scale(state.log_x)} step)${state.runs.length > 1 && !state.overlay ? ', one panel per run on one step axis, each with its own loss range' : ''}.${smoothing}`);
      if (state.runs.some((r) => r.fullLoss?.steps.length)) lines.push('Line with markers: the loss of the whole data set at the spectrum records; faint beneath it (grey where a panel shows one run), the loss of each step\'s mini-batch.');
      if (state.runs.length === 1 && state.runs[0].confidence?.length) {
        const r = state.runs[0];
        const known = r.escapes.map((s) => `${s} (${confidenceText(confidenceAt(r, s)) || '?'})`).join(', ');
        const unsure = uncertainOf(r).map((u) => `${u.step} (${confidenceText(u.confidence)})`).join(', ');
        lines.push(`Escapes (confidence): ${known || 'none'}${unsure ? `; uncertain: ${unsure}` : ''}.`);
      }
      break;
    case 'SpectrumPlot':
      if (state.mode === 'snapshot') {
        const steps = snapshotRecords(state).map((r) => state.spectrum!.steps[r]);
        lines.push(
          `Top ${src?.sp.k ?? 0} singular values ${value} of each ${what} against the index i (${scale(state.log_y)} scale), one panel per layer, ` +
            `one line per snapshot step (${steps.join(', ') || 'none yet'}) coloured in time order (dark early, light late); every panel shares one value range (Figure 1, centre and right).`,
        );
        if (escapes.length) lines.push(`Escapes at steps ${escapes.join(', ')}.`);
      } else lines.push(`Top ${src?.sp.k ?? 0} singular values ${value} of each ${what} against step (${scale(state.log_y)} scale), one panel per layer; sᵢ has the i-th colour in every panel.`);
      break;
    case 'LayerLawPlot': {
      const law = lawOf(state);
      lines.push(
        `Theorem 3.1 at step ${law?.step ?? '–'}: s1/s2 and the energy outside s1 (Σ_{i≥2} sᵢ² / Σᵢ sᵢ², over the recorded values) of each ${what} against the layer ℓ; ` +
          'dashed: ℓ^(1/4) and ℓ^(−1/2) drawn through layer 1, the slopes of the bounds (not predicted values).',
      );
      break;
    }
    case 'SweepPlot':
      lines.push(sweepCaption(state));
      break;
    case 'TrainingDashboard':
      lines.push(`Top: training loss against step (${scale(state.log_y)} scale).${smoothing} Below: top ${src?.sp.k ?? 0} singular values ${value} of each ${what} against step, one panel per layer; the panels zoom together along the step axis.`);
      break;
  }
  lines.push(...markSentences(state, panels));
  return lines.join(' ');
}

/** The value of run `run`'s loss at the last point at or before `step`. */
function lossAt(state: PlotState, run: number, step: number): number | undefined {
  const r = state.runs[run];
  let v: number | undefined;
  for (let j = 0; j < r.steps.length && r.steps[j] <= step; j++) v = r.loss[j];
  return v;
}

/**
 * The latest step a figure can read a value at: for the loss kinds the last loss point of any
 * run, for the others (or before any loss) the last spectrum record. The last loss point of a
 * run of N steps is step N − 1 (docs/history-format.md, "Steps and updates"); a record of the
 * final weights, step N, is read beside it.
 */
function latestStep(state: PlotState): number | null {
  let last = -Infinity;
  const loss = state.kind === 'LossPlot' || state.kind === 'TrainingDashboard';
  if (loss) for (const r of state.runs) if (r.steps.length) last = Math.max(last, r.steps[r.steps.length - 1]);
  const sp = state.spectrum;
  if (!Number.isFinite(last) && sp && sp.steps.length) last = sp.steps[sp.steps.length - 1];
  return Number.isFinite(last) ? last : null;
}

/**
 * The values at the cursor (at the latest step while the cursor follows the run), as
 * `describeFigure(state).readout` gives them; a live view reads it after each append.
 *
 * @example
 * ```ts
 * import { figureReadout } from './describe';
 * import { defaultState } from '../contract';
 * const state = { ...defaultState('LossPlot'), runs: [{ name: 'a', steps: Float64Array.of(0, 1), loss: Float64Array.of(1, 0.5), plateaus: [], escapes: [] }] };
 * console.log(figureReadout(state)?.text); // step 1 · loss 0.5
 * ```
 */
export function figureReadout(state: PlotState): Readout | null {
  return readout(state, distinctNames(state.runs.map((r) => r.name)));
}

function readout(state: PlotState, names: string[]): Readout | null {
  if (state.kind === 'SpectrumPlot' && state.mode === 'snapshot') return null;
  const step = state.cursor ?? latestStep(state);
  if (step === null) return null;
  const values: Readout['values'] = [];
  const push = (label: string, value: number | undefined) => {
    if (value !== undefined && Number.isFinite(value)) values.push({ label, value, text: `${label} ${formatValue(value)}` });
  };
  const parts = [`step ${step}`];
  if (state.kind === 'LossPlot' || state.kind === 'TrainingDashboard') {
    state.runs.forEach((_, j) => push(state.runs.length > 1 ? `loss (${names[j]})` : 'loss', lossAt(state, j, step)));
    parts.push(...values.map((v) => v.text));
  }
  const src = spectrumSource(state);
  if (src && state.kind !== 'LossPlot') {
    // Following the run, the latest record (the final weights, one step past the last loss point, once the run ends).
    const r = state.cursor === null ? src.sp.steps.length - 1 : recordIndexAt(src.sp.steps, step);
    const at = src.sp.steps[r];
    if (at !== step) parts.push(`spectra at step ${at}`);
    if (state.kind === 'LayerLawPlot') {
      const law = lawOf(state)!;
      const ratios: string[] = [];
      law.ratio.forEach((v, l) => {
        push(`s1/s2 ℓ=${l + 1}`, v);
        if (Number.isFinite(v)) ratios.push(formatValue(v));
      });
      parts.push(`s1/s2 by layer: ${ratios.join(', ')}`);
    } else {
      for (const l of shownLayers(state.selected_layers, src.layers)) {
        const name = subscript(src.symbol, l);
        const before = values.length;
        for (let i = 0; i < Math.min(2, src.sp.k); i++) push(`${name} s${i + 1}`, valueAt(src, r, l, i));
        if (values.length > before) parts.push(`${name}: ${values.slice(before).map((v) => v.text.slice(name.length + 1)).join(', ')}`);
      }
    }
  }
  return { step, atCursor: state.cursor !== null, values, text: parts.join(' · ') };
}

/** `W₁–W₆` (or `Z₁σ–Z₅σ`): the matrices of the panels, as their titles name them. */
function matrices(panels: PanelDescription[]): string {
  const t = panels.map((p) => p.title).filter((x) => x);
  return t.length <= 2 ? t.join(' and ') : `${t[0]}–${t[t.length - 1]}`;
}

/** What the figure shows, in a line, for a widget given no title. */
function defaultTitle(state: PlotState, names: string[], panels: PanelDescription[], lawStep: number | null): string {
  const runs = names.length <= 1 ? names[0] ?? 'the run' : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  const src = spectrumSource(state);
  const of = src?.symbol === 'Z' ? 'the activations' : 'the weights';
  switch (state.kind) {
    case 'LossPlot':
      return `Training loss of ${runs}${state.snapshot_steps.length ? `, snapshot steps marked` : ''}`;
    case 'SpectrumPlot': {
      if (state.mode === 'snapshot') {
        const steps = snapshotRecords(state).map((r) => state.spectrum!.steps[r]);
        return `Top singular values ${state.relative ? 'over s₁ ' : ''}of ${of} ${matrices(panels)} at steps ${steps.join(', ')} (${runs})`;
      }
      return `Top singular values ${state.relative ? 'over s₁ ' : ''}of ${of} ${matrices(panels)} against step (${runs})`;
    }
    case 'LayerLawPlot':
      return `Layer law (Theorem 3.1) of ${of} ${src?.symbol === 'Z' ? 'Zℓσ' : 'Wℓ'} at step ${lawStep ?? '–'}${names.length ? ` (${runs})` : ''}`;
    case 'TrainingDashboard':
      return `${runs}: training loss and singular values of ${matrices(panels.slice(1))}`;
    case 'SweepPlot':
      return '';
  }
}

/** `run-a+run-b-LossPlot-step1200`: the runs, the kind and the step shown (the cursor's, else the latest). */
function fileStem(state: PlotState, names: string[], step: number | null): string {
  const slug = (n: string) => n.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  const runs = names.map(slug).filter((n) => n).join('+').slice(0, 80) || 'figure';
  return `${runs}-${state.kind}${state.mode === 'snapshot' && state.kind === 'SpectrumPlot' ? '-snapshots' : ''}${step !== null ? `-step${step}` : ''}`;
}

/**
 * The figure a widget state shows.
 *
 * @example
 * ```ts
 * import { describeFigure } from './describe';
 * import { defaultState } from '../contract';
 * const state = { ...defaultState('LossPlot'), runs: [{ name: 'a', steps: Float64Array.of(0, 1, 2), loss: Float64Array.of(1, 0.5, 0.25), plateaus: [], escapes: [] }] };
 * const fig = describeFigure(state);
 * console.log(fig.panels[0].series[0].name, fig.panels[0].y.ticks.map((t) => t.label)); // a ['0.3', '0.4', '0.5', …, '1']
 * ```
 */
export function describeFigure(state: PlotState, options: DescribeOptions = {}): FigureDescription {
  if (typeof state !== 'object' || state === null || !(KINDS as readonly string[]).includes((state as { kind?: string }).kind!) || !Array.isArray(state.runs)) {
    fail('state', `a widget state (a widget's .state) with kind ${KINDS.join(' | ')}`, state);
  }
  const names = distinctNames(state.runs.map((r) => r.name));
  let panels: PanelDescription[];
  let cols = 1;
  switch (state.kind) {
    case 'LossPlot':
      // Several runs: a panel each, on one step axis, unless they are asked for in one (overlay).
      panels =
        state.runs.length > 1 && !state.overlay
          ? state.runs.map((_, j) => lossPanel(state, names, { row: j, col: 0, colSpan: 1 }, [j]))
          : [lossPanel(state, names, { row: 0, col: 0, colSpan: 1 })];
      break;
    case 'SpectrumPlot': {
      const n = spectrumSource(state) ? shownLayers(state.selected_layers, spectrumSource(state)!.layers).length : 0;
      cols = Math.max(1, Math.min(SPECTRUM_COLUMNS, n));
      panels = state.mode === 'snapshot' ? snapshotPanels(state, cols) : spectrumPanels(state, 0, cols);
      break;
    }
    case 'LayerLawPlot':
      panels = [lawPanel(state)];
      break;
    case 'TrainingDashboard': {
      const spectra = spectrumPanels(state, 1, SPECTRUM_COLUMNS);
      cols = Math.max(1, Math.min(SPECTRUM_COLUMNS, spectra.length));
      panels = [lossPanel(state, names, { row: 0, col: 0, colSpan: cols }), ...spectra];
      break;
    }
    case 'SweepPlot':
      panels = [sweepPanel(state)];
      break;
  }
  if (options.maxPoints !== undefined) panels = panels.map((p) => ({ ...p, series: p.series.map((s) => thin(s, options.maxPoints!)) }));
  // A run without an end is still going (or was left unfinished): its axes get room to grow.
  fitAxes(panels, isOpen(state));
  for (const p of panels) {
    // Reference lines above the data they are compared with (a reference that follows a curve is hidden under it otherwise).
    p.series = [...p.series.filter((x) => x.role !== 'reference'), ...p.series.filter((x) => x.role === 'reference')];
    separatePlateaus(p, panelWidthPx(cols, p.colSpan));
    placeLabels(p, panelWidthPx(cols, p.colSpan));
  }
  const rows = panels.reduce((n, p) => Math.max(n, p.row + 1), 1);
  const read = readout(state, names);
  const law = state.kind === 'LayerLawPlot' ? lawOf(state) : null;
  const title = state.title || defaultTitle(state, names, panels, law?.step ?? null);
  return {
    kind: state.kind,
    title,
    grid: { rows, cols },
    panels,
    legend: legendOf(panels),
    caption: caption(state, panels, names),
    readout: read,
    notes: (state.ends ?? []).flatMap((e) => (e && e.reason !== 'completed' ? [e.message || `[saddlelab] ${e.reason} at step ${e.step}`] : [])),
    fileStem: state.kind === 'SweepPlot' ? sweepFileStem(state) : fileStem(state, names, read?.step ?? latestStep(state)),
  };
}
