/**
 * Decides how a view brings its plot up to date: `Plotly.extendTraces` when
 * only loss points were added (the common case while training runs), else a
 * full `Plotly.react`. Pure, for the unit tests.
 */
import type { PlotState } from '../../src/widgets/state';
import type { Figure } from './figures';

/** What a drawn plot looked like: everything but the growing traces' points and the shapes. */
export interface Drawn {
  key: string;
  /** Traces drawn in all. */
  traces: number;
  /** Points drawn per growing trace (Figure.growing). */
  lengths: number[];
  /** The shapes drawn (plateaus, escapes, cursor), as JSON. */
  shapes: string;
}

/**
 * The part of a state that needs a full redraw when it changes. Plateaus,
 * escapes and the cursor are shapes, updated by a relayout: while a run sits
 * on a plateau its end moves at every update, and a full redraw each time
 * would defeat the incremental path.
 */
export function layoutKey(state: PlotState): string {
  const sp = state.spectrum;
  return JSON.stringify([
    state.kind, state.title, state.log_y, state.mode, state.source, state.selected_layers, state.snapshot_steps,
    state.runs.map((r) => r.name),
    // Not the number of records: a new record only extends the spectrum traces.
    sp ? [sp.k, sp.layers, sp.activations !== null] : null,
    state.law ? [state.law.step, Array.from(state.law.ratio), Array.from(state.law.energy)] : null,
    state.ends ?? [],
  ]);
}

/** `extend`: append `x`/`y` to traces `indices` (may be empty), and relayout `shapes` when given. */
export type UpdatePlan = { kind: 'react' } | { kind: 'extend'; x: number[][]; y: number[][]; indices: number[]; shapes?: object[] } | { kind: 'none' };

/**
 * @example
 * ```ts
 * // const plan = planUpdate(drawn, state, figure(state));
 * // plan.kind === 'extend' ? Plotly.extendTraces(div, { x: plan.x, y: plan.y }, plan.indices) : Plotly.react(div, fig.data, fig.layout);
 * ```
 */
/** The traces of `fig` that only grow during a run. */
export function growing(fig: Figure): number[] {
  return fig.growing ?? fig.lossTraces;
}

export function planUpdate(drawn: Drawn | undefined, state: PlotState, fig: Figure): UpdatePlan {
  const grow = growing(fig);
  if (!drawn || drawn.key !== layoutKey(state) || drawn.traces !== fig.data.length || drawn.lengths.length !== grow.length) return { kind: 'react' };
  const x: number[][] = [];
  const y: number[][] = [];
  const indices: number[] = [];
  for (let j = 0; j < grow.length; j++) {
    const t = fig.data[grow[j]];
    if (t.x.length < drawn.lengths[j]) return { kind: 'react' };
    if (t.x.length > drawn.lengths[j]) {
      x.push(t.x.slice(drawn.lengths[j]));
      y.push(t.y.slice(drawn.lengths[j]));
      indices.push(grow[j]);
    }
  }
  const shapes = (fig.layout.shapes as object[] | undefined) ?? [];
  const moved = JSON.stringify(shapes) !== drawn.shapes;
  if (!indices.length && !moved) return { kind: 'none' };
  return moved ? { kind: 'extend', x, y, indices, shapes } : { kind: 'extend', x, y, indices };
}

/** The record of what `fig` draws, for the next plan. */
export function drawnOf(state: PlotState, fig: Figure): Drawn {
  return { key: layoutKey(state), traces: fig.data.length, lengths: growing(fig).map((i) => fig.data[i].x.length), shapes: JSON.stringify(fig.layout.shapes ?? []) };
}

/** The dashboard's progress line. */
export function progressText(state: PlotState): string {
  const p = state.progress;
  if (!p) return '';
  const parts = [`step ${p.step}${p.total !== null ? ` / ${p.total}` : ''}`];
  if (p.stepsPerSecond > 0) parts.push(`${p.stepsPerSecond.toFixed(p.stepsPerSecond < 10 ? 1 : 0)} steps/s`);
  if (p.etaSeconds !== null && p.phase === 'running') parts.push(`${Math.ceil(p.etaSeconds)} s left`);
  parts.push(state.paused && p.phase === 'running' ? 'pausing' : p.phase);
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
