/**
 * What a sweep can be a family of. A kind runs one point from its config, saves what it
 * produced in the point's folder, and summarizes it into one row of metrics. Summaries are
 * computed from the saved artifact, so a resumed sweep whose summary options changed
 * re-summarizes finished points instead of running them again.
 *
 * Two kinds: `train` (a `saddlelab train` config, src/sweep/train-kind.ts) and `escape`
 * (the escape solver's problem, src/sweep/escape-kind.ts).
 */
import type { Json } from './paths';

/** A metric value in a summary row. */
export type Metric = number | string | boolean | null | number[];

export interface PointContext {
  /** The point's own folder, `DIR/<id>/`; it exists. */
  dir: string;
  /** Where relative file paths in the config resolve (the spec file's folder). */
  baseDir: string;
  /** Where run-time notes go (warnings of the run). */
  log: (line: string) => void;
  /** Stops the run early (a stopped point is not recorded as done). */
  signal?: AbortSignal;
}

export interface KindRun<A> {
  /** The backend that ran it (`tensorflow`, `wasm`, `cpu`, `js64`, or `float64 JS` for the solver). */
  backend: string;
  /** The run's own time in seconds, when it excludes a start-up the kind pays once per process (loading a backend). */
  seconds?: number;
  artifact: A;
}

export interface SweepKind<A = unknown> {
  readonly name: string;
  /** Fields a path may start with (the top-level keys of a config of this kind). */
  readonly fields: readonly string[];
  /** Fields a `seeds` list sets when the spec does not name them. */
  readonly seedFields: readonly string[];
  /** Checks the summary options of a spec; returns them with defaults filled in. */
  summaryOptions(options: unknown): Json;
  /** Runs one point and saves its artifact in `ctx.dir`. Throws a SaddlelabError on bad config. */
  run(config: Json, ctx: PointContext): Promise<KindRun<A>>;
  /** Reads a saved artifact back from a point's folder. */
  load(dir: string): A;
  /** The metrics of one run. */
  summarize(artifact: A, options: Json): Record<string, Metric>;
}
