/**
 * The browser view logic (widgets/src/plotly-figure.ts, controls.ts): the
 * figure description drawn as Plotly traces and layout, and the dashboard's
 * status line, on states built by the real kernel-side widgets.
 */
import { LossPlot, SpectrumPlot, TrainingDashboard } from '../../../src/widgets';
import { describeFigure } from '../../../src/widgets/figure';
import type { PlotState } from '../../../src/widgets/state';
import { plotlyFigure } from '../../../widgets/src/plotly-figure';
import { progressText, stepRange } from '../../../widgets/src/controls';
import { createFakeKernel } from '../fake-kernel';
import { addStep, staircase } from '../histories';

const opts = () => ({ kernel: createFakeKernel(false), staticFigure: false });
const draw = (state: PlotState, zoom = {}) => plotlyFigure(describeFigure(state), zoom);
type Axis = { type: string; range: number[]; tickvals?: number[]; ticktext?: string[]; matches?: string; domain: number[] };

describe('plotlyFigure', () => {
  test('every series a trace (legend, colour as described); fitted ranges and readable ticks on log axes; marks as shapes with one legend entry per role', () => {
    const state = new LossPlot([staircase(400, 2), staircase(200, 2)], { ...opts(), markSteps: [50, 300], overlay: true }).state;
    const desc = describeFigure(state);
    const fig = plotlyFigure(desc);
    expect(fig.data.map((t) => [t.name, t.line.color, t.showlegend])).toEqual(desc.panels[0].series.map((s) => [s.name, s.color, true]));
    const y = fig.layout.yaxis as Axis;
    expect(y.type).toBe('log');
    y.range.forEach((v, i) => expect(10 ** v).toBeCloseTo(desc.panels[0].y.range![i], 12));
    expect(y.ticktext).toEqual(desc.panels[0].y.ticks.map((t) => t.label));
    const shapes = fig.layout.shapes as Array<{ type: string; x0: number; name: string; showlegend: boolean; legendgroup: string; line?: { dash?: string } }>;
    expect(shapes.filter((s) => s.line?.dash === 'dash').map((s) => s.x0)).toEqual(state.runs.flatMap((r) => r.escapes));
    expect(shapes.filter((s) => s.line?.dash === 'dot').map((s) => s.x0)).toEqual([50, 300]);
    // One legend entry per mark role, named as the description's legend.
    expect(shapes.filter((s) => s.showlegend).map((s) => s.name)).toEqual(desc.legend.map((e) => e.label));
    // Snapshot marks are labelled by step, above the panel (clear of the curves), in the lanes the description chose.
    const labels = fig.layout.annotations as Array<{ text: string; y: number; yanchor: string; yshift: number }>;
    expect(labels.map((a) => [a.text, a.y, a.yanchor, a.yshift])).toEqual([['50', 1, 'bottom', 1], ['300', 1, 'bottom', 1]]);
    // The legend never scrolls: the plot area is at least as tall as its entries.
    const entries = fig.data.filter((t) => t.showlegend).length + shapes.filter((s) => s.showlegend).length;
    const margin = fig.layout.margin as { t: number; b: number };
    expect((fig.layout.height as number) - margin.t - margin.b).toBeGreaterThanOrEqual(entries * 19);
  });

  test('dashboard: step axes matched to the loss axis (linked zoom), spectra on one value range; a user zoom is kept with ticks redone for it', () => {
    const state = new TrainingDashboard(staircase(200, 4), opts()).state;
    const fig = draw(state);
    const axes = (n: number) => fig.layout[`xaxis${n === 1 ? '' : n}`] as Axis;
    expect([2, 3, 4, 5].map((n) => axes(n).matches)).toEqual(['x', 'x', 'x', 'x']);
    expect(axes(1).matches).toBeUndefined();
    expect([3, 4, 5].map((n) => (fig.layout[`yaxis${n}`] as Axis).matches)).toEqual(['y2', 'y2', 'y2']);
    // The loss panel spans the full width above three spectrum columns.
    expect(axes(1).domain).toEqual([0, 1]);
    const zoomed = draw(state, { 'link:step': [50, 60] });
    for (const n of [1, 2, 3, 4, 5]) expect((zoomed.layout[`xaxis${n === 1 ? '' : n}`] as Axis).range).toEqual([50, 60]);
    expect((zoomed.layout.xaxis as Axis).ticktext).toEqual(['50', '51', '52', '53', '54', '55', '56', '57', '58', '59', '60']);
  });

  test('Figure 1 snapshot view: panels share the value axis; lines named by step', () => {
    const fig = draw(new SpectrumPlot(staircase(300, 3, 20), { ...opts(), mode: 'snapshot', steps: [0, 280] }).state);
    expect(fig.data.map((t) => t.name)).toEqual(['step 0', 'step 280', 'step 0', 'step 280', 'step 0', 'step 280']);
    expect(fig.data.filter((t) => t.showlegend).map((t) => t.name)).toEqual(['step 0', 'step 280']);
    expect([(fig.layout.yaxis2 as Axis).matches, (fig.layout.yaxis3 as Axis).matches]).toEqual(['y', 'y']);
  });
});

describe('controls', () => {
  test('the status line counts updates done and says the true state; the scrubber spans the run', () => {
    const w = new TrainingDashboard(staircase(100, 2), { ...opts(), totalSteps: 1000 });
    const state = w.state;
    expect(stepRange(state)).toEqual([0, 99]);
    expect(progressText({ ...state, progress: { step: 100, total: 1000, stepsPerSecond: 50, etaSeconds: 18, phase: 'running' } })).toBe('100 / 1000 steps · 50 steps/s · 18 s left · running');
    expect(progressText({ ...state, paused: true, progress: { step: 99, total: null, stepsPerSecond: 0, etaSeconds: null, phase: 'running' } })).toBe('99 steps · pausing');
    expect(progressText({ ...state, progress: { step: 0, total: 8000, stepsPerSecond: 0, etaSeconds: null, phase: 'idle' } })).toBe('0 / 8000 steps · not started');
    expect(progressText({ ...state, progress: { step: 2300, total: 2300, stepsPerSecond: 0, etaSeconds: 0, phase: 'done' } })).toBe('2300 / 2300 steps · done');
  });
});
