import { createHistory, loadHistory } from '../../src/train/history';
import { schedule } from '../../src/train/schedule';

const meta = { name: 't', activation: 'relu' as const, dims: [2, 3, 1], depth: 2, config: {} };

it('thins the loss series by powers of two past maxPoints, keeping every stride-th step', () => {
  const h = createHistory(meta, { maxPoints: 1000 });
  for (let t = 0; t < 1_000_000; t++) h.addStep({ step: t, loss: 1 / (t + 1), paramNorm: 1, lr: 0.1 });
  expect(h.length).toBeLessThanOrEqual(1000);
  expect(h.length).toBeGreaterThan(500);
  const stride = h.keptEvery;
  expect(stride).toBe(1024);
  const steps = h.steps();
  steps.forEach((s, i) => {
    expect(s).toBe(i * stride);
    expect(h.loss()[i]).toBeCloseTo(1 / (s + 1), 12);
  });
  expect(h.latestStep).toBe(999_999);
});

it('rejects steps that do not increase, and malformed JSON, naming the field', () => {
  const h = createHistory(meta);
  h.addStep({ step: 0, loss: 1, paramNorm: 1, lr: 1 });
  expect(() => h.addStep({ step: 0, loss: 1, paramNorm: 1, lr: 1 })).toThrow(/^\[saddlelab\] step must be an integer > 0/);
  expect(() => loadHistory({ format: 'other' })).toThrow(/^\[saddlelab\] history.format must be 'saddlelab.history'/);
  expect(() => loadHistory({ ...h.toJSON(), version: 99 })).toThrow(/history.version/);
  expect(() => loadHistory({ ...h.toJSON(), loss: [1, 2] })).toThrow(/history.loss/);
  expect(() => loadHistory('not json')).toThrow();
});

it('subscribers see steps, records and the end; unsubscribe stops them', () => {
  const h = createHistory(meta);
  const seen: string[] = [];
  const off = h.subscribe({ onStep: (s) => void seen.push(`s${s.step}`), onRecord: (r) => void seen.push(`r${r.step}`), onEnd: (why) => void seen.push(why) });
  h.addStep({ step: 0, loss: 1, paramNorm: 1, lr: 1 });
  h.addRecord({ step: 0, loss: 1, paramNorm: 1, weights: [Float64Array.of(1)] });
  h.finish('completed');
  off();
  h.addStep({ step: 1, loss: 1, paramNorm: 1, lr: 1 });
  expect(seen).toEqual(['s0', 'r0', 'completed']);
});

it('schedules: every, log-spaced, at, and always the first and last step', () => {
  const every = schedule({ every: 100 });
  expect([0, 1, 99, 100, 250, 300, 1000].map((s) => every(s, 1000))).toEqual([true, false, false, true, false, true, true]);
  const log = schedule({ logSpaced: 1 });
  expect([0, 1, 5, 10, 50, 100, 1000, 777].filter((s) => log(s, 777))).toEqual([0, 1, 10, 100, 1000, 777]);
  const at = schedule({ at: [3, 7] });
  expect([0, 3, 5, 7, 9].filter((s) => at(s, 9))).toEqual([0, 3, 7, 9]);
  expect(() => schedule({ every: 0 })).toThrow(/^\[saddlelab\] record.every must be a positive integer; got 0/);
  expect(() => schedule({ at: [1, -2] })).toThrow(/record.at\[1\]/);
});

