import type { History } from '../train/history';
import { fail } from '../errors';
import { runNames, runSeries } from './series';
import type { PlotState } from './state';
import { PlotWidget, asRuns, type WidgetOptions } from './widget';

/** Options of LossPlot. */
export interface LossPlotOptions extends WidgetOptions {
  /** Steps marked with dotted vertical lines labelled by step (a snapshot view's steps, as in Figure 1 left). */
  markSteps?: number[];
  /** Legend names, one per run (default: each run's name, told apart by its settings where names repeat). */
  names?: string[];
  /** Several runs in one panel, their plateaus as strips along the bottom (default false: each run in its own panel, on one step axis). */
  overlay?: boolean;
}

/**
 * Loss against step (log scale by default) of one or several runs, each in
 * its own colour, with its plateaus shaded and its escapes dashed in that
 * colour (train.detectPhases; docs/phases.md). Several runs get a panel each,
 * on one step axis (`overlay: true`: one panel).
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
  private readonly names: string[];
  private readonly overlay: boolean;
  constructor(history: History | History[], options: LossPlotOptions = {}) {
    const { markSteps, names, overlay, ...rest } = options;
    const runs = asRuns(history);
    super('LossPlot', runs, rest);
    this.marks = [...(markSteps ?? [])];
    if (names !== undefined && (!Array.isArray(names) || names.length !== runs.length || !names.every((n) => typeof n === 'string'))) {
      fail('options.names', `an array of ${runs.length} strings (one per run)`, names);
    }
    this.names = names ? [...names] : runNames(runs);
    if (overlay !== undefined && typeof overlay !== 'boolean') fail('options.overlay', 'true or false', overlay);
    this.overlay = overlay ?? false;
  }
  protected compute(): Partial<PlotState> {
    return { runs: this.runs.map((h, j) => ({ ...runSeries(h), name: this.names[j] })), snapshot_steps: this.marks, mode: this.marks.length ? 'snapshot' : 'series', overlay: this.overlay };
  }
  protected describe(): string {
    return `LossPlot(${this.runs.map((h, j) => `${this.names[j]}: ${h.latestStep + 1} steps, loss ${h.latestLoss.toPrecision(4)}`).join('; ')})`;
  }
}
