/** The fence around tslab: what the kernel needs of tslab is checked, versions are named, and the converter recovers. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SaddlelabError } from '../../../src/errors';
import { checkTslab, forwardPackage, missingModules, loadTslab, loadTslabCompiler, resilientConverter, SUPPORTED_TSLAB, type Converter, type TsSys } from '../../../src/kernel/adapter/tslab';
import pkg from '../../../package.json';

/** A loader that gives the real modules, except `overrides` (a module id → its stand-in). */
const loaderWith = (overrides: Record<string, unknown>) => (id: string) => (id in overrides ? overrides[id] : require(id));

it('package.json pins tslab to the exact version the adapter supports', () => {
  expect(pkg.dependencies.tslab).toBe(SUPPORTED_TSLAB);
});

it('loads the installed tslab: its executor, display hook and compiler, with no warning', () => {
  const runtime = loadTslab();
  expect(runtime.version).toBe(SUPPORTED_TSLAB);
  expect(runtime.warning).toBeUndefined();
  expect(typeof runtime.createExecutor).toBe('function');
  const jupyter = require('tslab/dist/jupyter');
  const hook = () => {};
  runtime.setDisplayHook(hook);
  expect(jupyter.lastWriteDisplayData).toBe(hook);
  runtime.setDisplayHook(null);
  const compiler = loadTslabCompiler();
  expect(compiler.isCompleteCode('for (;;) {').completed).toBe(false);
  expect(compiler.typescript).toMatch(/^\d+\.\d+/);
  expect(compiler.resolvesModule('seedrandom', join(__dirname, '..', '..', '..'))).toBe(true);
  expect(compiler.resolvesModule('no-such-package-anywhere', join(__dirname, '..', '..', '..'))).toBe(false);
});

it('a tslab that lacks a member fails with a [saddlelab] error naming the version found and the one supported', () => {
  const load = loaderWith({ 'tslab/package.json': { version: '9.9.9' }, 'tslab/dist/executor': { somethingElse: () => {} } });
  let error: unknown;
  try {
    loadTslab(load);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SaddlelabError);
  expect((error as SaddlelabError).field).toBe('tslab');
  expect((error as Error).message).toMatch(/^\[saddlelab\] tslab 9\.9\.9 found, but it lacks tslab\/dist\/executor\.createExecutor/);
  expect((error as Error).message).toContain(`supports tslab ${SUPPORTED_TSLAB}`);
  expect(() => loadTslabCompiler(loaderWith({ 'tslab/package.json': { version: '2.0.0' }, 'tslab/dist/converter': {} }))).toThrow(
    /tslab 2\.0\.0 found, but it lacks tslab\/dist\/converter\.createConverter/,
  );
  const missing = loaderWith({
    'tslab/dist/inspect': undefined,
    'tslab/package.json': { version: '1.0.22' },
  });
  expect(() => loadTslab((id) => { if (id === 'tslab/dist/inspect') throw new Error("Cannot find module 'tslab/dist/inspect'"); return missing(id); })).toThrow(
    /tslab 1\.0\.22 found, but its module tslab\/dist\/inspect cannot be loaded/,
  );
});

it('another tslab version that has everything loads, with a warning naming both versions', () => {
  const runtime = loadTslab(loaderWith({ 'tslab/package.json': { version: '1.0.99' } }));
  expect(runtime.warning).toBe(`[saddlelab] tslab 1.0.99 found; saddlelab is tested with tslab ${SUPPORTED_TSLAB}`);
});

describe('resilientConverter', () => {
  const fake = (log: string[], failFirst: boolean): (() => Converter) => {
    let made = 0;
    return () => {
      const id = ++made;
      let failed = !failFirst || id > 1;
      return {
        convert: (prev, src) => {
          if (!failed) {
            failed = true;
            throw new Error('Unexpected pending rebuildTimer');
          }
          log.push(`convert#${id}:${src}`);
          return { diagnostics: [] };
        },
        inspect: () => undefined as never,
        complete: () => ({ start: 0, end: 0, candidates: [] }),
        addModule: (name) => {
          log.push(`module#${id}:${name}`);
          return [];
        },
        close: () => void log.push(`close#${id}`),
      };
    };
  };

  it("rebuilds tslab's converter stuck on 'Unexpected pending rebuildTimer' and retries, re-adding module cells", () => {
    const log: string[] = [];
    const notes: string[] = [];
    const conv = resilientConverter(fake(log, true), (l) => notes.push(l));
    conv.addModule('mymod', 'export const x = 1;');
    conv.convert('', 'x');
    expect(log).toEqual(['module#1:mymod', 'close#1', 'module#2:mymod', 'convert#2:x']);
    expect(notes[0]).toMatch(/^\[saddlelab\] tslab's converter is stuck/);
  });

  it('converts once more with a fresh converter when a module it missed can be found now, and only then', () => {
    const made: string[] = [];
    let installed = false;
    const create = (): Converter => {
      const id = made.length + 1;
      made.push(`converter#${id}`);
      // A converter sees the packages that existed when it was made (TypeScript's cached resolution).
      const sees = installed;
      const missing = { code: 2307, messageText: "Cannot find module 'late' or its corresponding type declarations.", category: 1, start: { offset: 0, line: 0, character: 0 }, end: { offset: 0, line: 0, character: 0 } };
      return { ...fake([], false)(), convert: () => ({ diagnostics: sees ? [] : [missing], output: sees ? `ok#${id}` : undefined }) };
    };
    const notes: string[] = [];
    const conv = resilientConverter(create, (l) => notes.push(l), (name) => installed && name === 'late');
    expect(conv.convert('', "import 'late'").diagnostics).toHaveLength(1);
    expect(made).toEqual(['converter#1']);
    installed = true;
    expect(conv.convert('', "import 'late'").output).toBe('ok#2');
    expect(made).toEqual(['converter#1', 'converter#2']);
    expect(notes).toEqual(["[saddlelab] late can be found now; starting a fresh converter"]);
  });

  it('missingModules names the modules of "Cannot find module" errors, once each', () => {
    const d = (code: number, messageText: string) => ({ code, messageText });
    expect(missingModules([d(2307, "Cannot find module 'a' or its corresponding type declarations."), d(2792, "Cannot find module 'b'. Did you mean to set the 'moduleResolution' option to 'nodenext'?"), d(2307, "Cannot find module 'a'"), d(2322, "Type 'number' is not assignable to type 'string'.")])).toEqual(['a', 'b']);
  });

  it('passes other errors through', () => {
    const conv = resilientConverter(() => ({ ...fake([], false)(), convert: () => { throw new Error('other'); } }));
    expect(() => conv.convert('', 'x')).toThrow('other');
  });
});

describe('forwardPackage', () => {
  const home = mkdtempSync(join(tmpdir(), 'saddlelab-home-'));
  mkdirSync(join(home, 'dist'));
  writeFileSync(join(home, 'package.json'), '{"name":"saddlelab","types":"dist/index.d.ts"}');
  writeFileSync(join(home, 'dist', 'index.d.ts'), 'export declare const x: number;');
  const cwd = mkdtempSync(join(tmpdir(), 'saddlelab-nb-'));

  const sysOver = (): TsSys => {
    const fs = require('node:fs');
    return {
      fileExists: (p) => fs.existsSync(p) && fs.statSync(p).isFile(),
      directoryExists: (p) => fs.existsSync(p) && fs.statSync(p).isDirectory(),
      readFile: (p) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined),
      realpath: (p) => fs.realpathSync(p),
      getDirectories: (p) => (fs.existsSync(p) ? fs.readdirSync(p).filter((n: string) => fs.statSync(join(p, n)).isDirectory()) : []),
      readDirectory: () => [],
    };
  };

  it("shows the package's files under <cwd>/node_modules/saddlelab while the folder has no copy of its own", () => {
    let own = true;
    const sys = sysOver();
    forwardPackage(sys, cwd, 'saddlelab', home, () => own);
    const where = join(cwd, 'node_modules', 'saddlelab');
    expect(sys.directoryExists(where)).toBe(true);
    expect(sys.fileExists(join(where, 'package.json'))).toBe(true);
    expect(sys.readFile(join(where, 'dist', 'index.d.ts'))).toBe('export declare const x: number;');
    expect(sys.realpath!(join(where, 'dist', 'index.d.ts'))).toBe(require('node:fs').realpathSync(join(home, 'dist', 'index.d.ts')));
    expect(sys.fileExists(join(cwd, 'node_modules', 'other', 'package.json'))).toBe(false);
    own = false; // the folder installed its own copy: nothing is forwarded
    expect(sys.fileExists(join(where, 'package.json'))).toBe(false);
  });
});

describe('checkTslab (the start-up check)', () => {
  it('finds every module the kernel loads from the installed tslab, and says nothing', () => {
    expect(checkTslab()).toEqual([]);
  });

  it('names a module that cannot be found and a version that is not the supported one', () => {
    const resolve = (id: string) => {
      if (id === 'tslab/dist/inspect') throw new Error('not found');
      return id;
    };
    const problems = checkTslab(resolve, loaderWith({ 'tslab/package.json': { version: '1.1.0' } }));
    expect(problems).toEqual([
      `[saddlelab] tslab 1.1.0 found; this kernel supports tslab ${SUPPORTED_TSLAB}`,
      `[saddlelab] tslab 1.1.0 found, but its module tslab/dist/inspect cannot be found; cells will fail until saddlelab's dependencies are reinstalled (tslab ${SUPPORTED_TSLAB})`,
    ]);
  });
});
