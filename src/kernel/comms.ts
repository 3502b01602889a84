/**
 * Jupyter comms (messaging spec, "Custom messages") and the widget control
 * target (ipywidgets protocol 2.1.0). Everything leaves through the one `send`
 * seam, so tests spy on it without sockets; the caller of `send` decides the
 * parent header (the comm message being handled, else the running cell).
 */
import { randomUUID } from 'node:crypto';
import { fail, requireObject } from '../errors';
import type { Comm, CommMsg, StatefulWidget } from '../host';

/** The one outgoing seam: an iopub message of `msgType` with `content`. */
export type Send = (msgType: string, content: Record<string, unknown>, options?: { metadata?: Record<string, unknown>; buffers?: ArrayBufferView[] }) => void;

export const CONTROL_TARGET = 'jupyter.widget.control';

export interface CommManager {
  /** Handles a `comm_open`, `comm_msg` or `comm_close` from the frontend. */
  handle(msgType: string, content: Record<string, unknown>, buffers: Uint8Array[], header: Record<string, unknown>, metadata?: Record<string, unknown>): void;
  /** Content of a `comm_info_reply`. */
  commInfo(targetName?: string): { status: 'ok'; comms: Record<string, { target_name: string }> };
  open(targetName: string, data?: Record<string, unknown>, metadata?: Record<string, unknown>, buffers?: ArrayBufferView[]): Comm;
  registerTarget(targetName: string, onOpen: (comm: Comm, msg: CommMsg) => void): () => void;
  registerWidget(widget: StatefulWidget): () => void;
}

export interface CommManagerOptions {
  send: Send;
  /** Where problems with incoming messages are reported (default console.error of the kernel process). */
  log?: (line: string) => void;
}

class CommImpl implements Comm {
  closed = false;
  readonly msgHandlers = new Set<(msg: CommMsg) => void>();
  readonly closeHandlers = new Set<(msg: CommMsg | undefined) => void>();
  constructor(readonly commId: string, readonly targetName: string, private readonly out: Send, private readonly forget: (id: string) => void) {}

  send_(msgType: string, data: Record<string, unknown>, metadata?: Record<string, unknown>, buffers?: ArrayBufferView[]): void {
    this.out(msgType, { comm_id: this.commId, data }, { metadata, buffers });
  }
  send(data: Record<string, unknown>, metadata?: Record<string, unknown>, buffers?: ArrayBufferView[]): void {
    if (this.closed) throw new Error(`[saddlelab] comm ${this.commId} (${this.targetName}) is closed; cannot send`);
    this.send_('comm_msg', data, metadata, buffers);
  }
  close(data: Record<string, unknown> = {}): void {
    if (this.closed) return;
    this.send_('comm_close', data);
    this.closedBy(undefined);
  }
  closedBy(msg: CommMsg | undefined): void {
    this.closed = true;
    this.forget(this.commId);
    for (const h of this.closeHandlers) h(msg);
  }
  onMsg(handler: (msg: CommMsg) => void): () => void {
    this.msgHandlers.add(handler);
    return () => this.msgHandlers.delete(handler);
  }
  onClose(handler: (msg: CommMsg | undefined) => void): () => void {
    this.closeHandlers.add(handler);
    return () => this.closeHandlers.delete(handler);
  }
}

/**
 * Creates the comm manager of one kernel.
 *
 * @example
 * ```ts
 * const sent: unknown[] = [];
 * const comms = createCommManager({ send: (type, content) => sent.push([type, content]) });
 * comms.open('my.target', { hello: 1 });
 * console.log(sent[0]); // ['comm_open', { comm_id: '…', target_name: 'my.target', data: { hello: 1 } }]
 * ```
 */
export function createCommManager(options: CommManagerOptions): CommManager {
  requireObject('createCommManager options', options);
  const { send } = options;
  if (typeof send !== 'function') fail('send', 'a function (the outgoing seam)', send);
  if (options.log !== undefined && typeof options.log !== 'function') fail('log', 'a function', options.log);
  const log = options.log ?? ((line: string) => console.error(line));
  const comms = new Map<string, CommImpl>();
  const targets = new Map<string, (comm: Comm, msg: CommMsg) => void>();
  const widgets = new Map<string, StatefulWidget>();
  const forget = (id: string) => comms.delete(id);

  const make = (id: string, target: string) => {
    const comm = new CommImpl(id, target, send, forget);
    comms.set(id, comm);
    return comm;
  };

  // The control comm: a (re)loaded page asks for every widget's state at once.
  targets.set(CONTROL_TARGET, (comm) => {
    comm.onMsg((msg) => {
      if (msg.data.method !== 'request_states') return;
      const states: Record<string, unknown> = {};
      const bufferPaths: Array<Array<string | number>> = [];
      const buffers: ArrayBufferView[] = [];
      for (const w of widgets.values()) {
        const s = w.getState();
        states[w.commId] = {
          model_name: s.state._model_name,
          model_module: s.state._model_module,
          model_module_version: s.state._model_module_version,
          state: s.state,
        };
        s.buffer_paths.forEach((p, i) => {
          bufferPaths.push([w.commId, 'state', ...p]);
          buffers.push(s.buffers[i]);
        });
      }
      comm.send({ method: 'update_states', states, buffer_paths: bufferPaths }, {}, buffers);
    });
  });

  const asMsg = (content: Record<string, unknown>, buffers: Uint8Array[], header: Record<string, unknown>, metadata: Record<string, unknown>): CommMsg => ({
    commId: String(content.comm_id),
    data: typeof content.data === 'object' && content.data !== null && !Array.isArray(content.data) ? (content.data as Record<string, unknown>) : {},
    metadata,
    buffers,
    header,
  });

  return {
    handle(msgType, content, buffers, header, metadata = {}) {
      const id = content.comm_id;
      if (typeof id !== 'string' || id === '') {
        log(`[saddlelab] ${msgType} without a comm_id string; ignored`);
        return;
      }
      const msg = asMsg(content, buffers, header, metadata);
      if (msgType === 'comm_open') {
        const target = typeof content.target_name === 'string' ? content.target_name : '';
        const onOpen = targets.get(target);
        if (!onOpen || comms.has(id)) {
          // Unknown target (or a reused id): tell the frontend the comm is dead.
          send('comm_close', { comm_id: id, data: {} });
          log(`[saddlelab] comm_open for ${comms.has(id) ? 'an id already open' : `unknown target '${target}'`}; answered with comm_close`);
          return;
        }
        const comm = make(id, target);
        try {
          onOpen(comm, msg);
        } catch (e) {
          log(`[saddlelab] target '${target}' failed on comm_open: ${(e as Error).message}`);
        }
        return;
      }
      const comm = comms.get(id);
      if (!comm) {
        log(`[saddlelab] ${msgType} for unknown comm ${id}; ignored`);
        return;
      }
      if (msgType === 'comm_close') {
        comm.closedBy(msg);
        return;
      }
      for (const h of comm.msgHandlers) {
        try {
          h(msg);
        } catch (e) {
          log(`[saddlelab] comm ${id} (${comm.targetName}) handler failed: ${(e as Error).message}`);
        }
      }
    },
    commInfo(targetName) {
      const out: Record<string, { target_name: string }> = {};
      for (const c of comms.values()) if (targetName === undefined || c.targetName === targetName) out[c.commId] = { target_name: c.targetName };
      return { status: 'ok', comms: out };
    },
    open(targetName, data = {}, metadata = {}, buffers) {
      const comm = make(randomUUID().replace(/-/g, ''), targetName);
      send('comm_open', { comm_id: comm.commId, target_name: targetName, data }, { metadata, buffers });
      return comm;
    },
    registerTarget(targetName, onOpen) {
      targets.set(targetName, onOpen);
      return () => {
        if (targets.get(targetName) === onOpen) targets.delete(targetName);
      };
    },
    registerWidget(widget) {
      widgets.set(widget.commId, widget);
      return () => {
        if (widgets.get(widget.commId) === widget) widgets.delete(widget.commId);
      };
    },
  };
}
