/**
 * `saddlelab sweep`: run a sweep on every core, list its points, emit a Slurm job-array script,
 * or merge shard folders into one table (docs/sweeps.md).
 *
 * ```bash
 * saddlelab sweep --spec sweep.json --out runs [--workers N] [--threads T] [--shard I/N] [--quiet]
 * saddlelab sweep --spec sweep.json --list [--shard I/N]
 * saddlelab sweep --spec sweep.json --out runs --emit slurm [--shards N] [--cpus C] > job.sh
 * saddlelab sweep --merge runs [more folders…] [--spec sweep.json] [--out table]
 * ```
 * Exit status: 0 when every point is done, 2 when some failed (or, for --merge, are missing), 1
 * on bad input, 130 when interrupted (the points done so far are kept; run it again to resume).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SaddlelabError, requireOneOf } from '../errors';
import { parseShard, shardPoints } from '../sweep/shard';
import { slurmScript } from '../sweep/slurm';
import { parseSweepSpec, sweepPoints } from '../sweep/spec';
import { readSweepSpec, sweep } from '../sweep/sweep';
import { mergeSweeps, writeTable } from '../sweep/table';
import { parseArgs } from './args';
import { readJson } from './config';
import { FLAGS } from './flags';

const USAGE = 'usage: saddlelab sweep --spec sweep.json --out DIR | --spec sweep.json --list | --spec sweep.json --out DIR --emit slurm | --merge DIR…';

/** An integer flag ≥ `min`, or undefined when absent. */
function intFlag(flag: string, value: string | true | undefined, min = 1): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value) || Number(value) < min) {
    throw new SaddlelabError(`[saddlelab] --${flag} must be an integer >= ${min}; got ${JSON.stringify(value)}`, flag);
  }
  return Number(value);
}

export async function sweepCommand(argv: string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, FLAGS.sweep.valued, FLAGS.sweep.switches);
  const err = (line: string) => process.stderr.write(line + '\n');

  if (flags.merge) {
    if (!positional.length) throw new SaddlelabError(`[saddlelab] --merge needs one or more sweep folders; ${USAGE}`, 'merge');
    for (const f of ['list', 'emit', 'shard', 'workers', 'threads', 'shards', 'cpus'] as const) {
      if (flags[f] !== undefined) throw new SaddlelabError(`[saddlelab] --${f} does not go with --merge (it takes folders, --spec and --out)`, f);
    }
    const spec = typeof flags.spec === 'string' ? readJson(flags.spec, 'spec') : undefined;
    const { rows, missing } = mergeSweeps(positional, { spec });
    const prefix = typeof flags.out === 'string' ? flags.out : join(positional[0], 'table');
    const { csv, json } = writeTable(prefix, rows, spec ? { name: parseSweepSpec(spec).name, kind: parseSweepSpec(spec).kind } : {});
    const failed = rows.filter((r) => r.status === 'failed');
    err(`[saddlelab] merged ${rows.length} rows from ${positional.length} folder${positional.length === 1 ? '' : 's'}: ${rows.length - failed.length} done, ${failed.length} failed${spec ? `, ${missing.length} missing` : ''} → ${csv}, ${json}`);
    for (const r of failed.slice(0, 5)) err(`[saddlelab]   failed ${r.id} (${JSON.stringify(r.params)}): ${r.error}`);
    if (missing.length) err(`[saddlelab]   missing: ${missing.slice(0, 10).map((p) => p.id).join(', ')}${missing.length > 10 ? ', …' : ''} (not run yet, or still running)`);
    return failed.length || missing.length ? 2 : 0;
  }

  if (positional.length) throw new SaddlelabError(`[saddlelab] unexpected argument '${positional[0]}'; ${USAGE}`, 'argv');
  if (typeof flags.spec !== 'string') throw new SaddlelabError(`[saddlelab] --spec is required: a JSON sweep spec { base, grid, points, seeds }; ${USAGE}`, 'spec');
  const spec = parseSweepSpec(readSweepSpec(flags.spec));
  const shard = typeof flags.shard === 'string' ? parseShard(flags.shard, '--shard') : undefined;

  if (flags.list) {
    const points = sweepPoints(spec);
    const mine = shard ? shardPoints(points, shard) : points;
    for (const p of mine) process.stdout.write(JSON.stringify({ index: p.index, id: p.id, params: p.params }) + '\n');
    err(`[saddlelab] ${mine.length} points${shard ? ` in shard ${shard.index}/${shard.count} of ${points.length}` : ''}`);
    return 0;
  }

  if (typeof flags.out !== 'string') throw new SaddlelabError('[saddlelab] --out is required: the sweep folder (one subfolder per point)', 'out');
  const workers = intFlag('workers', flags.workers, 0);
  const threads = intFlag('threads', flags.threads);

  if (flags.emit !== undefined) {
    requireOneOf('--emit', flags.emit, ['slurm'] as const);
    if (shard) throw new SaddlelabError('[saddlelab] --shard does not go with --emit: the script runs every shard', 'shard');
    const points = sweepPoints(spec).length;
    const shards = intFlag('shards', flags.shards) ?? Math.min(points, 1000);
    const out = resolve(flags.out);
    // Slurm opens each task's log file itself and fails the task if its folder is missing.
    mkdirSync(join(out, 'slurm'), { recursive: true });
    process.stdout.write(slurmScript({ spec: flags.spec, out, shards, points, name: spec.name, cpusPerTask: intFlag('cpus', flags.cpus), threads }));
    err(`[saddlelab] Slurm job array: ${points} points in ${shards} tasks; task logs in ${join(out, 'slurm')}`);
    return 0;
  }
  for (const f of ['shards', 'cpus'] as const) {
    if (flags[f] !== undefined) throw new SaddlelabError(`[saddlelab] --${f} goes with --emit slurm only`, f);
  }

  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const result = await sweep(flags.spec, {
      out: flags.out,
      workers,
      threads,
      shard,
      signal: controller.signal,
      log: flags.quiet ? (line) => void (line.includes('FAILED') && err(line)) : err,
    });
    if (!result.complete) return 130;
    return result.rows.some((r) => r.status === 'failed') ? 2 : 0;
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
}
