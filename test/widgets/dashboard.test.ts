/**
 * The dashboard's controls act on the run it shows, or say why they cannot;
 * its status line shows the true state and the updates done. Real trainings
 * on the cpu backend (under jest the native backend's arrays come from
 * another realm).
 */
import { backend, data, train, widgets } from '../../src';
import { TrainingDashboard } from '../../src/widgets';
import { HISTORY_ONLY_REASON } from '../../src/widgets/dashboard';
import type { PlotState } from '../../src/widgets/state';
import { replay } from './browser-side';
import { createFakeKernel, type FakeKernel } from './fake-kernel';
import { staircase } from './histories';

const setup = () => {
  const ds = data.linearTeacher({ singularValues: [1, 2], n: 20, seed: 0 });
  const net = train.mlp({ inputDim: 2, widths: [8], outputDim: 2, activation: 'linear', init: { gamma: 1.5, seed: 1 } });
  return { ds, net };
};

/** What the browser shows after every message so far. */
const shown = (kernel: FakeKernel, i = 0): PlotState => replay(kernel.comms[i].opened, kernel.comms[i].sent);

/** Waits (yielding to the training loop) until `ok()` holds. */
async function until(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!ok()) throw new Error(`timed out waiting for ${what}`);
}

describe('widgets.live() on train.start', () => {
  test('shows a dashboard bound to the run: pause holds the loop, resume continues it, stop ends it; the status line follows', async () => {
    const { ds, net } = setup();
    const kernel = createFakeKernel();
    const run = train.start(net, ds, { steps: 100000, lr: 0.01, log: false, backend: 'cpu', record: { every: 50 }, ...widgets.live({ kernel, interval: 0, staticFigure: false }) });
    try {
      expect(kernel.displays).toHaveLength(1);
      expect(kernel.displays[0].bundle['application/vnd.jupyter.widget-view+json']).toBeTruthy();
      const comm = kernel.comms[0];
      expect(shown(kernel).controls).toEqual({ enabled: true, reason: '' });
      expect(shown(kernel).progress).toMatchObject({ step: 0, phase: expect.stringMatching(/^(idle|running)$/) });
      await until(() => run.history.latestStep > 20, 'steps');
      comm.receive({ method: 'update', state: { paused: true }, buffer_paths: [] });
      expect(run.control.state).toBe('paused');
      expect(shown(kernel).progress!.phase).toBe('paused');
      const held = run.history.latestStep;
      await new Promise((r) => setTimeout(r, 100));
      expect(run.history.latestStep).toBeLessThanOrEqual(held + 1);
      comm.receive({ method: 'update', state: { paused: false }, buffer_paths: [] });
      await until(() => run.history.latestStep > held + 20, 'steps after resume');
      expect(shown(kernel).progress!.phase).toBe('running');
      comm.receive({ method: 'custom', content: { type: 'control', action: 'stop' } });
    } finally {
      // Whatever failed above, the loop must not outlive the test.
      run.control.stop();
    }
    const h = await run.done;
    expect(h.end!.reason).toBe('stopped');
    const end = shown(kernel);
    expect(end.progress).toMatchObject({ phase: 'stopped', step: h.latestStep + 1 });
    expect(end.ends[0]).toMatchObject({ reason: 'stopped', step: h.latestStep });
  });

  test('a completed run counts every update: N of N, done', async () => {
    const { ds, net } = setup();
    const kernel = createFakeKernel();
    const h = await train.fit(net, ds, { steps: 60, lr: 0.01, log: false, backend: 'cpu', ...widgets.live({ kernel, interval: 0, staticFigure: false }) });
    expect(h.end!.reason).toBe('completed');
    expect(shown(kernel).progress).toMatchObject({ step: 60, phase: 'done' });
    expect(shown(kernel).progress!.total === null || shown(kernel).progress!.total === 60).toBe(true);
  });
});

describe('a dashboard over a hand-written trainer.next() loop', () => {
  test('Pause holds the loop and Stop ends it, delivered as comm messages arrive: between steps, from the event loop', async () => {
    const { ds, net } = setup();
    await backend.useBackend('cpu');
    const trainer = train.createTrainer(net, ds, { lr: 0.01, record: false });
    const kernel = createFakeKernel();
    const dash = new TrainingDashboard(trainer, { kernel, interval: 0, staticFigure: false, totalSteps: 20000 });
    dash.display();
    const comm = kernel.comms[0];
    expect(shown(kernel).progress).toMatchObject({ step: 0, total: 20000, phase: 'idle' });
    expect(shown(kernel).controls!.enabled).toBe(true);
    // Messages from the browser are I/O: they reach the kernel only when the loop yields to the event loop.
    const at = (ms: number, data: Record<string, unknown>) => setTimeout(() => comm.receive(data), ms);
    at(40, { method: 'update', state: { paused: true }, buffer_paths: [] });
    let held = -1;
    setTimeout(() => (held = trainer.history.latestStep), 150);
    at(300, { method: 'update', state: { paused: false }, buffer_paths: [] });
    at(450, { method: 'custom', content: { type: 'control', action: 'stop' } });
    let steps = 0;
    const heldAt: number[] = [];
    for (let t = 0; t < 20000; t++) {
      if (!(await trainer.next())) break;
      steps++;
      if (held >= 0 && heldAt.length === 0) heldAt.push(trainer.history.latestStep);
    }
    await trainer.finish();
    // Stopped well before the loop's end, and no step was taken while paused (150 ms into the pause).
    expect(steps).toBeLessThan(20000);
    expect(heldAt[0]).toBe(held + 1);
    expect(trainer.history.end!.reason).toBe('stopped');
    expect(shown(kernel).progress).toMatchObject({ step: steps, total: 20000, phase: 'stopped' });
  });
});

describe('a dashboard without a control', () => {
  test('over a History: buttons disabled with the reason; the status line says running while steps arrive, and counts updates', () => {
    const kernel = createFakeKernel();
    const h = staircase(0, 2);
    const dash = new TrainingDashboard(h, { kernel, interval: 0, staticFigure: false, totalSteps: 8000 });
    dash.display();
    expect(shown(kernel).controls).toEqual({ enabled: false, reason: HISTORY_ONLY_REASON });
    expect(shown(kernel).progress).toMatchObject({ step: 0, total: 8000, phase: 'idle' });
    for (let t = 0; t < 30; t++) h.addStep({ step: t, loss: 1 / (t + 1), paramNorm: 1, lr: 1 });
    expect(shown(kernel).progress).toMatchObject({ step: 30, phase: 'running' });
    // A pause toggled anyway is taken back at once.
    kernel.comms[0].receive({ method: 'update', state: { paused: true }, buffer_paths: [] });
    expect(shown(kernel).paused).toBe(false);
    h.finish('completed');
    expect(shown(kernel).progress).toMatchObject({ step: 30, phase: 'done' });
  });

  test('the older form (history, control, options) still binds the control', () => {
    const control = train.createRunControl();
    const dash = new TrainingDashboard(staircase(10, 2), control, { kernel: createFakeKernel(false), staticFigure: false, layers: [2] });
    expect(dash.state.controls!.enabled).toBe(true);
    expect(dash.state.selected_layers).toEqual([2]);
    dash.pause();
    expect(control.state).toBe('paused');
    expect(() => new TrainingDashboard({} as never)).toThrow(/^\[saddlelab\] source must be a trainer \(train.createTrainer\), a run \(train.start\) or a History/);
  });
});
