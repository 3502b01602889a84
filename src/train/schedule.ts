/**
 * When to take spectrum records: every k steps, log-spaced (so the plateau near
 * the origin and the fast escape both get points), and/or at given steps. Step 0
 * and the last step are always recorded.
 */
import { fail, requireNonNegativeInt, requireObject, requirePositiveInt } from '../errors';

export interface ScheduleOptions {
  /** Record every `every` steps. */
  every?: number;
  /** Record about this many log-spaced steps per decade of steps. */
  logSpaced?: number;
  /** Record at exactly these steps. */
  at?: number[];
}

/** A predicate over steps; `last` is the final step of the run. */
export type Schedule = (step: number, last: number) => boolean;

export const SCHEDULE_KEYS = ['every', 'logSpaced', 'at'] as const;

/**
 * Builds a schedule. With no option given: 20 log-spaced records per decade.
 *
 * @example
 * ```ts
 * import { train } from 'saddlelab';
 * const s = train.schedule({ every: 100 });
 * console.log(s(0, 1000), s(50, 1000), s(100, 1000), s(1000, 1000)); // true false true true
 * ```
 */
export function schedule(options: ScheduleOptions = {}, field = 'record'): Schedule {
  requireObject(field, options);
  const { every, logSpaced, at } = options;
  if (every !== undefined) requirePositiveInt(`${field}.every`, every);
  if (logSpaced !== undefined) requirePositiveInt(`${field}.logSpaced`, logSpaced);
  const atSet = new Set<number>();
  if (at !== undefined) {
    if (!Array.isArray(at)) fail(`${field}.at`, 'an array of step numbers (integers >= 0)', at);
    at.forEach((s, i) => atSet.add(requireNonNegativeInt(`${field}.at[${i}]`, s)));
  }
  const perDecade = logSpaced ?? (every === undefined && at === undefined ? 20 : undefined);
  // Log-spaced steps round(10^(i/perDecade)), deduplicated: dense early, sparse late.
  const logSteps = new Set<number>();
  if (perDecade !== undefined) {
    for (let i = 0; i < perDecade * 10; i++) {
      const s = Math.round(Math.pow(10, i / perDecade));
      if (s > 1e10) break;
      logSteps.add(s);
    }
  }
  return (step, last) =>
    step === 0 || step === last || atSet.has(step) || logSteps.has(step) || (every !== undefined && step % every === 0);
}

/** The schedule part of a record-options object. */
export function pickSchedule(record: object): ScheduleOptions {
  const { every, logSpaced, at } = record as ScheduleOptions;
  return { every, logSpaced, at };
}
