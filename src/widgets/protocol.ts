/**
 * The kernel side of one widget's comm, in the spirit of ipywidgets'
 * `WidgetModel` (protocol 2.1.0): `comm_open` on `jupyter.widget` with the full
 * state and the protocol's own fields; `update` for kernel-side changes;
 * browser `update`s checked key by key and echoed to every view
 * (`echo_update`); `request_state` answered with the full state; `custom`
 * messages both ways. It speaks through a typed channel
 * (`Channel<KernelMessage, BrowserMessage>`) and knows nothing of histories:
 * the widget gives it the state and acts on what the browser sets.
 */
import type { StatefulWidget } from '../host';
import { splitBuffers, type Split } from './codec';
import { MODEL_NAMES, VIEW_NAMES } from './contract';
import type { WidgetComm, WidgetKernel } from './kernel-port';
import type { BrowserCustom, BrowserMessage, BrowserState, Channel, KernelMessage, PlotState, ProtocolState, WidgetKind } from './state';
import { WIDGET_MODULE, WIDGET_MODULE_RANGE } from './version';
import { decodeBrowserMessage, encodeMessage, unreachable, type Wire } from './wire';

/** The kernel's end of a widget comm; `send` also returns what went on the wire (the widget counts its bytes). */
export interface KernelChannel extends Channel<KernelMessage, BrowserMessage> {
  send(message: KernelMessage): Wire;
}

/**
 * A typed channel over a host comm: messages are encoded by wire.ts, and what
 * the browser sends is decoded and checked there (anything else is dropped).
 *
 * @example
 * ```ts
 * import { commChannel } from './protocol';
 * const sent: unknown[] = [];
 * const comm = { commId: 'c', closed: false, send: (data: Record<string, unknown>) => void sent.push(data), close() {}, onMsg: () => () => {}, onClose: () => () => {} };
 * commChannel(comm).send({ method: 'echo_update', state: { log_y: false } });
 * console.log(sent); // [ { method: 'echo_update', state: { log_y: false }, buffer_paths: [] } ]
 * ```
 */
export function commChannel(comm: WidgetComm): KernelChannel {
  return {
    send(message) {
      const wire = encodeMessage(message);
      comm.send(wire.data, {}, wire.buffers);
      return wire;
    },
    onMessage(handler) {
      return comm.onMsg((msg) => {
        const message = decodeBrowserMessage(msg.data);
        if (message) handler(message);
      });
    },
  };
}

/** What the model asks of its widget. */
export interface ModelDelegate {
  /** The whole state now (for `comm_open` and `request_state`). */
  state(): PlotState;
  /** The comm (re)opened with the full state: the browser has everything. */
  opened(): void;
  /** The browser set these keys (their values already have the declared types). */
  browserSet(changes: Partial<BrowserState>): void;
  /** A `custom` message from the browser. */
  custom(message: BrowserCustom): void;
}

/** The kernel side of a widget's comm (ipywidgets protocol 2.1.0). */
export class WidgetModel implements StatefulWidget {
  private comm?: WidgetComm;
  private channel?: KernelChannel;
  private readonly cleanup: Array<() => void> = [];

  constructor(
    private readonly kind: WidgetKind,
    private readonly kernel: WidgetKernel,
    private readonly delegate: ModelDelegate,
  ) {}

  /** The comm id (the widget's model id), once the comm is open; '' before. */
  get commId(): string {
    return this.comm?.commId ?? '';
  }

  /** Whether the comm is open (messages reach the browser). */
  get open(): boolean {
    return !!this.comm && !this.comm.closed;
  }

  /** The protocol's own fields for this kind. */
  private protocol(): ProtocolState {
    return {
      _model_name: MODEL_NAMES[this.kind],
      _model_module: WIDGET_MODULE,
      _model_module_version: WIDGET_MODULE_RANGE,
      _view_name: VIEW_NAMES[this.kind],
      _view_module: WIDGET_MODULE,
      _view_module_version: WIDGET_MODULE_RANGE,
      _view_count: null,
      _dom_classes: [],
      layout: null,
      tabbable: null,
      tooltip: null,
    };
  }

  /** The full state with the protocol's fields, buffers split out (what `comm_open` and the control comm's `request_states` carry). */
  getState(): Split {
    return splitBuffers({ ...this.protocol(), ...this.delegate.state() });
  }

  /**
   * Opens the comm with the full state, unless it is open; false where the host has no live comms
   * (static figures only). `owner` is what the kernel lists for `request_states` (the widget).
   */
  connect(owner: StatefulWidget = this): boolean {
    if (this.open) return true;
    if (!this.kernel.live) return false;
    const { state, buffer_paths, buffers } = this.getState();
    const comm = this.kernel.openComm('jupyter.widget', { state, buffer_paths }, { version: '2.1.0' }, buffers);
    this.comm = comm;
    this.channel = commChannel(comm);
    this.delegate.opened();
    this.cleanup.push(this.channel.onMessage((m) => this.received(m)));
    // The kernel answers the control comm's request_states from its one list (shared by every copy of saddlelab).
    const unregister = this.kernel.registerWidget?.(owner);
    if (unregister) {
      this.cleanup.push(unregister);
      this.cleanup.push(comm.onClose(unregister));
    }
    return true;
  }

  /** Sends a message while the comm is open; returns the bytes of its binary buffers (0 when nothing was sent). */
  send(message: KernelMessage): number {
    if (!this.channel || !this.open) return 0;
    return this.channel.send(message).buffers.reduce((n, b) => n + b.byteLength, 0);
  }

  /** The whole state as an `update` (after the browser's indices moved). */
  sendState(): number {
    return this.send({ method: 'update', state: { ...this.protocol(), ...this.delegate.state() } });
  }

  private received(message: BrowserMessage): void {
    switch (message.method) {
      case 'update':
        if (!Object.keys(message.state).length) return;
        // Protocol 2.1.0: echo the accepted values to every view, so the others learn them
        // (the sender knows its own echo by the parent message id and skips it).
        this.send({ method: 'echo_update', state: message.state });
        this.delegate.browserSet(message.state);
        return;
      case 'request_state':
        this.sendState();
        return;
      case 'custom':
        switch (message.content.type) {
          case 'control':
            this.delegate.custom(message.content);
            return;
          default:
            return unreachable(message.content.type);
        }
      default:
        return unreachable(message);
    }
  }

  /** Stops listening and closes the comm. */
  close(): void {
    for (const u of this.cleanup.splice(0)) u();
    if (this.open) this.comm?.close();
  }
}
