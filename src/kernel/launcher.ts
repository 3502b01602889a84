/**
 * `node dist/kernel/launcher.js <connection_file>`: the saddlelab Jupyter kernel, run by the
 * kernelspec `saddlelab` that `npx saddlelab install` writes. tslab compiles and runs the cells
 * (through the adapter in tslab.ts); this package's server speaks the Jupyter protocol.
 *
 * Start-up does only what the first `kernel_info_reply` needs (zeromq, the sockets); the
 * TypeScript compiler warms up in its own thread meanwhile, and tslab's executor loads at the
 * first cell (docs/kernel.md, "Start-up").
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCompiler, type Compiler } from './compiler';
import type { KernelInfoReply } from './messages';
import { HOST_MODULE, provideHost, type Host } from '../host';
import { createKernelServer, type ConnectionInfo, type KernelServer } from './server';
import { createShell, type Shell } from './shell';
import { checkAdapter, installSelfImport, provideToCopies, loadTslab, packageHome, preloadTypescript, tslabVersion, typescriptVersion, type TslabRuntime } from './adapter';

const kernelStderr = process.stderr.write.bind(process.stderr);
const log = (line: string) => void kernelStderr(line + '\n');

/** The kernel_info_reply content (no code loaded to make it). */
export function kernelInfo(): Omit<KernelInfoReply, 'status'> {
  const home = packageHome();
  const version = String((JSON.parse(readFileSync(join(home, 'package.json'), 'utf8')) as { version?: string }).version);
  const ts = typescriptVersion();
  return {
    protocol_version: '5.3',
    implementation: 'saddlelab',
    implementation_version: version,
    language_info: {
      name: 'typescript',
      version: ts,
      mimetype: 'text/typescript',
      file_extension: '.ts',
      pygments_lexer: 'typescript',
      // As tslab: `mode` for JupyterLab, `name` + `typescript` for the classic notebook's CodeMirror.
      codemirror_mode: { mode: 'typescript', name: 'javascript', typescript: true },
    },
    banner: `TypeScript ${ts} on tslab ${tslabVersion()} with saddlelab ${version} (Jupyter comms, live widgets)`,
  };
}

export function startKernel(configPath: string): KernelServer {
  watchParent();
  const connection = JSON.parse(readFileSync(configPath, 'utf8')) as ConnectionInfo;
  // First: TypeScript takes seconds to load and build its program; its thread starts now.
  const compiler = startCompiler();
  for (const problem of checkAdapter()) log(problem);
  installSelfImport(packageHome());
  const timing = process.env.SADDLELAB_KERNEL_TIMING ? startupTiming(compiler) : undefined;
  let tslab: TslabRuntime | undefined;
  const runtime = () => {
    if (tslab) return tslab;
    const cached = preloadTypescript('runtime');
    tslab = loadTslab();
    if (tslab.warning) log(tslab.warning);
    setImmediate(() => cached.save());
    timing?.mark('executor');
    return tslab;
  };
  const server = createKernelServer({
    connection,
    info: kernelInfo(),
    log,
    makeShell: (publish) => {
      const shell = createShell({
        publish,
        createExecutor: (console) => runtime().createExecutor(process.cwd(), compiler, console),
        isCompleteCode: (code) => compiler.isCompleteCode(code),
        printQuickInfo: (info) => runtime().printQuickInfo(info),
        setDisplayHook: (hook) => {
          try {
            runtime().setDisplayHook(hook);
          } catch {
            // tslab failed its check: the cell's run reports why (createExecutor throws the same error).
          }
        },
      });
      return timing ? timing.watch(shell) : shell;
    },
  });
  const host = server.api();
  provideHost(host);
  // A cell may load a second copy of saddlelab (the notebook folder's own): it gets this host too.
  provideToCopies(HOST_MODULE, (copy) => (copy as { provideHost(h: Host): void }).provideHost(host));
  // interrupt_mode "signal": tslab runs cells with breakOnSigint (a synchronous loop breaks);
  // this also rejects an awaiting cell and aborts trainings (docs/kernel.md, "Interrupts").
  process.on('SIGINT', () => server.interrupt());
  process.on('uncaughtException', (err) => log(`[saddlelab] UncaughtException: ${err.stack ?? err}`));
  process.on('unhandledRejection', (reason) => log(`[saddlelab] UnhandledPromiseRejection: ${(reason as Error)?.stack ?? reason}`));
  server.start().then(() => timing?.mark('sockets'), (e) => {
    log(`[saddlelab] could not bind the kernel's sockets: ${(e as Error).message}`);
    process.exit(1);
  });
  return server;
}

/**
 * `SADDLELAB_KERNEL_TIMING=1`: one line in the kernel's log when the first cell is answered,
 * with the milliseconds from the process's launch to each step of the start-up (the sockets
 * bound, the compiler thread's warm converter, tslab's executor loaded, the first
 * execute_request and its reply), to see which one a slow start waited for.
 */
function startupTiming(compiler: Compiler) {
  const marks: Record<string, number> = {};
  const since = (epochMs: number) => Math.round(epochMs - performance.timeOrigin);
  const mark = (name: string) => void (marks[name] ??= since(Date.now()));
  return {
    mark,
    watch(shell: Shell): Shell {
      let first = true;
      return Object.assign(Object.create(shell) as Shell, {
        execute: async (...args: Parameters<Shell['execute']>) => {
          const mine = first;
          first = false;
          if (mine) mark('execute_request');
          try {
            return await shell.execute(...args);
          } finally {
            if (mine) {
              mark('reply');
              const { warmAt } = compiler.info();
              if (warmAt !== undefined) marks.compiler = since(warmAt);
              log(`[saddlelab] start-up, ms after launch: ${Object.entries(marks).sort((a, b) => a[1] - b[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
            }
          }
        },
      });
    },
  };
}

/**
 * Exits when the process that started the kernel dies (no orphan kernels). jupyter_client
 * sets JPY_PARENT_PID; ipykernel polls the same way. Without this, a notebook server killed
 * with SIGKILL left a live kernel (and its ZMQ ports) behind.
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
      log(`[saddlelab] the kernel's parent process ${parent} is gone; exiting`);
      process.exit(0);
    }
  }, 1000);
  timer.unref();
}

if (require.main === module) {
  const configPath = process.argv[2];
  if (!configPath) {
    log('[saddlelab] usage: node launcher.js <connection_file>');
    process.exit(2);
  }
  startKernel(configPath);
}
