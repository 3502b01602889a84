/**
 * `saddlelab <command>`: train, escape, sweep, demo, report, install, uninstall. Each command
 * returns its exit code; errors print their `[saddlelab]` message and exit 1.
 */
import { SaddlelabError } from '../errors';

const USAGE = `usage: saddlelab <command> [options]

commands:
  train --config run.json --out history.json [--checkpoint DIR [--resume]]
                                               train one network from a JSON config (progress on stderr)
  escape --input problem.json                  optimal escape direction of {X, G, depth, width, starts, seed}
  sweep --spec sweep.json --out DIR            a family of runs on every core (--shard I/N, --emit slurm, --merge DIR…, --list)
  demo                                         a small run that trains and prints a summary
  report NOTEBOOK.ipynb [--out REPORT.html]    an executed notebook as one offline HTML page, figures interactive
  install [--user | --sys-prefix | --prefix DIR]   install the saddlelab Jupyter kernel (and widget extension)
  uninstall [--user | --sys-prefix | --prefix DIR] remove them
`;

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, () => Command> = {
  train: () => require('./train').trainCommand,
  escape: () => require('./escape').escapeCommand,
  sweep: () => require('./sweep').sweepCommand,
  demo: () => require('./demo').demoCommand,
  report: () => require('./report').reportCommand,
  install: () => require('./install').installCommand,
  uninstall: () => require('./install').uninstallCommand,
};

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 1;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`[saddlelab] unknown command '${name}'; accepted: ${Object.keys(commands).join(', ')}\n\n${USAGE}`);
    return 1;
  }
  try {
    return await command()(rest);
  } catch (err) {
    if (err instanceof SaddlelabError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
