/**
 * Sweeps: families of runs (docs/sweeps.md). A spec is a base config plus the fields that vary;
 * `run` runs its points on every core, `--shard` and `--emit slurm` take it to a cluster
 * scheduler, and `merge` gathers the rows into one table.
 *
 * A layer above train and spectrum (it runs them) and below widgets (SweepPlot draws its rows). It
 * parses train configs with src/train/config.ts, the parser of `saddlelab train` too, so a sweep point
 * accepts exactly what `saddlelab train --config` does.
 *
 * @example
 * ```ts
 * import { sweep } from 'saddlelab';
 * const result = await sweep.run({
 *   kind: 'escape',
 *   base: { data: { circleToy: {} }, depth: 3, starts: 20, steps: 1500 },
 *   grid: { width: [2, 4, 8] }, seeds: 3,
 *   summary: { target: { speed: 0.5, tolerance: 0.005 } },
 * }, { out: 'runs/example-1' });
 * console.table(result.rows.map((r) => ({ ...r.params, hits: r.metrics.hits })));
 * ```
 */
export { sweep as run, readSweepSpec as readSpec } from './sweep';
export type { SweepOptions as Options, SweepProgress as Progress, SweepResult as Result } from './sweep';
export { parseSweepSpec as parseSpec, sweepPoints as points, SWEEP_KINDS as KINDS } from './spec';
export type { SweepSpec as Spec, ParsedSpec, SweepPoint as Point, SweepKindName as KindName } from './spec';
export { mergeSweeps as merge, toCsv, writeTable } from './table';
export type { MergedSweep as Merged, MergeOptions } from './table';
export { parseShard } from './shard';
export type { Shard } from './shard';
export { slurmScript } from './slurm';
export type { SlurmOptions } from './slurm';
export type { SweepRow as Row, PointSummary } from './point';
export type { Metric } from './kind';
export type { TrainSummaryOptions } from './train-kind';
export type { EscapeSummaryOptions } from './escape-kind';
export { wilson, aggregate, powerLawFit } from './stats';
export type { Interval, AggregateOptions, Aggregate, AggregateGroup, AggregatePoint } from './stats';
