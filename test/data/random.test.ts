import { createRng } from '../../src/data/random';

describe('createRng', () => {
  test('same seed ⇒ identical numbers; different seeds differ', () => {
    const a = createRng(7), b = createRng(7), c = createRng(8);
    const xa = a.normals(1000), xb = b.normals(1000), xc = c.normals(1000);
    expect(Array.from(xa)).toEqual(Array.from(xb));
    expect(Array.from(xa)).not.toEqual(Array.from(xc));
    expect(createRng('s').uniform()).toBe(createRng('s').uniform());
  });

  test('normal() has mean 0 and variance 1; uniform() in [0, 1) with mean 1/2', () => {
    const rng = createRng(1);
    const n = 200000;
    const x = rng.normals(n);
    const mean = x.reduce((t, v) => t + v, 0) / n;
    const variance = x.reduce((t, v) => t + (v - mean) ** 2, 0) / n;
    // 5 standard errors: fails only if the generator is wrong
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    let u = 0, lo = 1, hi = 0;
    for (let i = 0; i < n; i++) {
      const v = rng.uniform();
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      u += v;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(Math.abs(u / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
  });

  test('permutation is a permutation; int is in range', () => {
    const rng = createRng(2);
    const p = Array.from(rng.permutation(50));
    expect([...p].sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
    for (let i = 0; i < 100; i++) {
      const k = rng.int(3);
      expect([0, 1, 2]).toContain(k);
    }
  });

  test('bad seeds name the field', () => {
    expect(() => createRng(-1)).toThrow(/^\[saddlelab\] seed must be a non-negative integer or a non-empty string; got -1/);
    expect(() => createRng(1.5)).toThrow(/^\[saddlelab\] seed must be/);
    expect(() => createRng('')).toThrow(/^\[saddlelab\] seed must be/);
    expect(() => createRng(0).int(0)).toThrow(/^\[saddlelab\] n must be a positive integer; got 0/);
  });
});

describe('rng.state()', () => {
  test('a stream continued from its state gives the same numbers as the uninterrupted one, mid Box–Muller pair included', () => {
    const whole = createRng(5);
    const first = whole.normals(3); // odd: a spare normal is pending
    const saved = JSON.parse(JSON.stringify(whole.state()));
    const rest = [whole.normal(), whole.uniform(), ...whole.permutation(20)];
    const resumed = createRng(5, saved);
    expect([resumed.normal(), resumed.uniform(), ...resumed.permutation(20)]).toEqual(rest);
    expect(first.length).toBe(3);
    // Without the state it would start over.
    expect(createRng(5).normal()).not.toBe(rest[0]);
  });

  test('a malformed state is a [saddlelab] error naming state', () => {
    expect(() => createRng(1, { arc4: { i: 0, j: 0, S: [1, 2] }, spare: null })).toThrow(/^\[saddlelab\] state must be an RngState/);
  });
});
