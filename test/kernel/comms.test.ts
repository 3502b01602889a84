/** Comm logic against a spy on the one `send` seam, without sockets. */
import { createCommManager, CONTROL_TARGET, type Send } from '../../src/kernel/comms';

function setup() {
  const sent: Array<{ type: string; content: Record<string, unknown>; buffers?: ArrayBufferView[] }> = [];
  const logs: string[] = [];
  const send: Send = (type, content, o) => sent.push({ type, content, buffers: o?.buffers });
  return { sent, logs, comms: createCommManager({ send, log: (l) => logs.push(l) }) };
}

const header = { msg_id: 'h1', msg_type: 'comm_msg' };

it('opens comms from the kernel with comm_open, sends comm_msg with buffers, closes once', () => {
  const { sent, comms } = setup();
  const comm = comms.open('t', { a: 1 }, { version: '2.1.0' }, [new Uint8Array([1, 2])]);
  expect(sent[0]).toEqual({ type: 'comm_open', content: { comm_id: comm.commId, target_name: 't', data: { a: 1 } }, buffers: [new Uint8Array([1, 2])] });
  comm.send({ b: 2 }, {}, [new Float64Array([0.5])]);
  expect(sent[1].type).toBe('comm_msg');
  expect(sent[1].content).toEqual({ comm_id: comm.commId, data: { b: 2 } });
  expect(Array.from(sent[1].buffers![0] as Float64Array)).toEqual([0.5]);
  comm.close();
  comm.close();
  expect(sent.filter((m) => m.type === 'comm_close')).toHaveLength(1);
  expect(comm.closed).toBe(true);
  expect(() => comm.send({})).toThrow(/^\[saddlelab\] comm .* is closed/);
  expect(comms.commInfo().comms).toEqual({});
});

it('routes frontend comm_open to registered targets and answers unknown targets with comm_close', () => {
  const { sent, logs, comms } = setup();
  const received: unknown[] = [];
  comms.registerTarget('echo', (comm, msg) => {
    received.push(msg.data);
    comm.onMsg((m) => comm.send({ echo: m.data }, {}, m.buffers));
  });
  comms.handle('comm_open', { comm_id: 'c1', target_name: 'echo', data: { hi: 1 } }, [], header);
  expect(received).toEqual([{ hi: 1 }]);
  expect(comms.commInfo('echo')).toEqual({ status: 'ok', comms: { c1: { target_name: 'echo' } } });
  expect(comms.commInfo('other')).toEqual({ status: 'ok', comms: {} });
  comms.handle('comm_msg', { comm_id: 'c1', data: { x: 1 } }, [new Uint8Array([9])], header);
  expect(sent.at(-1)).toEqual({ type: 'comm_msg', content: { comm_id: 'c1', data: { echo: { x: 1 } } }, buffers: [new Uint8Array([9])] });
  comms.handle('comm_open', { comm_id: 'c2', target_name: 'nope', data: {} }, [], header);
  expect(sent.at(-1)).toEqual({ type: 'comm_close', content: { comm_id: 'c2', data: {} }, buffers: undefined });
  expect(logs.at(-1)).toMatch(/unknown target 'nope'/);
  // A frontend comm_close ends the comm and calls its close handlers.
  const closedWith: unknown[] = [];
  comms.registerTarget('closing', (comm) => comm.onClose((m) => closedWith.push(m?.data)));
  comms.handle('comm_open', { comm_id: 'c3', target_name: 'closing', data: {} }, [], header);
  comms.handle('comm_close', { comm_id: 'c3', data: { bye: 1 } }, [], header);
  expect(closedWith).toEqual([{ bye: 1 }]);
  expect(comms.commInfo().comms).toEqual({ c1: { target_name: 'echo' } });
});

it('logs and ignores malformed or unknown comm messages, and survives a throwing handler', () => {
  const { sent, logs, comms } = setup();
  comms.handle('comm_msg', { data: {} }, [], header);
  comms.handle('comm_msg', { comm_id: 'ghost', data: {} }, [], header);
  comms.registerTarget('bad', (comm) => comm.onMsg(() => { throw new Error('boom'); }));
  comms.handle('comm_open', { comm_id: 'b', target_name: 'bad', data: 'not an object' }, [], header);
  comms.handle('comm_msg', { comm_id: 'b', data: [] }, [], header);
  expect(logs).toEqual([
    '[saddlelab] comm_msg without a comm_id string; ignored',
    '[saddlelab] comm_msg for unknown comm ghost; ignored',
    '[saddlelab] comm b (bad) handler failed: boom',
  ]);
  expect(sent).toEqual([]);
});

it('answers request_states on the control comm with update_states of every registered widget', () => {
  const { sent, comms } = setup();
  const state = { _model_name: 'M', _model_module: 'saddlelab', _model_module_version: '^0.1.0', v: 1 };
  const off = comms.registerWidget({ commId: 'w1', getState: () => ({ state, buffer_paths: [['series', 0]], buffers: [new Float64Array([1, 2])] }) });
  comms.registerWidget({ commId: 'w2', getState: () => ({ state: { ...state, v: 2 }, buffer_paths: [], buffers: [] }) });
  comms.handle('comm_open', { comm_id: 'ctl', target_name: CONTROL_TARGET, data: {} }, [], header);
  comms.handle('comm_msg', { comm_id: 'ctl', data: { method: 'request_states' } }, [], header);
  const reply = sent.at(-1)!;
  expect(reply.content.comm_id).toBe('ctl');
  const data = reply.content.data as { method: string; states: Record<string, { model_name: string; state: { v: number } }>; buffer_paths: unknown };
  expect(data.method).toBe('update_states');
  expect(Object.keys(data.states)).toEqual(['w1', 'w2']);
  expect(data.states.w2.state.v).toBe(2);
  expect(data.states.w1.model_name).toBe('M');
  expect(data.buffer_paths).toEqual([['w1', 'state', 'series', 0]]);
  expect(reply.buffers).toHaveLength(1);
  off();
  comms.handle('comm_msg', { comm_id: 'ctl', data: { method: 'request_states' } }, [], header);
  expect(Object.keys((sent.at(-1)!.content.data as { states: object }).states)).toEqual(['w2']);
});
