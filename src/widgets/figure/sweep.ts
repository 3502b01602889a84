/**
 * The panel of a SweepPlot: a field of a sweep's rows against a swept parameter, one line per
 * group, each point the average over its rows (seeds) with an error bar (a two-point vertical
 * series in the group's colour and legend group, so any renderer draws it and the group's legend
 * entry hides it too), success rates with 95 % Wilson intervals, and dashed reference power laws.
 * The numbers come from src/sweep/stats.ts `aggregate`, the same function a notebook calls.
 */
import { aggregate, type Aggregate, type AggregateGroup } from '../../sweep/stats';
import type { PlotState, SweepState } from '../state';
import { axis, darker, runColor } from './panels';
import type { PanelDescription, SeriesDescription } from './types';
import { fieldWords } from './words';

/** A field of the sweep in words (words.ts), with the plot's own `labels` first. */
export const sweepWords = (sweep: SweepState, field: string): string => fieldWords(field, sweep.labels ?? {});

/** The aggregate a SweepPlot state draws (empty until it has rows). */
export function sweepAggregate(sweep: SweepState): Aggregate {
  return aggregate(sweep.rows, {
    x: sweep.x,
    ...(sweep.success ? { success: sweep.success } : { y: sweep.y! }),
    ...(sweep.group ? { group: sweep.group } : {}),
    average: sweep.average,
    bars: sweep.bars,
  });
}

const groupName = (sweep: SweepState, g: AggregateGroup) => (sweep.group ? `${sweepWords(sweep, sweep.group)} = ${g.label}` : sweep.success ? 'success rate' : sweepWords(sweep, sweep.y!));

function series(id: string, name: string, group: string, legend: boolean, role: SeriesDescription['role'], x: number[], y: number[], color: string, extra: Partial<SeriesDescription> = {}): SeriesDescription {
  return { id, name, group, legend, role, x: Float64Array.from(x), y: Float64Array.from(y), color, dash: 'solid', width: 1.5, opacity: 1, markers: false, growing: false, ...extra };
}

/** The one panel of a SweepPlot. */
export function sweepPanel(state: PlotState): PanelDescription {
  const sweep = state.sweep;
  const logX = state.log_x;
  const logY = state.log_y;
  // Axis titles in words; the scale (log or linear) is in the ticks and the caption, the average and a rate's hits and trials in the caption.
  const yTitle = !sweep ? '' : sweep.success ? 'success rate' : sweepWords(sweep, sweep.y!);
  const xs = sweep ? sweep.rows.map((r) => (sweep.x in r.params ? r.params[sweep.x] : r.metrics[sweep.x])) : [];
  const integerX = xs.length > 0 && xs.every((v) => Number.isInteger(v));
  const panel: PanelDescription = {
    id: 'sweep',
    title: '',
    row: 0,
    col: 0,
    colSpan: 1,
    x: axis(sweep ? sweepWords(sweep, sweep.x) : '', logX ? 'log' : 'linear', null, integerX),
    y: axis(yTitle, logY ? 'log' : 'linear', null),
    series: [],
    marks: [],
    labelLanes: 0,
  };
  if (!sweep) return panel;
  const ok = (v: number, log: boolean) => Number.isFinite(v) && (!log || v > 0);
  // Reference lines go last, so they are drawn above the data (a reference under a line that follows it is invisible).
  const refs: SeriesDescription[] = [];
  sweepAggregate(sweep).groups.forEach((g, j) => {
    const color = runColor(j);
    const legendGroup = `group:${g.label}`;
    const pts = g.points.filter((p) => ok(p.x, logX) && ok(p.y, logY));
    panel.series.push(series(`mean:${g.label}`, groupName(sweep, g), legendGroup, true, 'sweep', pts.map((p) => p.x), pts.map((p) => p.y), color, { markers: true }));
    for (const p of pts) {
      // On a log axis a bar that reaches 0 or below is drawn from its point up only.
      const lo = ok(p.lo, logY) ? p.lo : p.y;
      if (p.hi > lo) panel.series.push(series(`bar:${g.label}:${p.x}`, `${groupName(sweep, g)} interval`, legendGroup, false, 'interval', [p.x, p.x], [lo, p.hi], color, { width: 1.2, opacity: 0.8 }));
    }
    for (const ref of sweep.references) {
      if (ref.group !== null && ref.group !== g.label) continue;
      if (pts.length < 2) continue;
      const [first, last] = [pts[0], pts[pts.length - 1]];
      const y = (x: number) => first.y * Math.pow(x / first.x, ref.slope);
      if (!ok(y(last.x), logY)) continue;
      refs.push(
        series(`ref:${g.label}:${ref.slope}`, ref.label || `slope ${ref.slope}`, `ref:${g.label}:${ref.slope}`, true, 'reference', [first.x, last.x], [first.y, y(last.x)], darker(color), { dash: 'dash', width: 1.4, opacity: 1 }),
      );
    }
  });
  panel.series.push(...refs);
  return panel;
}

/** What a SweepPlot shows, in words: what is averaged over what, the bars, the references, how many points. */
export function sweepCaption(state: PlotState): string {
  const sweep = state.sweep;
  if (!sweep) return 'A sweep: no rows yet.';
  const agg = sweepAggregate(sweep);
  const scale = (log: boolean) => (log ? 'log' : 'linear');
  // Words first, the field's own name once in brackets (what a reader types to get the same plot).
  const w = (field: string) => `${sweepWords(sweep, field)} (${field})`;
  const axes = `(${scale(state.log_x)} x, ${scale(state.log_y)} y)`;
  const groups = sweep.group ? `, one line per value of ${w(sweep.group)}` : '';
  const ns = [...new Set(agg.groups.flatMap((g) => g.points.map((p) => p.n)))].sort((a, b) => a - b);
  const n = ns.length === 0 ? '' : ns.length === 1 ? `n = ${ns[0]}` : `n = ${ns[0]}–${ns[ns.length - 1]}`;
  const lines: string[] = [];
  if (sweep.success) {
    lines.push(
      `Success rate, ${w(sweep.success.hits)} / ${w(sweep.success.trials)}, against ${w(sweep.x)} ${axes}${groups}: each point pools the trials of its rows (${n || 'no'} trials), ` +
        'with its 95 % Wilson score interval as the bar.',
    );
  } else {
    const mean = sweep.average === 'geometric' ? 'geometric mean (mean of log10)' : 'mean';
    const bars = sweep.bars === 'sd' ? 'one standard deviation' : 'one standard error of the mean';
    lines.push(`${w(sweep.y!)} against ${w(sweep.x)} ${axes}${groups}: each point is the ${mean} over its rows (${n || 'no'} rows: seeds), the bar ± ${bars}${sweep.average === 'geometric' ? ' of log10' : ''}.`);
  }
  const refs = sweep.references;
  if (refs.length) lines.push(`Dashed, in a darker shade of the group's colour (drawn above the data): reference power laws y ∝ x^slope through each group's first point (${refs.map((r) => r.label || `slope ${r.slope}`).join('; ')}).`);
  const done = sweep.rows.length;
  const failed = sweep.rows.filter((r) => r.status === 'failed').length;
  const total = sweep.total !== null ? ` of ${sweep.total}` : '';
  const left = agg.left - failed;
  lines.push(
    `${done}${total} points done${failed ? `, ${failed} failed (left out)` : ''}${left > 0 ? `; ${left} without a value of ${sweep.success ? 'the rate' : sweepWords(sweep, sweep.y!)} or ${sweepWords(sweep, sweep.x)} (left out)` : ''}.`,
  );
  const text = lines.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `sweep-<name>-SweepPlot-<y>-vs-<x>`. */
export function sweepFileStem(state: PlotState): string {
  const sweep = state.sweep;
  const slug = (n: string) => n.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  if (!sweep) return 'sweep-SweepPlot';
  const y = sweep.success ? `${sweep.success.hits}-rate` : sweep.y!;
  return `${slug(sweep.name) || 'sweep'}-SweepPlot-${slug(y)}-vs-${slug(sweep.x)}`;
}

