/**
 * `node dist/kernel/launcher.js <connection_file>`: the saddlelab Jupyter kernel.
 * It starts tslab's executor and converters exactly as tslab's `startKernel`
 * does, with CommServer in place of tslab's ZmqServer. tslab is resolved from
 * saddlelab's own dependencies (no switch to a copy in the notebook's folder).
 */
import { createConverter } from 'tslab/dist/converter';
import { createExecutor } from 'tslab/dist/executor';
import { registerKernel } from './registry';
import { CommHandler, CommServer } from './server';

type Converter = ReturnType<typeof createConverter>;

/** tslab's ConverterSet (not exported by tslab): converters made on first use. */
function converterSet() {
  let node: Converter | undefined;
  let browser: Converter | undefined;
  return {
    get node() {
      return (node ??= createConverter({ isJS: false, isBrowser: false }));
    },
    get browser() {
      return (browser ??= createConverter({ isJS: false, isBrowser: true }));
    },
    close() {
      node?.close();
      browser?.close();
    },
  };
}

const DISPLAY = Symbol.for('Jupyter.display');

export function startKernel(configPath: string): CommServer {
  watchParent(); // first: warming the TypeScript converter below takes seconds
  const convs = converterSet();
  void convs.node; // warm the TypeScript converter, as tslab does
  let server: CommServer | undefined;
  // tslab prints a cell's last expression with console.log; an object with a
  // Jupyter.display method is shown as its rich bundle instead.
  const richLog = (...args: unknown[]) => {
    const value = args[0] as Record<symbol, unknown> | undefined;
    if (args.length === 1 && value != null && typeof value[DISPLAY] === 'function' && server) {
      try {
        const bundle = (value[DISPLAY] as () => Record<string, unknown>).call(value);
        // An empty bundle means the object displayed itself (a widget keeps its display id for updates).
        if (bundle && typeof bundle === 'object') {
          if (Object.keys(bundle).length) server.api().display(bundle);
          return;
        }
      } catch (e) {
        console.error(`[saddlelab] display of the last expression failed: ${(e as Error).message}`);
      }
    }
    console.log(...args);
  };
  const executor = createExecutor(process.cwd(), convs as never, { log: richLog, error: console.error });
  const handler = new CommHandler(executor);
  server = new CommServer(handler, configPath);
  server.onInterruptRequest = () => executor.interrupt();
  registerKernel(server.api());
  process.on('SIGINT', () => {
    server?.interrupt();
    executor.interrupt();
  });
  process.on('uncaughtException', (err) => console.error('UncaughtException:', err));
  process.on('unhandledRejection', (reason) => console.error('UnhandledPromiseRejection:', reason));
  void server.init();
  return server;
}

/**
 * Exits when the process that started the kernel dies (issue 7: no orphan kernels). jupyter_client
 * sets JPY_PARENT_PID; ipykernel polls the same way. Without this, a notebook server killed with
 * SIGKILL left a live kernel (and its ZMQ ports) behind.
 */
function watchParent(): void {
  const parent = Number(process.env.JPY_PARENT_PID);
  if (!Number.isInteger(parent) || parent <= 1 || process.ppid !== parent) return;
  // process.ppid is read once at start-up in Node 20, so ask whether the parent still exists.
  const gone = () => {
    try {
      process.kill(parent, 0);
      return false;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ESRCH';
    }
  };
  const timer = setInterval(() => {
    if (gone()) {
      console.error(`[saddlelab] the kernel's parent process ${parent} is gone; exiting`);
      process.exit(0);
    }
  }, 1000);
  timer.unref();
}

if (require.main === module) {
  const configPath = process.argv[2];
  if (!configPath) {
    console.error('[saddlelab] usage: node launcher.js <connection_file>');
    process.exit(2);
  }
  startKernel(configPath);
}
