/**
 * The flags of every CLI command, in one table: the commands parse with it and the bad-input
 * sweep (test/cli/cli.test.ts) enumerates it, so a new flag without a bad-input case fails.
 *
 * @example
 * ```ts
 * import { FLAGS } from './flags';
 * console.log(FLAGS.train.valued); // ['config', 'out']
 * ```
 */
export const FLAGS = {
  train: { valued: ['config', 'out', 'checkpoint', 'checkpoint-every'], switches: ['quiet', 'resume'] },
  escape: { valued: ['input'], switches: ['direction'] },
  demo: { valued: ['steps', 'backend'], switches: [] },
  sweep: { valued: ['spec', 'out', 'workers', 'threads', 'shard', 'emit', 'shards', 'cpus'], switches: ['merge', 'list', 'quiet'] },
  install: { valued: ['prefix'], switches: ['user', 'sys-prefix'] },
  uninstall: { valued: ['prefix'], switches: ['user', 'sys-prefix'] },
  report: { valued: ['out'], switches: [] },
} as const satisfies Record<string, { valued: readonly string[]; switches: readonly string[] }>;

export type CommandName = keyof typeof FLAGS;
