/**
 * Shards: a deterministic split of a sweep's points that any scheduler can run, one shard per
 * task (a Slurm array task, a Kubernetes Indexed Job's pod). Shard `I/N` (0 ≤ I < N) takes the
 * points whose index is I modulo N: every point falls in exactly one shard, and neighbours in the
 * grid (which often cost about the same) are spread over the shards rather than bunched in one.
 *
 * @example
 * ```ts
 * import { parseShard, shardPoints } from './shard';
 * const shard = parseShard('1/3');
 * console.log(shardPoints([0, 1, 2, 3, 4].map((index) => ({ index })), shard).map((p) => p.index)); // [1, 4]
 * ```
 */
import { fail, requireNonNegativeInt, requireObject, requirePositiveInt } from '../errors';

export interface Shard {
  /** 0-based, below `count`. */
  index: number;
  count: number;
}

/** Parses `"I/N"` (as `--shard` takes it) or `{ index, count }`. */
export function parseShard(value: unknown, field = 'shard'): Shard {
  let index: unknown, count: unknown;
  if (typeof value === 'string') {
    const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
    if (!m) fail(field, '"I/N" with 0 ≤ I < N, such as "0/4" (Slurm: "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT")', value);
    index = Number(m[1]);
    count = Number(m[2]);
  } else {
    const o = requireObject(field, value);
    index = o.index;
    count = o.count;
  }
  const n = requirePositiveInt(`${field}.count`, count);
  const i = requireNonNegativeInt(`${field}.index`, index);
  if (i >= n) fail(`${field}.index`, `an integer from 0 to count − 1 = ${n - 1}`, i);
  return { index: i, count: n };
}

/** The points of one shard, in their order. */
export function shardPoints<P extends { index: number }>(points: P[], shard: Shard): P[] {
  return points.filter((p) => p.index % shard.count === shard.index);
}
