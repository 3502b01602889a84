/**
 * The live view's appends (widgets/src/append-plan.ts), replayed as the view
 * applies them: the kernel-side widget's own messages, merged into the browser
 * model's state, the plan's points appended to the drawn traces, the layout
 * described again only when the plan says so. After every append the drawn
 * traces must equal the traces of a fresh description of the state, and when
 * the plan said the layout stays, the fresh description's axes and marks must
 * equal the drawn ones: nothing an append changes is missed.
 */
import type { History } from '../../../src/train/history';
import { LossPlot, SpectrumPlot, TrainingDashboard, type PlotWidget } from '../../../src/widgets';
import { describeFigure, type FigureDescription } from '../../../src/widgets/figure';
import { isOpen } from '../../../src/widgets/figure/fit';
import type { BrowserState, PlotState } from '../../../src/widgets/state';
import { drawnOf, lossCounts, planAppend, type Drawn } from '../../../widgets/src/append-plan';
import { plotlyFigure, type Trace } from '../../../widgets/src/plotly-figure';
import { appendOf, applyCustom, browserState } from '../browser-side';
import { createFakeKernel } from '../fake-kernel';
import { addStep, staircase } from '../histories';

const STEPS = 600;

/** What Plotly holds: each trace's points. */
const points = (traces: Trace[]) => traces.map((t) => [t.uid, t.x, t.y]);
const axes = (desc: FigureDescription) => desc.panels.map((p) => [p.id, p.x.range, p.y.range, p.marks.map((m) => [m.role, m.x0, m.x1])]);

interface Replayed {
  extended: number;
  layouts: number;
  /** Layout changes by cause. */
  marks: number;
  axes: number;
  redraws: string[];
}

/** Replays a widget's messages into a simulated view; checks the traces after every message. */
type Make = (h: History, kernel: ReturnType<typeof createFakeKernel>) => PlotWidget;

function replayView(make: Make, browser: Partial<BrowserState> = {}, run = { from: 60, to: STEPS, steps: STEPS, flushEvery: 23 }): Replayed {
  const h = staircase(0, 3);
  for (let t = 0; t < run.from; t++) addStep(h, t, run.steps, 3, 10);
  const kernel = createFakeKernel();
  const w = make(h, kernel);
  w.display();
  for (let t = run.from; t < run.to; t++) {
    addStep(h, t, run.steps, 3, 10);
    if (t % run.flushEvery === 0) w.flush();
  }
  w.flush();
  const comm = kernel.comms[0];
  let state: PlotState = { ...browserState(comm.opened), ...browser };
  let traces = plotlyFigure(describeFigure(state)).data;
  let drawn: Drawn = drawnOf(describeFigure(state), state);
  const out: Replayed = { extended: 0, layouts: 0, marks: 0, axes: 0, redraws: [] };
  for (const m of comm.sent) {
    if (m.data.method !== 'custom') continue;
    state = applyCustom(state, m);
    const plan = planAppend(drawn, state, appendOf(m), isOpen(state));
    if (plan.kind === 'redraw') {
      out.redraws.push(plan.reason);
      traces = plotlyFigure(describeFigure(state)).data;
      drawn = drawnOf(describeFigure(state), state);
      continue;
    }
    out.extended++;
    traces = traces.map((t, i) => {
      const p = plan.points.get(i);
      return p ? { ...t, x: [...t.x, ...p.x], y: [...t.y, ...p.y] } : t;
    });
    if (plan.layout) {
      out.layouts++;
      out[plan.layout]++;
      drawn = { ...plan.drawn, desc: describeFigure(state) };
    } else {
      drawn = plan.drawn;
      expect(axes(describeFigure(state))).toEqual(axes(drawn.desc));
    }
    expect(points(traces)).toEqual(points(plotlyFigure(describeFigure(state)).data));
    const loss = describeFigure(state).panels.flatMap((p) => p.series.filter((s) => s.role === 'loss' || s.role === 'loss-raw').slice(0, 1));
    expect(lossCounts(drawn).points).toBe(loss.reduce((n, s) => n + s.x.length, 0));
  }
  w.close();
  return out;
}

const opts = (kernel: ReturnType<typeof createFakeKernel>) => ({ kernel, interval: 1e9, staticFigure: false });
const two = (h: History) => {
  const other = staircase(0, 3);
  for (let t = 0; t < h.length; t++) addStep(other, t, STEPS / 2, 3, 10);
  return [h, other];
};

describe('appends go straight to extendTraces, and the view draws what a fresh description gives', () => {
  const loss: Make = (h, k) => new LossPlot(h, opts(k));
  const spectrum: Make = (h, k) => new SpectrumPlot(h, opts(k));
  const dashboard: Make = (h, k) => new TrainingDashboard(h, opts(k));
  const cases: Array<[string, Make, Partial<BrowserState>]> = [
    ['LossPlot', loss, {}],
    ['LossPlot, log step', loss, { log_x: true }],
    ['LossPlot, linear loss', loss, { log_y: false }],
    ['SpectrumPlot', spectrum, {}],
    ['SpectrumPlot, s_i/s_1, layers 1 and 3', spectrum, { relative: true, selected_layers: [1, 3] }],
    ['TrainingDashboard', dashboard, {}],
    ['TrainingDashboard, cursor at 100', dashboard, { cursor: 100 }],
  ];
  test.each(cases)('%s: no redraw', (_, make, browser) => {
    const r = replayView(make, browser);
    expect(r.redraws).toEqual([]);
    expect(r.extended).toBeGreaterThan(20);
  });

  test('late in a run, where an update adds little, the layout is described again for few appends (the axes have room, the marks stay)', () => {
    const r = replayView((h, k) => new TrainingDashboard(h, opts(k)), {}, { from: 3000, to: 3500, steps: 4000, flushEvery: 10 });
    expect(r.redraws).toEqual([]);
    expect(r.extended).toBeGreaterThanOrEqual(50);
    // This window holds the staircase's second escape: the loss falls a decade and s2 doubles, so the
    // value axes move (their ranges are rounded to a 20th of their span) and the escape is marked.
    console.log(`late in a run: ${r.extended} appends extended; the layout described again for ${r.marks} (new marks) + ${r.axes} (axes)`);
    expect(r.layouts).toBeLessThan(r.extended / 2);
  });

  test('two runs (a panel each, or one overlaid): each run extends its own trace', () => {
    // The second run trains in the same steps here, so both grow; its own staircase is half as long.
    for (const overlay of [false, true]) {
      const r = replayView((h, k) => {
        const runs = two(h);
        h.subscribe({ onStep: (s) => addStep(runs[1], s.step, STEPS / 2, 3, 10) });
        return new LossPlot(runs, { ...opts(k), overlay });
      });
      expect(r.redraws).toEqual([]);
    }
  });

  test('what cannot be appended is redrawn, and says why: smoothing, the layer law, snapshots', () => {
    expect(new Set(replayView((h, k) => new LossPlot(h, opts(k)), { smoothing: 5 }).redraws)).toEqual(new Set(['smoothing: the smoothed loss changes near its end']));
    expect(new Set(replayView((h, k) => new SpectrumPlot(h, { ...opts(k), mode: 'snapshot', steps: [0, 300] })).redraws)).toEqual(new Set(['SpectrumPlot (snapshot) redraws its series from the latest records']));
  });
});
