/**
 * The one seeded random stream of saddlelab: data generators, weight init and
 * the escape solver's random starts all draw from `createRng(seed)`, so the
 * same seed gives bit-identical numbers in every process and on every backend
 * (the draws happen in JS float64, never on the accelerator).
 */
import seedrandom from 'seedrandom';
import { fail } from '../errors';

/**
 * A seeded random number generator.
 *
 * @example
 * ```ts
 * import { data } from 'saddlelab';
 * const a = data.createRng(7), b = data.createRng(7);
 * console.log(a.normal() === b.normal()); // true
 * ```
 */
export interface Rng {
  /** The seed it was created with. */
  readonly seed: number | string;
  /** Uniform on [0, 1), 53 bits. */
  uniform(): number;
  /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** `n` standard normals times `scale` (default 1), in a new Float64Array. */
  normals(n: number, scale?: number): Float64Array;
  /** Fisher–Yates shuffled indices 0..n−1. */
  permutation(n: number): Int32Array;
  /** The stream's position, JSON-safe: `createRng(seed, state)` continues from it (checkpoints). */
  state(): RngState;
}

/** Where a stream stands: ARC4's state and the spare normal of the last Box–Muller pair. */
export interface RngState {
  arc4: { i: number; j: number; S: number[] };
  spare: number | null;
}

function checkState(value: unknown): RngState {
  const s = value as RngState | null;
  const a = s?.arc4;
  const ok =
    typeof s === 'object' && s !== null && typeof a === 'object' && a !== null &&
    Number.isInteger(a.i) && Number.isInteger(a.j) && Array.isArray(a.S) && a.S.length === 256 &&
    a.S.every((v) => Number.isInteger(v) && v >= 0 && v < 256) && (s.spare === null || Number.isFinite(s.spare));
  if (!ok) fail('state', 'an RngState { arc4: { i, j, S: 256 bytes }, spare } from rng.state()', value);
  return s as RngState;
}

/**
 * Creates a seeded generator (seedrandom's ARC4 stream, `double()` for 53-bit uniforms).
 * `seed` is a non-negative integer or a non-empty string. With `state` (from `rng.state()`)
 * it continues that stream exactly where it stood.
 *
 * @example
 * ```ts
 * import { data } from 'saddlelab';
 * const rng = data.createRng(0);
 * const w = rng.normals(6, 0.01); // six N(0, 0.01²) draws
 * ```
 */
export function createRng(seed: number | string = 0, state?: RngState): Rng {
  if (typeof seed === 'number') {
    if (!Number.isInteger(seed) || seed < 0) fail('seed', 'a non-negative integer or a non-empty string', seed);
  } else if (typeof seed !== 'string' || seed.length === 0) {
    fail('seed', 'a non-negative integer or a non-empty string', seed);
  }
  const start = state === undefined ? undefined : checkState(state);
  // `state` only adds prng.state(); the stream is the same with or without it.
  const prng = seedrandom(`saddlelab:${seed}`, { state: start ? { ...start.arc4, S: [...start.arc4.S] } : true });
  let spare: number | null = start ? start.spare : null;
  const uniform = (): number => prng.double();
  const normal = (): number => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    // 1 − u keeps the log argument in (0, 1]: u can be exactly 0, never 1.
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    const t = 2 * Math.PI * uniform();
    spare = r * Math.sin(t);
    return r * Math.cos(t);
  };
  return {
    seed,
    uniform,
    normal,
    int(n) {
      if (!Number.isInteger(n) || n <= 0) fail('n', 'a positive integer', n);
      return Math.floor(uniform() * n);
    },
    normals(n, scale = 1) {
      if (!Number.isInteger(n) || n < 0) fail('n', 'an integer >= 0', n);
      if (!Number.isFinite(scale)) fail('scale', 'a finite number', scale);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = scale * normal();
      return out;
    },
    permutation(n) {
      if (!Number.isInteger(n) || n < 0) fail('n', 'an integer >= 0', n);
      const p = new Int32Array(n);
      for (let i = 0; i < n; i++) p[i] = i;
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(uniform() * (i + 1));
        const t = p[i];
        p[i] = p[j];
        p[j] = t;
      }
      return p;
    },
    state() {
      const a = prng.state();
      return { arc4: { i: a.i, j: a.j, S: Array.from(a.S) }, spare };
    },
  };
}
