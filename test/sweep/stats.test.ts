/**
 * Sweep statistics: Wilson intervals against published values, averages and error bars by hand,
 * pooled success rates, and power-law slopes of exact power laws.
 */
import { aggregate, powerLawFit, wilson } from '../../src/sweep/stats';

describe('wilson', () => {
  // 95 % Wilson score intervals (no continuity correction), as tabulated by Newcombe (1998), Table I.
  it.each([
    [0, 10, 0, 0.2775],
    [10, 10, 0.7225, 1],
    [5, 10, 0.2366, 0.7634],
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i of %i: [%f, %f]', (k, n, lo, hi) => {
    const w = wilson(k, n);
    expect(w.rate).toBe(k / n);
    expect(w.lo).toBeCloseTo(lo, 4);
    expect(w.hi).toBeCloseTo(hi, 4);
  });

  it('narrows like 1/√n and contains the rate', () => {
    const small = wilson(30, 100);
    const large = wilson(300, 1000);
    expect(large.hi - large.lo).toBeLessThan(small.hi - small.lo);
    expect((small.hi - small.lo) / (large.hi - large.lo)).toBeCloseTo(Math.sqrt(10), 1);
    expect(small.lo < 0.3 && 0.3 < small.hi).toBe(true);
  });

  it.each([
    [() => wilson(3, 2), /k must be an integer from 0 to n = 2/],
    [() => wilson(1, 2.5), /n must be an integer >= 0/],
    [() => wilson(1, 2, 0), /z must be a number > 0/],
  ])('bad input %#', (call, message) => expect(call).toThrow(message));
});

const row = (params: Record<string, unknown>, metrics: Record<string, unknown>, status = 'done') => ({ status, params, metrics });

describe('aggregate', () => {
  const rows = [
    row({ scale: 0.1, seed: 0 }, { depth: 3, t: 10 }),
    row({ scale: 0.1, seed: 1 }, { depth: 3, t: 14 }),
    row({ scale: 0.1, seed: 2 }, { depth: 3, t: 12 }),
    row({ scale: 0.01, seed: 0 }, { depth: 3, t: 100 }),
    row({ scale: 0.01, seed: 1 }, { depth: 3, t: 1000 }),
    row({ scale: 0.1, seed: 0 }, { depth: 4, t: 50 }),
    row({ scale: 0.1, seed: 1 }, { depth: 4, t: null }),
    row({ scale: 0.01, seed: 0 }, { depth: 4, t: 5 }, 'failed'),
  ];

  it('averages y over the rows of each (group, x), with standard-error bars, x ascending', () => {
    const a = aggregate(rows, { x: 'scale', y: 't', group: 'depth' });
    expect(a.used).toBe(6);
    expect(a.left).toBe(2); // the failed row and the one without an escape time
    expect(a.groups.map((g) => g.label)).toEqual(['3', '4']);
    const [p001, p01] = a.groups[0].points;
    expect(p001).toMatchObject({ x: 0.01, y: 550, n: 2 });
    // sd of (100, 1000) = 636.4; sem = sd/√2 = 450
    expect(p001.hi - p001.y).toBeCloseTo(450, 6);
    expect(p01).toMatchObject({ x: 0.1, y: 12, n: 3 });
    // sd of (10, 14, 12) = 2; sem = 2/√3
    expect(p01.y - p01.lo).toBeCloseTo(2 / Math.sqrt(3), 10);
    expect(aggregate(rows, { x: 'scale', y: 't', group: 'depth', bars: 'sd' }).groups[0].points[1].hi).toBeCloseTo(14, 10);
    expect(a.groups[1].points).toEqual([{ x: 0.1, y: 50, lo: 50, hi: 50, n: 1 }]);
  });

  it('geometric: mean and error of log10 y, mapped back', () => {
    const [p001] = aggregate(rows, { x: 'scale', y: 't', group: 'depth', average: 'geometric' }).groups[0].points;
    expect(p001.y).toBeCloseTo(Math.sqrt(100 * 1000), 8); // 10^mean(2, 3)
    // sd of (2, 3) = 0.7071; sem = 0.5 → ×/÷ 10^0.5
    expect(p001.hi / p001.y).toBeCloseTo(Math.sqrt(10), 8);
    expect(p001.y / p001.lo).toBeCloseTo(Math.sqrt(10), 8);
  });

  it('success rates pool hits and trials over the seeds, with Wilson intervals', () => {
    const s = [row({ width: 4, seed: 0 }, { hits: 2, starts: 10 }), row({ width: 4, seed: 1 }, { hits: 5, starts: 10 }), row({ width: 8, seed: 0 }, { hits: 10, starts: 10 })];
    const a = aggregate(s, { x: 'width', success: { hits: 'hits', trials: 'starts' } });
    expect(a.groups).toHaveLength(1);
    const [w4, w8] = a.groups[0].points;
    expect(w4).toEqual({ x: 4, y: 0.35, ...(({ lo, hi }) => ({ lo, hi }))(wilson(7, 20)), n: 20, k: 7 });
    expect(w8.y).toBe(1);
    expect(w8.hi).toBe(1);
  });

  it.each([
    [{ x: 'scale' }, /options.y must be a metric name, or options.success/],
    [{ x: 'scale', y: 't', success: { hits: 'h', trials: 'n' } }, /exactly one of them/],
    [{ x: '', y: 't' }, /options.x must be the name of a field/],
    [{ x: 'scale', y: 't', average: 'harmonic' }, /options.average must be 'arithmetic' or 'geometric'/],
    [{ x: 'scale', y: 'escapes' }, /"escapes" holds a list/],
  ])('bad options %j', (options, message) => {
    expect(() => aggregate([...rows, row({ scale: 1 }, { escapes: [1, 2] })], options as never)).toThrow(message);
  });
});

describe('powerLawFit', () => {
  it('recovers the exponent of an exact power law, and a noisy one within its standard error', () => {
    const x = [0.01, 0.02, 0.05, 0.1, 0.2];
    expect(powerLawFit(x, x.map((v) => 3 * v ** -2)).slope).toBeCloseTo(-2, 12);
    const noisy = powerLawFit(x, x.map((v, i) => v ** -1 * (1 + 0.05 * (i % 2 ? 1 : -1))));
    expect(Math.abs(noisy.slope + 1)).toBeLessThan(3 * noisy.stderr);
    expect(powerLawFit([1, -1, 2], [1, 1, 0]).n).toBe(1);
  });
});
