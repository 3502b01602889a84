/**
 * `require('saddlelab')` from a folder without it falls back to the kernel's own copy; a folder's
 * own copy wins. Run in a child Node process on the built dist/ (jest replaces Node's module
 * resolution, which the fallback hooks into).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const SELF_IMPORT = resolve(__dirname, '../../../dist/kernel/adapter/self-import.js');

const pkg = (dir: string, name: string, value: string) => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, main: 'index.js' }));
  writeFileSync(join(dir, 'index.js'), `module.exports = { which: ${JSON.stringify(value)} };`);
  writeFileSync(join(dir, 'extra.js'), `module.exports = 'extra of ${value}';`);
};

it('falls back to the kernel copy only when Node finds none, for the package and its subpaths', () => {
  const home = mkdtempSync(join(tmpdir(), 'self-home-'));
  pkg(home, 'fallbackpkg', 'kernel');
  const empty = mkdtempSync(join(tmpdir(), 'self-empty-'));
  const withOwn = mkdtempSync(join(tmpdir(), 'self-own-'));
  pkg(join(withOwn, 'node_modules', 'fallbackpkg'), 'fallbackpkg', 'own');
  const script = `
    const Module = require('node:module');
    const { installSelfImport, hasOwnCopy } = require(${JSON.stringify(SELF_IMPORT)});
    const from = (dir) => Module.createRequire(dir + '/cell.js');
    const attempt = (f) => { try { return f(); } catch (e) { return e.code; } };
    const out = { before: attempt(() => from(${JSON.stringify(empty)})('fallbackpkg')) };
    installSelfImport(${JSON.stringify(home)}, 'fallbackpkg');
    out.empty = from(${JSON.stringify(empty)})('fallbackpkg');
    out.subpath = from(${JSON.stringify(empty)})('fallbackpkg/extra');
    out.own = from(${JSON.stringify(withOwn)})('fallbackpkg');
    out.other = attempt(() => from(${JSON.stringify(empty)})('not-a-package-anywhere'));
    out.hasOwnEmpty = hasOwnCopy(${JSON.stringify(empty)}, 'fallbackpkg');
    out.hasOwnOwn = hasOwnCopy(${JSON.stringify(withOwn)}, 'fallbackpkg');
    console.log(JSON.stringify(out));`;
  const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
  expect(out).toEqual({
    before: 'MODULE_NOT_FOUND',
    empty: { which: 'kernel' },
    subpath: 'extra of kernel',
    own: { which: 'own' },
    other: 'MODULE_NOT_FOUND',
    hasOwnEmpty: false,
    hasOwnOwn: true,
  });
});
