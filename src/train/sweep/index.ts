/**
 * Sweeps: families of runs (docs/sweeps.md). A spec is a base config plus the fields that vary;
 * `sweep` runs its points on every core, `--shard` and `--emit slurm` on a cluster scheduler, and
 * `mergeSweeps` gathers the rows into one table.
 */
export { sweep, availableCores } from './sweep';
export type { SweepOptions, SweepProgress, SweepResult } from './sweep';
export { parseSweepSpec, sweepPoints, SWEEP_KINDS } from './spec';
export type { SweepSpec, ParsedSpec, SweepPoint, SweepKindName } from './spec';
export { mergeSweeps, toCsv, writeTable, tableColumns } from './table';
export type { MergedSweep, MergeOptions } from './table';
export { parseShard, shardPoints } from './shard';
export { slurmScript } from './slurm';
export type { SlurmOptions } from './slurm';
export type { Shard } from './shard';
export type { SweepRow, PointSummary } from './point';
export type { Metric } from './kind';
export type { TrainSummaryOptions } from './train-kind';
export type { EscapeSummaryOptions } from './escape-kind';
