/** A small flag parser for the CLI: `--name value` and `--flag`. Unknown flags are errors. */
import { SaddlelabError } from '../errors';

export interface ParsedArgs {
  flags: Record<string, string | true>;
  positional: string[];
}

/**
 * Parses argv against the accepted flags (`valued` take a value, `switches` do not).
 *
 * @example
 * ```ts
 * parseArgs(['--config', 'run.json', '--quiet'], ['config'], ['quiet']); // { flags: { config: 'run.json', quiet: true }, positional: [] }
 * ```
 */
export function parseArgs(argv: string[], valued: readonly string[], switches: readonly string[] = []): ParsedArgs {
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split('=', 2);
    if (valued.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--')) throw new SaddlelabError(`[saddlelab] --${name} needs a value`, name);
      flags[name] = value;
    } else if (switches.includes(name)) {
      flags[name] = true;
    } else {
      const known = [...valued, ...switches].map((f) => `--${f}`).join(', ');
      throw new SaddlelabError(`[saddlelab] unknown option --${name}; accepted: ${known || 'none'}`, name);
    }
  }
  return { flags, positional };
}
