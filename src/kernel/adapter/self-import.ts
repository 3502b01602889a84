/**
 * `import … from 'saddlelab'` from a notebook in any folder: when Node finds no copy of the
 * package from the importing file, it gets the kernel's own. A folder with its own copy
 * installed (or an ancestor's node_modules) keeps it. The types side is tslab.ts's
 * `forwardPackage`, which follows the same rule (`hasOwnCopy`).
 */
import Module from 'node:module';
import { join } from 'node:path';
import { nodeInternals } from './node-module';

let bypass = false;
let installed: string | undefined;

/** Whether `name` resolves from a file in `dir` without the kernel's fallback. */
export function hasOwnCopy(dir: string, name = 'saddlelab'): boolean {
  const was = bypass;
  bypass = true;
  try {
    Module.createRequire(join(dir, '__saddlelab__.js')).resolve(`${name}/package.json`);
    return true;
  } catch {
    return false;
  } finally {
    bypass = was;
  }
}

/**
 * Makes `require(name)` and `require(name + '/…')` fall back to the package at `home` when
 * Node's own resolution finds nothing (Node's `Module._resolveFilename`, wrapped once).
 * Returns false, changing nothing, on a Node without that internal (node-module.ts).
 */
export function installSelfImport(home: string, name = 'saddlelab'): boolean {
  const internals = nodeInternals();
  if (!internals) return false;
  if (installed !== undefined) return true;
  installed = home;
  const original = internals._resolveFilename;
  internals._resolveFilename = function (request, parent, isMain, options) {
    try {
      return original.call(this, request, parent, isMain, options);
    } catch (e) {
      const ours = request === name || request.startsWith(name + '/');
      if (bypass || !ours || (e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
      return original.call(this, join(home, request.slice(name.length)), parent, isMain, options);
    }
  };
  return true;
}
