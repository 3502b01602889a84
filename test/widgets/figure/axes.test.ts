/** Fitted ranges, readable ticks and the smoothing window of the figure description. */
import { axisTicks, fitRange, formatTicks, formatValue, roomy, unionRange } from '../../../src/widgets/figure/axes';
import { smoothSeries } from '../../../src/widgets/figure/data';

const labels = (type: 'linear' | 'log', range: [number, number], integer = false) => axisTicks(type, range, integer).map((t) => t.label);

describe('ticks', () => {
  test('a log axis of less than a decade gets full labels at every digit, never bare digits', () => {
    // The deep-linear tutorial's loss ends at 0.567: a reader must find a tick below 1.
    expect(labels('log', [0.55, 2.1])).toEqual(['0.6', '0.7', '0.8', '0.9', '1', '2']);
    expect(labels('log', [0.12, 0.95])).toEqual(['0.2', '0.3', '0.4', '0.5', '0.6', '0.7', '0.8', '0.9']);
    // Narrower than one digit step: evenly spaced values, enough digits to tell them apart.
    const narrow = axisTicks('log', [0.551, 0.589]);
    expect(narrow.length).toBeGreaterThanOrEqual(3);
    expect(new Set(narrow.map((t) => t.label)).size).toBe(narrow.length);
    for (const t of narrow) expect(Number(t.label)).toBeCloseTo(t.value, 12);
  });

  test('a log axis of a few decades ticks at 1-2-5; of many, at (thinned) powers of ten', () => {
    expect(labels('log', [0.011, 0.9])).toEqual(['0.02', '0.05', '0.1', '0.2', '0.5']);
    expect(labels('log', [1e-3, 1])).toEqual(['0.001', '0.01', '0.1', '1']);
    expect(labels('log', [3e-13, 2])).toEqual(['10⁻¹²', '10⁻¹⁰', '10⁻⁸', '10⁻⁶', '10⁻⁴', '10⁻²', '10⁰']);
    expect(labels('log', [2e-6, 3e-5])).toEqual(['2×10⁻⁶', '5×10⁻⁶', '10⁻⁵', '2×10⁻⁵']);
  });

  test('linear and integer axes', () => {
    expect(labels('linear', [0, 1])).toEqual(['0', '0.2', '0.4', '0.6', '0.8', '1']);
    expect(labels('linear', [0, 8000])).toEqual(['0', '2000', '4000', '6000', '8000']);
    expect(labels('linear', [0.7, 10.3], true)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(labels('log', [0.93, 6.4], true)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(labels('linear', [0, 3], true)).toEqual(['0', '1', '2', '3']);
    expect(axisTicks('log', null)).toEqual([]);
  });

  test('labels use the fewest digits that tell neighbours apart', () => {
    expect(formatTicks([0.6, 0.7, 0.8])).toEqual(['0.6', '0.7', '0.8']);
    expect(formatTicks([0.55, 0.56, 0.57])).toEqual(['0.55', '0.56', '0.57']);
    expect(formatTicks([1e-6, 1e-4, 1e-2])).toEqual(['10⁻⁶', '10⁻⁴', '10⁻²']);
    expect(formatTicks([-0.5, 0, 0.5])).toEqual(['−0.5', '0', '0.5']);
    expect(formatValue(0.0341234)).toBe('0.03412');
    expect(formatValue(2.5e-7)).toBe('2.5×10⁻⁷');
  });
});

describe('ranges', () => {
  test('fitted to the data: log ranges pad in decades, linear ones in units; nothing drawable gives null', () => {
    const [lo, hi] = fitRange([1e-3, 1, NaN, -1, 0], 'log', 0.05)!;
    expect(Math.log10(lo)).toBeCloseTo(-3.15, 10);
    expect(Math.log10(hi)).toBeCloseTo(0.15, 10);
    expect(fitRange([2, 4], 'linear', 0.25)).toEqual([1.5, 4.5]);
    expect(fitRange([0, -1], 'log')).toBeNull();
    expect(fitRange([3], 'linear')).toEqual([2.7, 3.3]);
    expect(unionRange([[1, 2], null, [0, 1.5]])).toEqual([0, 2]);
  });

  test('room to grow: at most 25 % past the last step; value axes out to a grid of a twentieth of their span', () => {
    expect(roomy([0, 1030], 'linear', true)).toEqual([0, 1250]);
    expect(roomy([0, 1250], 'linear', true)).toEqual([0, 1250]);
    expect(roomy([1, 8001], 'log', true)).toEqual([1, 10000]);
    for (let hi = 1; hi < 1e5; hi *= 1.07) expect(roomy([0, hi], 'linear', true)![1] / hi).toBeLessThanOrEqual(1.25 + 1e-9);
    expect(roomy([0.33, 0.87], 'linear', false)).toEqual([0.3, 0.9]);
    // On a log axis the grid is a twentieth of the span in decades: a narrow range stays narrow.
    const [lo, hi] = roomy([0.45, 0.6], 'log', false)!;
    expect([Math.log10(lo), Math.log10(hi)].map((v) => Math.round(v * 1000) / 1000)).toEqual([-0.35, -0.22]);
    expect(Math.log10(0.6 / 0.45) / Math.log10(hi / lo)).toBeGreaterThan(0.9);
  });
});

describe('smoothing', () => {
  test('a centred window in steps equals the brute-force mean, also on unevenly spaced (thinned) steps', () => {
    const x = Float64Array.from([0, 1, 2, 4, 8, 9, 10, 16, 17, 30]);
    const y = Float64Array.from(x, (s) => 1 + Math.sin(s));
    for (const w of [0.5, 3, 7, 100]) {
      const got = smoothSeries(x, y, w, false);
      x.forEach((xj, j) => {
        const inWindow = Array.from(x.keys()).filter((i) => Math.abs(x[i] - xj) <= w / 2);
        expect(got[j]).toBeCloseTo(inWindow.reduce((a, i) => a + y[i], 0) / inWindow.length, 12);
      });
    }
  });

  test('on a log axis it averages log loss (geometric mean), skipping values a log axis cannot show', () => {
    const x = Float64Array.of(0, 1, 2);
    const y = Float64Array.of(1e-4, 1e-2, 0);
    const got = smoothSeries(x, y, 2, true);
    expect(got[0]).toBeCloseTo(1e-3, 15);
    expect(got[1]).toBeCloseTo(1e-3, 15);
    expect(got[2]).toBeCloseTo(1e-2, 15);
    expect(Array.from(smoothSeries(x, y, 0, true))).toEqual(Array.from(y));
  });
});
