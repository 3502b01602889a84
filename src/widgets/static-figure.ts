/**
 * The static figure of a widget: its figure description (src/widgets/figure/,
 * the one the live Plotly view draws) rendered to SVG (svg-figure.ts) and PNG
 * (png-render.ts), plus the figure's data for interactive reports
 * (figure-data.ts). The display bundle carries all three, so every viewer has
 * a figure it can show: JupyterLab without the widget's model, an untrusted
 * notebook, GitHub, nbviewer, VS Code, an HTML report.
 */
import { FIGURE_MIME, figureData, type FigureData } from './figure-data';
import { describeFigure } from './figure/describe';
import { svgToPng } from './png-render';
import type { PlotState } from './state';
import { renderFigureSvg } from './svg-figure';

/** Most points per series in a static figure; longer series are thinned evenly (first and last kept). */
export const STATIC_MAX_POINTS = 1500;

/**
 * The widget's static figure as an SVG string.
 *
 * @example
 * ```ts
 * import { train, widgets } from 'saddlelab';
 * import { figureSvg } from './static-figure';
 * const h = train.createHistory({ name: 'demo', activation: 'linear', dims: [2, 2], depth: 1, config: {} });
 * for (let t = 0; t < 3; t++) h.addStep({ step: t, loss: 1 / (t + 1), paramNorm: 1, lr: 0.1 });
 * console.log(figureSvg(new widgets.LossPlot(h).state).slice(0, 40)); // <svg xmlns="http://www.w3.org/2000/svg"…
 * ```
 */
export function figureSvg(state: PlotState): string {
  return renderFigureSvg(describeFigure(state, { maxPoints: STATIC_MAX_POINTS }));
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
 * import { train, widgets } from 'saddlelab';
 * import { staticFigure } from './static-figure';
 * const h = train.createHistory({ name: 'demo', activation: 'linear', dims: [2, 2], depth: 1, config: {} });
 * for (let t = 0; t < 3; t++) h.addStep({ step: t, loss: 1 / (t + 1), paramNorm: 1, lr: 0.1 });
 * const { data, metadata } = staticFigure(new widgets.LossPlot(h).state); // for kernel.display({ 'text/plain': 'loss', ...data }, { metadata })
 * console.log(Object.keys(data), metadata['image/png'].width > 0); // ['image/svg+xml', 'image/png', 'application/vnd.saddlelab.figure+json'] true
 * ```
 */
export function staticFigure(state: PlotState): StaticFigure {
  const svg = figureSvg(state);
  const { png, width, height } = svgToPng(svg);
  return { data: { 'image/svg+xml': svg, 'image/png': Buffer.from(png).toString('base64'), [FIGURE_MIME]: figureData(state) }, metadata: { 'image/png': { width, height } } };
}
