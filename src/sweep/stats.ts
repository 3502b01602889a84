/**
 * Statistics of a sweep's rows: a summary field against a swept parameter, grouped by another,
 * averaged over seeds with error bars; success rates with Wilson score intervals; power-law fits on
 * log–log axes. Pure (no Node): the browser draws SweepPlot from the same functions.
 *
 * @example
 * ```ts
 * import { sweep } from 'saddlelab';
 * console.log(sweep.wilson(7, 20)); // { rate: 0.35, lo: 0.181…, hi: 0.567… }
 * ```
 */
import { fail } from '../errors';

/** A rate with its Wilson score interval. */
export interface Interval {
  rate: number;
  lo: number;
  hi: number;
}

/**
 * The Wilson score interval of `k` successes in `n` trials (`z` = 1.96: 95 %). Unlike the normal
 * approximation `p ± z·√(p(1−p)/n)` it stays inside [0, 1] and is not empty at 0 or n successes,
 * which is where success rates of small widths sit.
 */
export function wilson(k: number, n: number, z = 1.96): Interval {
  if (!Number.isInteger(n) || n < 0) fail('n', 'an integer >= 0 (trials)', n);
  if (!Number.isInteger(k) || k < 0 || k > n) fail('k', `an integer from 0 to n = ${n} (successes)`, k);
  if (!(z > 0)) fail('z', 'a number > 0 (1.96 for a 95 % interval)', z);
  if (n === 0) return { rate: NaN, lo: 0, hi: 1 };
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = ((z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n)));
  return { rate: p, lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

/** The value at a field of a row: a swept parameter (`params`) or a metric, by name. */
export interface RowLike {
  status: string;
  params: Record<string, unknown>;
  metrics: Record<string, unknown>;
}

export function fieldOf(row: RowLike, field: string): unknown {
  if (field in row.params) return row.params[field];
  if (field === 'seed') return row.params.seed;
  return row.metrics[field];
}

/** A group value as a label: numbers and strings as they are, anything else as JSON. */
export function groupLabel(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? 'none';
}

export interface AggregateOptions {
  /** The field on the x axis (a swept parameter or a metric); its values must be numbers. */
  x: string;
  /** The field averaged on the y axis (a metric), for a numeric summary. */
  y?: string;
  /** A success rate instead: the metrics holding successes and trials of each row, pooled over rows. */
  success?: { hits: string; trials: string };
  /** The field whose values split the rows into groups (one line each). */
  group?: string;
  /** `arithmetic` (default) or `geometric` (mean and standard error of log10 y: for times and other positive, log-scale quantities). */
  average?: 'arithmetic' | 'geometric';
  /** Error bars: `sem` (default, standard error of the mean over seeds) or `sd` (standard deviation). Success rates: Wilson 95 %. */
  bars?: 'sem' | 'sd';
}

/** One point of a group: the average over the rows with that x, and its error bar. */
export interface AggregatePoint {
  x: number;
  /** Mean (or rate). */
  y: number;
  lo: number;
  hi: number;
  /** Rows averaged (or trials pooled, for a rate). */
  n: number;
  /** Successes, for a rate. */
  k?: number;
}

export interface AggregateGroup {
  label: string;
  /** The group's value as found in the rows. */
  value: unknown;
  points: AggregatePoint[];
}

export interface Aggregate {
  groups: AggregateGroup[];
  /** Rows used. */
  used: number;
  /** Rows left out: failed, or without a finite value of x or y (for example no escape in the run). */
  left: number;
}

/**
 * Groups rows by `group`, then by `x`, and averages `y` (or pools `success`) over each cell.
 *
 * @example
 * ```ts
 * import { sweep } from 'saddlelab';
 * const row = (scale: number, seed: number, time: number) => ({ status: 'done', params: { 'model.init.scale': scale, seed }, metrics: { firstEscapeTime: time } });
 * const rows = [row(0.01, 0, 100), row(0.01, 1, 1000), row(0.1, 0, 10)]; // sweep.run's result.rows
 * const agg = sweep.aggregate(rows, { x: 'model.init.scale', y: 'firstEscapeTime', average: 'geometric' });
 * console.log(agg.groups[0].points.map((p) => [p.x, Math.round(p.y), p.n])); // [ [ 0.01, 316, 2 ], [ 0.1, 10, 1 ] ]
 * ```
 */
export function aggregate(rows: RowLike[], options: AggregateOptions): Aggregate {
  if (!Array.isArray(rows)) fail('rows', 'an array of sweep rows', rows);
  if (typeof options !== 'object' || options === null) fail('options', 'an object { x, y | success, group, average, bars }', options);
  const { x, y, success, group } = options;
  if (typeof x !== 'string' || !x) fail('options.x', 'the name of a field (a swept parameter or a metric)', x);
  if ((y === undefined) === (success === undefined)) fail('options.y', 'a metric name, or options.success = { hits, trials } instead (exactly one of them)', y);
  if (y !== undefined && (typeof y !== 'string' || !y)) fail('options.y', 'the name of a metric', y);
  if (success !== undefined && (typeof success !== 'object' || success === null || typeof success.hits !== 'string' || typeof success.trials !== 'string')) fail('options.success', 'an object { hits, trials } naming two metrics', success);
  if (group !== undefined && typeof group !== 'string') fail('options.group', 'the name of a field', group);
  const average = options.average ?? 'arithmetic';
  if (average !== 'arithmetic' && average !== 'geometric') fail('options.average', "'arithmetic' or 'geometric'", average);
  const bars = options.bars ?? 'sem';
  if (bars !== 'sem' && bars !== 'sd') fail('options.bars', "'sem' or 'sd'", bars);

  const cells = new Map<string, { value: unknown; byX: Map<number, Array<{ v?: number; k?: number; n?: number }>> }>();
  let used = 0;
  let left = 0;
  for (const row of rows) {
    const xv = fieldOf(row, x);
    if (row.status !== 'done' || typeof xv !== 'number' || !Number.isFinite(xv)) {
      left++;
      continue;
    }
    let item: { v?: number; k?: number; n?: number };
    if (success) {
      const k = fieldOf(row, success.hits);
      const n = fieldOf(row, success.trials);
      if (!Number.isInteger(k) || !Number.isInteger(n) || (n as number) < (k as number) || (k as number) < 0) {
        left++;
        continue;
      }
      item = { k: k as number, n: n as number };
    } else {
      const v = fieldOf(row, y!);
      if (Array.isArray(v)) fail('options.y', `a metric with one number per row; "${y}" holds a list (use a scalar metric such as firstEscapeTime)`, y);
      if (typeof v !== 'number' || !Number.isFinite(v) || (average === 'geometric' && v <= 0)) {
        left++;
        continue;
      }
      item = { v: average === 'geometric' ? Math.log10(v) : v };
    }
    used++;
    const gv = group === undefined ? null : fieldOf(row, group);
    const key = group === undefined ? '' : groupLabel(gv);
    if (!cells.has(key)) cells.set(key, { value: gv, byX: new Map() });
    const byX = cells.get(key)!.byX;
    if (!byX.has(xv)) byX.set(xv, []);
    byX.get(xv)!.push(item);
  }

  const groups: AggregateGroup[] = [];
  for (const [label, { value, byX }] of cells) {
    const points: AggregatePoint[] = [];
    for (const xv of [...byX.keys()].sort((a, b) => a - b)) {
      const items = byX.get(xv)!;
      if (success) {
        const k = items.reduce((a, b) => a + b.k!, 0);
        const n = items.reduce((a, b) => a + b.n!, 0);
        const w = wilson(k, n);
        points.push({ x: xv, y: w.rate, lo: w.lo, hi: w.hi, n, k });
      } else {
        const vs = items.map((i) => i.v!);
        const mean = vs.reduce((a, b) => a + b, 0) / vs.length;
        const sd = vs.length > 1 ? Math.sqrt(vs.reduce((a, b) => a + (b - mean) ** 2, 0) / (vs.length - 1)) : 0;
        const e = bars === 'sd' ? sd : sd / Math.sqrt(vs.length);
        const back = (t: number) => (average === 'geometric' ? Math.pow(10, t) : t);
        points.push({ x: xv, y: back(mean), lo: back(mean - e), hi: back(mean + e), n: vs.length });
      }
    }
    groups.push({ label, value, points });
  }
  // Groups in a stable order: numbers ascending, then by label.
  groups.sort((a, b) => (typeof a.value === 'number' && typeof b.value === 'number' ? a.value - b.value : a.label.localeCompare(b.label)));
  return { groups, used, left };
}

/**
 * Least-squares fit of `log10 y = a + b·log10 x`: the slope `b` of a power law `y ∝ x^b` and its
 * standard error. Points with x or y ≤ 0 are left out.
 *
 * @example
 * ```ts
 * import { sweep } from 'saddlelab';
 * console.log(sweep.powerLawFit([1, 10, 100], [5, 0.5, 0.05]).slope); // -1
 * ```
 */
export function powerLawFit(x: ArrayLike<number>, y: ArrayLike<number>): { slope: number; intercept: number; stderr: number; n: number } {
  if (!x || !y || x.length !== y.length) fail('y', `as many values as x (${x?.length})`, y?.length);
  const lx: number[] = [];
  const ly: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (x[i] > 0 && y[i] > 0 && Number.isFinite(x[i]) && Number.isFinite(y[i])) (lx.push(Math.log10(x[i])), ly.push(Math.log10(y[i])));
  }
  const n = lx.length;
  if (n < 2) return { slope: NaN, intercept: NaN, stderr: NaN, n };
  const mx = lx.reduce((a, b) => a + b, 0) / n;
  const my = ly.reduce((a, b) => a + b, 0) / n;
  let sxx = 0, sxy = 0;
  for (let i = 0; i < n; i++) (sxx += (lx[i] - mx) ** 2, sxy += (lx[i] - mx) * (ly[i] - my));
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (ly[i] - intercept - slope * lx[i]) ** 2;
  const stderr = n > 2 ? Math.sqrt(sse / (n - 2) / sxx) : NaN;
  return { slope, intercept, stderr, n };
}
