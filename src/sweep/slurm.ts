/**
 * A Slurm job-array script for a sweep: one array task per shard, each running
 * `saddlelab sweep --shard $SLURM_ARRAY_TASK_ID/N` into the same sweep folder (which must be on a
 * file system every node sees). Slurm schedules, retries and accounts; saddlelab only splits.
 *
 * @example
 * ```ts
 * import { slurmScript } from './slurm';
 * console.log(slurmScript({ spec: '/home/me/sweep.json', out: '/scratch/me/runs', shards: 8, points: 64, name: 'scale' }));
 * ```
 */
import { join, resolve } from 'node:path';
import { packageRoot } from '../backend/backend';
import { fail, requirePositiveInt } from '../errors';

export interface SlurmOptions {
  /** The spec file (made absolute). */
  spec: string;
  /** The sweep folder (made absolute); task logs go to `out/slurm/`. */
  out: string;
  /** Array tasks, one shard each. */
  shards: number;
  /** Points in the whole sweep (for the comment; shards above it would idle). */
  points: number;
  /** Job name suffix. */
  name?: string;
  /** CPUs per task (default 1): the task runs that many workers of one thread. */
  cpusPerTask?: number;
  /** Native threads per worker, when not 1. */
  threads?: number;
  /** The Node.js binary and saddlelab's bin script the nodes run (default: this ones). */
  node?: string;
  bin?: string;
  /** Working directory of the tasks (default: the current one). */
  cwd?: string;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The job-array script, as text. */
export function slurmScript(options: SlurmOptions): string {
  const shards = requirePositiveInt('shards', options.shards);
  const cpus = requirePositiveInt('cpusPerTask', options.cpusPerTask ?? 1);
  if (shards > options.points) fail('shards', `at most the number of points (${options.points}); more tasks would have nothing to run`, shards);
  const spec = resolve(options.spec);
  const out = resolve(options.out);
  const node = options.node ?? process.execPath;
  const bin = options.bin ?? join(packageRoot(), 'bin', 'saddlelab.js');
  const name = (options.name ?? 'sweep').replace(/[^\w.-]/g, '_');
  const threads = options.threads === undefined ? '' : ` --threads ${requirePositiveInt('threads', options.threads)}`;
  return [
    '#!/bin/bash',
    `# saddlelab sweep ${name}: ${options.points} points in ${shards} shards, one Slurm array task per shard.`,
    `# Submit with \`sbatch THIS_FILE\`; when every task has ended, gather the rows:`,
    `#   ${node} ${bin} sweep --merge ${out} --spec ${spec}`,
    '# A task that was cut short (time limit, preemption) resumes where it stopped when resubmitted:',
    '# points already done are skipped.',
    `#SBATCH --job-name=saddlelab-${name}`,
    `#SBATCH --array=0-${shards - 1}`,
    `#SBATCH --cpus-per-task=${cpus}`,
    `#SBATCH --output=${join(out, 'slurm', '%A_%a.out')}`,
    'set -euo pipefail',
    `cd ${quote(options.cwd ?? process.cwd())}`,
    // Workers follow SLURM_CPUS_PER_TASK (availableCores), so each task uses what it was given.
    `exec ${quote(node)} ${quote(bin)} sweep --spec ${quote(spec)} --out ${quote(out)} --shard "$SLURM_ARRAY_TASK_ID/${shards}"${threads}`,
    '',
  ].join('\n');
}
