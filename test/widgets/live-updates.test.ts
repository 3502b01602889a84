/**
 * Live updates of every widget kind, shown mid-run, replayed into the browser
 * model exactly as it applies them: every append must fit (no round trip for
 * the whole state), and the browser must end up drawing what the kernel has.
 */
import { createHistory, type History } from '../../src/train/history';
import { LayerLawPlot, LossPlot, SpectrumPlot, TrainingDashboard, type PlotWidget } from '../../src/widgets';
import { KINDS, LIVE } from '../../src/widgets/contract';
import { describeFigure } from '../../src/widgets/figure';
import type { PlotState, WidgetKind } from '../../src/widgets/state';
import { replay } from './browser-side';
import { createFakeKernel } from './fake-kernel';
import { addStep } from './histories';

const STEPS = 400;
const LAYERS = 3;

function run(): History {
  return createHistory({ name: 'live', activation: 'relu', dims: [3, 6, 6, 1], depth: LAYERS, config: { steps: STEPS } });
}

/** The kinds that follow training histories (a SweepPlot follows a sweep's rows: test/widgets/sweep-plot.test.ts). */
type HistoryKind = Exclude<WidgetKind, 'SweepPlot'>;
const HISTORY_KINDS = KINDS.filter((k): k is HistoryKind => k !== 'SweepPlot');

const make: Record<HistoryKind, (h: History, kernel: ReturnType<typeof createFakeKernel>) => PlotWidget> = {
  LossPlot: (h, kernel) => new LossPlot(h, { kernel, interval: 1e9, staticFigure: false }),
  SpectrumPlot: (h, kernel) => new SpectrumPlot(h, { kernel, interval: 1e9, staticFigure: false }),
  LayerLawPlot: (h, kernel) => new LayerLawPlot(h, { kernel, interval: 1e9, staticFigure: false }),
  TrainingDashboard: (h, kernel) => new TrainingDashboard(h, { kernel, interval: 1e9, staticFigure: false }),
};

/** What the figure shows, as comparable numbers: every series' points and every mark. */
function shown(state: PlotState) {
  const fig = describeFigure(state);
  return fig.panels.map((p) => ({ id: p.id, series: p.series.map((s) => [s.id, Array.from(s.x), Array.from(s.y)]), marks: p.marks.map((m) => [m.role, m.x0, m.x1]), title: fig.title }));
}

describe.each(HISTORY_KINDS)('%s shown mid-run', (kind) => {
  test('every append fits, and the browser draws exactly what the kernel has', () => {
    const h = run();
    for (let t = 0; t < 90; t++) addStep(h, t, STEPS, LAYERS, 20);
    const kernel = createFakeKernel();
    const w = make[kind](h, kernel);
    w.display();
    const comm = kernel.comms[0];
    for (let t = 90; t < STEPS; t++) {
      addStep(h, t, STEPS, LAYERS, 20);
      if (t % 37 === 0) w.flush();
    }
    w.flush();
    h.finish('completed');
    // A gap would make the browser ask for the whole state again: replay throws on one.
    const browser = replay(comm.opened, comm.sent);
    expect(comm.sent.some((m) => m.data.method === 'custom')).toBe(true);
    expect(shown(browser)).toEqual(shown(w.state));
    const plan = LIVE[kind];
    if (plan.records) expect(browser.spectrum!.steps.length).toBe(h.records.length);
    if (plan.points) expect(browser.runs[0].steps.length).toBe(STEPS);
    // The escape marks (the staircase has two) reach every kind that draws them.
    if (plan.phases) expect(browser.runs[0].escapes.length).toBeGreaterThanOrEqual(1);
    w.close();
  });
});

test('a LayerLawPlot follows the latest record live, and the cursor moves it without a round trip', () => {
  const h = run();
  for (let t = 0; t < 50; t++) addStep(h, t, STEPS, LAYERS, 20);
  const kernel = createFakeKernel();
  const w = new LayerLawPlot(h, { kernel, interval: 1e9, staticFigure: false });
  w.display();
  const comm = kernel.comms[0];
  const before = describeFigure(replay(comm.opened, comm.sent)).title;
  for (let t = 50; t < 300; t++) addStep(h, t, STEPS, LAYERS, 20);
  w.flush();
  const browser = replay(comm.opened, comm.sent);
  expect([before, describeFigure(browser).title]).toEqual(['Layer law (Theorem 3.1) of the weights Wℓ at step 40 (live)', 'Layer law (Theorem 3.1) of the weights Wℓ at step 280 (live)']);
  expect(describeFigure({ ...browser, cursor: 100 }).title).toBe('Layer law (Theorem 3.1) of the weights Wℓ at step 100 (live)');
});

test('a second view learns what the first set (echo_update), with the values the kernel accepted', () => {
  const h = run();
  for (let t = 0; t < 100; t++) addStep(h, t, STEPS, LAYERS, 20);
  const kernel = createFakeKernel();
  const w = new TrainingDashboard(h, { kernel, interval: 1e9, staticFigure: false });
  w.display();
  const comm = kernel.comms[0];
  comm.receive({ method: 'update', state: { cursor: 42, log_x: true, smoothing: 10, relative: true, selected_layers: [2] }, buffer_paths: [] });
  const second = replay(comm.opened, comm.sent);
  expect([second.cursor, second.log_x, second.smoothing, second.relative, second.selected_layers]).toEqual([42, true, 10, true, [2]]);
  expect([w.cursor, w.logX, w.smoothing]).toEqual([42, true, 10]);
});
