/**
 * Loads a large CommonJS module (TypeScript's 8 MB compiler, which both kernel threads load at
 * start-up) with V8's code cache, so a later kernel start skips most of its compilation. The
 * cache lives in a folder of this user's own (mode 0700) under the system's temporary folder,
 * one file per module, Node version and thread role; V8 rejects a cache that does not match
 * the source, and then the module simply compiles as usual.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { nodeInternals } from './node-module';

export interface CachedModule {
  /** True when V8 compiled the module without a cache (none yet, or rejected): `save()` writes one. */
  readonly fresh: boolean;
  /** Writes the cache (with the functions compiled so far) when there was none or V8 rejected it. */
  save(): void;
}

function cacheDir(): string | undefined {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  const dir = join(tmpdir(), `saddlelab-v8-cache-${uid}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    // Only a folder of this user's that no one else can write to.
    if (typeof process.getuid === 'function' && (st.uid !== process.getuid() || (st.mode & 0o022) !== 0)) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/**
 * Requires `id` (resolved from this file) through V8's code cache, unless it is loaded already.
 *
 * @example
 * ```ts
 * const ts = requireCached('typescript', 'compiler');
 * // … use it …
 * ts.save();
 * ```
 */
export function requireCached(id: string, role: string): CachedModule {
  const none: CachedModule = { fresh: false, save: () => {} };
  let file: string;
  try {
    file = require.resolve(id);
  } catch {
    return none;
  }
  if (require.cache[file]) return none;
  const dir = cacheDir();
  const M = nodeInternals();
  if (!dir || !M) return none;
  const st = statSync(file);
  const key = createHash('sha256').update([file, st.size, st.mtimeMs, process.version, process.arch, role].join('\0')).digest('hex').slice(0, 24);
  const cacheFile = join(dir, `${key}.bin`);
  const cachedData = existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
  const script = new Script(M.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = M._nodeModulePaths(dirname(file));
  require.cache[file] = mod;
  try {
    script.runInThisContext()(mod.exports, (req: string) => mod.require(req), mod, file, dirname(file));
    mod.loaded = true;
  } catch (e) {
    delete require.cache[file];
    throw e;
  }
  const fresh = cachedData === undefined || script.cachedDataRejected === true;
  return {
    fresh,
    save() {
      if (!fresh) return;
      try {
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        renameSync(tmp, cacheFile);
      } catch {
        // A cache is an optimisation: without it the next start compiles as usual.
      }
    },
  };
}
