/**
 * The one module that touches ipywidgets' untyped Backbone objects. Above it,
 * the browser side is typed: a model reads its state as a `PlotState` (anywidget's
 * `AnyModel<State>` in spirit: `value(key)` is typed by the shared state record),
 * speaks to the kernel through `Channel<BrowserMessage, KernelMessage>`, and
 * tells its views what happened as typed `ModelEvent`s. What ipywidgets
 * already does right stays its job: `update` and `echo_update` go through its
 * state sync (echo bookkeeping by parent message id, our serializers for the
 * binary fields); a browser `update` is its `save_changes`.
 */
import { DOMWidgetModel, DOMWidgetView } from '@jupyter-widgets/base';
import type { KernelMessage as JupyterMessage } from '@jupyterlab/services';
import type { Message } from '@lumino/messaging';
import { STATE_KEYS, defaultState } from '../../src/widgets/contract';
import type { AppendMessage, BrowserMessage, BrowserState, Channel, KernelMessage, PlotState, WidgetKind } from '../../src/widgets/state';
import { decodeKernelCustom, encodeMessage, kernelMethodOf, unreachable } from '../../src/widgets/wire';

/** What a model tells its views: an append was merged (its points can be appended to the plot), or these keys changed otherwise. */
export type ModelEvent = { kind: 'appended'; message: AppendMessage } | { kind: 'changed'; keys: string[] };

/** A saddlelab model: typed state, a typed channel to the kernel, typed events for its views. */
export abstract class ChannelModel extends DOMWidgetModel {
  /** The kind this model class draws (a getter: Backbone reads defaults before fields are set). */
  abstract get kind(): WidgetKind;
  // Fields are set after Backbone's constructor, which calls initialize(): nothing here is used before.
  private readonly handlers = new Set<(message: KernelMessage) => void>();
  private readonly listeners = new Set<(event: ModelEvent) => void>();
  /** True while an append's merge is being set (its change is announced as `appended`, not `changed`). */
  private merging = false;

  initialize(...args: Parameters<DOMWidgetModel['initialize']>): void {
    super.initialize(...args);
    this.on('change', () => {
      if (!this.merging) this.emit({ kind: 'changed', keys: Object.keys(this.changedAttributes() || {}) });
    });
  }

  /** One key of the state (a state saved by an older version lacks the newer keys: their defaults). */
  value<K extends keyof PlotState>(key: K): PlotState[K] {
    // Backbone's attributes are untyped; ours are set only from the kernel's state (through the
    // serializers, which make the binary fields Float64Arrays), from defaults, and by the views.
    const v: PlotState[K] | undefined = this.get(key);
    return v === undefined ? defaultState(this.kind)[key] : v;
  }

  /** The whole state. */
  plotState(): PlotState {
    const s = defaultState(this.kind);
    const put = <K extends keyof PlotState>(key: K) => {
      s[key] = this.value(key);
    };
    for (const key of STATE_KEYS) put(key);
    return s;
  }

  /** Sets state that the kernel already has (an append merged here): not sent back, announced as `appended`. */
  protected setFromKernel(state: Partial<PlotState>, message: AppendMessage): void {
    this.merging = true;
    try {
      // set_state: ipywidgets' path for kernel-side changes, so they are not buffered to be synced back.
      this.set_state(state);
    } finally {
      this.merging = false;
    }
    this.emit({ kind: 'appended', message });
  }

  /** The browser's end of the widget's comm. */
  readonly channel: Channel<BrowserMessage, KernelMessage> = {
    send: (message) => this.sendToKernel(message),
    onMessage: (handler) => {
      this.handlers.add(handler);
      return () => this.handlers.delete(handler);
    },
  };

  private sendToKernel(message: BrowserMessage): void {
    switch (message.method) {
      case 'update':
        // ipywidgets' sync: it sends the `update` and skips the echo of it.
        this.set(message.state);
        this.save_changes();
        return;
      case 'request_state':
      case 'custom': {
        const wire = encodeMessage(message);
        this.comm?.send(wire.data, this.callbacks(), {}, wire.buffers);
        return;
      }
      default:
        return unreachable(message);
    }
  }

  /** Every comm message from the kernel arrives here, in order. */
  _handle_comm_msg(msg: JupyterMessage.ICommMsgMsg): Promise<void> {
    const data = msg.content.data;
    const method = kernelMethodOf(data);
    switch (method) {
      case 'update':
      case 'echo_update':
        // ipywidgets applies the state (asynchronously: `state_change`); then the handlers hear of it.
        return super._handle_comm_msg(msg).then(() => this.deliver({ method, state: this.keysOf(data.state) }));
      case 'custom': {
        const content = decodeKernelCustom(data.content, msg.buffers ?? []);
        // After the state updates before it, which ipywidgets applies asynchronously.
        this.state_change = this.state_change
          .then(() => (content ? this.deliver({ method, content }) : undefined))
          .catch((e) => console.error('[saddlelab] a kernel message could not be applied', e));
        return this.state_change;
      }
      case null:
        return Promise.resolve();
      default:
        return unreachable(method);
    }
  }

  /** The keys an update set, with their values as the model now holds them. */
  private keysOf(state: unknown): Partial<PlotState> {
    const out: Partial<PlotState> = {};
    const put = <K extends keyof PlotState>(key: K) => {
      out[key] = this.value(key);
    };
    if (typeof state === 'object' && state !== null) for (const key of STATE_KEYS) if (key in state) put(key);
    return out;
  }

  private deliver(message: KernelMessage): void {
    this.received(message);
    for (const h of this.handlers) h(message);
  }

  /** What the model itself does with each kernel message (after ipywidgets applied a state update). */
  protected abstract received(message: KernelMessage): void;

  /** Subscribes a view to this model's events; returns the unsubscribe function. */
  onEvent(listener: (event: ModelEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: ModelEvent): void {
    for (const l of this.listeners) l(event);
  }
}

/** A saddlelab view: its model typed, browser-set values sent through the channel, Lumino's messages typed. */
export abstract class ChannelView extends DOMWidgetView {
  private unsubscribe?: () => void;

  /** The model, as the typed model it is. */
  protected get typed(): ChannelModel {
    if (this.model instanceof ChannelModel) return this.model;
    throw new Error('[saddlelab] a saddlelab view needs a saddlelab model');
  }

  /** Calls `listener` with the model's events until the view is removed. */
  protected listen(listener: (event: ModelEvent) => void): void {
    this.unsubscribe?.();
    this.unsubscribe = this.typed.onEvent(listener);
  }

  /** Sets browser-set values and sends them to the kernel (which echoes them to the other views). */
  protected setBrowser(state: Partial<BrowserState>): void {
    this.typed.channel.send({ method: 'update', state });
  }

  /** The dashboard's Stop button. */
  protected sendControl(action: 'stop'): void {
    this.typed.channel.send({ method: 'custom', content: { type: 'control', action } });
  }

  /** Hook: the view was resized or shown (Lumino's messages). */
  protected resized(): void {}

  processLuminoMessage(msg: Message): void {
    super.processLuminoMessage(msg);
    if (msg.type === 'resize' || msg.type === 'after-show') this.resized();
  }

  /** Hook: the view is going away. */
  protected removed(): void {}

  remove(): void {
    this.unsubscribe?.();
    this.removed();
    super.remove();
  }
}
