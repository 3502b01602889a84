/**
 * requireCached: the module loads (and registers in require.cache, so later requires share it);
 * the first start writes V8's code cache into a folder of this user's; the next start uses it.
 * Run in child Node processes on the built dist/ (jest replaces Node's module loader).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CODE_CACHE = resolve(__dirname, '../../../dist/kernel/adapter/code-cache.js');

it('loads through the cache, writes it once, and the next process uses it', () => {
  const root = mkdtempSync(join(tmpdir(), 'code-cache-'));
  const pkg = join(root, 'node_modules', 'bigmod');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), '{"name":"bigmod","main":"index.js"}');
  const body = Array.from({ length: 200 }, (_, i) => `exports.f${i} = (x) => x + ${i};`).join('\n');
  writeFileSync(join(pkg, 'index.js'), `${body}\nexports.loadedAt = Date.now();`);
  const cacheHome = join(root, 'tmp');
  mkdirSync(cacheHome);
  const script = `
    const { requireCached } = require(${JSON.stringify(CODE_CACHE)});
    const Module = require('node:module');
    const fs = require('node:fs');
    const c = requireCached('bigmod', 'test');
    const again = require('bigmod');
    const viaCache = Object.values(require.cache).find((m) => m.filename.endsWith('/bigmod/index.js'));
    c.save();
    const dir = fs.readdirSync(${JSON.stringify(cacheHome)}).find((d) => d.startsWith('saddlelab-v8-cache-'));
    const files = fs.readdirSync(${JSON.stringify(cacheHome)} + '/' + dir);
    console.log(JSON.stringify({ f3: again.f3(1), shared: viaCache.exports === again, files: files.length,
      mode: (fs.statSync(${JSON.stringify(cacheHome)} + '/' + dir).mode & 0o777).toString(8) }));`;
  const env = { ...process.env, TMPDIR: cacheHome, NODE_PATH: join(root, 'node_modules') };
  // NODE_PATH lets require.resolve in code-cache.js find the test's module.
  const first = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env }));
  expect(first).toEqual({ f3: 4, shared: true, files: 1, mode: '700' });
  const probe = `
    const vm = require('node:vm'); const fs = require('node:fs'); const Module = require('node:module');
    const dir = fs.readdirSync(${JSON.stringify(cacheHome)}).find((d) => d.startsWith('saddlelab-v8-cache-'));
    const file = ${JSON.stringify(cacheHome)} + '/' + dir + '/' + fs.readdirSync(${JSON.stringify(cacheHome)} + '/' + dir)[0];
    const s = new vm.Script(Module.wrap(fs.readFileSync(${JSON.stringify(join(pkg, 'index.js'))}, 'utf8')),
      { filename: ${JSON.stringify(join(pkg, 'index.js'))}, cachedData: fs.readFileSync(file) });
    console.log(JSON.stringify({ rejected: s.cachedDataRejected }));`;
  expect(JSON.parse(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8', env }))).toEqual({ rejected: false });
});
