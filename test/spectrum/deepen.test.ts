import { deepen } from '../../src/spectrum/deepen';
import { escape, escapeResidual } from '../../src/spectrum/escape';
import { localizedLoss } from '../../src/spectrum/localized';
import { circleToy } from '../../src/data/circle';
import { createRng } from '../../src/data/random';

const frob = (m: number[][]) => Math.sqrt(m.flat().reduce((a, v) => a + v * v, 0));

/** Plain-loop forward pass (column by column), independent of the solver's matrices. */
function outputs(W: number[][][], X: number[][]): number[][] {
  return X.map((x) => {
    let a = x;
    W.forEach((w, l) => {
      const z = w.map((row) => row.reduce((t, v, j) => t + v * a[j], 0));
      a = l < W.length - 1 ? z.map((v) => Math.max(v, 0)) : z;
    });
    return a;
  });
}

describe('deepen: one more layer for a deeper solve', () => {
  const rng = createRng(3);
  const X = Array.from({ length: 12 }, () => Array.from({ length: 3 }, () => rng.normal()));
  const G = Array.from({ length: 12 }, () => [rng.normal(), rng.normal()]);

  it('inserts a rank-1 non-negative unit layer and puts every layer at norm 1', () => {
    const W = [3, 4, 2].map((d, l) => Array.from({ length: d }, () => Array.from({ length: [3, 3, 4][l] }, () => rng.normal())));
    const D = deepen(W, X);
    expect(D.map((m) => [m.length, m[0].length])).toEqual([[3, 3], [4, 3], [4, 4], [2, 4]]);
    D.forEach((m) => expect(frob(m)).toBeCloseTo(1, 12));
    const V = D[2];
    V.flat().forEach((x) => expect(x).toBeGreaterThanOrEqual(0));
    // V = v vᵀ: rank 1, symmetric, v is V's first column normalized.
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(V[i][j] * V[0][0]).toBeCloseTo(V[i][0] * V[0][j], 12);
  });

  it('keeps the function exactly when the last hidden activation is rank 1 (and so the speed)', () => {
    // Last hidden layer with one non-zero row: Z2σ = e1 · relu(row) is rank 1 along e1.
    const W1 = [[1, -0.5, 0.2], [0.3, 0.8, -1], [-0.4, 0.1, 0.6]];
    const W2 = [[0.7, -0.2, 0.5], [0, 0, 0], [0, 0, 0]];
    const W3 = [[1.5, 0.4, -2], [-0.3, 0.9, 1.1]];
    const D = deepen([W1, W2, W3], X);
    const f0 = outputs([W1, W2, W3], X), f1 = outputs(D, X);
    // Same function up to the positive factor the normalization takes out: 1 / Π ‖W_ℓ‖.
    const k = 1 / (frob(W1) * frob(W2) * frob(W3));
    f0.forEach((y, n) => y.forEach((v, j) => expect(f1[n][j]).toBeCloseTo(k * v, 12)));
    // Speed of a balanced ρ on ‖ρ‖² = L is −L0(ρ)/Π‖W_ℓ‖ for any scaling of the layers.
    const s0 = -localizedLoss([W1, W2, W3], X, G) / (frob(W1) * frob(W2) * frob(W3));
    expect(escapeResidual(D, X, G).speed).toBeCloseTo(s0, 12);
  });

  it('a general direction loses speed by at most a factor the projection explains: output = W_L v vᵀ A', () => {
    const W = [3, 4, 2].map((d, l) => Array.from({ length: d }, () => Array.from({ length: [3, 3, 4][l] }, () => rng.normal())));
    const D = deepen(W, X);
    const v = D[2].map((row) => row[0] / Math.sqrt(D[2][0][0]));
    const Z = outputs(W.slice(0, 2), X).map((z) => z.map((x) => Math.max(x, 0)));   // A = Z2σ, rows
    const proj = Z.map((a) => { const c = a.reduce((t, x, j) => t + x * v[j], 0); return v.map((x) => x * c); });
    const expected = proj.map((a) => W[2].map((row) => row.reduce((t, w, j) => t + w * a[j], 0)));
    const k = 1 / (frob(W[0]) * frob(W[1]) * frob(W[2]));
    outputs(D, X).forEach((y, n) => y.forEach((val, j) => expect(val).toBeCloseTo(k * expected[n][j], 12)));
  });

  it('seeds escape(): the deeper solve starts at the deepened direction and ends at least as fast', () => {
    const toy = circleToy();
    const r3 = escape(toy.X, toy.G, { depth: 3, width: 4, starts: 6, seed: 1, steps: 800 });
    const start = deepen(r3.direction, toy.X);
    const r4 = escape(toy.X, toy.G, { depth: 4, width: 4, starts: 1, steps: 800, init: [start] });
    expect(r4.options.init).toBe(1);
    expect(r4.speed).toBeGreaterThanOrEqual(escapeResidual(start, toy.X, toy.G).speed - 1e-12);
    expect(r4.speed).toBeGreaterThan(0.4);
  });

  it('rejects what it cannot deepen, and escape() rejects init of the wrong shape', () => {
    expect(() => deepen([[[1, 0, 0]]], X)).toThrow(/\[saddlelab\] direction must be an escape direction with at least 2 layers/);
    const toy = circleToy();
    expect(() => escape(toy.X, toy.G, { depth: 3, width: 4, starts: 1, init: [[[[1, 0]], [[1]]]] })).toThrow(/\[saddlelab\] init\[0\] must be a direction with depth = 3/);
    expect(() => escape(toy.X, toy.G, { depth: 2, width: 2, starts: 1, init: [[[[1, 0]], [[1]]]] })).toThrow(/\[saddlelab\] init\[0\]\[0\] must be a 2 × 2 matrix/);
    expect(() => escape(toy.X, toy.G, { depth: 2, width: 1, starts: 1, init: [[[[1, 0]], [[1]]], [[[1, 0]], [[1]]]] })).toThrow(/at most starts = 1/);
  });
});
