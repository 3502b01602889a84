/**
 * A path as a notebook's reader should see it in a message: relative to the working folder (the
 * notebook's) when inside it; under the temporary folder, elided to its last two parts; under the
 * home folder, from `~`. A report then carries no machine's temporary names or user folders.
 */
import { homedir, tmpdir } from 'node:os';
import { isAbsolute, relative, resolve, sep } from 'node:path';

const inside = (parent: string, child: string) => {
  const r = relative(parent, child);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
};

/**
 * The path `p` for a message.
 *
 * @example
 * ```ts
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { shownPath } from './shown-path';
 * console.log(shownPath(join(tmpdir(), 'saddlelab-07-Ab12', 'plateau', 'table.csv'))); // …/plateau/table.csv
 * console.log(shownPath(join(process.cwd(), 'runs', 'a'))); // runs/a
 * ```
 */
export function shownPath(p: string, cwd: string = process.cwd()): string {
  const abs = resolve(cwd, p);
  if (inside(cwd, abs)) return relative(cwd, abs) || '.';
  const tmp = resolve(tmpdir());
  if (inside(tmp, abs)) {
    const parts = relative(tmp, abs).split(sep).filter((x) => x);
    return parts.length <= 2 ? `…${sep}${parts.join(sep)}` : `…${sep}${parts.slice(-2).join(sep)}`;
  }
  const home = resolve(homedir());
  if (inside(home, abs)) return `~${sep}${relative(home, abs)}`;
  return abs;
}
