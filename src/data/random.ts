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
}

/**
 * Creates a seeded generator (seedrandom's ARC4 stream, `double()` for 53-bit uniforms).
 * `seed` is a non-negative integer or a non-empty string.
 *
 * @example
 * ```ts
 * import { data } from 'saddlelab';
 * const rng = data.createRng(0);
 * const w = rng.normals(6, 0.01); // six N(0, 0.01²) draws
 * ```
 */
export function createRng(seed: number | string = 0): Rng {
  if (typeof seed === 'number') {
    if (!Number.isInteger(seed) || seed < 0) fail('seed', 'a non-negative integer or a non-empty string', seed);
  } else if (typeof seed !== 'string' || seed.length === 0) {
    fail('seed', 'a non-negative integer or a non-empty string', seed);
  }
  const prng = seedrandom(`saddlelab:${seed}`);
  let spare: number | null = null;
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
  };
}
