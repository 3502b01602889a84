/**
 * The runs registry: every training run and trainer created in this process, latest last, so
 * one whose cell was interrupted or threw (tslab drops that cell's declarations) can still be
 * reached from the next cell with its history and controls: `train.lastRun()`, `train.runs()`.
 *
 * It stores what it is given (anything with a `history`); fit.ts and trainer.ts, which add
 * to it, give the entries their types.
 */
import { requireObject, requirePositiveInt } from '../errors';

/** What the registry needs of a run or trainer. */
export interface RunLike {
  readonly history: object;
}

export interface RunRegistry<T extends RunLike = RunLike> {
  /**
   * Adds `run` as the latest. An entry with the same history (the trainer a run was made
   * from) is replaced by it, so each history is listed once. Past `limit` entries the
   * oldest goes.
   */
  add(run: T): void;
  /** The entries, oldest first. */
  list(): T[];
  /** The latest entry, if any. */
  last(): T | undefined;
  /** Forgets every entry. */
  clear(): void;
}

export interface RunRegistryOptions {
  /** Most entries kept (default 20): a sweep making thousands of trainers keeps only the latest. */
  limit?: number;
}

/**
 * Creates a runs registry (the process has one, `runRegistry`; tests make their own).
 *
 * @example
 * ```ts
 * const runs = createRunRegistry({ limit: 2 });
 * const history = {};
 * runs.add({ history });
 * console.log(runs.last()?.history === history); // true
 * ```
 */
export function createRunRegistry<T extends RunLike = RunLike>(options: RunRegistryOptions = {}): RunRegistry<T> {
  requireObject('options', options);
  const limit = options.limit === undefined ? 20 : requirePositiveInt('limit', options.limit);
  let entries: T[] = [];
  return {
    add(run) {
      requireObject('run', run);
      requireObject('run.history', run.history);
      entries = entries.filter((e) => e !== run && e.history !== run.history);
      entries.push(run);
      if (entries.length > limit) entries.splice(0, entries.length - limit);
    },
    list: () => entries.slice(),
    last: () => entries[entries.length - 1],
    clear() {
      entries = [];
    },
  };
}

/** The process's registry, which `train.start()` and `train.createTrainer()` add to. */
export const runRegistry: RunRegistry = createRunRegistry();
