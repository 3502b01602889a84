/**
 * tslab's converters (the TypeScript compiler of the notebook's cells) in a worker thread.
 * The kernel starts it at launch, so TypeScript loads and builds its program (seconds) while
 * the main thread already answers Jupyter; tslab's executor calls the converter synchronously,
 * so each call posts a request and waits on a shared flag for the answer (Atomics.wait).
 */
import { join } from 'node:path';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { SaddlelabError } from '../errors';
import type { CompletionInfo, Converter, ConverterSet, IsCompleteResult } from './adapter';

const kernelStderr = process.stderr.write.bind(process.stderr);

export type CompilerMethod = 'convert' | 'inspect' | 'complete' | 'addModule' | 'isCompleteCode' | 'info';
export interface CompilerRequest {
  id: number;
  method: CompilerMethod;
  target: 'node' | 'browser';
  args: unknown[];
}
export type CompilerResponse =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { name: string; message: string; stack?: string; field?: string } };

/** What the compiler thread reports about itself. */
export interface CompilerInfo {
  /** Milliseconds from the thread's start to a warm converter. */
  warmMs: number;
  /** When the converter was warm (epoch milliseconds, `Date.now()`). */
  warmAt?: number;
  tslab?: string;
  typescript?: string;
  warning?: string;
}

export interface Compiler extends ConverterSet {
  isCompleteCode(code: string): IsCompleteResult;
  /** Waits for the warm-up (blocking) and reports it. */
  info(): CompilerInfo;
}

export interface CompilerOptions {
  /** The notebook's folder (default: the process's working directory). */
  cwd?: string;
  /** The longest wait for one answer, in ms (default 300,000). */
  timeoutMs?: number;
  /** The worker script (default: compiler-worker.js beside this file). */
  workerFile?: string;
}

/**
 * Starts the compiler thread; returns at once.
 *
 * @example
 * ```ts
 * const compiler = startCompiler();
 * const out = compiler.node.convert('', 'const a: number = 1; a');
 * console.log(out.diagnostics.length, out.lastExpressionVar !== undefined); // 0 true
 * compiler.close();
 * ```
 */
export function startCompiler(options: CompilerOptions = {}): Compiler {
  const cwd = options.cwd ?? process.cwd();
  const timeoutMs = options.timeoutMs ?? 300_000;
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(options.workerFile ?? join(__dirname, 'compiler-worker.js'), {
    workerData: { port: port2, flag, cwd },
    transferList: [port2],
    // The thread's output is kernel log: to the kernel's real stderr, never into a cell's output.
    stdout: true,
    stderr: true,
  });
  worker.stdout.on('data', (d: Buffer) => void kernelStderr(d));
  worker.stderr.on('data', (d: Buffer) => void kernelStderr(d));
  worker.unref();
  port1.unref();
  let exited: number | undefined;
  worker.on('exit', (code) => (exited = code));
  worker.on('error', (e) => process.stderr.write(`[saddlelab] compiler thread failed: ${e.stack ?? e}\n`));
  let seq = 0;

  const call = (method: CompilerMethod, target: 'node' | 'browser', args: unknown[]): unknown => {
    if (exited !== undefined) throw new SaddlelabError(`[saddlelab] the TypeScript compiler thread has exited (code ${exited}); restart the kernel`, 'compiler');
    const id = ++seq;
    Atomics.store(flag, 0, 0);
    port1.postMessage({ id, method, target, args } satisfies CompilerRequest);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      Atomics.wait(flag, 0, 0, 200);
      for (let got = receiveMessageOnPort(port1); got; got = receiveMessageOnPort(port1)) {
        const res = got.message as CompilerResponse;
        if (res.id !== id) continue; // an answer to a call that timed out
        if (res.ok) return res.value;
        const err = res.error.field !== undefined ? new SaddlelabError(res.error.message, res.error.field) : new Error(res.error.message);
        err.name = res.error.name;
        if (res.error.stack) err.stack = res.error.stack;
        throw err;
      }
      Atomics.store(flag, 0, 0);
      if (Date.now() > deadline) throw new SaddlelabError(`[saddlelab] the TypeScript compiler thread did not answer ${method} within ${timeoutMs / 1000} s; restart the kernel`, 'compiler');
    }
  };
  const converter = (target: 'node' | 'browser'): Converter => ({
    convert: (prevDecl, src) => call('convert', target, [prevDecl, src]) as ReturnType<Converter['convert']>,
    inspect: (prevDecl, src, pos) => (call('inspect', target, [prevDecl, src, pos]) ?? undefined) as ReturnType<Converter['inspect']>,
    complete: (prevDecl, src, pos) => call('complete', target, [prevDecl, src, pos]) as CompletionInfo,
    addModule: (name, content, meta) => call('addModule', target, [name, content, meta]) as ReturnType<Converter['addModule']>,
    close: () => {},
  });
  const node = converter('node');
  const browser = converter('browser');
  return {
    node,
    browser,
    isCompleteCode: (code) => call('isCompleteCode', 'node', [code]) as IsCompleteResult,
    info: () => call('info', 'node', []) as CompilerInfo,
    close() {
      port1.close();
      void worker.terminate();
    },
  };
}
