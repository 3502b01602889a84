/**
 * Runs a sweep: every point of a spec (or of one shard of it) that is not done yet, on a pool of
 * worker processes, one folder per point under `out` (docs/sweeps.md).
 */
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import { readJson } from '../train/config';
import { SaddlelabError, fail, requireKnownKeys, requireNonNegativeInt, requireObject, requirePositiveInt } from '../errors';
import { currentHost } from '../host';
import { writeJsonAtomic } from './files';
import { donePoint, runPoint, type RunPointOptions, type SweepRow } from './point';
import { createWorkerPool } from './pool';
import { shownPath } from './shown-path';
import { createStatusLine } from './status-line';
import { parseShard, shardPoints, type Shard } from './shard';
import { parseSweepSpec, sweepPoints, type ParsedSpec, type SweepSpec } from './spec';
import { writeTable } from './table';

export interface SweepProgress {
  /** Points of this run (the shard's, when sharded). */
  total: number;
  /** Done before this run started (resumed). */
  skipped: number;
  /** Finished in this run, failed ones included. */
  finished: number;
  failed: number;
  running: number;
}

export interface SweepOptions {
  /** The sweep folder: one subfolder per point, `spec.json`, and `table.csv`/`table.json` at the end. */
  out: string;
  /**
   * Worker processes (default: the cores there are, `SLURM_CPUS_PER_TASK` under Slurm). `0` runs
   * the points one after another in this process.
   */
  workers?: number;
  /** Native TensorFlow threads per worker (default: cores ÷ workers, at least 1). */
  threads?: number;
  /** Run one shard only: `"I/N"` or `{ index, count }` (docs/sweeps.md, "Beyond one machine"). */
  shard?: string | Shard;
  /** Where relative `data.file` paths resolve (default: the spec file's folder, else the working directory). */
  baseDir?: string;
  /**
   * Called with every row as its point finishes (a live plot subscribes here); first, at the start,
   * with the row of every point done before (`progress.finished` is 0 then).
   */
  onPoint?: (row: SweepRow, progress: SweepProgress) => void;
  /**
   * Progress lines (`false` for silence). Default: in the saddlelab kernel, the points' progress
   * on one line of the cell, updated in place, and the other lines printed; elsewhere console.log.
   */
  log?: ((line: string) => void) | false;
  /** Stops the sweep: running points are dropped and run again on resume. In the saddlelab kernel an interrupt does it too. */
  signal?: AbortSignal;
  /** The worker script and its Node options (default: the built dist/sweep/worker.js). */
  workerScript?: string;
  execArgv?: string[];
}

export interface SweepResult {
  /** The sweep folder. */
  dir: string;
  spec: ParsedSpec;
  /** A row per point of this run (done before or now), by index. */
  rows: SweepRow[];
  progress: SweepProgress;
  /** False when stopped before every point finished. */
  complete: boolean;
  seconds: number;
}

const OPTION_KEYS = ['out', 'workers', 'threads', 'shard', 'baseDir', 'onPoint', 'log', 'signal', 'workerScript', 'execArgv'] as const;

/** A spec file, named after the file (without `.json`) when it names itself nothing. */
export function readSweepSpec(path: string): unknown {
  const raw = readJson(path, 'spec');
  if (raw && typeof raw === 'object' && !Array.isArray(raw) && (raw as SweepSpec).name === undefined) {
    const name = basename(path).replace(/\.json$/i, '').replace(/[^\w.-]/g, '_').slice(0, 64);
    return { ...raw, name: name || 'sweep' };
  }
  return raw;
}

/** The cores this process may use: `SLURM_CPUS_PER_TASK` under Slurm, else the machine's. */
export function availableCores(env: NodeJS.ProcessEnv = process.env): number {
  const slurm = Number(env.SLURM_CPUS_PER_TASK);
  return Number.isInteger(slurm) && slurm > 0 ? slurm : availableParallelism();
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 90) return `${seconds.toFixed(0)} s`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function describeParams(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ');
}

/**
 * Runs a sweep and resolves with its rows. Points already done in `out` are skipped (resume);
 * a point that fails gets a `failed` row with its `[saddlelab]` message and the others go on.
 *
 * @example
 * ```ts
 * import { sweep } from 'saddlelab';
 * const result = await sweep.run({
 *   kind: 'escape',
 *   base: { data: { circleToy: {} }, depth: 3, starts: 20, steps: 1500 },
 *   grid: { width: [2, 4, 8] }, seeds: 3,
 *   summary: { target: { speed: 0.5, tolerance: 0.005 } },
 * }, { out: 'runs/example-1' });
 * console.table(result.rows.map((r) => ({ ...r.params, hits: r.metrics.hits })));
 * ```
 */
export async function sweep(spec: SweepSpec | string, options: SweepOptions): Promise<SweepResult> {
  const o = requireObject('options', options);
  requireKnownKeys('options', o, OPTION_KEYS);
  if (typeof options.out !== 'string' || options.out === '') fail('options.out', 'the path of the sweep folder', options.out);
  const raw = typeof spec === 'string' ? readSweepSpec(spec) : spec;
  const baseDir = resolve(options.baseDir ?? (typeof spec === 'string' ? dirname(resolve(spec)) : process.cwd()));
  const parsed = parseSweepSpec(raw);
  const shard = options.shard === undefined ? undefined : parseShard(options.shard, 'options.shard');
  const all = sweepPoints(parsed);
  const points = shard ? shardPoints(all, shard) : all;
  const cores = availableCores();
  const workers = options.workers === undefined ? cores : requireNonNegativeInt('options.workers', options.workers);
  const threads = options.threads === undefined ? Math.max(1, Math.floor(cores / Math.max(1, workers))) : requirePositiveInt('options.threads', options.threads);
  const log = options.log === false ? () => {} : options.log ?? ((line: string) => console.log(line));
  const host = currentHost();
  // In a notebook, one line per finished point would bury the cell: they share one line, updated in place.
  const status = options.log === undefined && host.live ? createStatusLine(host) : undefined;
  // Native libraries' notices from the workers go to the host's log (the Jupyter server's console), not the cell.
  const nativeLog = host.log ?? ((line: string) => void process.stderr.write(line + '\n'));
  const signal = options.signal ?? host.currentSignal();
  const out = resolve(options.out);
  try {
    mkdirSync(out, { recursive: true });
  } catch (e) {
    throw new SaddlelabError(`[saddlelab] out: cannot create the sweep folder ${out}: ${(e as Error).message}`, 'out');
  }
  writeJsonAtomic(`${out}/spec.json`, raw, 1);

  const started = Date.now();
  const runOptions: RunPointOptions = { out, baseDir, summary: parsed.summary, threads: workers === 0 ? undefined : threads };
  const rows = new Map<number, SweepRow>();
  const todo = points.filter((p) => {
    const row = donePoint(p, runOptions);
    if (row) rows.set(p.index, row);
    return !row;
  });
  const progress: SweepProgress = { total: points.length, skipped: points.length - todo.length, finished: 0, failed: 0, running: 0 };
  const label = `sweep${parsed.name === 'sweep' ? '' : ` ${parsed.name}`}${shard ? ` shard ${shard.index}/${shard.count}` : ''}`;
  const used = Math.min(workers, todo.length);
  const where = !todo.length ? '' : workers === 0 ? ' in this process' : ` on ${used} worker${used === 1 ? '' : 's'} × ${threads} thread${threads === 1 ? '' : 's'}`;
  log(`[saddlelab] ${label}: ${points.length} points${shard ? ` of ${all.length}` : ''}, ${progress.skipped} done before, ${todo.length} to run${where} → ${shownPath(out)}`);
  if (options.onPoint) for (const row of [...rows.values()].sort((a, b) => a.index - b.index)) options.onPoint(row, { ...progress });

  const finish = (row: SweepRow) => {
    rows.set(row.index, row);
    progress.finished++;
    if (row.status === 'failed') progress.failed++;
    const elapsed = (Date.now() - started) / 1000;
    const left = todo.length - progress.finished;
    progress.running = Math.min(workers || 1, left);
    // Points finish about `workers` at a time, so the time per finished point already counts them.
    const eta = (elapsed / progress.finished) * left;
    const what = row.status === 'done' ? `${row.seconds.toFixed(1)} s` : `FAILED: ${row.error}`;
    const line = `[saddlelab] ${label}: ${progress.skipped + progress.finished}/${points.length} (${describeParams(row.params) || row.id}: ${what})${left ? `, eta ${duration(eta)}` : ''}`;
    // A failed point keeps its own line: the status line's next update would hide it.
    if (status && row.status === 'done') status.update(line);
    else log(line);
    options.onPoint?.(row, { ...progress });
  };

  let stopped = false;
  if (workers === 0) {
    for (const p of todo) {
      if (signal?.aborted) break;
      try {
        finish(await runPoint(p, { ...runOptions, log, signal }));
      } catch (err) {
        if (!signal?.aborted) throw err;
      }
    }
  } else if (todo.length) {
    const pool = createWorkerPool({ size: workers, threads, script: options.workerScript, execArgv: options.execArgv, log, nativeLog });
    const onAbort = () => pool.kill();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.all(
        todo.map((p) =>
          pool.run(p, runOptions).then(finish, () => {
            // Stopped: the point has no row and runs again on resume.
          }),
        ),
      );
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) pool.kill();
      else await pool.close();
    }
  }
  stopped = !!signal?.aborted;

  const sorted = [...rows.values()].sort((a, b) => a.index - b.index);
  const seconds = (Date.now() - started) / 1000;
  const complete = sorted.length === points.length;
  const summary = stopped
    ? `[saddlelab] ${label}: stopped after ${progress.finished} of ${todo.length} points; run it again to resume`
    : `[saddlelab] ${label}: ${progress.finished} run, ${progress.skipped} done before, ${progress.failed} failed, in ${duration(seconds)}`;
  if (status && progress.finished) status.done(summary);
  else log(summary);
  // The table of the whole sweep; a shard leaves that to `mergeSweeps` over every shard's folder.
  if (complete && !shard) {
    const t = writeTable(`${out}/table`, sorted, { name: parsed.name, kind: parsed.kind });
    log(`[saddlelab] ${label}: table in ${shownPath(t.csv)} and ${shownPath(t.json)}`);
  }
  if (progress.failed && progress.failed === progress.finished && progress.finished > 1) {
    const first = sorted.find((r) => r.status === 'failed');
    log(`[saddlelab] ${label}: every point failed; the first error: ${first?.error}`);
  }
  return { dir: out, spec: parsed, rows: sorted, progress: { ...progress, running: 0 }, complete, seconds };
}

