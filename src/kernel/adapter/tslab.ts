/**
 * tslab's internals, part of the kernel's adapter (index.ts): its modules under tslab/dist
 * that tslab does not export, its module-level display hook, its TypeScript (loaded through
 * the code cache) and that TypeScript's `sys`. `checkTslab()` runs at start-up;
 * `loadTslab()` and `loadTslabCompiler()` check, before anything uses them, that the members
 * this kernel needs exist, and otherwise fail with a [saddlelab] error naming the tslab
 * version found and the one supported (package.json pins it exactly).
 *
 * The kernel splits tslab in two: the compiler (tslab's converter, TypeScript's program)
 * runs in a worker thread (compiler-worker.ts), so the kernel answers at once while it
 * warms up; the executor (runs the compiled cells in this process's context) stays here.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ConsoleInterface, ConverterSet, Executor } from 'tslab/dist/executor';
import type { CompletionInfo, Converter, ConverterOptions, IsCompleteResult } from 'tslab/dist/converter';
import { SaddlelabError } from '../../errors';
import { requireCached, type CachedModule } from './code-cache';

/** The tslab version this kernel is built and tested against (package.json pins it). */
export const SUPPORTED_TSLAB = '1.0.22';

/** tslab's own types for what the adapter hands out. */
export type { CompletionInfo, ConsoleInterface, Converter, ConverterOptions, ConverterSet, Executor, IsCompleteResult };

/** The TypeScript that tslab compiles with (its own fork). */
const TYPESCRIPT = '@tslab/typescript-for-tslab';
/** tslab's display hook: `display_data` (update false) or `update_display_data` (true). */
export type DisplayHook = (data: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: Record<string, unknown> }, update: boolean) => void;

/** What the kernel's main thread uses of tslab. */
export interface TslabRuntime {
  readonly version: string;
  /** Set when the version found is not the one supported (everything needed is there). */
  readonly warning?: string;
  createExecutor(rootDir: string, convs: ConverterSet, console: ConsoleInterface): Executor;
  /** Formats a converter's quick info (the inspect_reply text). */
  printQuickInfo(info: unknown): string;
  /** Points tslab's display API (`tslab.display.html(…)` in a cell) at `hook`. */
  setDisplayHook(hook: DisplayHook | null): void;
}

/** What the compiler thread uses of tslab. */
export interface TslabCompiler {
  readonly version: string;
  readonly warning?: string;
  /** The TypeScript version tslab compiles with. */
  readonly typescript: string;
  createConverter(options: ConverterOptions): Converter;
  isCompleteCode(code: string): IsCompleteResult;
  /** TypeScript's file system host, which tslab's converter reads every file through. */
  readonly sys: TsSys;
  /** Whether TypeScript finds module `name` from folder `dir` now (no cache, types included). */
  resolvesModule(name: string, dir: string): boolean;
}

/** The part of TypeScript's `sys` that module resolution reads. */
export interface TsSys {
  fileExists(path: string): boolean;
  directoryExists(path: string): boolean;
  readFile(path: string, encoding?: string): string | undefined;
  realpath?(path: string): string;
  getDirectories(path: string): string[];
  readDirectory(path: string, extensions?: readonly string[], exclude?: readonly string[], include?: readonly string[], depth?: number): string[];
}

type Loader = (id: string) => unknown;
type ResolveModuleName = (name: string, containingFile: string, options: object, host: TsSys) => { resolvedModule?: unknown };

/** Module → members of it the kernel needs, with their kind. */
const RUNTIME_NEEDS: Record<string, Record<string, 'function' | 'property'>> = {
  'tslab/dist/executor': { createExecutor: 'function' },
  'tslab/dist/inspect': { printQuickInfo: 'function' },
  'tslab/dist/jupyter': { lastWriteDisplayData: 'property' },
};
const COMPILER_NEEDS: Record<string, Record<string, 'function' | 'property'>> = {
  'tslab/dist/converter': { createConverter: 'function', isCompleteCode: 'function' },
  [TYPESCRIPT]: { sys: 'property', version: 'property', resolveModuleName: 'function' },
};

/**
 * Loads tslab's TypeScript (8 MB of JavaScript, which both kernel threads load at start-up)
 * through V8's code cache (code-cache.ts) before tslab's modules require it; `role` names the
 * thread, whose cache differs. `save()` once the thread has compiled what it needs.
 */
export function preloadTypescript(role: 'compiler' | 'runtime'): CachedModule {
  return requireCached(TYPESCRIPT, role);
}

/**
 * The start-up check: the tslab version found and whether every module the kernel loads from it
 * exists (resolving only: nothing is loaded, so the kernel still answers at once). Their members
 * are checked when they load (`loadTslab`, `loadTslabCompiler`). Returns the problems, each a
 * [saddlelab] line for the kernel's log; empty when all is there.
 */
export function checkTslab(resolve: (id: string) => string = require.resolve, load: Loader = require): string[] {
  const version = tslabVersion(load);
  const problems: string[] = [];
  if (version !== SUPPORTED_TSLAB) problems.push(`[saddlelab] tslab ${version} found; this kernel supports tslab ${SUPPORTED_TSLAB}`);
  for (const id of [...Object.keys(RUNTIME_NEEDS), ...Object.keys(COMPILER_NEEDS)]) {
    try {
      resolve(id);
    } catch {
      problems.push(`[saddlelab] tslab ${version} found, but its module ${id} cannot be found; cells will fail until saddlelab's dependencies are reinstalled (tslab ${SUPPORTED_TSLAB})`);
    }
  }
  return problems;
}

/** The version of the tslab that `load` finds, read from its package.json (cheap: loads no code). */
export function tslabVersion(load: Loader = require): string {
  try {
    return String((load('tslab/package.json') as { version?: unknown }).version ?? 'unknown');
  } catch {
    return 'none';
  }
}

function check(load: Loader, needs: Record<string, Record<string, 'function' | 'property'>>): { mods: Record<string, Record<string, unknown>>; warning?: string } {
  const version = tslabVersion(load);
  const fix = `saddlelab supports tslab ${SUPPORTED_TSLAB}; reinstall its dependencies (npm install in the saddlelab folder) to get that version`;
  const out: Record<string, Record<string, unknown>> = {};
  for (const [id, members] of Object.entries(needs)) {
    let mod: Record<string, unknown>;
    try {
      mod = load(id) as Record<string, unknown>;
    } catch (e) {
      throw new SaddlelabError(`[saddlelab] tslab ${version} found, but its module ${id} cannot be loaded (${(e as Error).message.split('\n')[0]}); ${fix}`, 'tslab');
    }
    for (const [name, kind] of Object.entries(members)) {
      const ok = mod != null && (kind === 'function' ? typeof mod[name] === 'function' : name in mod);
      if (!ok) throw new SaddlelabError(`[saddlelab] tslab ${version} found, but it lacks ${id}.${name}, which the saddlelab kernel uses; ${fix}`, 'tslab');
    }
    out[id] = mod;
  }
  const warning = version === SUPPORTED_TSLAB ? undefined : `[saddlelab] tslab ${version} found; saddlelab is tested with tslab ${SUPPORTED_TSLAB}`;
  return { mods: out, warning };
}

/**
 * Loads and checks what the main thread needs of tslab (tslab's executor loads TypeScript,
 * so the kernel calls this at its first cell, not at start-up).
 *
 * @example
 * ```ts
 * const tslab = loadTslab();
 * console.log(tslab.version); // 1.0.22
 * ```
 */
export function loadTslab(load: Loader = require): TslabRuntime {
  const { mods, warning } = check(load, RUNTIME_NEEDS);
  const jupyter = mods['tslab/dist/jupyter'];
  return {
    version: tslabVersion(load),
    warning,
    createExecutor: mods['tslab/dist/executor'].createExecutor as TslabRuntime['createExecutor'],
    printQuickInfo: mods['tslab/dist/inspect'].printQuickInfo as TslabRuntime['printQuickInfo'],
    setDisplayHook(hook) {
      jupyter.lastWriteDisplayData = hook;
    },
  };
}

/** Loads and checks what the compiler thread needs of tslab. */
export function loadTslabCompiler(load: Loader = require): TslabCompiler {
  const { mods, warning } = check(load, COMPILER_NEEDS);
  const ts = mods[TYPESCRIPT] as unknown as { sys: TsSys; version: string; resolveModuleName: ResolveModuleName };
  const conv = mods['tslab/dist/converter'];
  // Module resolution as tslab's converter sets it (Node10, with JSON modules and JavaScript).
  const options = { moduleResolution: 2, resolveJsonModule: true, allowJs: true };
  return {
    resolvesModule: (name, dir) => ts.resolveModuleName(name, join(dir, '__tslab__.ts'), options, ts.sys).resolvedModule !== undefined,
    version: tslabVersion(load),
    warning,
    typescript: ts.version,
    createConverter: conv.createConverter as TslabCompiler['createConverter'],
    isCompleteCode: conv.isCompleteCode as TslabCompiler['isCompleteCode'],
    sys: ts.sys,
  };
}

/** The TypeScript version of tslab's compiler, from its package.json (no code loaded). */
export function typescriptVersion(load: Loader = require): string {
  try {
    return String((load(`${TYPESCRIPT}/package.json`) as { version?: unknown }).version);
  } catch {
    return 'unknown';
  }
}

/** The modules a conversion could not find (TypeScript's errors 2307 and 2792). */
export function missingModules(diagnostics: ReadonlyArray<{ code: number; messageText: string }>): string[] {
  const names = diagnostics.filter((d) => d.code === 2307 || d.code === 2792).map((d) => /Cannot find module '([^']+)'/.exec(d.messageText)?.[1]);
  return [...new Set(names.filter((n): n is string => n !== undefined))];
}

/**
 * tslab's converter in two situations it does not recover from by itself:
 * - It throws 'Unexpected pending rebuildTimer' on every cell once TypeScript has scheduled a
 *   second rebuild (it does when a folder it watched for a failed import appears: `npm
 *   install` after `Cannot find module`).
 * - A failed import stays failed until TypeScript's file watchers report the package's new
 *   folder, which takes a while (or never comes, when `node_modules` itself is new), so a cell
 *   run again right after `npm install` said `Cannot find module` once more.
 * This wraps `create()`'s converter: on that error, or when a conversion misses a module that
 * `resolves(name)` now finds, it builds a fresh one (re-adding in-memory `//%module` cells)
 * and converts once more. A module that is still missing costs nothing extra.
 */
export function resilientConverter(create: () => Converter, log: (line: string) => void = () => {}, resolves: (name: string) => boolean = () => false): Converter {
  let conv = create();
  const modules: Array<Parameters<Converter['addModule']>> = [];
  const stuck = (e: unknown) => e instanceof Error && /rebuildTimer|clearing unexpected tiemr/.test(e.message);
  const renew = () => {
    try {
      conv.close();
    } catch {
      // the stuck converter's watchers may already be gone
    }
    conv = create();
    for (const m of modules) conv.addModule(...m);
  };
  const retry = <T>(fn: (c: Converter) => T): T => {
    try {
      return fn(conv);
    } catch (e) {
      if (!stuck(e)) throw e;
      log(`[saddlelab] tslab's converter is stuck (${(e as Error).message}); starting a fresh one`);
      renew();
      return fn(conv);
    }
  };
  const convert: Converter['convert'] = (prevDecl, src) => {
    const out = retry((c) => c.convert(prevDecl, src));
    const found = missingModules(out.diagnostics).filter(resolves);
    if (!found.length) return out;
    log(`[saddlelab] ${found.join(', ')} can be found now; starting a fresh converter`);
    renew();
    return conv.convert(prevDecl, src);
  };
  return {
    convert,
    inspect: (prevDecl, src, pos) => retry((c) => c.inspect(prevDecl, src, pos)),
    complete: (prevDecl, src, pos) => retry((c) => c.complete(prevDecl, src, pos)),
    addModule: (...args) => {
      modules.push(args);
      return retry((c) => c.addModule(...args));
    },
    close: () => conv.close(),
  };
}

/**
 * Makes `import … from 'saddlelab'` type-check in a folder without it: TypeScript's file
 * system host sees `<cwd>/node_modules/saddlelab/…` as the files under `home` (this package),
 * whenever `useOwn()` says the folder has no copy of its own (as tslab does for 'tslab').
 * Must run before the converter is created (the compiler host binds `realpath` then).
 */
export function forwardPackage(sys: TsSys, cwd: string, name: string, home: string, useOwn: () => boolean): void {
  const prefix = join(cwd, 'node_modules', name);
  const map = (path: string): string | undefined => {
    if (!useOwn()) return undefined;
    const p = path.replace(/\\/g, '/');
    const pre = prefix.replace(/\\/g, '/');
    if (p === pre) return home;
    return p.startsWith(pre + '/') ? join(home, p.slice(pre.length + 1)) : undefined;
  };
  const orig = { ...pickHost(sys) };
  sys.fileExists = (p) => orig.fileExists(map(p) ?? p);
  sys.directoryExists = (p) => orig.directoryExists(map(p) ?? p);
  sys.readFile = (p, enc) => orig.readFile(map(p) ?? p, enc);
  sys.getDirectories = (p) => orig.getDirectories(map(p) ?? p);
  sys.readDirectory = (p, ...rest) => orig.readDirectory(map(p) ?? p, ...rest);
  // The real path: files of this package then resolve their own imports (tfjs, …) from here.
  sys.realpath = (p) => {
    const m = map(p);
    return orig.realpath ? orig.realpath(m ?? p) : (m ?? p);
  };
}

function pickHost(sys: TsSys): Required<TsSys> {
  return {
    fileExists: sys.fileExists.bind(sys),
    directoryExists: sys.directoryExists.bind(sys),
    readFile: sys.readFile.bind(sys),
    realpath: sys.realpath ? sys.realpath.bind(sys) : (p: string) => p,
    getDirectories: sys.getDirectories.bind(sys),
    readDirectory: sys.readDirectory.bind(sys),
  };
}

/** This package's root folder (holds package.json and dist/). */
export function packageHome(): string {
  let dir = __dirname;
  for (let i = 0; i < 4; i++) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'saddlelab') return dir;
    } catch {
      // not here: go up
    }
    dir = dirname(dir);
  }
  return dirname(dirname(__dirname));
}
