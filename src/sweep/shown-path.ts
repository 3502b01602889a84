/**
 * A path as a notebook's reader should see it in a message: relative to the working folder (the
 * notebook's) when inside it; under the temporary folder, without it and its first folder (a
 * temporary folder's made-up name); under the
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
    // The first folder under it is a made-up name (mkdtemp's): it goes, the rest says what the path is.
    const parts = relative(tmp, abs).split(sep).filter((x) => x);
    return `…${sep}${(parts.length > 1 ? parts.slice(1) : parts).join(sep)}`;
  }
  const home = resolve(homedir());
  if (inside(home, abs)) return `~${sep}${relative(home, abs)}`;
  return abs;
}
