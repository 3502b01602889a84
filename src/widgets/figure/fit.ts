/**
 * Axis ranges fitted to a figure's series: shared by the panels of a link
 * group, with room to grow while a run is open. describeFigure fits every
 * description with it; a live view refits from the extents it keeps, to learn
 * whether an append moved an axis (widgets/src/append-plan.ts).
 */
import type { PlotState } from '../state';
import { axisTicks, extentOf, fitExtent, roomy, unionRange } from './axes';
import type { AxisDescription, PanelDescription, SeriesDescription } from './types';

/** The extent of a series on one of its panel's axes (axes.ts extentOf of its x or y values). */
export type SeriesExtent = (series: SeriesDescription, which: 'x' | 'y', type: 'linear' | 'log') => [number, number] | null;

/**
 * Fits every axis to its series: shared ranges per link group, step axes
 * unpadded, value axes padded. While a run is open (`open`), with room to grow
 * (axes.ts `roomy`); once every run has ended, exactly. A live view passes the
 * extents it keeps (`extent`), to learn whether an append moves an axis.
 *
 * @example
 * ```ts
 * import { fitAxes } from './fit';
 * const axis = () => ({ title: '', type: 'linear' as const, range: null, ticks: [], link: null, integer: false });
 * const panel = { id: 'p', title: '', row: 0, col: 0, colSpan: 1, x: axis(), y: axis(), marks: [], labelLanes: 0,
 *   series: [{ id: 's', name: 's', group: 's', legend: true, role: 'loss' as const, x: Float64Array.of(0, 10), y: Float64Array.of(1, 2), color: '#000', dash: 'solid' as const, width: 1, opacity: 1, markers: false, growing: true }] };
 * fitAxes([panel], false);
 * console.log(panel.y.range); // [0.96, 2.04]
 * ```
 */
export function fitAxes(panels: PanelDescription[], open: boolean, extent: SeriesExtent = (s, which, type) => extentOf(which === 'x' ? s.x : s.y, type)): void {
  const own = (p: PanelDescription, which: 'x' | 'y') => {
    const a = p[which];
    // Lines reach the ends of a step axis; values and integer axes keep a margin so points are not cut.
    const pad = a.link === 'step' ? 0 : a.integer ? 0.06 : 0.04;
    const ranges = p.series.map((s) => fitExtent(extent(s, which, a.type), a.type, pad));
    return unionRange(ranges);
  };
  for (const which of ['x', 'y'] as const) {
    const groups = new Map<string, Array<[number, number] | null>>();
    const fitted = panels.map((p) => own(p, which));
    panels.forEach((p, i) => {
      const link = p[which].link;
      if (link) groups.set(link, [...(groups.get(link) ?? []), fitted[i]]);
    });
    panels.forEach((p, i) => {
      const a: AxisDescription = p[which];
      const range = a.link ? unionRange(groups.get(a.link)!) : fitted[i];
      a.range = open && (a.link === 'step' || !a.integer) ? roomy(range, a.type, a.link === 'step') : range;
      a.ticks = axisTicks(a.type, a.range, a.integer);
    });
  }
}

/**
 * Whether a state's runs are still going (a run without an end): their axes get room to grow.
 *
 * @example
 * ```ts
 * import { isOpen } from './fit';
 * import { defaultState } from '../contract';
 * const dashboard = defaultState('TrainingDashboard');
 * console.log(isOpen({ ...dashboard, ends: [null] }), isOpen({ ...dashboard, ends: [{ reason: 'completed', step: 9, message: '' }] })); // true false
 * ```
 */
export function isOpen(state: PlotState): boolean {
  return (state.kind === 'LossPlot' ? state.runs.map((_, j) => state.ends?.[j] ?? null) : [state.ends?.[0] ?? null]).some((e) => e === null);
}
