import type { History } from '../train/history';
import { requireOneOf } from '../errors';
import { layerLaw, recordAt, spectrumSeries, topK } from './series';
import type { PlotState } from './state';
import { PlotWidget, type WidgetOptions } from './widget';

/** Options of LayerLawPlot. */
export interface LayerLawPlotOptions extends WidgetOptions {
  source?: 'weights' | 'activations';
  /** The record at or before this step is used (default: the last record, following the run; the browser's cursor moves it). */
  step?: number;
}

/**
 * Theorem 3.1 read off one record: `s1/s2` and the energy outside `s1`
 * against the layer index ℓ on log–log axes, with `ℓ^(1/4)` and `ℓ^(−1/2)`
 * reference slopes. Live: it follows the latest record while a run goes on.
 *
 * @example
 * ```ts
 * import { train, widgets } from 'saddlelab';
 * const h = train.createHistory({ name: 'deep', activation: 'linear', dims: [2, 2, 2, 2], depth: 3, config: {} });
 * h.addRecord({ step: 0, loss: 1, paramNorm: 1, weights: [Float64Array.of(2, 1), Float64Array.of(3, 1), Float64Array.of(1, 1)] });
 * const plot = new widgets.LayerLawPlot(h, { source: 'weights' }); // the last expression of a cell shows it
 * console.log(Array.from(plot.state.law!.ratio)); // [2, 3, 1]
 * ```
 */
export class LayerLawPlot extends PlotWidget {
  private readonly source: 'weights' | 'activations';
  constructor(history: History, options: LayerLawPlotOptions = {}) {
    const { source, step, ...rest } = options;
    super('LayerLawPlot', [history], rest);
    this.source = requireOneOf('options.source', source ?? 'weights', ['weights', 'activations'] as const);
    this.browser.cursor = step ?? null;
  }
  protected compute(): Partial<PlotState> {
    const h = this.runs[0];
    const record = recordAt(h.records, this.browser.cursor);
    // The records go to the browser (the figure description computes the law at the cursor there).
    // The run's name (for the title); its loss is not drawn here, so no points are sent.
    const run = { name: h.meta.name, steps: new Float64Array(0), loss: new Float64Array(0), plateaus: [], escapes: [] };
    return { runs: [run], source: this.source, spectrum: spectrumSeries(h.records, h.meta.depth, topK(h.records)), law: record ? layerLaw(record, this.source) : null };
  }
  protected describe(): string {
    const law = this.compute().law;
    return `LayerLawPlot(${this.runs[0].meta.name}, ${this.source}${law ? `, step ${law.step}: s1/s2 = [${Array.from(law.ratio, (v) => v.toPrecision(3)).join(', ')}]` : ', no records'})`;
  }
}
