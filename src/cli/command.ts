/**
 * What a CLI command is: its options (with their defaults), an example, its exit codes and
 * what it runs. Parsing is Node's own `util.parseArgs`, in its tokens mode so that every
 * mistake gets a [saddlelab] message naming the option and what is accepted; `--help`/`-h`
 * prints the command's help, made from the same table. A new command is a `defineCommand`
 * in a file of its own plus a line in index.ts; a new option is one entry in its table.
 */
import { parseArgs } from 'node:util';
import { SaddlelabError } from '../errors';

/** One option: `--name VALUE` (a string) or `--name` (a switch). */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** A one-letter alias (`-o`). */
  short?: string;
  /** What the value is, in the help (`FILE`, `DIR`, `N`); strings only. */
  value?: string;
  /** The default, as the help states it (the command applies it). */
  default?: string;
  /** What it does (one line). */
  description: string;
}

export type OptionTable = Record<string, OptionSpec>;

/** The parsed values: a string for each string option given, true for each switch given. */
export type OptionValues<O extends OptionTable> = { [K in keyof O]?: O[K]['type'] extends 'string' ? string : true };

export interface CommandSpec<O extends OptionTable> {
  name: string;
  /** One line, for `saddlelab --help`. */
  summary: string;
  /** Synopsis lines, without the leading `saddlelab <name>`. */
  usage: string[];
  /** What the command does, in a few lines (optional). */
  description?: string;
  options: O;
  /** The positional arguments it takes (`DIR…`), described; none when absent. */
  positionals?: { name: string; description: string };
  /** Runnable examples, each a full command line. */
  examples: string[];
  /** Exit status → what it means. */
  exitCodes: Record<number, string>;
  run(args: { options: OptionValues<O>; positionals: string[] }): Promise<number>;
}

/** A command, as index.ts runs it. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly options: Readonly<OptionTable>;
  /** The command's help text. */
  help(): string;
  /** Parses `argv` (after the command's name) and runs; resolves with the exit code. */
  main(argv: string[]): Promise<number>;
}

const HELP: OptionSpec = { type: 'boolean', short: 'h', description: 'show this help and exit' };

/** `--name VALUE` or `-x, --name` as the help lists it. */
function optionLabel(name: string, o: OptionSpec): string {
  const long = `--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
  return o.short ? `-${o.short}, ${long}` : `    ${long}`;
}

/** Lines of `label  text`, the texts aligned. */
function table(rows: Array<[string, string]>): string {
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, text]) => `  ${label.padEnd(width)}${text}`).join('\n');
}

/**
 * Parses `argv` against `options`: a [saddlelab] error for an unknown option, a string option
 * without a value (or followed by another option), a value given to a switch, or a positional
 * argument where none is taken.
 *
 * @example
 * ```ts
 * const o = { config: { type: 'string', description: 'the run' }, quiet: { type: 'boolean', description: 'no progress' } } as const;
 * console.log(parseCommandLine(['--config', 'run.json', '--quiet'], o, false).options); // { config: 'run.json', quiet: true }
 * ```
 */
export function parseCommandLine<O extends OptionTable>(argv: string[], options: O, positionals: boolean): { options: OptionValues<O>; positionals: string[] } {
  const accepted = () => Object.keys(options).map((n) => `--${n}`).join(', ');
  // Not strict: util.parseArgs then reports every token, and the checks below say what is wrong in saddlelab's words.
  // Defaults are the command's to apply (the help states them), so parseArgs gets types and aliases only.
  const config = Object.fromEntries(Object.entries(options).map(([name, o]) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}) }]));
  const { tokens } = parseArgs({ args: argv, options: config, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, string | true> = {};
  const rest: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      if (!positionals) throw new SaddlelabError(`[saddlelab] unexpected argument '${token.value}'; this command takes options only: ${accepted()}`, 'argv');
      rest.push(token.value);
      continue;
    }
    const spec = options[token.name];
    if (!spec) throw new SaddlelabError(`[saddlelab] unknown option ${token.rawName}; accepted: ${accepted()}`, token.name);
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw new SaddlelabError(`[saddlelab] --${token.name} takes no value; got --${token.name}=${token.value}`, token.name);
      values[token.name] = true;
    } else {
      // `--config --out x`: parseArgs would take "--out" as the value; a value never starts with "--" (it may be "-1").
      if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) {
        throw new SaddlelabError(`[saddlelab] --${token.name} needs a value${spec.value ? ` (${spec.value})` : ''}`, token.name);
      }
      values[token.name] = token.value;
    }
  }
  return { options: values as OptionValues<O>, positionals: rest };
}

/**
 * Makes a command from its table.
 *
 * @example
 * ```ts
 * const hello = defineCommand({
 *   name: 'hello', summary: 'greets', usage: ['[--name NAME]'],
 *   options: { name: { type: 'string', value: 'NAME', default: 'world', description: 'who to greet' } },
 *   examples: ['saddlelab hello --name you'], exitCodes: { 0: 'greeted' },
 *   run: async ({ options }) => (console.log(`hello ${options.name ?? 'world'}`), 0),
 * });
 * await hello.main(['--name', 'you']); // prints "hello you", resolves 0
 * ```
 */
export function defineCommand<O extends OptionTable>(spec: CommandSpec<O>): Command {
  const withHelp: OptionTable = { ...spec.options, help: HELP };
  const help = () => {
    const rows = Object.entries(withHelp).map(([name, o]): [string, string] => [optionLabel(name, o), o.description + (o.default !== undefined ? ` [default: ${o.default}]` : '')]);
    const parts = [
      `saddlelab ${spec.name}: ${spec.summary}`,
      `usage:\n${spec.usage.map((u) => `  saddlelab ${spec.name} ${u}`).join('\n')}`,
      ...(spec.description ? [spec.description] : []),
      ...(spec.positionals ? [`arguments:\n${table([[spec.positionals.name, spec.positionals.description]])}`] : []),
      `options:\n${table(rows)}`,
      `example${spec.examples.length > 1 ? 's' : ''}:\n${spec.examples.map((e) => `  ${e}`).join('\n')}`,
      `exit codes:\n${table(Object.entries(spec.exitCodes).map(([code, what]) => [code, what]))}`,
    ];
    return parts.join('\n\n') + '\n';
  };
  return {
    name: spec.name,
    summary: spec.summary,
    options: spec.options,
    help,
    async main(argv) {
      const parsed = parseCommandLine(argv, withHelp, spec.positionals !== undefined);
      if (parsed.options.help) {
        process.stdout.write(help());
        return 0;
      }
      return spec.run(parsed as { options: OptionValues<O>; positionals: string[] });
    },
  };
}
