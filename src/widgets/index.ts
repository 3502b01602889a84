/**
 * Live Jupyter widgets for training histories: the kernel side. The browser
 * side is the prebuilt JupyterLab extension built from widgets/; both draw
 * from one figure description (`describeFigure`).
 *
 * @example
 * ```ts
 * import { train, widgets } from 'saddlelab';
 * const h = train.createHistory({ name: 'demo', activation: 'linear', dims: [2, 2], depth: 1, config: {} });
 * h.addStep({ step: 0, loss: 1, paramNorm: 1, lr: 0.1 });
 * new widgets.LossPlot(h);
 * ```
 */
export { LossPlot } from './loss-plot';
export type { LossPlotOptions } from './loss-plot';
export { SpectrumPlot } from './spectrum-plot';
export type { SpectrumPlotOptions } from './spectrum-plot';
export { LayerLawPlot } from './layer-law-plot';
export type { LayerLawPlotOptions } from './layer-law-plot';
export { TrainingDashboard } from './dashboard';
export type { DashboardControl, DashboardOptions, DashboardSource } from './dashboard';
export { SweepPlot } from './sweep-plot';
export type { SweepPlotOptions } from './sweep-plot';
export { live } from './live';
export type { LiveCallbacks } from './live';
export { PlotWidget } from './widget';
export type { WidgetOptions, UpdateStats } from './widget';
export { describeFigure, figureCsv, figureJson, exportFileName } from './figure';
export type { FigureDescription, PanelDescription, SeriesDescription, MarkDescription, AxisDescription } from './figure';
export { figureSvg, staticFigure } from './static-figure';
export type { StaticFigure } from './static-figure';
export { FIGURE_MIME } from './figure-data';
export { installLabExtension, labExtensionSource } from './labextension';
export { prepareReport, reportNotebook, writeReport } from './report';
export { keyFigures, formatFigure, SUMMARY_MIME } from './key-figures';
export type { ReportOptions, ReportResult } from './report';
export { WIDGET_MODULE, WIDGET_MODULE_VERSION } from './version';
export { KINDS, MODEL_NAMES, VIEW_NAMES } from './contract';
export type * from './state';
