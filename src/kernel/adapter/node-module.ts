/**
 * Node's private module internals, the only ones the kernel uses, in one place:
 * `Module._resolveFilename` (wrapped by self-import.ts so `require('saddlelab')` falls back to
 * the kernel's copy), `Module._load` (wrapped by `provideToCopies` below, so every copy of
 * saddlelab a cell loads gets the kernel's host), `Module._nodeModulePaths` and `Module.wrap`
 * (used by code-cache.ts to load TypeScript's compiler with V8's code cache). None is part of Node's documented API, so
 * `checkNodeInternals()` runs at the kernel's start-up and each feature that needs one is
 * skipped, with a line in the kernel's log, when a Node version lacks it.
 */
import Module from 'node:module';

export type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;

/** The members of `node:module` the kernel reaches, with their types. */
interface Internals {
  _resolveFilename: ResolveFilename;
  _load(request: string, parent: unknown, isMain: boolean): unknown;
  _nodeModulePaths(dir: string): string[];
  wrap(source: string): string;
}

const internals = Module as unknown as Internals;
const NEEDS = ['_resolveFilename', '_load', '_nodeModulePaths', 'wrap'] as const;

/**
 * What is missing of Node's module internals (an empty list when all are there).
 *
 * @example
 * ```ts
 * console.log(checkNodeInternals()); // []
 * ```
 */
export function checkNodeInternals(): string[] {
  return NEEDS.filter((name) => typeof internals[name] !== 'function').map((name) => `node:module.${name}`);
}

/** Node's module internals, or undefined when this Node lacks one of them. */
export function nodeInternals(): Internals | undefined {
  return checkNodeInternals().length ? undefined : internals;
}

/**
 * Calls `provide(exports)` once for every module loaded from now on whose exports carry
 * `HOST_MODULE === mark` (another copy of saddlelab's src/host, say the notebook folder's own
 * saddlelab beside the kernel's), so the kernel hands its host to each copy explicitly instead
 * of leaving it on a global for them to find. Returns false, changing nothing, on a Node
 * without `Module._load`.
 */
export function provideToCopies(mark: string, provide: (exports: object) => void): boolean {
  const m = nodeInternals();
  if (!m) return false;
  const seen = new WeakSet<object>();
  const original = m._load;
  m._load = function (request, parent, isMain) {
    const exports = original.call(this, request, parent, isMain);
    if (exports !== null && typeof exports === 'object' && !seen.has(exports) && (exports as { HOST_MODULE?: unknown }).HOST_MODULE === mark) {
      seen.add(exports);
      provide(exports);
    }
    return exports;
  };
  return true;
}
