/**
 * Divergence: a real training whose loss becomes non-finite stops
 * with a `[saddlelab]` message, and every widget shows where it stopped (a
 * dash-dot line labelled with the reason at the last finite step) and why
 * (the message), in the live figure and in the static SVG.
 */
import { data, train } from '../../src';
import { LossPlot, TrainingDashboard } from '../../src/widgets';
import { figureSvg } from '../../src/widgets/static-figure';
import { describeFigure } from '../../src/widgets/figure';
import { plotlyFigure } from '../../widgets/src/plotly-figure';
import { replay } from './browser-side';
import { createFakeKernel } from './fake-kernel';

describe('a diverging run', () => {
  test('the history keeps every finite step; the widgets mark where it stopped and show the message', async () => {
    const ds = data.linearTeacher({ singularValues: [10, 20, 30], n: 50, seed: 0 });
    const net = train.mlp({ inputDim: 3, widths: [20, 20], outputDim: 3, activation: 'linear', init: { gamma: 0.5, seed: 0 } });
    const kernel = createFakeKernel();
    // lr far above 2/λmax: the loss grows geometrically and overflows within a few hundred steps.
    // The cpu backend: under jest the native backend's arrays come from another realm (src/spectrum/svd.ts's instanceof check refuses them).
    const run = train.start(net, ds, { steps: 5000, lr: 0.5, log: false, backend: 'cpu' });
    const dash = new TrainingDashboard(run.history, run.control, { kernel, interval: 0, staticFigure: false });
    const plot = new LossPlot(run.history, { kernel, interval: 0, staticFigure: false });
    dash.display();
    plot.display();
    const h = await run.done;

    expect(h.end?.reason).toBe('diverged');
    expect(h.end?.message).toMatch(/^\[saddlelab\] the loss became non-finite at step \d+/);
    const steps = Array.from(h.steps());
    expect(steps).toEqual(Array.from({ length: h.end!.step + 1 }, (_, i) => i));
    expect(Array.from(h.loss()).every(Number.isFinite)).toBe(true);

    for (const [i, w] of [dash, plot].entries()) {
      // What the browser holds after every message equals the kernel's state, end included.
      const comm = kernel.comms[i];
      const state = replay(comm.opened, comm.sent);
      expect(state.ends).toEqual([{ reason: 'diverged', step: h.end!.step, message: h.end!.message }]);
      expect(Array.from(state.runs[0].steps)).toEqual(Array.from(w.state.runs[0].steps));
      const desc = describeFigure(state);
      const fig = plotlyFigure(desc);
      const marks = (fig.layout.shapes as Array<{ x0: number; line: { dash?: string } }>).filter((s) => s.line?.dash === 'dashdot');
      expect(marks.map((s) => s.x0)).toEqual([h.end!.step]);
      expect((fig.layout.annotations as Array<{ text: string }>).map((a) => a.text)).toContain(`diverged at step ${h.end!.step}`);
      expect(desc.notes).toEqual([h.end!.message]);
      const svg = figureSvg(state);
      expect(svg).toContain(`diverged at step ${h.end!.step}`);
      expect(svg).toContain('[saddlelab] the loss became non-finite');
    }
  });

  test('a completed run has no stop mark', () => {
    const h = train.createHistory({ name: 'ok', activation: 'linear', dims: [2, 2], depth: 1, config: {} });
    for (let t = 0; t < 20; t++) h.addStep({ step: t, loss: 1 / (t + 1), paramNorm: 1, lr: 1 });
    h.finish('completed');
    const state = new LossPlot(h, { kernel: createFakeKernel(false), staticFigure: false }).state;
    expect(state.ends).toEqual([{ reason: 'completed', step: 19, message: '' }]);
    const desc = describeFigure(state);
    expect(desc.notes).toEqual([]);
    expect(desc.panels[0].marks.some((m) => m.role === 'end')).toBe(false);
    expect(((plotlyFigure(desc).layout.shapes as Array<{ line?: { dash?: string } }>) ?? []).some((s) => s.line?.dash === 'dashdot')).toBe(false);
  });
});
