/**
 * How a live view adds the kernel's `append` messages to its plot: each
 * message's new points, per trace, straight for Plotly's `extendTraces` —
 * the figure is not described again and nothing is diffed. The view keeps
 * what it drew (`Drawn`: the description, each series' trace and extents,
 * what the state held); an append that changes more than points says so:
 * `layout` when the axes must move (an extent outgrew its range) or the marks
 * change (new plateaus or escapes) — the figure is then described again for
 * its layout only, the traces still extended; `redraw` when the traces
 * themselves change (a new panel or series, smoothing, a wider k, a kind
 * whose series are not time series). Pure, for the unit tests.
 */
import { LIVE } from '../../src/widgets/contract';
import { extentOf } from '../../src/widgets/figure/axes';
import { drawable, shownLayers, spectrumSource, valueAt } from '../../src/widgets/figure/data';
import { fitAxes } from '../../src/widgets/figure/fit';
import type { FigureDescription, PanelDescription } from '../../src/widgets/figure/types';
import type { AppendMessage, PlotState } from '../../src/widgets/state';

type Extent = [number, number] | null;

/** A drawn series: its trace, how many points it has and their extents on its panel's axes. */
interface DrawnSeries {
  trace: number;
  n: number;
  x: Extent;
  y: Extent;
  /** The step sum and last step of a loss series the view counts (its `data-points`, `data-step-sum`). */
  sum: number;
  last: number;
}

/** What a view drew, as far as appends need it. */
export interface Drawn {
  desc: FigureDescription;
  /** The description's series, by id (trace indices in plotly-figure.ts order). */
  series: Map<string, DrawnSeries>;
  /** The loss series the view counts: the first of each panel. */
  counted: string[];
  /** Per run of the state drawn: its loss points and its phases (JSON). */
  runs: Array<{ points: number; phases: string }>;
  /** Spectrum records of the state drawn, and its k. */
  records: number;
  k: number;
}

const phasesKey = (r: { plateaus: Array<[number, number]>; escapes: number[] }) => JSON.stringify([r.plateaus, r.escapes]);
const union = (a: Extent, b: Extent): Extent => (!a ? b : !b ? a : [Math.min(a[0], b[0]), Math.max(a[1], b[1])]);

/** The record of a figure just drawn in full from `state`. */
export function drawnOf(desc: FigureDescription, state: PlotState): Drawn {
  const series = new Map<string, DrawnSeries>();
  const counted: string[] = [];
  let trace = 0;
  for (const p of desc.panels) {
    const loss = p.series.find((s) => s.role === 'loss' || s.role === 'loss-raw');
    if (loss) counted.push(loss.id);
    for (const s of p.series) {
      series.set(s.id, { trace: trace++, n: s.x.length, x: extentOf(s.x, p.x.type), y: extentOf(s.y, p.y.type), sum: s.x.reduce((a, b) => a + b, 0), last: s.x.length ? s.x[s.x.length - 1] : -1 });
    }
  }
  return { desc, series, counted, runs: state.runs.map((r) => ({ points: r.steps.length, phases: phasesKey(r) })), records: state.spectrum?.steps.length ?? 0, k: state.spectrum?.k ?? 0 };
}

/** New points for traces, by trace index. */
export type TracePoints = Map<number, { x: number[]; y: number[] }>;

/** Why an append also changes the layout: new plateaus or escapes (marks), or an axis range (axes). */
export type LayoutChange = 'marks' | 'axes' | null;

export type AppendPlan = { kind: 'redraw'; reason: string } | { kind: 'extend'; points: TracePoints; layout: LayoutChange; drawn: Drawn };

/** Whether refitting the axes to `series`' extents gives other ranges than the drawn ones. */
function axesMove(desc: FigureDescription, series: Map<string, DrawnSeries>, open: boolean): boolean {
  const shadow: PanelDescription[] = desc.panels.map((p) => ({ ...p, x: { ...p.x }, y: { ...p.y } }));
  fitAxes(shadow, open, (s, which) => series.get(s.id)?.[which] ?? null);
  const same = (a: [number, number] | null, b: [number, number] | null) => (a === null ? b === null : b !== null && a[0] === b[0] && a[1] === b[1]);
  return shadow.some((p, i) => !same(p.x.range, desc.panels[i].x.range) || !same(p.y.range, desc.panels[i].y.range));
}

/**
 * The plan for one append, already merged into `state`, against what was drawn (after the
 * appends planned before it in the same frame). `open`: the runs are still going (describe's isOpen).
 */
export function planAppend(drawn: Drawn, state: PlotState, msg: AppendMessage, open: boolean): AppendPlan {
  const kind = state.kind;
  const plan = LIVE[kind];
  const added: Array<{ id: string; x: Float64Array; y: Float64Array }> = [];
  const runs = drawn.runs.slice();
  let records = drawn.records;
  const drawnRun = runs[msg.run];
  if (!drawnRun) return { kind: 'redraw', reason: 'a new run' };
  if (plan.points && msg.steps.length) {
    if (kind !== 'LossPlot' && kind !== 'TrainingDashboard') return { kind: 'redraw', reason: `${kind} draws no loss` };
    if (state.smoothing > 0) return { kind: 'redraw', reason: 'smoothing: the smoothed loss changes near its end' };
    if (msg.from !== drawnRun.points) return { kind: 'redraw', reason: 'points overlap what was drawn' };
    added.push({ id: `loss${msg.run}`, ...drawable(msg.steps, msg.loss, state.log_x, state.log_y) });
  }
  const n = msg.recordSteps.length;
  if (plan.records && n) {
    if (kind === 'LayerLawPlot' || (kind === 'SpectrumPlot' && state.mode === 'snapshot')) return { kind: 'redraw', reason: `${kind} (${state.mode}) redraws its series from the latest records` };
    const src = spectrumSource(state);
    if (!src || msg.recordFrom !== drawn.records) return { kind: 'redraw', reason: 'records overlap what was drawn' };
    const k = msg.recordWeights.length / (n * src.sp.layers);
    if (k > drawn.k) return { kind: 'redraw', reason: 'more singular values per layer' };
    const steps = Array.from(msg.recordSteps);
    for (const l of shownLayers(state.selected_layers, src.layers)) {
      for (let i = 0; i < drawn.k; i++) {
        const y = steps.map((_, q) => {
          const r = msg.recordFrom + q;
          const v = valueAt(src, r, l, i);
          return state.relative ? v / valueAt(src, r, l, 0) : v;
        });
        added.push({ id: `${src.symbol}${l}-s${i + 1}`, ...drawable(steps, y, state.log_x, state.log_y) });
      }
    }
    records += n;
  }
  const series = new Map(drawn.series);
  const points: TracePoints = new Map();
  const panelOf = new Map(drawn.desc.panels.flatMap((p) => p.series.map((s) => [s.id, p] as const)));
  for (const a of added) {
    const d = series.get(a.id);
    const p = panelOf.get(a.id);
    if (!d || !p) return { kind: 'redraw', reason: `no series ${a.id} drawn` };
    if (!a.x.length) continue;
    // A series' first points may move its group's legend entry (to the first series with points).
    if (d.n === 0) return { kind: 'redraw', reason: `first points of ${a.id}` };
    series.set(a.id, { ...d, n: d.n + a.x.length, x: union(d.x, extentOf(a.x, p.x.type)), y: union(d.y, extentOf(a.y, p.y.type)), sum: d.sum + a.x.reduce((s, v) => s + v, 0), last: a.x[a.x.length - 1] });
    points.set(d.trace, { x: Array.from(a.x), y: Array.from(a.y) });
  }
  runs[msg.run] = { points: drawnRun.points + (plan.points ? msg.steps.length : 0), phases: plan.phases ? phasesKey(msg) : drawnRun.phases };
  // New plateaus or escapes are new marks; an extent past its axis moves the axes (and the marks' labels with them).
  const layout = runs[msg.run].phases !== drawnRun.phases ? 'marks' : axesMove(drawn.desc, series, open) ? 'axes' : null;
  return { kind: 'extend', points, layout, drawn: { ...drawn, series, runs, records } };
}

/** Joins the points of several plans' traces (the appends of one frame). */
export function joinPoints(a: TracePoints, b: TracePoints): TracePoints {
  const out = new Map(a);
  for (const [t, p] of b) {
    const q = out.get(t);
    out.set(t, q ? { x: q.x.concat(p.x), y: q.y.concat(p.y) } : p);
  }
  return out;
}

/** What the view shows as its loss counts (`data-points`, `data-step-sum`, `data-last-step`). */
export function lossCounts(drawn: Drawn): { points: number; stepSum: number; lastStep: number } {
  const counted = drawn.counted.map((id) => drawn.series.get(id)).filter((s): s is DrawnSeries => s !== undefined);
  return { points: counted.reduce((n, s) => n + s.n, 0), stepSum: counted.reduce((n, s) => n + s.sum, 0), lastStep: Math.max(-1, ...counted.map((s) => s.last)) };
}
