import type { History } from '../train/history';
import { requireOneOf } from '../errors';
import { phasesOf, spectrumSeries, topK } from './series';
import type { PlotState } from './state';
import { PlotWidget, type WidgetOptions } from './widget';

/** Options of SpectrumPlot. */
export interface SpectrumPlotOptions extends WidgetOptions {
  /** Singular values of the weights `W_ℓ` (default) or of the activations `Z_ℓσ`. */
  source?: 'weights' | 'activations';
  /** `series` (default): s_i against step, one panel per layer; `snapshot`: s_i against i at `steps`, one panel per layer (Figure 1). */
  mode?: 'series' | 'snapshot';
  /** Snapshot steps (the record at or before each is shown). */
  steps?: number[];
  /** Layers shown (1-based; default all). The browser's layer picker changes it. */
  layers?: number[];
  /** Show s_i/s_1 instead of s_i (default false). */
  relative?: boolean;
}

/**
 * The top-k singular values of each layer over training (log scale), with
 * the run's escapes marked; or, in snapshot mode, Figure 1's view: one panel
 * per layer, one line per snapshot step coloured in time order, all panels on
 * one value range.
 *
 * @example
 * ```ts
 * import { train, widgets } from 'saddlelab';
 * const h = train.createHistory({ name: 'run', activation: 'linear', dims: [2, 2, 2], depth: 2, config: {} });
 * for (const step of [0, 2000, 8000]) h.addRecord({ step, loss: 1, paramNorm: 1, weights: [Float64Array.of(1 + step / 1000, 1), Float64Array.of(1, 0.5)] });
 * const plot = new widgets.SpectrumPlot(h, { mode: 'snapshot', steps: [0, 2000, 8000] }); // the last expression of a cell shows it
 * console.log(plot.figure().panels.length); // 2
 * ```
 */
export class SpectrumPlot extends PlotWidget {
  private readonly source: 'weights' | 'activations';
  private readonly mode: 'series' | 'snapshot';
  private readonly steps: number[];
  constructor(history: History, options: SpectrumPlotOptions = {}) {
    const { source, mode, steps, layers, relative, ...rest } = options;
    super('SpectrumPlot', [history], rest);
    this.source = requireOneOf('options.source', source ?? 'weights', ['weights', 'activations'] as const);
    this.mode = requireOneOf('options.mode', mode ?? 'series', ['series', 'snapshot'] as const);
    this.steps = [...(steps ?? [])];
    this.browser.selected_layers = [...(layers ?? [])];
    this.browser.relative = relative ?? false;
  }
  protected compute(): Partial<PlotState> {
    const h = this.runs[0];
    // The run's escapes are marked on the panels; its loss is not drawn here, so no points are sent.
    const phases = phasesOf(h);
    const run = { name: h.meta.name, steps: new Float64Array(0), loss: new Float64Array(0), plateaus: phases.plateaus.map((p) => [p.start, p.end] as [number, number]), escapes: [...phases.escapes] };
    return { runs: [run], spectrum: spectrumSeries(h.records, h.meta.depth, topK(h.records)), source: this.source, mode: this.mode, snapshot_steps: this.steps };
  }
  protected describe(): string {
    const h = this.runs[0];
    return `SpectrumPlot(${h.meta.name}: ${h.records.length} records of ${h.meta.depth} layers, ${this.source}, ${this.mode})`;
  }
}
