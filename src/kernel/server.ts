/**
 * tslab's kernel with comms: subclasses of tslab's own `ZmqServer` and
 * `JupyterHandlerImpl` (node_modules/tslab/dist/jupyter.js). tslab keeps
 * execution, type-checking, completion and inspection; this adds what it lacks:
 * correct signing with raw buffer frames, comm_open/msg/close, comm_info_reply,
 * parent headers that follow the running cell, rich display, and interrupts
 * that reach a running training (docs/kernel.md).
 */
import { JupyterHandlerImpl, ZmqServer } from 'tslab/dist/jupyter';
import { createCommManager, type CommManager } from './comms';
import { newHeader, parseFrames, toFrame, WireError, WireMessage } from './wire';
import type { KernelApi, MimeBundle } from './types';

type Socket = { send(frames: Buffer[]): unknown };

// tslab points process.stderr.write at the running cell's output while a cell runs;
// the kernel's own log (dropped messages, failing comm handlers) belongs in the kernel's
// real stderr, not in whichever cell happens to be running.
const kernelStderr = process.stderr.write.bind(process.stderr);
const kernelLog = (line: string) => void kernelStderr(line + '\n');
type Executor = ConstructorParameters<typeof JupyterHandlerImpl>[0];

/** tslab's handler, telling the server when a queued execution actually starts. */
export class CommHandler extends JupyterHandlerImpl {
  onExecutionStart: (req: unknown) => void = () => {};
  constructor(executor: Executor) {
    super(executor, false);
    // handleExecuteImpl (private in tslab's typings) runs when the execution queue reaches
    // the cell, not when the request arrives: that is when the cell's output parent changes.
    const self = this as unknown as { handleExecuteImpl: (req: unknown, ...rest: unknown[]) => Promise<unknown> };
    const run = self.handleExecuteImpl.bind(this);
    self.handleExecuteImpl = (req, ...rest) => {
      this.onExecutionStart(req);
      return run(req, ...rest);
    };
  }
}

export class CommServer extends ZmqServer {
  readonly comms: CommManager;
  /** The comm message being handled (its replies are parented to it), if any. */
  private handling?: WireMessage;
  /** The execute_request of the cell running now (or last run). */
  private executing?: WireMessage;
  private readonly pendingExecutes = new WeakMap<object, WireMessage>();
  private interruptController = new AbortController();
  /** Also run on an `interrupt_request` (interrupt_mode "message"); the launcher makes it interrupt tslab's executor. */
  onInterruptRequest: () => void = () => {};
  /** Counts of dropped messages, by reason (for logs and the fuzz report). */
  readonly dropped: Record<string, number> = {};

  constructor(handler: CommHandler, configPath: string, private readonly log: (line: string) => void = kernelLog) {
    super(handler, configPath);
    handler.onExecutionStart = (req) => {
      this.executing = this.pendingExecutes.get(req as object) ?? this.executing;
    };
    this.comms = createCommManager({ send: (type, content, o) => this.sendIopub(type, content, o?.metadata, o?.buffers), log });
  }

  private get key(): string {
    return (this as unknown as { connInfo: { key: string } }).connInfo.key;
  }

  /** The one outgoing seam of the kernel API: an iopub message parented to the current context. */
  sendIopub(msgType: string, content: Record<string, unknown>, metadata: Record<string, unknown> = {}, buffers: ArrayBufferView[] = []): void {
    const parent = this.handling ?? this.executing;
    const msg = new WireMessage();
    msg.header = newHeader(msgType, parent?.header);
    msg.parent = parent?.header ?? {};
    msg.metadata = metadata;
    msg.content = content;
    msg.extra = buffers.map(toFrame);
    msg.signAndSend(this.key, (this as unknown as { iopub: Socket }).iopub);
  }

  /** Aborts trainings listening to `currentSignal()` and interrupts the running cell. */
  interrupt(): void {
    this.interruptController.abort();
    this.interruptController = new AbortController();
  }

  currentSignal(): AbortSignal {
    return this.interruptController.signal;
  }

  async handleShellMessage(sock: Socket, ...frames: Buffer[]): Promise<void> {
    let msg: WireMessage;
    try {
      msg = parseFrames(this.key, frames);
    } catch (e) {
      const why = e instanceof WireError ? e.message : `unreadable message: ${(e as Error).message}`;
      this.dropped[why] = (this.dropped[why] ?? 0) + 1;
      this.log(`[saddlelab] dropped a message: ${why}`);
      return;
    }
    const self = this as unknown as Record<string, (sock: Socket, msg: WireMessage) => unknown> & { publishStatus(s: string, m: WireMessage): void };
    self.publishStatus('busy', msg);
    try {
      const type = String(msg.header.msg_type);
      switch (type) {
        case 'comm_open':
        case 'comm_msg':
        case 'comm_close':
          this.handling = msg;
          try {
            this.comms.handle(type, msg.content, msg.extra.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)), msg.header, msg.metadata);
          } finally {
            this.handling = undefined;
          }
          break;
        case 'comm_info_request': {
          const target = typeof msg.content.target_name === 'string' ? msg.content.target_name : undefined;
          this.reply(sock, msg, 'comm_info_reply', this.comms.commInfo(target));
          break;
        }
        case 'history_request':
          // JupyterLab asks on every connect; tslab keeps no input history, so the answer is
          // an empty one rather than silence.
          this.reply(sock, msg, 'history_reply', { status: 'ok', history: [] });
          break;
        case 'interrupt_request':
          this.interrupt();
          this.onInterruptRequest();
          this.reply(sock, msg, 'interrupt_reply', { status: 'ok' });
          break;
        case 'execute_request':
          if (typeof msg.content.code !== 'string') {
            this.reply(sock, msg, 'execute_reply', { status: 'error', ename: 'BadRequest', evalue: '[saddlelab] execute_request content.code must be a string', traceback: [] });
            break;
          }
          this.pendingExecutes.set(msg.content, msg);
          await self.handleExecute(sock, msg);
          break;
        case 'kernel_info_request': {
          // tslab's reply lacks the `status` the spec requires.
          const info = (this as unknown as { handler: { handleKernel(): Record<string, unknown> } }).handler.handleKernel();
          this.reply(sock, msg, 'kernel_info_reply', { status: 'ok', ...info });
          break;
        }
        case 'is_complete_request':
        case 'inspect_request':
        case 'complete_request': {
          if (typeof msg.content.code !== 'string' || (type !== 'is_complete_request' && typeof msg.content.cursor_pos !== 'number')) {
            this.reply(sock, msg, type.replace('_request', '_reply'), { status: 'error', ename: 'BadRequest', evalue: `[saddlelab] ${type} needs code (string) and cursor_pos (number)`, traceback: [] });
            break;
          }
          const method = { is_complete_request: 'handleIsComplete', inspect_request: 'handleInspect', complete_request: 'handleComplete' }[type];
          self[method](sock, msg);
          break;
        }
        case 'shutdown_request':
          self.handleShutdown(sock, msg);
          (this as unknown as { close(): void }).close();
          break;
        default:
          this.log(`[saddlelab] unknown msg_type '${type}'; ignored`);
      }
    } catch (e) {
      const type = String(msg.header.msg_type);
      this.log(`[saddlelab] error handling ${type}: ${(e as Error).stack ?? e}`);
      // A request still gets its reply (an error), so a frontend never waits forever on it.
      if (type.endsWith('_request')) {
        try {
          this.reply(sock, msg, type.replace(/_request$/, '_reply'), { status: 'error', ename: 'KernelError', evalue: `[saddlelab] ${type} failed: ${(e as Error).message}`, traceback: [] });
        } catch {
          // the reply itself failed; already logged above
        }
      }
    } finally {
      self.publishStatus('idle', msg);
    }
  }

  private reply(sock: Socket, parent: WireMessage, msgType: string, content: Record<string, unknown>): void {
    const rep = parent.createReply();
    rep.header.msg_type = msgType;
    rep.content = content;
    rep.signAndSend(this.key, sock);
  }

  /** The kernel API this server backs (registered on globalThis by the launcher). */
  api(): KernelApi {
    const display = (type: string, bundle: MimeBundle, metadata: Record<string, unknown> = {}, displayId?: string) =>
      this.sendIopub(type, { data: bundle, metadata, transient: displayId ? { display_id: displayId } : {} });
    return {
      live: true,
      openComm: (target, data, metadata, buffers) => this.comms.open(target, data, metadata, buffers),
      registerTarget: (target, onOpen) => this.comms.registerTarget(target, onOpen),
      registerWidget: (widget) => this.comms.registerWidget(widget),
      display: (bundle, o) => display('display_data', bundle, o?.metadata, o?.displayId),
      updateDisplay: (id, bundle, o) => display('update_display_data', bundle, o?.metadata, id),
      currentSignal: () => this.currentSignal(),
    };
  }
}
