/**
 * SweepPlot: a field of a sweep's rows against a swept parameter, grouped by another, averaged
 * over seeds with error bars (or a success rate with Wilson intervals), drawn while the sweep
 * runs: points appear as runs finish. The figure is drawn from the figure description
 * (figure/sweep.ts), like every widget's, so the live view, the static figure and the exports agree.
 */
import { fail, requireObject } from '../errors';
import type { SweepRow } from '../sweep/point';
import { aggregate, groupLabel, type AggregateOptions } from '../sweep/stats';
import type { SweepProgress } from '../sweep/sweep';
import { fieldWords } from './figure/words';
import type { PlotState, SweepState } from './state';
import { PlotWidget, type WidgetOptions } from './widget';

/** What to plot (the aggregate's fields: `x`, `y` or `success`, `group`, `average`, `bars`), and how. */
export interface SweepPlotOptions extends WidgetOptions, AggregateOptions {
  /** Reference power laws `y ∝ x^slope` through the first point of a group (all groups when `group` is left out). */
  references?: Array<{ slope: number; group?: string | number; label?: string }>;
  /** Points in the whole sweep (default: learnt from the progress `onPoint` receives). */
  total?: number;
  /** The sweep's name, for the title and file names. */
  name?: string;
  /** Words for fields on the axes, in the legend and the caption (`{ 'model.init.scale': 'init scale σ' }`), over figure/words.ts `FIELD_WORDS`. */
  labels?: Record<string, string>;
}

const OPTION_KEYS = ['x', 'y', 'success', 'group', 'average', 'bars', 'references', 'total', 'name', 'labels', 'kernel', 'interval', 'title', 'logY', 'logX', 'smoothing', 'staticFigure'];

/**
 * A live plot of a sweep.
 *
 * @example
 * ```ts
 * import { sweep, widgets } from 'saddlelab';
 * const spec = { kind: 'escape', base: { data: { circleToy: {} }, depth: 3, starts: 4, steps: 200 }, grid: { width: [2, 4] },
 *   summary: { target: { speed: 0.5, tolerance: 0.005 } } };
 * const plot = new widgets.SweepPlot([], { x: 'width', success: { hits: 'hits', trials: 'starts' }, name: 'example-1' });
 * plot.display(); // live in the saddlelab kernel, a static figure elsewhere
 * await sweep.run(spec, { out: 'runs/example-1', onPoint: plot.onPoint });
 * console.log(plot.state.sweep?.rows.length); // 2
 * ```
 */
export class SweepPlot extends PlotWidget {
  private readonly rows = new Map<string, SweepState['rows'][number]>();
  private readonly spec: Omit<SweepState, 'rows' | 'total'>;
  private total: number | null;
  private pending?: ReturnType<typeof setTimeout>;
  private lastSent = 0;
  private complete = false;

  constructor(rows: SweepRow[] | { rows: SweepRow[] } = [], options: SweepPlotOptions) {
    const o = requireObject('options', options);
    for (const key of Object.keys(o)) if (!OPTION_KEYS.includes(key)) fail(`options.${key}`, `one of the known options (${OPTION_KEYS.join(', ')})`, key);
    // The same checks as the aggregate the figure draws, so a bad option fails here and not at the first point.
    aggregate([], { x: options.x, y: options.y, success: options.success, group: options.group, average: options.average, bars: options.bars });
    const references = (options.references ?? []).map((r, i) => {
      requireObject(`options.references[${i}]`, r);
      if (typeof r.slope !== 'number' || !Number.isFinite(r.slope)) fail(`options.references[${i}].slope`, 'a finite number (the exponent of y ∝ x^slope)', r.slope);
      if (r.label !== undefined && typeof r.label !== 'string') fail(`options.references[${i}].label`, 'a string', r.label);
      return { slope: r.slope, group: r.group === undefined ? null : groupLabel(r.group), label: r.label ?? `slope ${r.slope}` };
    });
    if (options.total !== undefined && !(Number.isInteger(options.total) && options.total >= 0)) fail('options.total', 'an integer >= 0', options.total);
    const labels = (options.labels === undefined ? {} : requireObject('options.labels', options.labels)) as Record<string, string>;
    for (const [k, v] of Object.entries(labels)) if (typeof v !== 'string') fail(`options.labels.${k}`, 'a string (the words for that field)', v);
    const name = options.name ?? 'sweep';
    const words = (f: string) => fieldWords(f, labels);
    const what = options.success ? `success rate (${words(options.success.hits)} / ${words(options.success.trials)})` : words(options.y ?? '');
    super('SweepPlot', [], { ...options, title: options.title ?? `${name}: ${what} against ${words(options.x)}${options.group ? `, by ${words(options.group)}` : ''}` });
    this.spec = {
      name,
      x: options.x,
      y: options.y ?? null,
      success: options.success ?? null,
      group: options.group ?? null,
      average: options.average ?? 'arithmetic',
      bars: options.bars ?? 'sem',
      references,
      labels: { ...labels },
    };
    this.total = options.total ?? null;
    const initial = Array.isArray(rows) ? rows : requireObject('rows', rows).rows;
    if (!Array.isArray(initial)) fail('rows', 'sweep rows (an array, or a sweep result { rows })', rows);
    for (const r of initial) this.keep(r);
  }

  /**
   * Give this to `sweep.run` as its `onPoint`: each finished point (and, at the start, each point
   * done before) is added, and the plot updates.
   */
  readonly onPoint = (row: SweepRow, progress?: SweepProgress): void => {
    this.keep(row);
    if (progress) {
      this.total = progress.total;
      this.complete = progress.skipped + progress.finished >= progress.total;
    }
    this.changedRows();
  };

  /** Adds rows (a point already shown is replaced by its newer row). */
  add(rows: SweepRow | SweepRow[]): void {
    for (const r of Array.isArray(rows) ? rows : [rows]) this.keep(r);
    this.changedRows();
  }

  /** The rows shown, reduced to the fields the plot reads. */
  get sweepRows(): SweepState['rows'] {
    return [...this.rows.values()];
  }

  private keep(row: SweepRow): void {
    if (typeof row !== 'object' || row === null || typeof row.id !== 'string' || typeof row.params !== 'object' || typeof row.metrics !== 'object') {
      fail('row', 'a sweep row { id, status, params, metrics } (from sweep.run or sweep.merge)', row);
    }
    const fields = [this.spec.x, this.spec.y, this.spec.group, this.spec.success?.hits, this.spec.success?.trials].filter((f): f is string => !!f);
    const pick = (from: Record<string, unknown>) => Object.fromEntries(fields.filter((f) => f in from).map((f) => [f, from[f]]));
    this.rows.set(row.id, { id: row.id, status: row.status, params: pick(row.params), metrics: pick(row.metrics) });
  }

  /** Sends the rows now if the last update is `interval` old (or the sweep is complete), else once it is. */
  private changedRows(): void {
    const wait = this.options.interval - (Date.now() - this.lastSent);
    if (this.complete || wait <= 0) this.sendRows();
    else if (!this.pending) this.pending = setTimeout(() => this.sendRows(), wait);
  }

  private sendRows(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = undefined;
    this.lastSent = Date.now();
    this.sendUpdate({ sweep: this.sweepState() });
    // The sweep is complete: the static figure in the output becomes the final one.
    if (this.complete) this.refreshDisplay();
  }

  private sweepState(): SweepState {
    return { ...this.spec, rows: this.sweepRows, total: this.total };
  }

  protected compute(): Partial<PlotState> {
    return { sweep: this.sweepState() };
  }

  protected describe(): string {
    const failed = this.sweepRows.filter((r) => r.status === 'failed').length;
    return `SweepPlot ${this.options.title} (${this.rows.size}${this.total !== null ? `/${this.total}` : ''} points${failed ? `, ${failed} failed` : ''})`;
  }

  close(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = undefined;
    super.close();
  }
}
