import { createRunControl } from '../../src/train/run-control';
import { LayerLawPlot, LossPlot, SpectrumPlot, TrainingDashboard } from '../../src/widgets';
import { MODEL_NAMES, VIEW_NAMES } from '../../src/widgets/contract';
import type { PlotState } from '../../src/widgets/state';
import { WIDGET_MODULE } from '../../src/widgets/version';
import type { StatefulWidget } from '../../src/host';
import { joinBuffers } from '../../src/widgets/codec';
import { applyCustom, asReceived, browserState } from './browser-side';
import { createFakeKernel, type FakeComm } from './fake-kernel';
import { addStep, staircase } from './histories';

/** A fake kernel that also lists widgets for the control comm's request_states, as the real one does. */
function registeringKernel() {
  const registered = new Map<string, StatefulWidget>();
  return Object.assign(createFakeKernel(), {
    registered,
    registerWidget(w: StatefulWidget) {
      registered.set(w.commId, w);
      return () => void registered.delete(w.commId);
    },
  });
}

describe('widget comm (ipywidgets protocol 2.1.0)', () => {
  test('comm_open carries the full state, the shared names and the numeric series as binary buffers', () => {
    const kernel = createFakeKernel();
    const h = staircase(200, 3);
    const w = new LossPlot(h, { kernel });
    w.display();
    const comm = kernel.comms[0];
    expect(comm.target).toBe('jupyter.widget');
    expect(comm.opened.metadata).toEqual({ version: '2.1.0' });
    const state = comm.opened.data.state as Record<string, unknown>;
    expect(state._model_name).toBe(MODEL_NAMES.LossPlot);
    expect(state._view_name).toBe(VIEW_NAMES.LossPlot);
    expect(state._model_module).toBe(WIDGET_MODULE);
    expect(comm.opened.data.buffer_paths).toEqual([
      ['runs', 0, 'steps'],
      ['runs', 0, 'loss'],
    ]);
    expect(comm.opened.buffers.every((b) => b instanceof Float64Array)).toBe(true);
    const received = browserState(comm.opened);
    expect(Array.from(received.runs[0].loss)).toEqual(Array.from(h.loss()));
    // The loss staircase has its two escapes near 3/8 and 3/4 of the run.
    expect(received.runs[0].escapes.length).toBeGreaterThanOrEqual(1);
    expect(received.runs[0].escapes[0]).toBeGreaterThan(60);
    expect(received.runs[0].escapes[0]).toBeLessThan(90);
  });

  test('live updates are batched appends that rebuild, in the browser, exactly the kernel state', () => {
    const kernel = createFakeKernel();
    const steps = 300;
    const h = staircase(0, 4);
    // A huge interval: nothing is sent until flush(), so batching is checked without timing.
    const w = new TrainingDashboard(h, undefined, { kernel, interval: 1e9 });
    w.display();
    const comm = kernel.comms[0];
    let browser = browserState(comm.opened);
    for (let t = 0; t < steps; t++) {
      addStep(h, t, steps, 4, 20);
      if (t % 50 === 49) w.flush();
    }
    w.flush();
    const appends = comm.sent.filter((m) => m.data.method === 'custom');
    // The first step goes out at once (nothing sent yet), then one batch per flush.
    expect(appends.length).toBe(1 + steps / 50);
    for (const m of appends) {
      expect(m.buffers.every((b) => b instanceof Float64Array)).toBe(true);
      browser = applyCustom(browser, m);
    }
    const kernelState = w.state;
    expect(Array.from(browser.runs[0].steps)).toEqual(Array.from(kernelState.runs[0].steps));
    expect(Array.from(browser.runs[0].loss)).toEqual(Array.from(kernelState.runs[0].loss));
    expect(browser.runs[0].escapes).toEqual(kernelState.runs[0].escapes);
    expect(browser.spectrum!.k).toBe(kernelState.spectrum!.k);
    expect(Array.from(browser.spectrum!.steps)).toEqual(Array.from(kernelState.spectrum!.steps));
    expect(Array.from(browser.spectrum!.weights)).toEqual(Array.from(kernelState.spectrum!.weights));
    // Progress counts updates done: 300 steps, each followed by its update.
    expect(browser.progress!.step).toBe(steps);
    expect(browser.progress!.total).toBeNull(); // config.steps of staircase(0) is 0: unknown
  });

  test('after the history thins itself the widget sends a full update', () => {
    const kernel = createFakeKernel();
    const h = staircase(0, 2);
    const w = new LossPlot(h, { kernel, interval: 1e9 });
    w.display();
    // maxPoints defaults to 2^18; use a small history instead.
    const small = new (h.constructor as typeof import('../../src/train/history').History)(h.meta, { maxPoints: 16 });
    const w2 = new LossPlot(small, { kernel, interval: 1e9 });
    w2.display();
    for (let t = 0; t < 40; t++) small.addStep({ step: t, loss: 1 / (t + 1), paramNorm: 1, lr: 1 });
    w2.flush();
    const comm = kernel.comms[1];
    const last = comm.sent[comm.sent.length - 1];
    expect(last.data.method).toBe('update');
    expect(small.keptEvery).toBeGreaterThan(1);
    const state = joinBuffers(last.data.state as Record<string, unknown>, last.data.buffer_paths as Array<Array<string | number>>, asReceived(last.buffers));
    expect(Array.from((state as unknown as PlotState).runs[0].steps)).toEqual(Array.from(small.steps()));
    w.close();
  });

  test('request_state is answered with the full state; browser-set values are readable from the kernel and echoed to every view', () => {
    const kernel = registeringKernel();
    const h = staircase(100, 3);
    const w = new SpectrumPlot(h, { kernel });
    w.display();
    const comm = kernel.comms[0] as FakeComm;
    const seen: string[] = [];
    w.onChange((key) => seen.push(key));
    comm.receive({ method: 'update', state: { cursor: 40, selected_layers: [2, 3], _model_name: 'ignored' }, buffer_paths: [] });
    expect(w.cursor).toBe(40);
    expect(w.selectedLayers).toEqual([2, 3]);
    expect(seen).toEqual(['cursor', 'selected_layers']);
    // The accepted values (not the protocol field) are echoed, so a second view of the widget learns them.
    expect(comm.sent.map((m) => m.data)).toEqual([{ method: 'echo_update', state: { cursor: 40, selected_layers: [2, 3] }, buffer_paths: [] }]);
    // Values of the wrong type, or a state that is not an object, change nothing and echo nothing.
    comm.receive({ method: 'update', state: { cursor: 'x', selected_layers: [1, -2], paused: 'yes', log_y: 1, smoothing: -5 }, buffer_paths: [] });
    comm.receive({ method: 'update', state: 7, buffer_paths: [] });
    expect([w.cursor, w.selectedLayers, seen]).toEqual([40, [2, 3], ['cursor', 'selected_layers']]);
    expect(comm.sent).toHaveLength(1);
    comm.receive({ method: 'request_state' });
    const reply = comm.sent[comm.sent.length - 1];
    expect(reply.data.method).toBe('update');
    const state = reply.data.state as Record<string, unknown>;
    expect(state._model_name).toBe(MODEL_NAMES.SpectrumPlot);
    expect(state.cursor).toBe(40);
    expect(state.selected_layers).toEqual([2, 3]);
    expect(reply.data.buffer_paths).toEqual(w.getState().buffer_paths);
    // Listed for the control comm's request_states until it closes.
    expect(kernel.registered.get(comm.commId)).toBe(w);
    w.close();
    expect(kernel.registered.size).toBe(0);
  });

  test('dashboard controls act on a real RunControl', () => {
    const kernel = createFakeKernel();
    const control = createRunControl();
    control.setState('running');
    const w = new TrainingDashboard(staircase(50, 2), control, { kernel });
    w.display();
    const comm = kernel.comms[0];
    comm.receive({ method: 'update', state: { paused: true }, buffer_paths: [] });
    expect(control.state).toBe('paused');
    expect(w.paused).toBe(true);
    // The browser hears the new phase at once (a paused loop sends no steps).
    expect((comm.sent[comm.sent.length - 1].data.state as { progress: { phase: string } }).progress.phase).toBe('paused');
    comm.receive({ method: 'update', state: { paused: false }, buffer_paths: [] });
    expect(control.state).toBe('running');
    comm.receive({ method: 'custom', content: { type: 'control', action: 'stop' } });
    expect(control.state).toBe('stopped');
    // The browser hears the new state at once.
    const last = comm.sent[comm.sent.length - 1].data as { method: string; state: { paused: boolean; progress: { phase: string } } };
    expect(last.method).toBe('update');
    expect(last.state.paused).toBe(false);
    expect(last.state.progress.phase).toBe('stopped');
  });
});

describe('display bundle', () => {
  test('carries the widget view, text/plain and an SVG, refreshed by update_display_data when the run ends', () => {
    const kernel = createFakeKernel();
    const h = staircase(0, 3);
    const w = new LossPlot(h, { kernel });
    const returned = (w as unknown as Record<symbol, () => object>)[Symbol.for('Jupyter.display')]();
    expect(returned).toEqual({});
    const shown = kernel.displays[0];
    expect(shown.displayId).toBeTruthy();
    expect(shown.bundle['application/vnd.jupyter.widget-view+json']).toEqual({ version_major: 2, version_minor: 1, model_id: kernel.comms[0].commId });
    expect(String(shown.bundle['text/plain'])).toMatch(/^LossPlot\(stairs: 0 steps/);
    expect(String(shown.bundle['image/svg+xml'])).toMatch(/^<svg/);
    for (let t = 0; t < 120; t++) addStep(h, t, 120, 3, 20);
    h.finish('completed');
    expect(kernel.updates).toHaveLength(1);
    expect(kernel.updates[0].displayId).toBe(shown.displayId);
    const svg = String(kernel.updates[0].bundle['image/svg+xml']);
    expect(svg).not.toEqual(shown.bundle['image/svg+xml']);
    expect(String(kernel.updates[0].bundle['text/plain'])).toMatch(/120 steps/);
  });

  test('the dashboard of a run in progress shows no static figure until the run ends (no blocking render at the start)', () => {
    const kernel = createFakeKernel();
    const control = createRunControl();
    control.setState('running');
    const h = staircase(0, 3);
    const dash = new TrainingDashboard(h, control, { kernel });
    dash.display();
    expect(kernel.displays[0].bundle['image/svg+xml']).toBeUndefined();
    expect(kernel.displays[0].bundle['application/vnd.jupyter.widget-view+json']).toBeTruthy();
    for (let t = 0; t < 60; t++) addStep(h, t, 60, 3, 20);
    control.setState('done');
    h.finish('completed');
    // The end brings the final figure.
    expect(kernel.updates).toHaveLength(1);
    expect(String(kernel.updates[0].bundle['image/svg+xml'])).toMatch(/^<svg/);
    // Without a live kernel (static output only) the figure is always there.
    const still = createRunControl();
    still.setState('running');
    const offline = createFakeKernel(false);
    new TrainingDashboard(staircase(50, 2), still, { kernel: offline }).display();
    expect(String(offline.displays[0].bundle['image/svg+xml'])).toMatch(/^<svg/);
  });

  test('without a live kernel the bundle is static (no comm, no widget view), with a one-line notice once', () => {
    const kernel = createFakeKernel(false);
    const w = new LayerLawPlot(staircase(100, 4), { kernel });
    const log = jest.spyOn(console, 'log').mockImplementation(() => {});
    w.display();
    w.display();
    expect(log.mock.calls.map((c) => String(c[0]))).toEqual(['[saddlelab] static figures only: live widgets need the saddlelab kernel (npx saddlelab install, then pick "TypeScript (saddlelab)")']);
    log.mockRestore();
    expect(require('node:util').inspect(w)).toMatch(/^LayerLawPlot\(stairs, weights, step 80: s1\/s2 = \[/);
    expect(kernel.comms).toHaveLength(0);
    const b = kernel.displays[0].bundle;
    expect(Object.keys(b).sort()).toEqual(['application/vnd.saddlelab.figure+json', 'image/png', 'image/svg+xml', 'text/plain']);
    expect(String(b['text/plain'])).toMatch(/s1\/s2 = \[/);
  });

  test('a typo in an option is an error that names it', () => {
    expect(() => new SpectrumPlot(staircase(10, 2), { kernel: createFakeKernel(), mode: 'snapshots' as 'snapshot' })).toThrow(
      "[saddlelab] options.mode must be one of 'series', 'snapshot'; got \"snapshots\"",
    );
    expect(() => new LossPlot([], { kernel: createFakeKernel() })).toThrow(/^\[saddlelab\] history must be/);
  });
});
