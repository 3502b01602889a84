/**
 * The compiler thread (started by compiler.ts): tslab's converter, which holds TypeScript's
 * program of the notebook's cells, built here so that the kernel's main thread answers
 * Jupyter at once while it warms up (seconds). Requests arrive on `port`; each answer is
 * posted back and `flag` is set, which wakes the main thread waiting for it.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { forwardPackage, hasOwnCopy, loadTslabCompiler, packageHome, preloadTypescript, resilientConverter, type Converter, type TslabCompiler } from './adapter';
import type { CompilerRequest, CompilerResponse } from './compiler';

const { port, flag, cwd } = workerData as { port: MessagePort; flag: Int32Array; cwd: string };
const log = (line: string) => void process.stderr.write(line + '\n');
// TypeScript's watchers call back on this thread's event loop; a throw there must not end it.
process.on('uncaughtException', (e) => log(`[saddlelab] compiler thread: ${(e as Error).stack ?? e}`));

let tslab: TslabCompiler | undefined;
let startError: unknown;
const converters: { node?: Converter; browser?: Converter } = {};
/** Whether cells get the kernel's own saddlelab (no copy in the notebook's folder); checked per request. */
let useOwn = true;

const t0 = Date.now();
const cached = preloadTypescript('compiler');
try {
  tslab = loadTslabCompiler();
  useOwn = !hasOwnCopy(cwd);
  forwardPackage(tslab.sys, cwd, 'saddlelab', packageHome(), () => useOwn);
  converters.node = make('node');
  if (cached.fresh) {
    // A cell of its own compiles much of what a cell needs, and the code cache written now keeps
    // it for the next start. With that cache the user's first cell need not wait for one more
    // program update (each convert builds a new type checker: about a tenth of the warm-up).
    converters.node.convert('', 'const __saddlelab_warm__: number = 1;');
    cached.save();
  }
} catch (e) {
  startError = e;
  log(`[saddlelab] ${(e as Error).message}`);
}
const warmAt = Date.now();
const warmMs = warmAt - t0;

function make(target: 'node' | 'browser'): Converter {
  const t = tslab as TslabCompiler;
  return resilientConverter(() => t.createConverter({ isJS: false, isBrowser: target === 'browser' }), log, (name) => t.resolvesModule(name, cwd));
}

function handle(req: CompilerRequest): unknown {
  if (startError) throw startError;
  useOwn = !hasOwnCopy(cwd);
  if (req.method === 'isCompleteCode') return (tslab as TslabCompiler).isCompleteCode(req.args[0] as string);
  if (req.method === 'info') return { warmMs, warmAt, tslab: tslab?.version, typescript: tslab?.typescript, warning: tslab?.warning };
  const conv = (converters[req.target] ??= make(req.target));
  const [a, b, c] = req.args as [string, string, number];
  switch (req.method) {
    case 'convert':
      return conv.convert(a, b);
    case 'inspect':
      return conv.inspect(a, b, c) ?? null;
    case 'complete': {
      // `original` (TypeScript's own completion object) is for debugging and need not cross threads.
      const { start, end, candidates } = conv.complete(a, b, c);
      return { start, end, candidates };
    }
    case 'addModule':
      return conv.addModule(a, b, req.args[2] as never);
  }
  throw new Error(`unknown compiler method ${String(req.method)}`);
}

port.on('message', (req: CompilerRequest) => {
  let res: CompilerResponse;
  try {
    res = { id: req.id, ok: true, value: handle(req) };
  } catch (e) {
    const err = e as Error & { field?: string };
    res = { id: req.id, ok: false, error: { name: err?.name ?? 'Error', message: err?.message ?? String(e), stack: err?.stack, field: err?.field } };
  }
  port.postMessage(res);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
