/**
 * Example 1 of the paper (docs/paper.md, "Example 1"): 8 inputs on the unit circle,
 * `x_k = (cos 2πk/8, sin 2πk/8)`, where the optimal escape of a depth-3 ReLU
 * network is not rank 1 in every layer.
 */
import { requireKnownKeys, requireObject } from '../errors';
import type { Dataset } from './dataset';

/** Example 1 as a data set plus the escape problem `{X, G}` the solver takes. */
export interface CircleToy extends Dataset {
  /** The 8 inputs as rows, `X[k] = [cos 2πk/8, sin 2πk/8]`. */
  X: number[][];
  /** The paper's `G` (8 × 1): −1 at even k, +1 at odd k. */
  G: number[][];
}

/**
 * Example 1: `x` is `8 × 2`, `y` is `8 × 1` with `y_k = +1` at even `k` and
 * `−1` at odd `k`. For the MSE `C = ‖Y − Y*‖²/(2N)` the gradient at zero output
 * is `∇C(0) = −Y* / N = ∓1/8`: it alternates in sign between neighbours, and is
 * the paper's `G` (−1 at even k, +1 at odd k) divided by N = 8. `X` and `G` are
 * given as well, for the escape solver. With this G the best all-rank-1 escape
 * (depth 3) has speed √2 − 1 and the rank-2 construction `circleRank2Direction()`
 * has speed 1/2; the speeds scale linearly with G (training with the MSE sees
 * 1/8 of them), and G → −G leaves them unchanged (flip the last layer).
 *
 * @example
 * ```ts
 * import { data } from 'saddlelab';
 * const toy = data.circleToy();
 * console.log(toy.n, toy.dIn, toy.dOut, toy.G.map((g) => g[0]).join(' ')); // 8 2 1 -1 1 -1 1 -1 1 -1 1
 * ```
 */
export function circleToy(options: Record<string, never> = {}): CircleToy {
  requireObject('circleToy options', options);
  requireKnownKeys('circleToy', options, []);
  const n = 8;
  // Exact values (0, ±1, ±√½) rather than Math.cos/sin, whose rounding (cos π/2 = 6e-17,
  // cos π/4 ≠ sin π/4 by one ulp) would move points off the ReLU kinks that the
  // rank-2 optimum sits on.
  const X = Array.from({ length: n }, (_, k) => [exactTrig(Math.cos((2 * Math.PI * k) / n)), exactTrig(Math.sin((2 * Math.PI * k) / n))]);
  const G = Array.from({ length: n }, (_, k) => [k % 2 === 0 ? -1 : 1]);
  const x = Float32Array.from(X.flat());
  const y = Float32Array.from(G.map((g) => -g[0]));
  return { name: 'Example 1: 8 points on the circle, alternating targets', n, dIn: 2, dOut: 1, x, y, X, G };
}

/**
 * The paper's rank-2 escape direction for Example 1 (depth 3, hidden widths 4 and 1):
 * `W1 = ½[[1,0],[0,1],[−1,0],[0,−1]]`, `W2 = ½[1,−1,1,−1]`, `W3 = [1]`, with
 * `Σ‖W_ℓ‖² = 1 + 1 + 1 = 3 = L`. The network computes `relu(|x1| − |x2|)/4`, which
 * is 1/4 at k = 0, 4 and 0 elsewhere, so `L0 = −1/2` and the speed is 1/2.
 *
 * @example
 * ```ts
 * import { data, spectrum } from 'saddlelab';
 * const toy = data.circleToy();
 * console.log(-spectrum.localizedLoss(data.circleRank2Direction(), toy.X, toy.G)); // 0.5
 * ```
 */
export function circleRank2Direction(): number[][][] {
  return [
    [
      [0.5, 0],
      [0, 0.5],
      [-0.5, 0],
      [0, -0.5],
    ],
    [[0.5, -0.5, 0.5, -0.5]],
    [[1]],
  ];
}

function exactTrig(v: number): number {
  for (const exact of [0, 1, -1, Math.SQRT1_2, -Math.SQRT1_2]) if (Math.abs(v - exact) < 1e-12) return exact;
  return v;
}
