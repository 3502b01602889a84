/**
 * Making an escape direction one layer deeper (docs/paper.md, "Theorem 3.1 and companions": Prop. 3.2 and 3.3), so
 * the solver can start a deep solve from a shallower optimum.
 *
 * Why: on the sphere `‖ρ‖² = L` a random direction passes signals through L
 * layers of random matrices of norm ≈ 1, each shrinking them by about
 * `1/√(2·width)`, so `L0` and its gradient are tiny there and spherical
 * gradient descent from random starts does not move at depth ≳ 12 (it stops
 * at speed ≈ 0). A rank-1 non-negative layer `V = v vᵀ` (norm 1) inserted after
 * the last hidden layer passes `A = Z_{L−1}σ` through unchanged when A is rank 1
 * along v (`relu(v vᵀ a) = v vᵀ a` for `v, a ≥ 0`), which is how a deeper network
 * can escape as fast as a shallower one.
 */
import { Matrix, SVD } from 'ml-matrix';
import { fail } from '../errors';
import { checkProblem, forward, type NestedWeights } from './localized';

/**
 * The direction `ρ` with one more layer: `V = v vᵀ` inserted between the last
 * hidden layer and the output layer, where `v ≥ 0` is the top right singular
 * vector of the last hidden activation `Z_{L−1}σ` (N × width; non-negative, so v
 * can be taken non-negative, Perron–Frobenius). The output becomes
 * `W_L v vᵀ Z_{L−1}σ`: the part of the activation along v. Every layer is then
 * scaled to Frobenius norm 1 (positive scalings between layers keep the
 * function's direction), so the result lies on `‖ρ‖² = L + 1` and its speed
 * `−L0` equals `−L0(ρ)/Π_ℓ ‖W_ℓ‖_F` of the new layers: the old speed when ρ is
 * balanced and its last activation is exactly rank 1, less otherwise.
 * ReLU networks only; `direction` needs a hidden layer (L ≥ 2).
 *
 * @example
 * ```ts
 * import { spectrum, data } from 'saddlelab';
 * const toy = data.circleToy();
 * const r3 = spectrum.escape(toy.X, toy.G, { depth: 3, width: 4, starts: 4 });
 * const r4 = spectrum.escape(toy.X, toy.G, { depth: 4, width: 4, starts: 1, init: [spectrum.deepen(r3.direction, toy.X)] });
 * console.log(r3.speed.toFixed(4), r4.speed.toFixed(4));
 * ```
 */
export function deepen(direction: NestedWeights, X: number[][]): NestedWeights {
  if (!Array.isArray(direction) || direction.length < 2) fail('direction', 'an escape direction with at least 2 layers (a hidden layer to insert after)', direction);
  const outputs = Array.isArray(direction[direction.length - 1]) ? direction[direction.length - 1].length : 0;
  // checkProblem validates shapes; G only needs the right shape here.
  const p = checkProblem(direction, X, X.map(() => new Array<number>(Math.max(outputs, 1)).fill(0)));
  const L = p.W.length;
  const Z = forward(p.W, p.X, 'relu');
  const A = Z[L - 2].clone();
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.columns; j++) if (A.get(i, j) < 0) A.set(i, j, 0);
  const w = A.columns;
  const v = new Array<number>(w).fill(0);
  if (A.norm() > 0) {
    const svd = new SVD(A, { computeLeftSingularVectors: false, computeRightSingularVectors: true, autoTranspose: true });
    const d = svd.diagonal;
    let top = 0;
    d.forEach((s, k) => {
      if (s > d[top]) top = k;
    });
    const V = svd.rightSingularVectors;
    const sign = V.getColumn(top).reduce((a, x) => a + x, 0) < 0 ? -1 : 1;
    // Rounding can leave entries of a Perron vector at −1e−17; clipping keeps relu(v vᵀ a) = v vᵀ a exact.
    for (let j = 0; j < w; j++) v[j] = Math.max(0, sign * V.get(j, top));
  } else {
    v[0] = 1; // a dead last layer: any unit vector; the speed is 0 either way
  }
  const vNorm = Math.hypot(...v);
  const inserted = new Matrix(w, w);
  for (let i = 0; i < w; i++) for (let j = 0; j < w; j++) inserted.set(i, j, (v[i] * v[j]) / (vNorm * vNorm));
  const layers = [...p.W.slice(0, L - 1), inserted, p.W[L - 1]];
  return layers.map((m) => {
    const n = m.norm();
    return (n > 0 ? Matrix.div(m, n) : m).to2DArray();
  });
}
