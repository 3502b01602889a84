/**
 * `saddlelab <command>`: the commands, each defined in a file of its own (command.ts says what
 * a command holds). `saddlelab --help` lists them; `saddlelab <command> --help` gives a
 * command's options, defaults, an example and its exit codes. Errors print their [saddlelab]
 * message and exit 1.
 */
import { SaddlelabError } from '../errors';
import type { Command } from './command';
import { demoCommand } from './demo';
import { escapeCommand } from './escape';
import { installCommand, uninstallCommand } from './install';
import { reportCommand } from './report';
import { sweepCommand } from './sweep';
import { trainCommand } from './train';

/** Every command, in the order `saddlelab --help` lists them. A new command is one more entry. */
export const COMMANDS: readonly Command[] = [trainCommand, escapeCommand, sweepCommand, demoCommand, reportCommand, installCommand, uninstallCommand];

/** The top-level help: one line per command. */
export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'usage: saddlelab <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    "`saddlelab <command> --help` shows a command's options, their defaults, an example and its exit codes.",
    '',
  ].join('\n');
}

/**
 * Runs the CLI; resolves with the exit code.
 *
 * @example
 * ```ts
 * const code = await main(['train', '--help']); // prints train's help, resolves 0
 * ```
 */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 1;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`[saddlelab] unknown command '${name}'; accepted: ${COMMANDS.map((c) => c.name).join(', ')}\n\n${usage()}`);
    return 1;
  }
  try {
    return await command.main(rest);
  } catch (err) {
    if (err instanceof SaddlelabError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
