/**
 * One point of a sweep, run where it is called (in a worker process or in this one): its folder
 * `DIR/<id>/` gets `config.json` first, the kind's artifact next, and `summary.json` last (the
 * row; its presence with `status: "done"` is what resume skips). A point that throws gets a
 * `failed` row holding the `[saddlelab]` message, so one bad point never stops the others.
 */
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { readJsonIfAny, writeJsonAtomic } from './files';
import type { Metric, SweepKind } from './kind';
import { canonicalJson, type Json } from './paths';
import { SWEEP_KINDS, type SweepKindName, type SweepPoint } from './spec';

export const POINT_FORMAT = 'saddlelab.sweep-point';
export const POINT_VERSION = 1;

/** One row of a sweep's table. */
export interface SweepRow {
  id: string;
  /** Position in the expanded spec. */
  index: number;
  kind: SweepKindName;
  status: 'done' | 'failed';
  /** The swept fields (path → value), and `seed` when seeds are swept. */
  params: Record<string, Json>;
  /** The kind's summary (train: escapes, escapeTimes, finalLoss, …; escape: speed, hits, …). */
  metrics: Record<string, Metric>;
  /** Run time of the point, in seconds (not of the worker's start-up). */
  seconds: number;
  /** Where it ran: the backend (`tensorflow`, `wasm`, `cpu`, `js64`, `float64 JS`). */
  backend: string | null;
  /** The `[saddlelab]` message of a failed point. */
  error?: string;
}

/** What `summary.json` holds. */
export interface PointSummary {
  format: typeof POINT_FORMAT;
  version: number;
  row: SweepRow;
  /** The summary options the metrics were computed with. */
  summary: Json;
  host: string;
  threads: number | null;
  finishedAt: string;
}

export interface RunPointOptions {
  /** The sweep folder DIR. */
  out: string;
  baseDir: string;
  summary: Json;
  /** Native threads this process was given (recorded, not enforced here). */
  threads?: number;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

/** The folder of a point. */
export function pointDir(out: string, id: string): string {
  return join(out, id);
}

/** The saved summary of a point, if it has one in the current format. */
export function readPointSummary(out: string, id: string): PointSummary | undefined {
  const s = readJsonIfAny(join(pointDir(out, id), 'summary.json')) as PointSummary | undefined;
  return s && s.format === POINT_FORMAT && s.row?.id === id ? s : undefined;
}

function writeSummary(out: string, row: SweepRow, options: RunPointOptions): PointSummary {
  const s: PointSummary = { format: POINT_FORMAT, version: POINT_VERSION, row, summary: options.summary, host: hostname(), threads: options.threads ?? null, finishedAt: new Date().toISOString() };
  writeJsonAtomic(join(pointDir(out, row.id), 'summary.json'), s, 1);
  return s;
}

function messageOf(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return m.startsWith('[saddlelab]') ? m : `[saddlelab] the point failed: ${m}`;
}

/** Records a point that could not run to its end (its worker died): a `failed` row. */
export function recordFailure(point: SweepPoint, message: string, seconds: number, options: RunPointOptions): SweepRow {
  mkdirSync(pointDir(options.out, point.id), { recursive: true });
  const row: SweepRow = { id: point.id, index: point.index, kind: point.kind, params: point.params, status: 'failed', metrics: {}, seconds, backend: null, error: messageOf(message) };
  return writeSummary(options.out, row, options).row;
}

/**
 * Runs one point and writes its folder; resolves with its row (failed points too). Rejects only
 * when `signal` aborts it: an interrupted point leaves no summary, so resume runs it again.
 */
export async function runPoint(point: SweepPoint, options: RunPointOptions): Promise<SweepRow> {
  const kind: SweepKind = SWEEP_KINDS[point.kind];
  const dir = pointDir(options.out, point.id);
  mkdirSync(dir, { recursive: true });
  writeJsonAtomic(join(dir, 'config.json'), { id: point.id, index: point.index, kind: point.kind, params: point.params, config: point.config }, 1);
  const base = { id: point.id, index: point.index, kind: point.kind, params: point.params };
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  let row: SweepRow;
  try {
    const run = await kind.run(point.config, { dir, baseDir: options.baseDir, log: options.log ?? (() => {}), signal: options.signal });
    const elapsed = run.seconds ?? seconds();
    row = { ...base, status: 'done', metrics: kind.summarize(run.artifact, options.summary), seconds: elapsed, backend: run.backend };
  } catch (err) {
    if (options.signal?.aborted) throw err;
    row = { ...base, status: 'failed', metrics: {}, seconds: seconds(), backend: null, error: messageOf(err) };
  }
  return writeSummary(options.out, row, options).row;
}

/**
 * The row of a point already done, re-summarized from its saved artifact when the summary options
 * differ from those it was summarized with; undefined when the point is not done.
 */
export function donePoint(point: SweepPoint, options: RunPointOptions): SweepRow | undefined {
  const saved = readPointSummary(options.out, point.id);
  if (!saved || saved.row.status !== 'done') return undefined;
  // Index and params are those of this spec (the same run may sit elsewhere in another spec).
  const row: SweepRow = { ...saved.row, index: point.index, params: point.params };
  if (canonicalJson(saved.summary) === canonicalJson(options.summary)) return row;
  const kind: SweepKind = SWEEP_KINDS[point.kind];
  try {
    const metrics = kind.summarize(kind.load(pointDir(options.out, point.id)), options.summary);
    return writeSummary(options.out, { ...row, metrics }, { ...options, threads: saved.threads ?? undefined }).row;
  } catch {
    // The artifact is gone or unreadable: run the point again.
    return undefined;
  }
}
