import { singularValues } from '../../src/spectrum/svd';
import { linearTeacher, reluTeacher } from '../../src/data/teachers';
import { circleToy } from '../../src/data/circle';

describe('linearTeacher', () => {
  test('teacher has exactly the given singular values; y = x Tᵀ', () => {
    const ds = linearTeacher({ singularValues: [10, 20, 30, 40, 50], n: 100, dIn: 8, dOut: 6, seed: 1 });
    expect([ds.n, ds.dIn, ds.dOut, ds.x.length, ds.y.length]).toEqual([100, 8, 6, 800, 600]);
    const s = singularValues(ds.teacher, 6, 8);
    [50, 40, 30, 20, 10, 0].forEach((v, i) => expect(s[i]).toBeCloseTo(v, 10));
    for (let a = 0; a < 5; a++)
      for (let i = 0; i < 6; i++) {
        let t = 0;
        for (let j = 0; j < 8; j++) t += ds.teacher[i * 8 + j] * ds.x[a * 8 + j];
        expect(ds.y[a * 6 + i]).toBeCloseTo(t, 3);
      }
  });

  test('orthogonal: false is diag(s); whiten gives xᵀx/n = I', () => {
    const ds = linearTeacher({ singularValues: [10, 20, 30, 40, 50], n: 100, seed: 0, orthogonal: false, whiten: true });
    expect(ds.teacher[4 * 5 + 4]).toBe(50);
    expect(ds.teacher[1]).toBe(0);
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 5; j++) {
        let c = 0;
        for (let a = 0; a < 100; a++) c += ds.x[a * 5 + i] * ds.x[a * 5 + j];
        expect(c / 100).toBeCloseTo(i === j ? 1 : 0, 5);
      }
  });

  test('seeded', () => {
    const o = { singularValues: [1, 2], n: 10, seed: 9 };
    expect(Array.from(linearTeacher(o).y)).toEqual(Array.from(linearTeacher(o).y));
    expect(Array.from(linearTeacher(o).y)).not.toEqual(Array.from(linearTeacher({ ...o, seed: 10 }).y));
  });

  test('bad options name the field', () => {
    expect(() => linearTeacher({ singularValues: [], n: 10 })).toThrow(/^\[saddlelab\] linearTeacher.singularValues must be a non-empty array/);
    expect(() => linearTeacher({ singularValues: [1, -2], n: 10 })).toThrow(/^\[saddlelab\] linearTeacher.singularValues\[1\] must be a finite number >= 0; got -2/);
    expect(() => linearTeacher({ singularValues: [1], n: 0 })).toThrow(/^\[saddlelab\] linearTeacher.n must be a positive integer; got 0/);
    expect(() => linearTeacher({ singularValues: [1, 2, 3], n: 5, dIn: 2 })).toThrow(/^\[saddlelab\] linearTeacher.singularValues must be at most min\(dIn, dOut\) = 2 values/);
    expect(() => linearTeacher({ singularValues: [1, 2], n: 1, whiten: true })).toThrow(/^\[saddlelab\] linearTeacher.n must be at least dIn = 2 when whiten is true/);
    expect(() => linearTeacher({ singularValues: [1], n: 1, teacher: 1 } as never)).toThrow(/^\[saddlelab\] linearTeacher.teacher must be one of the known options/);
  });
});

describe('reluTeacher', () => {
  test('shapes, seeding, and targets of unit scale', () => {
    const ds = reluTeacher({ dIn: 20, dOut: 3, rank: 2, n: 2000, seed: 1 });
    expect([ds.n, ds.dIn, ds.dOut, ds.x.length, ds.y.length]).toEqual([2000, 20, 3, 40000, 6000]);
    expect(Array.from(reluTeacher({ dIn: 20, dOut: 3, rank: 2, n: 2000, seed: 1 }).y)).toEqual(Array.from(ds.y));
    let m2 = 0;
    for (const v of ds.y) m2 += v * v;
    m2 /= ds.y.length;
    expect(m2).toBeGreaterThan(0.1);
    expect(m2).toBeLessThan(10);
  });

  test('bad options name the field', () => {
    expect(() => reluTeacher({ dIn: 2, dOut: 1, rank: 3, n: 5 })).toThrow(/^\[saddlelab\] reluTeacher.rank must be at most min\(dIn, hidden\) = 2; got 3/);
    expect(() => reluTeacher({ dIn: 2, dOut: 1, rank: 1, n: 5, hidden: 0 })).toThrow(/^\[saddlelab\] reluTeacher.hidden must be a positive integer; got 0/);
  });
});

describe('circleToy', () => {
  test('8 unit vectors at angles 2πk/8, targets ±1, G = −N·∇C(0) alternating', () => {
    const t = circleToy();
    expect([t.n, t.dIn, t.dOut]).toEqual([8, 2, 1]);
    t.X.forEach((x, k) => {
      expect(Math.hypot(x[0], x[1])).toBeCloseTo(1, 15);
      expect(Math.atan2(x[1], x[0])).toBeCloseTo(Math.atan2(Math.sin((2 * Math.PI * k) / 8), Math.cos((2 * Math.PI * k) / 8)), 12);
      // MSE C = ‖Y − Y*‖²/(2N): ∇C(0) = −Y*/N, which is G/N
      expect(-t.y[k] / 8).toBe(t.G[k][0] / 8);
      expect(t.G[k][0]).toBe(k % 2 === 0 ? -1 : 1);
    });
    expect(() => circleToy({ n: 4 } as never)).toThrow(/^\[saddlelab\] circleToy.n must be one of the known options/);
  });
});
