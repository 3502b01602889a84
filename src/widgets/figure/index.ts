/**
 * The figure description: one plain-data account of what a widget's figure
 * shows, built from its state, that every renderer draws. Pure (no Node, no
 * DOM): the browser bundle imports it too.
 *
 * How to draw one (the live Plotly view, widgets/src/plotly-figure.ts, is a
 * complete example; a static SVG/PNG or report renderer does the same):
 *
 * ```ts
 * import { describeFigure, axisTicks } from './figure';
 * const fig = describeFigure(widget.state, { maxPoints: 1500 });
 * // fig.grid: rows × cols cells; each panel sits at (row, col) spanning colSpan columns.
 * for (const panel of fig.panels) {
 *   // panel.x / panel.y: title, 'linear' | 'log', range [lo, hi] in data units (fitted, shared by
 *   //   panels with the same `link`), ticks [{ value, label }] to draw as given.
 *   // panel.series: draw each as a line (markers when `markers`) in `color`, `dash`, `width`,
 *   //   `opacity`; points are already finite and positive on log axes. Legend: one entry per
 *   //   series with `legend: true`, labelled `name`; `group` ties series across panels.
 *   // panel.marks: a band (x1 > x0) or a vertical line (x1 === x0) over the panel's full height,
 *   //   with `label` (if any) above the panel, in lane `labelLane` at anchor `labelAnchor` (marks.ts).
 *   // panel.title: at the panel's top left.
 * }
 * // fig.legend: one entry per mark role present (what a band or line means);
 * // fig.caption: a paragraph to print under the figure; fig.notes: messages of runs that
 * //   stopped early (print them in red); fig.readout.text: the values at the cursor.
 * ```
 *
 * Line styles map to SVG with contract.ts `DASH_PATTERNS`. Rules a renderer
 * must keep: draw ranges and ticks as given (they are fitted and readable);
 * never invent marks; show the caption (or the legend entries) so that every
 * mark is explained. The API here is stable; new fields may be added.
 */
export { describeFigure, distinctNames } from './describe';
export type { DescribeOptions } from './describe';
export { axisTicks, fitRange, formatTicks, formatValue, unionRange } from './axes';
export { smoothSeries, lawAt, spectrumSource, shownLayers, recordIndexAt, drawable } from './data';
export { figureCsv, figureJson, exportFileName } from './export';
export type * from './types';
