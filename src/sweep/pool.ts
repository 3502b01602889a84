/**
 * A pool of worker processes that run sweep points in parallel, each with native TensorFlow
 * kept to the threads it is given. TensorFlow reads `TF_NUM_INTRAOP_THREADS` and
 * `TF_NUM_INTEROP_THREADS` once per process, when its first context is created (tfjs-node creates
 * its eager context and its graph sessions with default options, which defer to them): so the
 * limit is set in each worker's environment before it loads anything (docs/sweeps.md, "Every
 * core", has the probe that checks it).
 *
 * A worker that dies while it runs a point (killed, out of memory) gets that point recorded as
 * failed with its exit status and the end of its stderr; the pool starts another for the rest.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SaddlelabError } from '../errors';
import { recordFailure, type RunPointOptions, type SweepRow } from './point';
import type { SweepPoint } from './spec';

/** Messages from the parent to a worker. */
export type ParentMessage = { type: 'run'; point: SweepPoint; options: RunPointOptions } | { type: 'exit' };
/** Messages from a worker to the parent. */
export type WorkerMessage = { type: 'ready' } | { type: 'row'; row: SweepRow } | { type: 'log'; id: string; line: string };

export interface PoolOptions {
  /** Number of worker processes. */
  size: number;
  /** Native TensorFlow threads per worker (intra-op; inter-op is 1). */
  threads: number;
  /** The worker script (default: worker.js beside this module, i.e. dist/sweep/worker.js). */
  script?: string;
  /** Node options for the workers (e.g. a loader for running from sources). */
  execArgv?: string[];
  /** Lines a worker writes (its logs and stderr), prefixed by the point they belong to. */
  log?: (line: string) => void;
  /**
   * Lines of native libraries' own logging on a worker's stderr (TensorFlow's absl and oneDNN
   * notices, `NATIVE_LOG`): not the sweep's progress, so not `log`'s (default: dropped).
   */
  nativeLog?: (line: string) => void;
}

/** A line of native logging: absl's `I0000 00:00:… file.cc:153] …`, its start-up notice, TensorFlow's older `2024-… I tensorflow/…`. */
export const NATIVE_LOG = /^(?:[IWEF]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ [^\s:]+:\d+\] |WARNING: All log messages before absl::InitializeLog\(\) is called|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] (?:tensorflow|external)\/)/;

export interface WorkerPool {
  readonly size: number;
  /** Runs a point in the next free worker; resolves with its row (failed rows included). */
  run(point: SweepPoint, options: RunPointOptions): Promise<SweepRow>;
  /** Lets the workers finish what they run, then ends them. */
  close(): Promise<void>;
  /** Ends the workers now; points in flight get no row and run again on resume. */
  kill(): void;
}

interface Job {
  point: SweepPoint;
  options: RunPointOptions;
  resolve: (row: SweepRow) => void;
  reject: (err: Error) => void;
  started?: number;
}

interface Worker {
  child: ChildProcess;
  job?: Job;
  stderr: string[];
}

/** The environment that keeps a worker's native TensorFlow to `threads` threads. */
export function workerEnv(threads: number, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const t = String(threads);
  return { ...env, TF_NUM_INTRAOP_THREADS: t, TF_NUM_INTEROP_THREADS: '1', OMP_NUM_THREADS: t, TF_CPP_MIN_LOG_LEVEL: env.TF_CPP_MIN_LOG_LEVEL ?? '1' };
}

/** The built worker script, or an error that says how to get one. */
export function defaultWorkerScript(): string {
  const script = join(__dirname, 'worker.js');
  if (!existsSync(script)) {
    throw new SaddlelabError(
      `[saddlelab] workers: the sweep worker ${script} is not built (saddlelab runs from its sources here); ` +
        'run `npm run build`, or pass workers: 0 to run the points in this process',
      'workers',
    );
  }
  return script;
}

/**
 * Starts a pool (workers start on first use).
 *
 * @example
 * ```ts
 * import { sweepPoints } from './spec';
 * const [point] = sweepPoints({ kind: 'escape', base: { data: { circleToy: {} }, depth: 3, width: 2, starts: 2, steps: 50 }, grid: { width: [2] } });
 * const pool = createWorkerPool({ size: 2, threads: 1 });
 * const row = await pool.run(point, { out: 'runs', baseDir: '.', summary: {} });
 * await pool.close();
 * console.log(row.status); // done
 * ```
 */
export function createWorkerPool(options: PoolOptions): WorkerPool {
  const script = options.script ?? defaultWorkerScript();
  const log = options.log ?? (() => {});
  const nativeLog = options.nativeLog ?? (() => {});
  const workers: Worker[] = [];
  const queue: Job[] = [];
  let killed = false;

  const spawn = (): Worker => {
    const child = fork(script, [], {
      env: workerEnv(options.threads),
      execArgv: options.execArgv ?? [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    const w: Worker = { child, stderr: [] };
    const lines = (stream: NodeJS.ReadableStream | null, keep: boolean) => {
      let buf = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (!line.trim()) continue;
          if (keep) w.stderr.push(line), w.stderr.length > 20 && w.stderr.shift();
          (keep && NATIVE_LOG.test(line) ? nativeLog : log)(w.job ? `[${w.job.point.id}] ${line}` : line);
        }
      });
    };
    lines(child.stdout, false);
    lines(child.stderr, true);
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'log') log(`[${m.id}] ${m.line}`);
      else if (m.type === 'row' && w.job) {
        const job = w.job;
        w.job = undefined;
        job.resolve(m.row);
        next(w);
      }
    });
    child.on('exit', (code, signal) => {
      workers.splice(workers.indexOf(w), 1);
      const job = w.job;
      w.job = undefined;
      if (job) {
        if (killed) job.reject(new SaddlelabError('[saddlelab] sweep stopped; the point runs again on resume', 'signal'));
        else if (signal === 'SIGINT') {
          // Ctrl-C and a Jupyter interrupt signal the whole process group, and a worker still starting
          // up has not yet set SIGINT aside (worker.ts): the coordinator decides whether the sweep
          // stops, so while it goes on the point runs again on a new worker.
          queue.unshift(job);
        } else {
          const how = signal ? `was killed by ${signal}` : `exited with status ${code}`;
          const tail = w.stderr.length ? `; its last output: ${w.stderr.slice(-5).join(' | ')}` : '';
          job.resolve(recordFailure(job.point, `[saddlelab] the worker running point ${job.point.id} ${how} before the point finished (out of memory?)${tail}`, (Date.now() - (job.started ?? Date.now())) / 1000, job.options));
        }
      }
      if (!killed && queue.length && workers.length < options.size) next(spawn());
    });
    child.on('error', (err) => log(`[saddlelab] sweep worker: ${err.message}`));
    workers.push(w);
    return w;
  };

  const next = (w: Worker) => {
    const job = queue.shift();
    if (!job) return;
    w.job = job;
    job.started = Date.now();
    w.child.send({ type: 'run', point: job.point, options: job.options } satisfies ParentMessage);
  };

  return {
    size: options.size,
    run(point, runOptions) {
      if (killed) return Promise.reject(new SaddlelabError('[saddlelab] the sweep pool was stopped', 'signal'));
      return new Promise<SweepRow>((resolve, reject) => {
        // Only data crosses to the worker: no log function, no signal (the pool kills workers instead).
        const { out, baseDir, summary } = runOptions;
        queue.push({ point, options: { out, baseDir, summary }, resolve, reject });
        const idle = workers.find((w) => !w.job);
        if (idle) next(idle);
        else if (workers.length < options.size) next(spawn());
      });
    },
    async close() {
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              if (w.child.exitCode !== null || w.child.signalCode !== null) return resolve();
              w.child.once('exit', () => resolve());
              w.child.send({ type: 'exit' } satisfies ParentMessage);
            }),
        ),
      );
    },
    kill() {
      killed = true;
      for (const job of queue.splice(0)) job.reject(new SaddlelabError('[saddlelab] sweep stopped before this point started', 'signal'));
      for (const w of [...workers]) w.child.kill('SIGTERM');
    },
  };
}
