/**
 * The typed channel (src/widgets/wire.ts, protocol.ts): every message kind
 * survives the wire both ways; what the browser sends is checked, and what
 * does not match the contract is dropped without a reply; a `switch` that
 * forgets a message kind does not compile (the `@ts-expect-error`s below are
 * checked by `npm run typecheck`: each fails the typecheck once its switch
 * handles every kind, or once the union loses the kind it forgets).
 */
import { LossPlot, TrainingDashboard } from '../../src/widgets';
import type { AppendMessage, BrowserMessage, KernelMessage } from '../../src/widgets/state';
import { decodeBrowserMessage, decodeKernelCustom, encodeMessage, kernelMethodOf, unreachable } from '../../src/widgets/wire';
import { asReceived } from './browser-side';
import { createFakeKernel } from './fake-kernel';
import { staircase } from './histories';

const append: AppendMessage = {
  type: 'append',
  run: 1,
  from: 4,
  steps: Float64Array.of(4, 5),
  loss: Float64Array.of(0.5, NaN),
  recordFrom: 2,
  recordSteps: Float64Array.of(4),
  recordWeights: Float64Array.of(3, 2, 1, 0.5),
  recordActivations: null,
  escapes: [3],
  plateaus: [[0, 2]],
  progress: { step: 6, total: null, stepsPerSecond: 12.5, etaSeconds: null, phase: 'running' },
};

describe('the wire', () => {
  test('a kernel append arrives in the browser as it was sent (binary fields as Float64Arrays, from buffers at odd offsets)', () => {
    const wire = encodeMessage({ method: 'custom', content: append });
    expect(wire.buffers.length).toBe(4);
    expect(JSON.parse(JSON.stringify(wire.data))).toEqual(wire.data);
    expect(kernelMethodOf(wire.data)).toBe('custom');
    expect(decodeKernelCustom(wire.data.content, asReceived(wire.buffers))).toEqual(append);
  });

  test('browser messages arrive in the kernel as sent; a value of the wrong type or an unknown key is dropped', () => {
    const sent: BrowserMessage[] = [
      { method: 'update', state: { cursor: 12, selected_layers: [1, 3], log_y: false } },
      { method: 'request_state' },
      { method: 'custom', content: { type: 'control', action: 'stop' } },
    ];
    for (const m of sent) expect(decodeBrowserMessage(encodeMessage(m).data)).toEqual(m);
    expect(decodeBrowserMessage({ method: 'update', state: { cursor: 'x', smoothing: -1, title: 'mine', relative: true } })).toEqual({ method: 'update', state: { relative: true } });
    expect(decodeBrowserMessage({ method: 'custom', content: { type: 'control', action: 'explode' } })).toBeNull();
    expect(decodeBrowserMessage({ method: 'delete' })).toBeNull();
    expect(kernelMethodOf({ method: 'request_state' })).toBeNull();
    expect(decodeKernelCustom({ type: 'append', run: -1 }, [])).toBeNull();
    expect(decodeKernelCustom({ ...encodeMessage({ method: 'custom', content: append }).data.content as object, progress: { phase: 'sleeping' } }, [])).toBeNull();
  });
});

describe('the protocol model', () => {
  test('what the browser sends that breaks the contract gets no reply and changes nothing', () => {
    const kernel = createFakeKernel();
    const w = new TrainingDashboard(staircase(50, 2), { kernel, staticFigure: false });
    w.display();
    const comm = kernel.comms[0];
    const seen: string[] = [];
    w.onChange((key) => seen.push(key));
    comm.receive({ method: 'update', state: { paused: 'yes', title: 'x' } });
    comm.receive({ method: 'custom', content: { type: 'control', action: 'restart' } });
    comm.receive({ method: 'backup_state' });
    expect(comm.sent).toEqual([]);
    expect(seen).toEqual([]);
    comm.receive({ method: 'update', state: { log_x: true, cursor: 'far' } });
    expect(comm.sent.map((m) => m.data)).toEqual([{ method: 'echo_update', state: { log_x: true }, buffer_paths: [] }]);
    expect([seen, w.logX, w.cursor]).toEqual([['log_x'], true, null]);
    w.close();
  });

  test('request_state is answered with the full state as an update, protocol fields included', () => {
    const kernel = createFakeKernel();
    const w = new LossPlot(staircase(30, 2), { kernel, staticFigure: false });
    w.display();
    const comm = kernel.comms[0];
    comm.receive({ method: 'request_state' });
    expect(comm.sent).toHaveLength(1);
    expect(comm.sent[0].data).toMatchObject({ method: 'update', state: { _model_name: 'LossPlotModel', kind: 'LossPlot' } });
    expect(comm.sent[0].data.buffer_paths).toEqual(comm.opened.data.buffer_paths);
    w.close();
  });
});

// Compile-time checks: each switch forgets one kind, and the compiler says so.
export function kernelSwitchForgetsCustom(m: KernelMessage): string {
  switch (m.method) {
    case 'update':
    case 'echo_update':
      return m.method;
    default:
      // @ts-expect-error `custom` is not handled: m is not `never` here
      return unreachable(m);
  }
}
export function browserSwitchForgetsRequestState(m: BrowserMessage): string {
  switch (m.method) {
    case 'update':
    case 'custom':
      return m.method;
    default:
      // @ts-expect-error `request_state` is not handled: m is not `never` here
      return unreachable(m);
  }
}
