/**
 * A sweep's table: its rows gathered from one or more sweep folders (shards that ran on other
 * machines, a resumed run), as CSV and JSON. Every folder holds one subfolder per point with a
 * `summary.json`; the same point found twice (the same id) is one row.
 *
 * @example
 * ```ts
 * import { sweep } from 'saddlelab';
 * const spec = { kind: 'escape', base: { data: { circleToy: {} }, depth: 3, starts: 4, steps: 200 }, grid: { width: [2, 4] },
 *   summary: { target: { speed: 0.5, tolerance: 0.005 } } };
 * // Two shards, as two Slurm tasks would run them:
 * await sweep.run(spec, { out: 'runs/shard-0', shard: { index: 0, count: 2 }, workers: 0 });
 * await sweep.run(spec, { out: 'runs/shard-1', shard: { index: 1, count: 2 }, workers: 0 });
 * const { rows, missing } = sweep.merge(['runs/shard-0', 'runs/shard-1'], { spec });
 * console.log(rows.length, missing.length); // 2 0
 * ```
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../errors';
import { readJsonIfAny, writeJsonAtomic, writeTextAtomic } from './files';
import { POINT_FORMAT, type PointSummary, type SweepRow } from './point';
import { sweepPoints, type SweepPoint } from './spec';

export const TABLE_FORMAT = 'saddlelab.sweep-table';

export interface MergeOptions {
  /** The spec the folders ran: rows keep its order and params, and points not found are listed as missing. */
  spec?: unknown;
}

export interface MergedSweep {
  /** One row per point, by index when a spec is given, else by index then id. */
  rows: SweepRow[];
  /** Points of the spec with no row (not run yet, or still running). */
  missing: SweepPoint[];
}

/** Every point summary found in the folders (one subfolder per point). */
function readRows(dirs: string[]): SweepRow[] {
  const rows: SweepRow[] = [];
  dirs.forEach((dir, i) => {
    if (typeof dir !== 'string' || !existsSync(dir) || !statSync(dir).isDirectory()) fail(`dirs[${i}]`, 'a sweep folder (holding one subfolder per point)', dir);
    for (const name of readdirSync(dir)) {
      const s = readJsonIfAny(join(dir, name, 'summary.json')) as PointSummary | undefined;
      if (s && s.format === POINT_FORMAT && s.row && s.row.id === name) rows.push(s.row);
    }
  });
  return rows;
}

/**
 * Gathers the rows of sweep folders into one table.
 */
export function mergeSweeps(dirs: string[], options: MergeOptions = {}): MergedSweep {
  if (!Array.isArray(dirs) || dirs.length === 0) fail('dirs', 'a non-empty array of sweep folders', dirs);
  const byId = new Map<string, SweepRow>();
  for (const row of readRows(dirs)) {
    const seen = byId.get(row.id);
    // A point done anywhere is done: a failed try elsewhere does not hide it.
    if (!seen || (seen.status === 'failed' && row.status === 'done')) byId.set(row.id, row);
  }
  if (options.spec === undefined) {
    const rows = [...byId.values()].sort((a, b) => a.index - b.index || a.id.localeCompare(b.id));
    return { rows, missing: [] };
  }
  const rows: SweepRow[] = [];
  const missing: SweepPoint[] = [];
  for (const p of sweepPoints(options.spec)) {
    const row = byId.get(p.id);
    if (row) rows.push({ ...row, index: p.index, params: p.params });
    else missing.push(p);
  }
  return { rows, missing };
}

function checkRows(rows: unknown): void {
  if (!Array.isArray(rows)) fail('rows', 'an array of sweep rows (the rows of sweep.run or sweep.merge)', rows);
  rows.forEach((r, i) => {
    if (typeof r !== 'object' || r === null || typeof r.id !== 'string' || typeof r.params !== 'object' || typeof r.metrics !== 'object') fail(`rows[${i}]`, 'a sweep row { id, index, status, params, metrics, … }', r);
  });
}

/** The columns of a table: id, index, status, the params, the metrics, seconds, backend, error. */
export function tableColumns(rows: SweepRow[]): string[] {
  const params: string[] = [];
  const metrics: string[] = [];
  for (const r of rows) {
    for (const k of Object.keys(r.params)) if (!params.includes(k)) params.push(k);
    for (const k of Object.keys(r.metrics)) if (!metrics.includes(k)) metrics.push(k);
  }
  return ['id', 'index', 'status', ...params, ...metrics.filter((m) => !params.includes(m)), 'seconds', 'backend', 'error'];
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The table as CSV (RFC 4180): arrays and objects as JSON text in their cell. */
export function toCsv(rows: SweepRow[]): string {
  checkRows(rows);
  const columns = tableColumns(rows);
  const lines = [columns.map(cell).join(',')];
  for (const r of rows) {
    lines.push(
      columns
        .map((c) => {
          if (c === 'id' || c === 'index' || c === 'status' || c === 'seconds' || c === 'backend' || c === 'error') return cell(r[c]);
          return cell(c in r.params ? r.params[c] : r.metrics[c]);
        })
        .join(','),
    );
  }
  return lines.join('\n') + '\n';
}

/** Writes `PREFIX.csv` and `PREFIX.json`; returns their paths. */
export function writeTable(prefix: string, rows: SweepRow[], extra: Record<string, unknown> = {}): { csv: string; json: string } {
  if (typeof prefix !== 'string' || prefix === '') fail('prefix', 'the path of the table without its extension (PREFIX.csv and PREFIX.json are written)', prefix);
  checkRows(rows);
  const csv = `${prefix}.csv`;
  const json = `${prefix}.json`;
  writeTextAtomic(csv, toCsv(rows));
  writeJsonAtomic(json, { format: TABLE_FORMAT, version: 1, ...extra, columns: tableColumns(rows), rows }, 1);
  return { csv, json };
}
