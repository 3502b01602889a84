/**
 * Decides how a view brings its plot up to date: `Plotly.extendTraces` for
 * the growing series when only they gained points, `Plotly.relayout` for
 * what changed in the layout (ranges, ticks, marks), and a full
 * `Plotly.react` otherwise. Pure, for the unit tests.
 */
import type { PlotState } from '../../src/widgets/state';
import type { PlotlyFigure, Trace } from './plotly-figure';

/** What a drawn plot looked like. */
export interface Drawn {
  /** Everything about the traces but the growing ones' points. */
  key: string;
  /** Points drawn per growing trace. */
  lengths: number[];
  /** Each layout key's JSON. */
  layout: Record<string, string>;
}

/** `extend`: append `x`/`y` to traces `indices` (may be empty), then relayout `layout` (may be empty). */
export type UpdatePlan = { kind: 'react' } | { kind: 'extend'; x: number[][]; y: number[][]; indices: number[]; layout: Record<string, unknown> } | { kind: 'none' };

/** A cheap fingerprint of a trace's points (non-growing traces are compared by it). */
function fingerprint(t: Trace): string {
  let sx = 0;
  let sy = 0;
  for (let j = 0; j < t.x.length; j++) (sx += t.x[j] * (j + 1), sy += t.y[j] * (j + 1));
  return `${t.x.length}:${sx}:${sy}`;
}

/**
 * The traces' identity. It includes every axis's scale: on a log axis
 * non-positive values are left out, so after a scale change a growing
 * trace's points differ in the middle, not just at the end.
 */
function traceKey(fig: PlotlyFigure): string {
  const grow = new Set(fig.growing);
  const scales = Object.entries(fig.layout).filter(([k]) => /^[xy]axis\d*$/.test(k)).map(([k, v]) => [k, (v as { type?: string }).type]);
  return JSON.stringify([scales, fig.data.map((t, i) => [t.uid, t.name, t.mode, t.line, t.opacity, t.legendgroup, t.showlegend, t.xaxis, t.yaxis, t.hovertemplate, grow.has(i) ? 'g' : fingerprint(t)])]);
}

function layoutJson(layout: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(layout).map(([k, v]) => [k, JSON.stringify(v) ?? '']));
}

/**
 * @example
 * ```ts
 * // const plan = planUpdate(drawn, fig);
 * // if (plan.kind === 'extend') { Plotly.extendTraces(div, { x: plan.x, y: plan.y }, plan.indices); Plotly.relayout(div, plan.layout); }
 * // else if (plan.kind === 'react') Plotly.react(div, fig.data, fig.layout);
 * ```
 */
export function planUpdate(drawn: Drawn | undefined, fig: PlotlyFigure): UpdatePlan {
  if (!drawn || drawn.key !== traceKey(fig) || drawn.lengths.length !== fig.growing.length) return { kind: 'react' };
  const x: number[][] = [];
  const y: number[][] = [];
  const indices: number[] = [];
  for (let j = 0; j < fig.growing.length; j++) {
    const t = fig.data[fig.growing[j]];
    if (t.x.length < drawn.lengths[j]) return { kind: 'react' };
    if (t.x.length > drawn.lengths[j]) {
      x.push(t.x.slice(drawn.lengths[j]));
      y.push(t.y.slice(drawn.lengths[j]));
      indices.push(fig.growing[j]);
    }
  }
  const now = layoutJson(fig.layout);
  const keys = new Set([...Object.keys(now), ...Object.keys(drawn.layout)]);
  const layout: Record<string, unknown> = {};
  for (const k of keys) if (now[k] !== drawn.layout[k]) layout[k] = fig.layout[k] ?? null;
  if (!indices.length && !Object.keys(layout).length) return { kind: 'none' };
  return { kind: 'extend', x, y, indices, layout };
}

/** The record of what `fig` draws, for the next plan. */
export function drawnOf(fig: PlotlyFigure): Drawn {
  return { key: traceKey(fig), lengths: fig.growing.map((i) => fig.data[i].x.length), layout: layoutJson(fig.layout) };
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
