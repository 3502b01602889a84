/**
 * Long runs: a 10⁶-step run keeps the widget's state under 5 MB as
 * a notebook saves it, the browser rebuilds exactly the kernel's state from
 * the messages of the whole run, and a view that joins mid-run (reload,
 * second page) detects the appends it missed instead of drawing a gap.
 */
import { createHistory } from '../../src/train/history';
import { schedule } from '../../src/train/schedule';
import { TrainingDashboard } from '../../src/widgets';
import { WIDGET_MAX_POINTS, displayStride } from '../../src/widgets/series';
import { appendFits } from '../../widgets/src/buffers';
import { LIVE } from '../../src/widgets/contract';
import { appendOf, browserState, replay, savedStateBytes } from './browser-side';
import { createFakeKernel } from './fake-kernel';

const STEPS = 1_000_000;
const LAYERS = 4;
const K = 10;

describe('a 10⁶-step run', () => {
  test('saved widget state stays under 5 MB and the browser rebuilds the kernel state exactly', () => {
    const h = createHistory({ name: 'long', activation: 'relu', dims: [5, 50, 50, 50, 5], depth: LAYERS, config: { steps: STEPS } });
    const kernel = createFakeKernel();
    // The interval is huge: updates go out only at the flushes below (every 5000 steps, like a live run at 10/s).
    const dash = new TrainingDashboard(h, { kernel, interval: 1e9, staticFigure: false });
    dash.display();
    const recordAt = schedule({}); // the default: 20 log-spaced records per decade
    for (let t = 0; t < STEPS; t++) {
      const loss = 1 / (1 + t / 1000) + 1e-6 * Math.sin(t);
      h.addStep({ step: t, loss, paramNorm: 1, lr: 1e-3 });
      if (recordAt(t, STEPS - 1)) {
        const sv = (l: number) => Float64Array.from({ length: K }, (_, i) => (l + 1) * Math.exp(-i) * (1 + t / STEPS));
        h.addRecord({ step: t, loss, paramNorm: 1, weights: Array.from({ length: LAYERS }, (_, l) => sv(l)), activations: Array.from({ length: LAYERS - 1 }, (_, l) => sv(l)) });
      }
      if (t % 5000 === 4999) dash.flush();
    }
    h.finish('completed');

    // The History thinned itself to ≤ 2¹⁸ points; the widget samples it at most 2¹⁵.
    expect(h.length).toBeLessThanOrEqual(1 << 18);
    expect(displayStride(h.length)).toBeGreaterThan(1);
    const { state, buffer_paths, buffers } = dash.getState();
    const kernelState = dash.state;
    expect(kernelState.runs[0].steps.length).toBeLessThanOrEqual(WIDGET_MAX_POINTS);
    expect(kernelState.runs[0].steps[0]).toBe(0);
    // Evenly sampled: consecutive sent steps are one stride apart.
    const stride = h.keptEvery * displayStride(h.length);
    expect(kernelState.runs[0].steps[1] - kernelState.runs[0].steps[0]).toBe(stride);
    expect(kernelState.runs[0].steps[kernelState.runs[0].steps.length - 1]).toBeGreaterThan(STEPS - 1 - stride);

    const bytes = savedStateBytes(state, buffer_paths, buffers);
    console.log(`[saddlelab] 10^6-step dashboard: ${kernelState.runs[0].steps.length} points, ${h.records.length} records, saved widget state ${(bytes / 1e6).toFixed(2)} MB`);
    expect(bytes).toBeLessThan(5e6);

    // What the browser holds after every message of the run equals the kernel's state.
    const comm = kernel.comms[0];
    const browser = replay(comm.opened, comm.sent);
    expect(Array.from(browser.runs[0].steps)).toEqual(Array.from(kernelState.runs[0].steps));
    expect(Array.from(browser.runs[0].loss)).toEqual(Array.from(kernelState.runs[0].loss));
    expect(Array.from(browser.spectrum!.steps)).toEqual(Array.from(kernelState.spectrum!.steps));
    expect(Array.from(browser.spectrum!.weights)).toEqual(Array.from(kernelState.spectrum!.weights));
    expect(Array.from(browser.spectrum!.activations!)).toEqual(Array.from(kernelState.spectrum!.activations!));
    // Every sent message stays small too (none re-sends the raw 2¹⁸-point history).
    for (const m of comm.sent) expect(m.buffers.reduce((n, b) => n + b.byteLength, 0)).toBeLessThan(2e6);
    dash.close();
  });
});

describe('a view joining mid-run', () => {
  test('an append past the end of its state is refused (a gap); one that overlaps or continues fits', () => {
    const h = createHistory({ name: 'j', activation: 'linear', dims: [2, 2], depth: 1, config: {} });
    const kernel = createFakeKernel();
    const w = new TrainingDashboard(h, { kernel, interval: 1e9, staticFigure: false });
    w.display();
    const comm = kernel.comms[0];
    for (let t = 0; t < 10; t++) h.addStep({ step: t, loss: 1 / (t + 1), paramNorm: 1, lr: 1 });
    w.flush();
    // The joining view: its state came from request_states now (10 points).
    comm.receive({ method: 'request_state' });
    const joined = browserState(comm.sent[comm.sent.length - 1]);
    expect(joined.runs[0].steps.length).toBe(10);
    for (let t = 10; t < 20; t++) h.addStep({ step: t, loss: 1 / (t + 1), paramNorm: 1, lr: 1 });
    w.flush();
    for (let t = 20; t < 30; t++) h.addStep({ step: t, loss: 1 / (t + 1), paramNorm: 1, lr: 1 });
    w.flush();
    const [a1, a2] = comm.sent.filter((m) => m.data.method === 'custom').slice(-2).map(appendOf);
    expect(appendFits(joined, a1, LIVE.TrainingDashboard)).toBe(true); // continues at 10
    expect(appendFits(joined, a2, LIVE.TrainingDashboard)).toBe(false); // starts at 20: points 10–19 were missed
    // The kernel's answer to the model's request_state is the whole state again.
    comm.receive({ method: 'request_state' });
    const resynced = browserState(comm.sent[comm.sent.length - 1]);
    expect(Array.from(resynced.runs[0].steps)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    w.close();
  });
});
