/**
 * `saddlelab sweep`: run a sweep on every core, list its points, emit a Slurm job-array script,
 * or merge shard folders into one table (docs/sweeps.md). `saddlelab sweep --help` lists the
 * forms, options and exit codes.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SaddlelabError, requireOneOf } from '../errors';
import { defineCommand, type OptionValues } from './command';

const USAGE = 'usage: saddlelab sweep --spec sweep.json --out DIR | --spec sweep.json --list | --spec sweep.json --out DIR --emit slurm | --merge DIR…';

const OPTIONS = {
  spec: { type: 'string', value: 'FILE', description: 'the sweep: a JSON spec { base, grid, points, seeds } (required, except with --merge)' },
  out: { type: 'string', value: 'DIR', description: 'the sweep folder, one subfolder per point (with --merge: the table prefix, default DIR/table)' },
  workers: { type: 'string', value: 'N', default: 'the number of cores', description: 'worker processes; 0 runs the points in this process' },
  threads: { type: 'string', value: 'N', default: 'cores ÷ workers', description: 'native TensorFlow threads per worker' },
  shard: { type: 'string', value: 'I/N', description: 'run (or --list) only the points with index mod N = I' },
  list: { type: 'boolean', description: 'print the points (index, id, swept values) as JSON lines instead of running them' },
  emit: { type: 'string', value: 'slurm', description: 'print a Slurm job-array script that runs every shard' },
  shards: { type: 'string', value: 'N', default: 'min(points, 1000)', description: 'tasks of the job array (with --emit)' },
  cpus: { type: 'string', value: 'N', description: "cores per Slurm task (with --emit; default: Slurm's)" },
  merge: { type: 'boolean', description: 'merge the sweep folders given as arguments into one table (csv and json)' },
  quiet: { type: 'boolean', description: 'print failures only' },
} as const;

export const sweepCommand = defineCommand({
  name: 'sweep',
  summary: 'a family of runs on every core: run, list, emit a Slurm job array, merge shards',
  usage: ['--spec FILE --out DIR [--workers N] [--threads N] [--shard I/N] [--quiet]', '--spec FILE --list [--shard I/N]', '--spec FILE --out DIR --emit slurm [--shards N] [--cpus N] > job.sh', '--merge DIR… [--spec FILE] [--out PREFIX]'],
  description: 'Each point is a full config with an id that is a hash of it; a point whose folder holds summary.json is done, so running again resumes (docs/sweeps.md).',
  options: OPTIONS,
  positionals: { name: 'DIR…', description: 'with --merge: the sweep folders (shards) to merge' },
  examples: ['saddlelab sweep --spec scale.json --out runs/scale', 'saddlelab sweep --spec scale.json --out runs/scale --emit slurm --shards 8 > job.sh', 'saddlelab sweep --merge runs/scale --spec scale.json'],
  exitCodes: {
    0: 'every point is done (or listed, or the script printed)',
    1: 'bad options or spec (a [saddlelab] message says which)',
    2: 'some points failed (with --merge: or are missing)',
    130: 'interrupted: the points done so far are kept; run it again to resume',
  },
  run: ({ options, positionals }) => runSweep(options, positionals),
});

/** An integer option ≥ `min`, or undefined when absent. */
function intFlag(flag: string, value: string | undefined, min = 1): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) {
    throw new SaddlelabError(`[saddlelab] --${flag} must be an integer >= ${min}; got ${JSON.stringify(value)}`, flag);
  }
  return Number(value);
}

async function runSweep(flags: OptionValues<typeof OPTIONS>, positional: string[]): Promise<number> {
  const { readJson } = require('../train/config') as typeof import('../train/config');
  const { parseShard, shardPoints } = require('../sweep/shard') as typeof import('../sweep/shard');
  const { slurmScript } = require('../sweep/slurm') as typeof import('../sweep/slurm');
  const { parseSweepSpec, sweepPoints } = require('../sweep/spec') as typeof import('../sweep/spec');
  const { readSweepSpec, sweep } = require('../sweep/sweep') as typeof import('../sweep/sweep');
  const { mergeSweeps, writeTable } = require('../sweep/table') as typeof import('../sweep/table');
  const err = (line: string) => process.stderr.write(line + '\n');

  if (flags.merge) {
    if (!positional.length) throw new SaddlelabError(`[saddlelab] --merge needs one or more sweep folders; ${USAGE}`, 'merge');
    for (const f of ['list', 'emit', 'shard', 'workers', 'threads', 'shards', 'cpus'] as const) {
      if (flags[f] !== undefined) throw new SaddlelabError(`[saddlelab] --${f} does not go with --merge (it takes folders, --spec and --out)`, f);
    }
    const spec = flags.spec !== undefined ? readJson(flags.spec, 'spec') : undefined;
    const { rows, missing } = mergeSweeps(positional, { spec });
    const prefix = flags.out ?? join(positional[0], 'table');
    const { csv, json } = writeTable(prefix, rows, spec ? { name: parseSweepSpec(spec).name, kind: parseSweepSpec(spec).kind } : {});
    const failed = rows.filter((r) => r.status === 'failed');
    err(`[saddlelab] merged ${rows.length} rows from ${positional.length} folder${positional.length === 1 ? '' : 's'}: ${rows.length - failed.length} done, ${failed.length} failed${spec ? `, ${missing.length} missing` : ''} → ${csv}, ${json}`);
    for (const r of failed.slice(0, 5)) err(`[saddlelab]   failed ${r.id} (${JSON.stringify(r.params)}): ${r.error}`);
    if (missing.length) err(`[saddlelab]   missing: ${missing.slice(0, 10).map((p) => p.id).join(', ')}${missing.length > 10 ? ', …' : ''} (not run yet, or still running)`);
    return failed.length || missing.length ? 2 : 0;
  }

  if (positional.length) throw new SaddlelabError(`[saddlelab] unexpected argument '${positional[0]}'; folders go with --merge only; ${USAGE}`, 'argv');
  if (flags.spec === undefined) throw new SaddlelabError(`[saddlelab] --spec is required: a JSON sweep spec { base, grid, points, seeds }; ${USAGE}`, 'spec');
  const spec = parseSweepSpec(readSweepSpec(flags.spec));
  const shard = flags.shard !== undefined ? parseShard(flags.shard, '--shard') : undefined;

  if (flags.list) {
    const points = sweepPoints(spec);
    const mine = shard ? shardPoints(points, shard) : points;
    for (const p of mine) process.stdout.write(JSON.stringify({ index: p.index, id: p.id, params: p.params }) + '\n');
    err(`[saddlelab] ${mine.length} points${shard ? ` in shard ${shard.index}/${shard.count} of ${points.length}` : ''}`);
    return 0;
  }

  if (flags.out === undefined) throw new SaddlelabError('[saddlelab] --out is required: the sweep folder (one subfolder per point)', 'out');
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
