import type { History } from '../train/history';
import { runSeries } from './series';
import type { PlotState } from './state';
import { PlotWidget, asRuns, type WidgetOptions } from './widget';

/** Options of LossPlot. */
export interface LossPlotOptions extends WidgetOptions {
  /** Steps marked with dotted vertical lines (e.g. a SpectrumPlot's snapshot steps, as in Figure 1 left). */
  markSteps?: number[];
}

/**
 * Loss against step (log scale by default) of one or several runs, with the
 * plateaus shaded and the escape steps dashed (src/train/phases.ts).
 *
 * @example
 * ```ts
 * import { train, widgets } from 'saddlelab';
 * const h = train.createHistory({ name: 'demo', activation: 'relu', dims: [2, 4, 1], depth: 2, config: {} });
 * h.addStep({ step: 0, loss: 1, paramNorm: 0.1, lr: 0.1 });
 * new widgets.LossPlot(h); // last expression of a cell: shows the plot
 * ```
 */
export class LossPlot extends PlotWidget {
  private readonly marks: number[];
  constructor(history: History | History[], options: LossPlotOptions = {}) {
    const { markSteps, ...rest } = options;
    super('LossPlot', asRuns(history), rest);
    this.marks = [...(markSteps ?? [])];
  }
  protected compute(): Partial<PlotState> {
    // LossPlot draws snapshot steps as marks; `mode: 'snapshot'` tells both renderers to.
    return { runs: this.runs.map((h) => runSeries(h)), snapshot_steps: this.marks, mode: this.marks.length ? 'snapshot' : 'series' };
  }
  protected describe(): string {
    return `LossPlot(${this.runs.map((h) => `${h.meta.name}: ${h.latestStep + 1} steps, loss ${h.latestLoss.toPrecision(4)}`).join('; ')})`;
  }
}
