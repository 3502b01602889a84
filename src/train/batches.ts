/**
 * How stochastic gradient descent draws its mini-batches (docs/native.md,
 * "Mini-batches"): epochs of a seeded permutation. At the start of an epoch
 * the trainer's stream `createRng(seed)` (src/data/random.ts: ARC4 through
 * seedrandom, Fisher–Yates) draws a permutation of the n samples; batch k of
 * the epoch is entries `k·b … k·b + b − 1` of it. A short last batch (n not a
 * multiple of b) is skipped and the next epoch starts. So the same seed gives
 * the same batches in every process and for every engine, and a checkpoint
 * that keeps the stream's state, the permutation and the cursor continues it
 * exactly.
 */
import { createRng, type RngState } from '../data/random';
import { fail, requireNonNegativeInt } from '../errors';

/** Where a sampler stands (JSON-safe; checkpoints keep it). */
export interface BatchSamplerState {
  rng: RngState;
  /** The current epoch's permutation (empty before the first batch). */
  order: number[];
  /** Index in `order` of the next batch's first sample. */
  cursor: number;
}

export interface BatchSampler {
  readonly batchSize: number;
  /** The next batch's sample indices (a view, valid until the next call). */
  next(): Int32Array;
  state(): BatchSamplerState;
}

/** A sampler of batches of `batchSize` out of `n` samples, seeded by `seed`, or continuing `state`. */
export function createBatchSampler(n: number, batchSize: number, seed: number, state?: BatchSamplerState): BatchSampler {
  const rng = createRng(seed, state?.rng);
  let order = new Int32Array(0);
  let cursor = 0;
  if (state) {
    if (!Array.isArray(state.order) || (state.order.length !== 0 && state.order.length !== n)) fail('state.order', `an empty array or a permutation of ${n} indices`, state.order);
    order = Int32Array.from(state.order);
    cursor = requireNonNegativeInt('state.cursor', state.cursor);
  }
  return {
    batchSize,
    next() {
      if (cursor + batchSize > order.length) {
        order = rng.permutation(n);
        cursor = 0;
      }
      const batch = order.subarray(cursor, cursor + batchSize);
      cursor += batchSize;
      return batch;
    },
    state: () => ({ rng: rng.state(), order: Array.from(order), cursor }),
  };
}
