/**
 * What the browser model does with the kernel's messages, for the kernel-side
 * tests: buffers arrive as DataViews at odd offsets, binary fields become
 * Float64Arrays, appends are merged with the browser's own applyAppend.
 */
import { joinBuffers } from '../../src/widgets/codec';
import { LIVE } from '../../src/widgets/contract';
import type { AppendMessage, PlotState } from '../../src/widgets/state';
import { decodeKernelCustom } from '../../src/widgets/wire';
import { appendFits, applyAppend, normalizeRun, normalizeSpectrum } from '../../widgets/src/buffers';
import type { Sent } from './fake-kernel';

/** Buffers as the browser gets them: DataViews at an odd byte offset of a bigger ArrayBuffer. */
export function asReceived(buffers: ArrayBufferView[]): DataView[] {
  return buffers.map((b) => {
    const big = new Uint8Array(b.byteLength + 3);
    big.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), 3);
    return new DataView(big.buffer, 3, b.byteLength);
  });
}

/** What the browser model holds after a comm_open or a full `update` (binary fields back as Float64Arrays). */
export function browserState(opened: Sent, before?: PlotState): PlotState {
  const state = joinBuffers(opened.data.state as Record<string, unknown>, opened.data.buffer_paths as Array<Array<string | number>>, asReceived(opened.buffers));
  const s = { ...before, ...state } as unknown as PlotState;
  return { ...s, runs: (s.runs ?? []).map(normalizeRun), spectrum: normalizeSpectrum(s.spectrum ?? null) };
}

/** The append message of a `custom` comm message, decoded as the browser model decodes it. */
export function appendOf(sent: Sent): AppendMessage {
  const msg = decodeKernelCustom(sent.data.content, asReceived(sent.buffers));
  if (!msg) throw new Error(`not an append the browser accepts: ${JSON.stringify(sent.data)}`);
  return msg;
}

/** Applies an append as the browser model does, with the live plan of the state's kind. */
export function applyCustom(state: PlotState, sent: Sent): PlotState {
  return { ...state, ...applyAppend(state, appendOf(sent), LIVE[state.kind]) };
}

/**
 * Applies every message the kernel sent on a widget comm, in order, as the
 * browser model does: `update` and `echo_update` set keys, appends are merged
 * with the kind's live plan (a gap, which would make the model ask for the
 * whole state again, throws).
 */
export function replay(opened: Sent, sent: Sent[]): PlotState {
  let state = browserState(opened);
  for (const m of sent) {
    if (m.data.method === 'update' || m.data.method === 'echo_update') state = browserState(m, state);
    else if (m.data.method === 'custom') {
      const msg = appendOf(m);
      const plan = LIVE[state.kind];
      if (!appendFits(state, msg, plan)) throw new Error(`append from ${msg.from} (records from ${msg.recordFrom}) does not fit a state of ${state.runs[msg.run]?.steps.length} points, ${state.spectrum?.steps.length} records`);
      state = { ...state, ...applyAppend(state, msg, plan) };
    }
  }
  return state;
}

/**
 * The size in bytes of a widget's state as a notebook saves it
 * (`application/vnd.jupyter.widget-state+json`: JSON, buffers in base64).
 */
export function savedStateBytes(state: Record<string, unknown>, bufferPaths: Array<Array<string | number>>, buffers: ArrayBufferView[]): number {
  const saved = {
    model_name: state._model_name,
    model_module: state._model_module,
    model_module_version: state._model_module_version,
    state,
    buffers: buffers.map((b, i) => ({ path: bufferPaths[i], encoding: 'base64', data: Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64') })),
  };
  return Buffer.byteLength(JSON.stringify(saved));
}
