/**
 * Runs cells: one at a time, in arrival order, with tslab's executor. Per the messaging spec
 * ("Execute", "Execution results", "Execution errors"): `execute_input` with the execution
 * count, stdout/stderr as `stream`, the last expression's value as `execute_result`, a failure
 * as an `error` message and an error reply with `ename`, `evalue` and `traceback`; a failed
 * cell with `stop_on_error` cancels the cells queued behind it. Knows nothing of sockets: its
 * output goes through `publish`, parented to the cell's request header.
 */
import { inspect } from 'node:util';
import { createInputHistory, type InputHistory } from './input-history';
import type {
  CompleteReply,
  CompleteRequest,
  ErrorContent,
  ExecuteReply,
  ExecuteRequest,
  HistoryReply,
  HistoryRequest,
  InspectReply,
  InspectRequest,
  IopubContents,
  IopubType,
  IsCompleteReply,
  IsCompleteRequest,
  MimeBundle,
} from './messages';
import type { ConsoleInterface, DisplayHook, Executor, IsCompleteResult } from './adapter';

type Header = Record<string, unknown>;
export type Publish = <T extends IopubType>(type: T, content: IopubContents[T], parent: Header) => void;

export interface ShellOptions {
  /** Sends an iopub message parented to `parent` (a request's header). */
  publish: Publish;
  /** Makes tslab's executor, whose console gets the last expression (`log`) and failures (`error`); called at the first cell. */
  createExecutor: (console: ConsoleInterface) => Executor;
  isCompleteCode: (code: string) => IsCompleteResult;
  printQuickInfo: (info: unknown) => string;
  /** Points tslab's display API at the running cell. */
  setDisplayHook?: (hook: DisplayHook) => void;
}

export interface Shell {
  execute(request: ExecuteRequest, header: Header): Promise<ExecuteReply>;
  complete(request: CompleteRequest): CompleteReply;
  inspect(request: InspectRequest): InspectReply;
  isComplete(request: IsCompleteRequest): IsCompleteReply;
  history(request: HistoryRequest): HistoryReply;
  /** Interrupts the running cell (an awaiting one; a synchronous one is broken by SIGINT itself). */
  interrupt(): void;
  /** The request header of the cell whose output area is current: the running or last-run cell. */
  readonly currentCell: Header | undefined;
  /** The execution counter (cells run with store_history so far). */
  readonly executionCount: number;
}

const DISPLAY = Symbol.for('Jupyter.display');
const NO_VALUE = Symbol('no value');

/** What a cell's run left: its last expression's value and what went wrong. */
interface Capture {
  value: unknown;
  diagnostics: string[];
  thrown: unknown[];
}

/** The rich bundle of a value (its `Symbol.for('Jupyter.display')` method), else its inspected text; undefined when it displayed itself. */
export function bundleOf(value: unknown): MimeBundle | undefined {
  const rich = value as Record<symbol, unknown> | null;
  if (rich != null && (typeof rich === 'object' || typeof rich === 'function') && typeof rich[DISPLAY] === 'function') {
    const bundle = (rich[DISPLAY] as () => MimeBundle).call(value);
    // An empty bundle: the object displayed itself (a widget keeps its display id for updates).
    if (bundle && typeof bundle === 'object') return Object.keys(bundle).length ? bundle : undefined;
  }
  return { 'text/plain': inspect(value) };
}

const INTERRUPTED = /^Interrupted asynchronously$|^Script execution was interrupted/;

/** The spec's error fields for what a failed cell left. */
export function errorOf(capture: Pick<Capture, 'diagnostics' | 'thrown'>): ErrorContent {
  const [first] = capture.thrown;
  if (first === undefined && capture.diagnostics.length) {
    return { status: 'error', ename: 'CompileError', evalue: capture.diagnostics[0], traceback: capture.diagnostics };
  }
  if (first instanceof Error || (first && typeof first === 'object' && 'message' in first)) {
    const e = first as Error;
    if (INTERRUPTED.test(String(e.message))) {
      return {
        status: 'error',
        ename: 'KernelInterrupted',
        evalue: 'the cell was interrupted; its declarations are dropped (train.lastRun() still has a run it started)',
        traceback: [],
      };
    }
    const ename = String(e.name ?? 'Error');
    const evalue = String(e.message ?? '');
    // The cell's frames, not tslab's executor or Node's vm underneath it.
    const frames = String(e.stack ?? '')
      .split('\n')
      .filter((l) => /^\s+at /.test(l) && !/node:internal|node:vm|[\\/]tslab[\\/]dist[\\/]|[\\/]saddlelab[\\/]dist[\\/]kernel[\\/]|[\\/]dist[\\/]kernel[\\/]shell\.js/.test(l));
    return { status: 'error', ename, evalue, traceback: [`${ename}: ${evalue}`, ...frames] };
  }
  // A thrown value that is not an Error (`throw 'x'`).
  const evalue = first === undefined ? 'the cell failed' : inspect(first);
  return { status: 'error', ename: 'Uncaught', evalue, traceback: [`Uncaught ${evalue}`] };
}

/** Code-point offset (the spec's cursor_pos, since 5.2) to a UTF-16 index into `s`, and back. */
const toUtf16 = (s: string, cp: number) => Array.from(s).slice(0, Math.max(0, cp)).join('').length;
const toCodePoints = (s: string, i: number) => Array.from(s.slice(0, Math.max(0, i))).length;

/**
 * Creates the shell of one kernel.
 *
 * @example
 * ```ts
 * import type { Executor } from './adapter';
 * const published: unknown[] = [];
 * // The kernel passes tslab's executor; this stand-in evaluates JavaScript and logs the value as tslab's does.
 * const createExecutor = (console: { log(v: unknown): void }) => ({ execute: async (code: string) => (console.log(eval(code)), true), interrupt() {} }) as unknown as Executor;
 * const shell = createShell({ publish: (type, content) => void published.push([type, content]), createExecutor, isCompleteCode: () => ({ completed: true }), printQuickInfo: String });
 * const reply = await shell.execute({ code: '6 * 7' }, { msg_id: 'a' });
 * console.log(reply.status, published[1]); // ok [ 'execute_result', { execution_count: 1, data: { 'text/plain': '42' }, metadata: {} } ]
 * ```
 */
export function createShell(options: ShellOptions): Shell {
  const { publish } = options;
  const history: InputHistory = createInputHistory();
  let executor: Executor | undefined;
  let capture: Capture | undefined;
  let count = 0;
  let current: Header | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let enqueued = 0;
  /** Cells enqueued before this index are cancelled (a cell before them failed with stop_on_error). */
  let cancelBelow = 0;

  const console: ConsoleInterface = {
    // tslab's executor logs exactly one thing: the value of the cell's last expression.
    log: (value: unknown) => {
      if (capture) capture.value = value;
    },
    error: (...args: unknown[]) => {
      if (!capture) return;
      if (args.length > 1 && typeof args[0] === 'string' && args[0].includes('%')) {
        // A TypeScript diagnostic: ("%s%d:%d - %s", file, line, column, message).
        const [, file, line, col, message] = args as [string, string, number, number, string];
        capture.diagnostics.push(`${file}${line}:${col} - ${message}`);
      } else {
        capture.thrown.push(args[0]);
      }
    },
  };
  const ensureExecutor = () => (executor ??= options.createExecutor(console));

  const writer = (name: 'stdout' | 'stderr', parent: Header, quiet: boolean) =>
    ((chunk: string | Uint8Array, encoding?: unknown, cb?: unknown) => {
      if (!quiet) {
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        if (text) publish('stream', { name, text }, parent);
      }
      const done = typeof encoding === 'function' ? encoding : cb;
      if (typeof done === 'function') (done as () => void)();
      return true;
    }) as typeof process.stdout.write;

  /** Runs `code` through the executor, collecting its value and failures. */
  const run = async (code: string): Promise<{ ok: boolean; capture: Capture }> => {
    const mine: Capture = { value: NO_VALUE, diagnostics: [], thrown: [] };
    capture = mine;
    let ok = false;
    try {
      ok = await ensureExecutor().execute(code);
    } catch (e) {
      mine.thrown.push(e);
    } finally {
      if (capture === mine) capture = undefined;
    }
    return { ok: ok && mine.thrown.length === 0, capture: mine };
  };

  const evaluate = async (expressions: Record<string, string>): Promise<Record<string, unknown>> => {
    const out: Record<string, unknown> = {};
    for (const [name, expr] of Object.entries(expressions)) {
      const { ok, capture: c } = await run(String(expr));
      out[name] = ok ? { status: 'ok', data: c.value === NO_VALUE ? { 'text/plain': 'undefined' } : bundleOf(c.value) ?? {}, metadata: {} } : errorOf(c);
    }
    return out;
  };

  const executeNow = async (req: ExecuteRequest, header: Header, index: number): Promise<ExecuteReply> => {
    const silent = req.silent === true;
    const store = !silent && req.store_history !== false;
    if (index < cancelBelow) {
      return { status: 'error', execution_count: count, ename: 'ExecutionCancelled', evalue: 'not run: a cell before it failed', traceback: [] };
    }
    if (store) count++;
    const n = count;
    const out: Publish = (type, content, parent) => {
      if (!silent) publish(type, content, parent);
    };
    if (!silent) current = header;
    out('execute_input', { code: req.code, execution_count: n }, header);
    // Output goes to this cell, also after it ends (a training still printing), until the next one starts.
    process.stdout.write = writer('stdout', header, silent);
    process.stderr.write = writer('stderr', header, silent);
    options.setDisplayHook?.((data, update) =>
      out(update ? 'update_display_data' : 'display_data', { data: data.data, metadata: data.metadata ?? {}, transient: (data.transient ?? {}) as { display_id: string } }, header),
    );
    const { ok, capture: c } = await run(req.code);
    let text: string | null = null;
    if (ok) {
      // A `//%module` cell registers its module even with type errors: printed, not fatal.
      if (c.diagnostics.length) out('stream', { name: 'stderr', text: c.diagnostics.join('\n') + '\n' }, header);
      if (c.value !== NO_VALUE) {
        const bundle = bundleOf(c.value);
        if (bundle) {
          out('execute_result', { execution_count: n, data: bundle, metadata: {} }, header);
          text = typeof bundle['text/plain'] === 'string' ? bundle['text/plain'] : null;
        }
      }
    }
    if (store) history.add({ line: n, input: req.code, output: text });
    if (!ok) {
      const err = errorOf(c);
      out('error', { ename: err.ename, evalue: err.evalue, traceback: err.traceback }, header);
      if (req.stop_on_error !== false) cancelBelow = enqueued;
      return { ...err, execution_count: n };
    }
    const userExpressions = req.user_expressions && typeof req.user_expressions === 'object' ? await evaluate(req.user_expressions) : {};
    return { status: 'ok', execution_count: n, user_expressions: userExpressions, payload: [] };
  };

  return {
    execute(req, header) {
      const index = enqueued++;
      const next = queue.then(() => executeNow(req, header, index));
      queue = next.catch(() => undefined);
      return next;
    },
    complete(req) {
      const at = toUtf16(req.code, req.cursor_pos);
      const info = ensureExecutor().complete(req.code, at);
      return {
        status: 'ok',
        matches: info.candidates,
        cursor_start: toCodePoints(req.code, info.start),
        cursor_end: toCodePoints(req.code, info.end),
        metadata: {},
      };
    },
    inspect(req) {
      const info = ensureExecutor().inspect(req.code, toUtf16(req.code, req.cursor_pos));
      if (!info) return { status: 'ok', found: false, data: {}, metadata: {} };
      return { status: 'ok', found: true, data: { 'text/plain': options.printQuickInfo(info) }, metadata: {} };
    },
    isComplete(req) {
      const r = options.isCompleteCode(req.code);
      return r.completed ? { status: 'complete' } : { status: 'incomplete', indent: r.indent ?? '' };
    },
    history: (req) => ({ status: 'ok', history: history.query(req) }),
    interrupt() {
      executor?.interrupt();
    },
    get currentCell() {
      return current;
    },
    get executionCount() {
      return count;
    },
  };
}
