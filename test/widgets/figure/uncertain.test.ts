/** Escapes with their confidence, uncertain escapes, and a mini-batch run's full-data loss in the loss panel. */
import { defaultState } from '../../../src/widgets/contract';
import { describeFigure } from '../../../src/widgets/figure/describe';
import type { PlotState } from '../../../src/widgets/state';

const run = {
  name: 'r',
  steps: Float64Array.from({ length: 100 }, (_, i) => i),
  loss: Float64Array.from({ length: 100 }, (_, i) => (i < 50 ? 1 : 0.1) * (1 + 0.1 * Math.sin(i))),
  plateaus: [[0, 49]] as Array<[number, number]>,
  escapes: [50],
  confidence: [{ step: 50, confidence: 0.99991 }],
  uncertain: [{ step: 80, confidence: 0.72 }],
};

test('an escape is labelled with its confidence; one below the level is a faint dotted line, never a plain escape', () => {
  const d = describeFigure({ ...defaultState('LossPlot'), runs: [run] } as PlotState);
  const marks = d.panels[0].marks;
  expect(marks.filter((m) => m.role === 'escape').map((m) => [m.x0, m.label])).toEqual([[50, '>0.999']]);
  const uncertain = marks.filter((m) => m.role === 'uncertain');
  expect(uncertain.map((m) => [m.x0, m.label, m.dash])).toEqual([[80, '0.720', 'dot']]);
  expect(uncertain[0].opacity).toBeLessThan(1);
  expect(d.legend.map((e) => e.role)).toEqual(['plateau', 'escape', 'uncertain']);
  expect(d.caption).toMatch(/Escapes \(confidence\): 50 \(>0\.999\); uncertain: 80 \(0\.720\)/);
  // With more than four, the labels would overlap: the caption alone lists the confidences.
  const crowded = { ...run, escapes: [10, 20, 30, 40, 50], confidence: [10, 20, 30, 40, 50].map((step) => ({ step, confidence: step === 50 ? 0.995 : 1 })) };
  const e = describeFigure({ ...defaultState('LossPlot'), runs: [crowded] } as PlotState);
  expect(e.panels[0].marks.filter((m) => m.role === 'escape').every((m) => m.label === '')).toBe(true);
  expect(e.caption).toMatch(/50 \(0\.995\)/);
  // A live update moved an escape: its old confidence matches no escape, and an uncertain escape now
  // reported is drawn once, as an escape.
  const moved = describeFigure({ ...defaultState('LossPlot'), runs: [{ ...run, escapes: [52, 80] }] } as PlotState);
  expect(moved.panels[0].marks.filter((m) => m.role === 'escape').map((m) => m.label)).toEqual(['', '']);
  expect(moved.panels[0].marks.filter((m) => m.role === 'uncertain')).toEqual([]);
});

test('a run with the full-data loss of its records draws it, with the per-step loss faint behind', () => {
  const fullLoss = { steps: [0, 25, 50, 75, 99], loss: [1, 1, 0.1, 0.1, 0.1] };
  const d = describeFigure({ ...defaultState('LossPlot'), runs: [{ ...run, fullLoss }] } as PlotState);
  const [raw, full] = d.panels[0].series;
  expect(raw.role).toBe('loss-raw');
  expect(raw.opacity).toBeLessThan(0.5);
  expect(raw.x.length).toBe(100);
  expect(full.role).toBe('loss');
  expect(Array.from(full.x)).toEqual(fullLoss.steps);
  expect(full.markers).toBe(true);
  expect(d.caption).toMatch(/whole data set/);
});
