import { escape, escapeResidual } from '../../src/spectrum/escape';
import { Matrix } from 'ml-matrix';
import { createLocalized64, localizedLoss, localizedLossGradient } from '../../src/spectrum/localized';
import { circleRank2Direction, circleToy } from '../../src/data/circle';
import { createRng } from '../../src/data/random';

/** Independent reference: L0 by plain loops, column by column as the paper writes it. */
function referenceL0(W: number[][][], X: number[][], G: number[][], relu: boolean): number {
  let total = 0;
  X.forEach((x, n) => {
    let a = x;
    W.forEach((w, l) => {
      const z = w.map((row) => row.reduce((t, v, j) => t + v * a[j], 0));
      a = l < W.length - 1 && relu ? z.map((v) => Math.max(v, 0)) : z;
    });
    a.forEach((y, k) => (total += G[n][k] * y));
  });
  return total;
}

function randomProblem(seed: number, dims: number[], n: number) {
  const rng = createRng(seed);
  const W = dims.slice(1).map((d, l) => Array.from({ length: d }, () => Array.from({ length: dims[l] }, () => rng.normal())));
  const X = Array.from({ length: n }, () => Array.from({ length: dims[0] }, () => rng.normal()));
  const G = Array.from({ length: n }, () => Array.from({ length: dims[dims.length - 1] }, () => rng.normal()));
  return { W, X, G };
}

describe('localized loss L0 = Tr[Gᵀ Y]', () => {
  test.each(['relu', 'linear'] as const)('%s: value matches the reference, gradient matches central finite differences', (activation) => {
    const { W, X, G } = randomProblem(3, [3, 5, 4, 2], 7);
    const { value, gradient } = localizedLossGradient(W, X, G, { activation });
    expect(value).toBeCloseTo(referenceL0(W, X, G, activation === 'relu'), 12);
    expect(localizedLoss(W, X, G, { activation })).toBe(value);
    const h = 1e-6;
    let checked = 0;
    W.forEach((w, l) =>
      w.forEach((row, i) =>
        row.forEach((_, j) => {
          const plus = W.map((m) => m.map((r) => [...r]));
          const minus = W.map((m) => m.map((r) => [...r]));
          plus[l][i][j] += h;
          minus[l][i][j] -= h;
          const fd = (referenceL0(plus, X, G, activation === 'relu') - referenceL0(minus, X, G, activation === 'relu')) / (2 * h);
          expect(Math.abs(gradient[l][i][j] - fd)).toBeLessThan(1e-7 * Math.max(1, Math.abs(fd)));
          checked++;
        }),
      ),
    );
    expect(checked).toBe(3 * 5 + 5 * 4 + 4 * 2);
  });

  test('one float64 evaluator reused across points gives what a fresh one gives (the solver reuses one per run)', () => {
    const dims = [3, 4, 4, 2];
    const { X, G } = randomProblem(5, dims, 6);
    const f = createLocalized64(dims, new Matrix(X), new Matrix(G), 'relu', 0.5);
    for (let s = 0; s < 3; s++) {
      const { W } = randomProblem(10 + s, dims, 6);
      const grad = W.map((w) => new Float64Array(w.length * w[0].length));
      const value = f.lossAndGradient(W.map((w) => Float64Array.from(w.flat())), grad);
      const fresh = localizedLossGradient(W, X, G, { reluGradAtZero: 0.5 });
      expect(value).toBe(fresh.value);
      expect(value).toBeCloseTo(referenceL0(W, X, G, true), 12);
      grad.forEach((g, l) => expect(Array.from(g)).toEqual(fresh.gradient[l].flat()));
    }
  });

  test('Euler identity for the L-homogeneous L0: θ·∇L0(θ) = L·L0(θ)', () => {
    const { W, X, G } = randomProblem(4, [2, 6, 6, 6, 1], 9);
    const { value, gradient } = localizedLossGradient(W, X, G);
    let dot = 0;
    W.forEach((w, l) => w.forEach((row, i) => row.forEach((v, j) => (dot += v * gradient[l][i][j]))));
    expect(dot).toBeCloseTo(4 * value, 10);
  });
});

describe('Example 1 (circle, depth 3)', () => {
  const toy = circleToy();

  test('the rank-2 construction has speed exactly 1/2 and ‖θ‖² = L = 3', () => {
    const rho = circleRank2Direction();
    const normSq = rho.flat(2).reduce((t, v) => t + v * v, 0);
    expect(normSq).toBe(3);
    expect(-localizedLoss(rho, toy.X, toy.G)).toBeCloseTo(0.5, 15);
    expect(-referenceL0(rho, toy.X, toy.G, true)).toBeCloseTo(0.5, 15);
    // Same speed for −G with the last layer flipped: the sign convention of G does not matter.
    const minusG = toy.G.map((g) => [-g[0]]);
    const flipped = [rho[0], rho[1], [[-1]]];
    expect(-localizedLoss(flipped, toy.X, minusG)).toBeCloseTo(0.5, 15);
  });

  test('the rank-2 construction satisfies ∇L0(ρ) = −sρ with relu\'(0) = √2/4 at its kinks', () => {
    // The odd-k points sit exactly on the kink of the layer-2 ReLU, so L0 is not
    // differentiable at ρ: with relu'(0) = 0 (tfjs's choice) the residual is 1/√2,
    // and the Clarke subgradient with relu'(0) = √2/4 makes it vanish.
    const rho = circleRank2Direction();
    const exact = escapeResidual(rho, toy.X, toy.G, { reluGradAtZero: Math.SQRT2 / 4 });
    expect(exact.speed).toBeCloseTo(0.5, 15);
    expect(exact.residual).toBeLessThan(1e-14);
    expect(escapeResidual(rho, toy.X, toy.G).residual).toBeCloseTo(Math.SQRT1_2, 14);
  });

  test('an explicit rank-1 direction has speed √2 − 1 and is a critical point', () => {
    const r = Math.SQRT1_2;
    const rank1 = [[[r, 0], [-r, 0]], [[r, r]], [[-1]]]; // computes −|x1|/2
    const res = escapeResidual(rank1, toy.X, toy.G);
    expect(res.speed).toBeCloseTo(Math.SQRT2 - 1, 14);
    expect(res.residual).toBeLessThan(1e-12);
  });

  test('the solver finds √2 − 1 with rank-1 layers at width 2', () => {
    const result = escape(toy.X, toy.G, { depth: 3, width: 2, starts: 20, seed: 1, steps: 3000, stepSize: 0.5 });
    expect(result.speed).toBeCloseTo(Math.SQRT2 - 1, 3);
    expect(result.speed).toBeLessThan(0.5 - 0.05);
    for (const s of result.layerSingularValues) if (s.length > 1) expect(s[1]).toBeLessThan(1e-3 * s[0]);
    const normSq = result.direction.flat(2).reduce((t, v) => t + v * v, 0);
    expect(normSq).toBeCloseTo(3, 12);
    expect(result.starts).toHaveLength(20);
    expect(result.reachedBest).toBeGreaterThanOrEqual(1);
    // No residual bound here: the optimum sits on a ReLU kink (x = (0, ±1) has Z1 = 0), where the
    // one-sided gradient of a numerical iterate need not equal −sρ; the explicit direction above is checked exactly.
    expect(Number.isFinite(result.residual)).toBe(true);
    console.log(`width 2: best speed ${result.speed.toFixed(6)}, ${result.reachedBest}/20 starts reached it; starts ${result.starts.map((s) => s.toFixed(3)).join(' ')}`);
  });

  test('the solver finds the rank-2 escape 1/2 at width 16', () => {
    const result = escape(toy.X, toy.G, { depth: 3, width: 16, starts: 2, seed: 1, steps: 4000, stepSize: 0.5 });
    expect(result.speed).toBeCloseTo(0.5, 3);
    expect(result.speed).toBeLessThanOrEqual(0.5 + 1e-9);
    // layer 1 is rank 2: its second singular value is far from 0
    const s1 = result.layerSingularValues[0];
    expect(s1[1]).toBeGreaterThan(0.1 * s1[0]);
    // and the speed is confirmed by the independent reference forward pass
    expect(-referenceL0(result.direction, toy.X, toy.G, true)).toBeCloseTo(result.speed, 12);
    console.log(`width 16: best speed ${result.speed.toFixed(6)}, layer-1 singular values ${s1.map((v) => v.toFixed(3)).join(' ')}; starts ${result.starts.map((s) => s.toFixed(3)).join(' ')}`);
  });

  test('success rate of the rank-2 escape as width grows (reported); every rank-2-speed start has a rank-2 first layer', () => {
    const rates: string[] = [];
    for (const width of [4, 12]) {
      const r = escape(toy.X, toy.G, { width, starts: 10, seed: 1, steps: 2000, spectraPerStart: true });
      const spectra = r.startSpectra!;
      expect(spectra).toHaveLength(10);
      let rank2 = 0;
      r.starts.forEach((speed, i) => {
        if (speed >= 0.499) {
          rank2++;
          expect(spectra[i][0][1]).toBeGreaterThan(0.1 * spectra[i][0][0]);
        }
        // every start is a point on the sphere with its reported speed
        expect(speed).toBeGreaterThanOrEqual(0);
      });
      rates.push(`width ${width}: ${rank2}/10 starts reach 1/2`);
    }
    console.log(`Example 1 rank-2 success rate: ${rates.join('; ')}`);
  });

  test('seeded: the same seed gives the same starts', () => {
    const a = escape(toy.X, toy.G, { width: 3, starts: 3, seed: 5, steps: 200 });
    const b = escape(toy.X, toy.G, { width: 3, starts: 3, seed: 5, steps: 200 });
    expect(a.starts).toEqual(b.starts);
    expect(a.direction).toEqual(b.direction);
  });
});

describe('bad input', () => {
  const toy = circleToy();
  test.each([
    [{ depth: 0 }, /^\[saddlelab\] depth must be a positive integer; got 0/],
    [{ width: -3 }, /^\[saddlelab\] width must be a positive integer; got -3/],
    [{ width: [4] }, /^\[saddlelab\] width must be a number or an array of depth − 1 = 2 widths; got an array of length 1/],
    [{ starts: 1.5 }, /^\[saddlelab\] starts must be a positive integer; got 1.5/],
    [{ stepSize: Infinity }, /^\[saddlelab\] stepSize must be a finite number > 0; got Infinity/],
    [{ activation: 'tanh' }, /^\[saddlelab\] activation must be one of 'relu', 'linear'; got "tanh"/],
    [{ widths: 3 }, /^\[saddlelab\] escape.widths must be one of the known options/],
  ])('escape options %p', (options, message) => {
    expect(() => escape(toy.X, toy.G, options as never)).toThrow(message);
  });

  test('shapes', () => {
    expect(() => escape(toy.X, toy.G.slice(1))).toThrow(/^\[saddlelab\] G must be 8 rows \(one per row of X\); got 7 rows/);
    expect(() => escape([[1, 2], [3]], [[1], [1]])).toThrow(/^\[saddlelab\] X\[1\] must be an array of 2 numbers/);
    expect(() => escape(toy.X, toy.G.map(() => [0]))).toThrow(/^\[saddlelab\] G must be a matrix with a non-zero entry/);
    expect(() => localizedLoss([[[1, 0, 0]]], toy.X, toy.G)).toThrow(/^\[saddlelab\] weights\[0\] must be 2 columns/);
    expect(() => localizedLoss([[[1, 0]], [[1, 1]]], toy.X, toy.G)).toThrow(/^\[saddlelab\] weights\[1\] must be 1 columns/);
    expect(() => localizedLoss([[[1, 0]], [[NaN]]], toy.X, toy.G)).toThrow(/^\[saddlelab\] weights\[1\]\[0\]\[0\] must be a finite number/);
    expect(() => localizedLossGradient([[[1, 0]]], toy.X, toy.G, { reluGradAtZero: 2 })).toThrow(/^\[saddlelab\] reluGradAtZero must be a number in \[0, 1\]; got 2/);
  });
});
