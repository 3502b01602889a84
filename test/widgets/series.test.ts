import { detectPhases } from '../../src/train/phases';
import { createHistory } from '../../src/train/history';
import { layerLaw, phasesOf, recordAt, runNames, runSeries, spectrumSeries, topK } from '../../src/widgets/series';
import { staircase } from './histories';

describe('series', () => {
  test('layerLaw: s1/s2 and the energy outside s1 in closed form', () => {
    const law = layerLaw({ step: 7, loss: 0, paramNorm: 1, weights: [Float64Array.of(2, 1), Float64Array.of(3, 0, 0), Float64Array.of(4, 2, 2)] }, 'weights');
    expect(law.step).toBe(7);
    expect(Array.from(law.layers)).toEqual([1, 2, 3]);
    expect(law.ratio[0]).toBeCloseTo(2, 15);
    expect(law.energy[0]).toBeCloseTo(1 / 5, 15);
    expect(law.ratio[1]).toBeNaN(); // s2 = 0: the ratio is undefined, not infinite
    expect(law.energy[1]).toBe(0);
    expect(law.ratio[2]).toBeCloseTo(2, 15);
    expect(law.energy[2]).toBeCloseTo(8 / 24, 15);
  });

  test('spectrumSeries lays records out record-major and pads short layers with NaN', () => {
    const records = [
      { step: 0, loss: 1, paramNorm: 1, weights: [Float64Array.of(3, 2, 1), Float64Array.of(5)] },
      { step: 10, loss: 1, paramNorm: 1, weights: [Float64Array.of(6, 4, 2), Float64Array.of(7, 1)] },
    ];
    expect(topK(records)).toBe(3);
    const s = spectrumSeries(records, 2, 3);
    expect(Array.from(s.steps)).toEqual([0, 10]);
    expect(Array.from(s.weights)).toEqual([3, 2, 1, 5, NaN, NaN, 6, 4, 2, 7, 1, NaN]);
    expect(s.activations).toBeNull();
    expect(Array.from(spectrumSeries(records, 2, 3, 1).weights)).toEqual([6, 4, 2, 7, 1, NaN]);
  });

  test('runSeries slices from an index and finds the staircase escapes', () => {
    const h = staircase(400, 3);
    const all = runSeries(h);
    expect(all.loss.length).toBe(400);
    expect(Array.from(runSeries(h, 390).steps)).toEqual([390, 391, 392, 393, 394, 395, 396, 397, 398, 399]);
    expect(all.escapes.length).toBe(2);
    expect(all.escapes[0]).toBeGreaterThan(120);
    expect(all.escapes[0]).toBeLessThan(180);
    expect(all.escapes[1]).toBeGreaterThan(270);
    expect(all.escapes[1]).toBeLessThan(330);
  });

  test('recordAt picks the record at or before a step', () => {
    const h = staircase(100, 2, 20);
    expect(recordAt(h.records, 45)!.step).toBe(40);
    expect(recordAt(h.records, null)!.step).toBe(80);
    expect(recordAt(h.records, -5)!.step).toBe(0);
    expect(recordAt([], 3)).toBeUndefined();
  });
});

describe('phasesOf during and after a run', () => {
  test('exactly detectPhases once the history has ended, whatever was cached while it ran', () => {
    const h = staircase(200, 2);
    phasesOf(h); // cached at 200 points
    const full = staircase(400, 2);
    for (let t = 200; t < 400; t++) h.addStep({ step: t, loss: full.loss()[t], paramNorm: 1, lr: 0.1 });
    h.finish('completed');
    const p = phasesOf(h);
    const d = detectPhases(h);
    expect(p.escapes).toEqual(d.escapes);
    expect(p.plateaus).toEqual(d.plateaus);
  });
});

test('runNames: unnamed runs (run-N) are told apart by their settings where those differ, else keep run-N; named runs keep their names', () => {
  const h = (name: string, depth: number) => createHistory({ name, activation: 'relu', dims: [2, ...Array(depth - 1).fill(4), 1], depth, config: {} });
  expect(runNames([h('run-3', 4), h('run-4', 6)])).toEqual(['run (depth 4, width 4×4×4)', 'run (depth 6, width 4×4×4×4×4)']);
  expect(runNames([h('run-3', 4), h('run-4', 4)])).toEqual(['run-3', 'run-4']);
  expect(runNames([h('run-3', 4)])).toEqual(['run-3']);
  expect(runNames([h('deep', 4), h('deep', 6), h('run-9', 6)])).toEqual(['deep (depth 4, width 4×4×4)', 'deep (depth 6, width 4×4×4×4×4)', 'run-9']);
});
