/**
 * The browser view logic (widgets/src/figures.ts, update-plan.ts) against
 * states built by the real kernel-side widgets.
 */
import type { PlotState } from '../../../src/widgets/state';
import { LayerLawPlot, LossPlot, SpectrumPlot, TrainingDashboard } from '../../../src/widgets';
import { figure, shownLayers, singularSeries } from '../../../widgets/src/figures';
import { drawnOf, planUpdate, progressText, stepRange } from '../../../widgets/src/update-plan';
import { createFakeKernel } from '../fake-kernel';
import { addStep, staircase } from '../histories';

const opts = () => ({ kernel: createFakeKernel(false), staticFigure: false });

describe('figure', () => {
  test('LossPlot: one trace per run, log axis, plateaus shaded, escapes dashed, snapshot steps dotted, cursor red', () => {
    const w = new LossPlot([staircase(400, 2), staircase(200, 2)], { ...opts(), markSteps: [50, 300] });
    const state = w.state;
    const fig = figure(state);
    expect(fig.data.map((t) => t.name)).toEqual(['stairs', 'stairs']);
    expect(fig.data[0].x.length).toBe(400);
    expect((fig.layout.yaxis as { type: string }).type).toBe('log');
    const shapes = fig.layout.shapes as Array<{ type: string; x0: number; line?: { dash?: string; color?: string } }>;
    const escapes = state.runs.flatMap((r) => r.escapes);
    expect(shapes.filter((s) => s.line?.dash === 'dash').map((s) => s.x0)).toEqual(escapes);
    expect(shapes.filter((s) => s.line?.dash === 'dot').map((s) => s.x0)).toEqual([50, 300]);
    expect(shapes.filter((s) => s.type === 'rect').length).toBe(state.runs.reduce((n, r) => n + r.plateaus.length, 0));
    const withCursor = figure({ ...state, cursor: 123, log_y: false });
    expect((withCursor.layout.yaxis as { type: string }).type).toBe('linear');
    expect((withCursor.layout.shapes as Array<{ x0: number; line?: { color?: string } }>).filter((s) => s.line?.color === '#d62728').map((s) => s.x0)).toEqual([123]);
  });

  test('log scale drops non-positive values instead of breaking the axis', () => {
    const h = staircase(0, 2);
    [1, 0, -1, NaN, 0.5].forEach((loss, step) => h.addStep({ step, loss, paramNorm: 1, lr: 1 }));
    const state = new LossPlot(h, opts()).state;
    expect(figure(state).data[0].y).toEqual([1, 0.5]);
    expect(figure({ ...state, log_y: false }).data[0].y).toEqual([1, 0, -1, 0.5]);
  });

  test('SpectrumPlot: a panel per shown layer, k traces each, values equal to the records', () => {
    const h = staircase(200, 4, 20);
    const w = new SpectrumPlot(h, { ...opts(), layers: [2, 4] });
    const state = w.state;
    const fig = figure(state);
    expect(fig.data.length).toBe(2 * 3);
    expect(fig.data.filter((t) => t.yaxis === 'y2').length).toBe(3);
    // s1 of layer 4 at every record.
    const s1 = fig.data.find((t) => t.yaxis === 'y2' && t.name === 's1')!;
    expect(s1.y).toEqual(h.records.map((r) => r.weights[3][0]));
    expect(s1.x).toEqual(h.records.map((r) => r.step));
    expect(shownLayers([], 3)).toEqual([1, 2, 3]);
    expect(shownLayers([9, 2], 3)).toEqual([2]);
    expect(Array.from(singularSeries(state.spectrum!, state.spectrum!.weights, 4, 1, 1))).toEqual(h.records.map((r) => r.weights[0][1]));
  });

  test('SpectrumPlot snapshot mode: one panel per chosen step with the top-k of every layer (Figure 1)', () => {
    const h = staircase(200, 3, 20);
    const state = new SpectrumPlot(h, { ...opts(), mode: 'snapshot', steps: [45, 199] }).state;
    const fig = figure(state);
    const ann = (fig.layout.annotations as Array<{ text: string }>).map((a) => a.text);
    expect(ann).toEqual(['step 40', 'step 180']);
    const l2 = fig.data.find((t) => t.name === 'ℓ=2' && t.xaxis === 'x2')!;
    expect(l2.x).toEqual([1, 2, 3]);
    expect(l2.y).toEqual(Array.from(h.records.find((r) => r.step === 180)!.weights[1]));
    // The index axis ticks at integers (k = 3: 1, 2, 3), never 1.5.
    for (const ax of ['xaxis', 'xaxis2']) expect(fig.layout[ax]).toMatchObject({ tickmode: 'linear', tick0: 1, dtick: 1 });
  });

  test('LayerLawPlot: measured quantities and reference slopes ℓ^(1/4), ℓ^(−1/2) through layer 1', () => {
    const h = staircase(100, 6, 20);
    const fig = figure(new LayerLawPlot(h, opts()).state);
    const byName = Object.fromEntries(fig.data.map((t) => [t.name, t]));
    const ratio = byName['s1/s2'];
    expect(ratio.x).toEqual([1, 2, 3, 4, 5, 6]);
    const last = h.records[h.records.length - 1].weights;
    ratio.y.forEach((v, l) => expect(v).toBeCloseTo(last[l][0] / last[l][1], 12));
    byName['ℓ^(1/4)'].y.forEach((v, l) => expect(v).toBeCloseTo(ratio.y[0] * Math.pow(l + 1, 0.25), 12));
    const energy = byName['energy outside s1'];
    byName['ℓ^(−1/2)'].y.forEach((v, l) => expect(v).toBeCloseTo(energy.y[0] / Math.sqrt(l + 1), 12));
    expect((fig.layout.xaxis as { type: string }).type).toBe('log');
  });

  test('TrainingDashboard: loss panel on top, spectra below, cursor on every panel', () => {
    const w = new TrainingDashboard(staircase(100, 3), undefined, opts());
    const state: PlotState = { ...w.state, cursor: 60 };
    const fig = figure(state);
    expect(fig.lossTraces).toEqual([0]);
    expect(fig.data.length).toBe(1 + 3 * 3);
    const cursors = (fig.layout.shapes as Array<{ x0: number; xref: string; line?: { color?: string } }>).filter((s) => s.line?.color === '#d62728');
    expect(cursors.map((s) => s.xref)).toEqual(['x', 'x2', 'x3', 'x4']);
  });
});

describe('update plan', () => {
  test('only new loss points: extendTraces with exactly the new points; a new mark or record: react', () => {
    const h = staircase(0, 2);
    for (let t = 0; t < 30; t++) addStep(h, t, 300, 2, 1000);
    const w = new LossPlot(h, opts());
    const s0 = w.state;
    const drawn = drawnOf(s0, figure(s0));
    expect(planUpdate(drawn, s0, figure(s0))).toEqual({ kind: 'none' });
    for (let t = 30; t < 35; t++) addStep(h, t, 300, 2, 1000);
    const s1 = w.state;
    const plan = planUpdate(drawn, s1, figure(s1));
    expect(plan).toMatchObject({ kind: 'extend', x: [[30, 31, 32, 33, 34]], y: [Array.from(h.loss().slice(30))], indices: [0] });
    // Moving the cursor is a relayout of the shapes, not a redraw.
    const moved = planUpdate(drawnOf(s1, figure(s1)), { ...s1, cursor: 3 }, figure({ ...s1, cursor: 3 }));
    expect(moved).toMatchObject({ kind: 'extend', indices: [] });
    expect((moved as { shapes: Array<{ x0: number }> }).shapes.map((s) => s.x0)).toContain(3);
    expect(planUpdate(drawn, { ...s1, log_y: false }, figure({ ...s1, log_y: false })).kind).toBe('react');
    expect(planUpdate(undefined, s1, figure(s1)).kind).toBe('react');
  });

  test('dashboard: a new record extends the spectrum traces by one point each (no full redraw); wider k redraws', () => {
    const h = staircase(0, 2);
    for (let t = 0; t < 40; t++) addStep(h, t, 300, 2, 20);
    const w = new TrainingDashboard(h, undefined, opts());
    const s0 = w.state;
    const f0 = figure(s0);
    const drawn = drawnOf(s0, f0);
    for (let t = 40; t < 41; t++) addStep(h, t, 300, 2, 20); // step 40 is a record step (every 20)
    const s1 = w.state;
    const f1 = figure(s1);
    const plan = planUpdate(drawn, s1, f1) as { kind: string; x: number[][]; y: number[][]; indices: number[] };
    expect(plan.kind).toBe('extend');
    const spectrumIdx = f1.data.map((t, i) => (/^s\d+$/.test(t.name) ? i : -1)).filter((i) => i >= 0);
    // The loss trace grew by one point and every spectrum trace (2 layers × k = 3 values) by the record at step 40.
    expect(plan.indices).toEqual([0, ...spectrumIdx]);
    for (let j = 1; j < plan.indices.length; j++) expect(plan.x[j]).toEqual([40]);
    expect(plan.y[1]).toEqual([h.records[h.records.length - 1].weights[0][0]]);
    // A record with more values per layer changes k: new traces, a full redraw.
    h.addRecord({ step: 41, loss: 1, paramNorm: 1, weights: [Float64Array.of(3, 2, 1, 0.5), Float64Array.of(3, 2, 1, 0.5)] });
    h.addStep({ step: 41, loss: 0.5, paramNorm: 1, lr: 0.1 });
    const s2 = w.state;
    expect(planUpdate(drawnOf(s1, f1), s2, figure(s2)).kind).toBe('react');
  });

  test('progress line and scrubber range', () => {
    const w = new TrainingDashboard(staircase(100, 2), undefined, { ...opts(), totalSteps: 1000 });
    const state = w.state;
    expect(stepRange(state)).toEqual([0, 99]);
    const text = progressText({ ...state, progress: { step: 99, total: 1000, stepsPerSecond: 50, etaSeconds: 18, phase: 'running' } });
    expect(text).toBe('step 99 / 1000 · 50 steps/s · 18 s left · running');
    expect(progressText({ ...state, paused: true, progress: { step: 99, total: null, stepsPerSecond: 0, etaSeconds: null, phase: 'running' } })).toBe('step 99 · pausing');
  });
});
