/**
 * Files of a sweep folder. Every file is written to a temporary name and renamed into place, so
 * a killed process never leaves half a file: a point's `summary.json`, written last, exists only
 * once everything before it is complete, and its presence is what "done" means on resume.
 *
 * @example
 * ```ts
 * import { writeJsonAtomic, readJsonIfAny } from './files';
 * writeJsonAtomic('/tmp/x.json', { a: 1 });
 * console.log(readJsonIfAny('/tmp/x.json')); // { a: 1 }
 * ```
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

let counter = 0;

/** Writes `value` as JSON to `path` through a temporary file and a rename. */
export function writeJsonAtomic(path: string, value: unknown, indent?: number): void {
  writeTextAtomic(path, JSON.stringify(value, null, indent) + '\n');
}

/** Writes `text` to `path` through a temporary file and a rename. */
export function writeTextAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}-${counter++}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** The parsed JSON at `path`, or undefined when the file is missing or not valid JSON. */
export function readJsonIfAny(path: string): unknown {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}
