/**
 * The kernel's Jupyter server: its five ZMQ sockets (messaging spec 5.3, "The Wire Protocol"),
 * `status` busy/idle around every request, and one typed handler per request; each reply is
 * made in `reply()` from its handler's content. Cells run in the shell (shell.ts), comms in
 * the comm manager (comms.ts). Every message that leaves goes through `publish` or `reply`.
 */
import { Publisher, Reply, Router } from 'zeromq';
import { createLiveKernel } from './api';
import { createCommManager, type CommManager } from './comms';
import {
  errorContent,
  replyTypeOf,
  REQUEST_TYPES,
  type CompleteRequest,
  type ExecuteRequest,
  type HistoryRequest,
  type InspectRequest,
  type IopubContents,
  type IopubType,
  type IsCompleteRequest,
  type KernelInfoReply,
  type Replies,
  type RequestType,
} from './messages';
import type { Shell } from './shell';
import type { Host } from '../host';
import { newHeader, parseFrames, toFrame, WireError, WireMessage } from './wire';

/** The connection file's fields (jupyter_client writes it). */
export interface ConnectionInfo {
  transport: string;
  ip: string;
  key: string;
  signature_scheme?: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
}

type Header = Record<string, unknown>;
type Socket = { send(frames: Buffer[]): unknown };
export type PublishFn = <T extends IopubType>(type: T, content: IopubContents[T], parent: Header, extra?: { metadata?: Record<string, unknown>; buffers?: ArrayBufferView[] }) => void;

export interface KernelServerOptions {
  connection: ConnectionInfo;
  /** The kernel_info_reply content (without `status`). */
  info: Omit<KernelInfoReply, 'status'>;
  /** Makes the shell that runs cells, given the server's iopub seam. */
  makeShell: (publish: PublishFn) => Shell;
  /** The kernel's log (default: the process's real stderr, never a cell's output). */
  log?: (line: string) => void;
  /** Called after a shutdown_request is answered and the sockets are closed (default: exit the process). */
  onShutdown?: () => void;
}

export interface KernelServer {
  readonly comms: CommManager;
  readonly shell: Shell;
  /** Counts of dropped messages by reason (the fuzz test reads the log instead). */
  readonly dropped: Record<string, number>;
  /** Binds the sockets and publishes `status: starting`. */
  start(): Promise<void>;
  /** Interrupts the running cell and aborts trainings listening to `currentSignal()`. */
  interrupt(): void;
  /** The host this server backs (`host.currentHost()` in cells). */
  api(): Host;
  close(): void;
}

// tslab's shell points process.stderr.write at the running cell's output; the kernel's own log
// (dropped messages, failing handlers) belongs in the kernel's real stderr.
const kernelStderr = process.stderr.write.bind(process.stderr);
const kernelLog = (line: string) => void kernelStderr(line + '\n');

/** Why a request's content cannot be handled, or undefined when it can. */
function badRequest(type: RequestType, c: Record<string, unknown>): string | undefined {
  const code = typeof c.code === 'string' ? c.code : undefined;
  const needsCode = type === 'execute_request' || type === 'complete_request' || type === 'inspect_request' || type === 'is_complete_request';
  if (needsCode && code === undefined) return `${type} content.code must be a string`;
  if ((type === 'complete_request' || type === 'inspect_request') && code !== undefined) {
    const pos = c.cursor_pos;
    const max = Array.from(code).length;
    if (typeof pos !== 'number' || !Number.isInteger(pos) || pos < 0 || pos > max) return `${type} content.cursor_pos must be an integer from 0 to ${max} (code points); got ${JSON.stringify(pos)}`;
  }
  return undefined;
}

/**
 * Creates the server; `start()` binds it.
 *
 * @example
 * ```ts
 * import { kernelInfo } from './launcher';
 * import { createShell } from './shell';
 * // The connection file's fields (jupyter_client writes it); start() binds these ports.
 * const connection = { transport: 'tcp', ip: '127.0.0.1', key: 'secret', shell_port: 0, iopub_port: 0, stdin_port: 0, control_port: 0, hb_port: 0 };
 * const makeShell = (publish: PublishFn) => createShell({ publish, createExecutor: () => { throw new Error('tslab is loaded at the first cell'); }, isCompleteCode: () => ({ completed: true }), printQuickInfo: String });
 * const server = createKernelServer({ connection, info: kernelInfo(), makeShell });
 * console.log(server.api().live, server.shell.executionCount); // true 0
 * server.close();
 * ```
 */
export function createKernelServer(options: KernelServerOptions): KernelServer {
  const { connection } = options;
  const key = connection.key;
  const log = options.log ?? kernelLog;
  const dropped: Record<string, number> = {};
  // handover: a client that connects with an identity the kernel still holds (jupyter_client gives
  // every client of a kernel manager the same one; a reconnecting frontend may come back before the
  // old connection is gone) takes it over, as in ipykernel. Without it the new connection was ignored.
  // sendHighWaterMark 0: a ROUTER drops what it cannot queue for a peer (1,000 messages by default),
  // and every request must get its reply (messaging spec), so replies a client has not read yet
  // stay queued here, however many (a client that sent 10,000 requests without reading lost
  // replies, its execute_reply among them: test/kernel/test_flood.py).
  const router = () => new Router({ handover: true, sendHighWaterMark: 0 });
  const sockets = { iopub: new Publisher(), shell: router(), control: router(), stdin: router(), hb: new Reply() };
  /** The comm message being handled: what the kernel sends meanwhile is parented to it. */
  let handling: WireMessage | undefined;
  let interruptController = new AbortController();
  let closed = false;

  const publish: PublishFn = (type, content, parent, extra = {}) => {
    if (closed) return;
    const msg = new WireMessage();
    msg.header = newHeader(type);
    msg.parent = parent ?? {};
    msg.metadata = extra.metadata ?? {};
    msg.content = content as Record<string, unknown>;
    msg.extra = (extra.buffers ?? []).map(toFrame);
    void msg.signAndSend(key, sockets.iopub);
  };
  const shell = options.makeShell(publish);
  /** The parent of what the kernel API sends: the comm message being handled, else the current cell. */
  const context = (): Header => handling?.header ?? shell.currentCell ?? {};
  const comms = createCommManager({
    send: (type, content, o) => publish(type as IopubType, content as never, context(), { metadata: o?.metadata, buffers: o?.buffers }),
    log,
  });

  const reply = <R extends RequestType>(sock: Socket, request: WireMessage, type: R, content: Replies[R] | ReturnType<typeof errorContent>) => {
    const rep = request.createReply();
    rep.header.msg_type = replyTypeOf(type);
    rep.content = content as unknown as Record<string, unknown>;
    return rep.signAndSend(key, sock);
  };

  // The signal stays aborted until the next cell starts, so a loop the interrupted cell left
  // running (a notebook's own `await trainer.next()` loop) sees it at its next step.
  const interrupt = () => {
    interruptController.abort();
    shell.interrupt();
  };

  const shutdown = async (sock: Socket, msg: WireMessage) => {
    await reply(sock, msg, 'shutdown_request', { status: 'ok', restart: msg.content.restart === true });
    publish('status', { execution_state: 'idle' }, msg.header);
    close();
    (options.onShutdown ?? (() => setTimeout(() => process.exit(0), 50)))();
  };

  /** Each request's content; `undefined` for shutdown (answered by `shutdown`). */
  const handlers: { [R in RequestType]: (msg: WireMessage, sock: Socket) => Replies[R] | Promise<Replies[R]> | undefined } = {
    kernel_info_request: () => ({ status: 'ok', ...options.info }),
    execute_request: (msg) => shell.execute(msg.content as unknown as ExecuteRequest, msg.header),
    complete_request: (msg) => shell.complete(msg.content as unknown as CompleteRequest),
    inspect_request: (msg) => shell.inspect(msg.content as unknown as InspectRequest),
    is_complete_request: (msg) => shell.isComplete(msg.content as unknown as IsCompleteRequest),
    history_request: (msg) => shell.history(msg.content as HistoryRequest),
    comm_info_request: (msg) => comms.commInfo(typeof msg.content.target_name === 'string' ? msg.content.target_name : undefined),
    interrupt_request: () => {
      interrupt();
      return { status: 'ok' };
    },
    shutdown_request: (msg, sock) => {
      void shutdown(sock, msg);
      return undefined;
    },
  };
  const isRequest = (t: string): t is RequestType => (REQUEST_TYPES as readonly string[]).includes(t);

  /** The execute_requests in progress (a cell awaiting its training serves comm messages meanwhile). */
  const running: Array<WireMessage['header']> = [];
  const handle = async (sock: Socket, frames: Buffer[]): Promise<void> => {
    let msg: WireMessage;
    try {
      msg = parseFrames(key, frames);
    } catch (e) {
      const why = e instanceof WireError ? e.message : `unreadable message: ${(e as Error).message}`;
      dropped[why] = (dropped[why] ?? 0) + 1;
      log(`[saddlelab] dropped a message: ${why}`);
      return;
    }
    const type = String(msg.header.msg_type);
    publish('status', { execution_state: 'busy' }, msg.header);
    const executing = type === 'execute_request';
    if (executing) running.push(msg.header);
    if (executing && interruptController.signal.aborted) interruptController = new AbortController();
    let idle = true;
    try {
      if (type === 'comm_open' || type === 'comm_msg' || type === 'comm_close') {
        handling = msg;
        try {
          comms.handle(type, msg.content, msg.extra.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)), msg.header, msg.metadata);
        } finally {
          handling = undefined;
        }
      } else if (isRequest(type)) {
        const bad = badRequest(type, msg.content);
        if (bad) {
          const content = errorContent('BadRequest', `[saddlelab] ${bad}`);
          void reply(sock, msg, type, (type === 'execute_request' ? { ...content, execution_count: shell.executionCount } : content) as never);
        } else {
          const content = await handlers[type](msg, sock);
          if (content === undefined) idle = false; // shutdown publishes its own idle
          else void reply(sock, msg, type, content as never);
        }
      } else {
        log(`[saddlelab] unknown msg_type '${type}'; ignored`);
      }
    } catch (e) {
      log(`[saddlelab] error handling ${type}: ${(e as Error).stack ?? e}`);
      // A request still gets its reply (an error), so a frontend never waits forever on it.
      if (isRequest(type)) {
        const err = e as Error;
        const content = errorContent(err?.name === 'SaddlelabError' ? 'SaddlelabError' : 'KernelError', `[saddlelab] ${type} failed: ${err?.message ?? e}`);
        void reply(sock, msg, type, (type === 'execute_request' ? { ...content, execution_count: shell.executionCount } : content) as never);
      }
    } finally {
      if (executing) running.splice(running.indexOf(msg.header), 1);
      if (idle) publish('status', { execution_state: 'idle' }, msg.header);
      // Frontends show the last status published: a message handled while a cell runs (a dashboard's
      // Pause, a completion) ends with its own idle, so the running cell's busy is said again.
      if (idle && !executing && running.length) publish('status', { execution_state: 'busy' }, running[running.length - 1]);
    }
  };

  const serve = async (sock: Router) => {
    try {
      for await (const frames of sock) void handle(sock, frames);
    } catch (e) {
      if (!closed) log(`[saddlelab] socket loop ended: ${(e as Error).message}`);
    }
  };
  const heartbeat = async () => {
    try {
      for await (const frames of sockets.hb) await sockets.hb.send(frames);
    } catch (e) {
      if (!closed) log(`[saddlelab] heartbeat ended: ${(e as Error).message}`);
    }
  };

  function close(): void {
    if (closed) return;
    closed = true;
    for (const s of Object.values(sockets)) s.close();
  }

  return {
    comms,
    shell,
    dropped,
    async start() {
      const url = (port: number) => `${connection.transport}://${connection.ip}:${port}`;
      await Promise.all([
        sockets.iopub.bind(url(connection.iopub_port)),
        sockets.shell.bind(url(connection.shell_port)),
        sockets.control.bind(url(connection.control_port)),
        sockets.stdin.bind(url(connection.stdin_port)),
        sockets.hb.bind(url(connection.hb_port)),
      ]);
      void serve(sockets.shell);
      void serve(sockets.control);
      void heartbeat();
      publish('status', { execution_state: 'starting' }, {});
    },
    interrupt,
    api(): Host {
      return createLiveKernel({
        send: (type, content, o) => publish(type as IopubType, content as never, context(), { metadata: o?.metadata, buffers: o?.buffers }),
        comms,
        currentSignal: () => interruptController.signal,
        log,
      });
    },
    close,
  };
}
