/**
 * Node's private module internals, the only ones the kernel uses, in one place:
 * `Module._resolveFilename` (wrapped by self-import.ts so `require('saddlelab')` falls back to
 * the kernel's copy), `Module._nodeModulePaths` and `Module.wrap` (used by code-cache.ts to load
 * TypeScript's compiler with V8's code cache). None is part of Node's documented API, so
 * `checkNodeInternals()` runs at the kernel's start-up and each feature that needs one is
 * skipped, with a line in the kernel's log, when a Node version lacks it.
 */
import Module from 'node:module';

export type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;

/** The members of `node:module` the kernel reaches, with their types. */
interface Internals {
  _resolveFilename: ResolveFilename;
  _nodeModulePaths(dir: string): string[];
  wrap(source: string): string;
}

const internals = Module as unknown as Internals;
const NEEDS = ['_resolveFilename', '_nodeModulePaths', 'wrap'] as const;

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
