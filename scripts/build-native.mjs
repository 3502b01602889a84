#!/usr/bin/env node
/**
 * Builds the native TensorFlow backend (@tensorflow/tfjs-node) offline.
 *
 * Stock tfjs-node's install script downloads libtensorflow 2.9.1 from the web,
 * which fails here. Instead: fetch the package without running scripts, take
 * libtensorflow_cc.so.2 / libtensorflow_framework.so.2 and the C API headers
 * from a TensorFlow wheel (the local pip index has tensorflow-cpu), and compile
 * the addon from source with node-gyp. Everything lives in `<repo>/.native/`:
 *
 *   .native/node_modules/                      runtime deps of tfjs-node (node-pre-gyp, ...)
 *   .native/addon/node_modules/@tensorflow/tfjs-node/   the package, deps/ and lib/napi-vN/
 *
 * tfjs-node is deliberately not a dependency in package.json: `npm install`
 * would run its install script (and fail) on every fresh machine. Node's
 * resolution walks up from .native/addon/... to the repo's node_modules, so
 * tfjs-node uses the SAME @tensorflow/tfjs-core instance as saddlelab and its
 * 'tensorflow' backend registers in the engine saddlelab trains with.
 *
 * Usage: node scripts/build-native.mjs [--gpu] [--force] [--strict]
 *   --gpu     build @tensorflow/tfjs-node-gpu from a GPU `tensorflow` wheel (see docs/native.md)
 *   --force   rebuild even when a loadable build exists
 *   --strict  exit 1 on failure (default: explain, exit 0, saddlelab falls back to wasm)
 * Env: SADDLELAB_TF_WHEEL=/path/to/tensorflow*.whl picks the wheel.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NATIVE = join(ROOT, '.native');
const args = new Set(process.argv.slice(2));
const GPU = args.has('--gpu') || process.env.SADDLELAB_NATIVE_VARIANT === 'gpu';
const PKG = GPU ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
const PKG_DIR = join(NATIVE, 'addon', 'node_modules', ...PKG.split('/'));
const STAMP = join(PKG_DIR, '.saddlelab-build.json');
// Runtime requires of tfjs-node's dist/ (index.js, callbacks.js, proto/api_pb.js).
const RUNTIME_DEPS = { '@mapbox/node-pre-gyp': '1.0.9', 'google-protobuf': '^3.21.4', progress: '^2.0.3' };
const WHEEL_DIRS = ['/opt/pypi/files', '/opt/pypi-more/files', '/opt/wheels', join(NATIVE, 'cache')];
const t0 = Date.now();

class Soft extends Error {}

function log(msg) {
  console.log(`[build-native] ${msg}`);
}

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  if (r.error) throw new Soft(`${cmd} could not be started (${r.error.code ?? r.error.message})`);
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
    throw new Soft(`\`${cmd} ${argv.join(' ')}\` exited with ${r.status}:\n${tail}`);
  }
  return r.stdout ?? '';
}

function have(cmd, argv = ['--version']) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8' });
  return !r.error && r.status === 0;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The napi version node-pre-gyp's find() will look for: the highest the package lists that Node supports. */
function napiVersion(pkgJson) {
  const node = Number(process.versions.napi);
  const ok = pkgJson.binary.napi_versions.filter((v) => v <= node);
  if (!ok.length) throw new Soft(`Node's N-API ${node} is older than every version ${PKG} supports`);
  return Math.max(...ok);
}

function versionKey(file) {
  const m = /-(\d+)\.(\d+)\.(\d+)[-.]/.exec(basename(file));
  return m ? Number(m[1]) * 1e6 + Number(m[2]) * 1e3 + Number(m[3]) : 0;
}

function findWheel() {
  if (process.env.SADDLELAB_TF_WHEEL) {
    if (!existsSync(process.env.SADDLELAB_TF_WHEEL)) throw new Soft(`SADDLELAB_TF_WHEEL=${process.env.SADDLELAB_TF_WHEEL} does not exist`);
    return process.env.SADDLELAB_TF_WHEEL;
  }
  // CPU: prefer tensorflow_cpu (smaller, no CUDA); GPU: the plain `tensorflow` wheel carries the CUDA kernels.
  const pattern = GPU ? /^tensorflow-\d.*linux.*x86_64\.whl$/ : /^tensorflow(_cpu)?-\d.*linux.*x86_64\.whl$/;
  const found = [];
  for (const dir of WHEEL_DIRS) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) if (pattern.test(f)) found.push(join(dir, f));
  }
  found.sort((a, b) => versionKey(b) - versionKey(a) || (basename(b).includes('_cpu') ? 1 : 0) - (basename(a).includes('_cpu') ? 1 : 0));
  if (found.length) return found[0];
  const name = GPU ? 'tensorflow' : 'tensorflow-cpu';
  log(`no ${name} wheel in ${WHEEL_DIRS.join(', ')}; trying \`pip download ${name}\``);
  mkdirSync(join(NATIVE, 'cache'), { recursive: true });
  const env = { ...process.env, PIP_INDEX_URL: process.env.PIP_INDEX_URL ?? 'file:///opt/pypi/simple' };
  try {
    run('python3', ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '-d', join(NATIVE, 'cache'), name], { env });
  } catch (e) {
    throw new Soft(`no TensorFlow wheel found and pip download failed: ${e.message.split('\n').slice(-3).join(' ')}`);
  }
  const got = readdirSync(join(NATIVE, 'cache')).filter((f) => pattern.test(f));
  if (!got.length) throw new Soft('pip download produced no matching wheel');
  return join(NATIVE, 'cache', got.sort((a, b) => versionKey(b) - versionKey(a))[0]);
}

function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  try {
    candidates.push(join(run('npm', ['root', '-g']).trim(), 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  } catch {}
  for (const c of candidates) if (c && existsSync(c)) return c;
  throw new Soft('node-gyp not found (it ships with npm; set npm_config_node_gyp to its bin/node-gyp.js)');
}

/** Node's headers: npm's nodedir config, else the install prefix; node-gyp would download them otherwise (offline: fails). */
function findNodeDir() {
  let dir = process.env.npm_config_nodedir;
  if (!dir) {
    try {
      const v = run('npm', ['config', 'get', 'nodedir']).trim();
      if (v && v !== 'undefined' && v !== 'null') dir = v;
    } catch {}
  }
  const prefix = resolve(dirname(process.execPath), '..');
  if (!dir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) dir = prefix;
  return dir;
}

/** Loads the build in a child process; returns a description or throws with the child's error. */
function probe() {
  const code = `
    const tf = require(require.resolve('@tensorflow/tfjs', { paths: [${JSON.stringify(ROOT)}] }));
    const pkg = require.resolve(${JSON.stringify(PKG)}, { paths: [${JSON.stringify(join(NATIVE, 'addon'))}] });
    const coreHere = require.resolve('@tensorflow/tfjs-core', { paths: [${JSON.stringify(ROOT)}] });
    const coreThere = require.resolve('@tensorflow/tfjs-core', { paths: [require('path').dirname(pkg)] });
    if (coreHere !== coreThere) throw new Error('tfjs-node resolves a second tfjs-core: ' + coreThere);
    require(pkg);
    tf.setBackend('tensorflow').then(async (ok) => {
      if (!ok) throw new Error('setBackend(tensorflow) returned false');
      const y = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]]));
      const v = Array.from(await y.data());
      if (v[0] !== 17 || v[1] !== 39) throw new Error('matMul gave ' + v);
      console.log(JSON.stringify({ backend: tf.getBackend(), tfjs: tf.version.tfjs }));
    }).catch((e) => { console.error(e.message); process.exit(1); });`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } });
  if (r.status !== 0) throw new Soft(`the build does not load: ${(r.stderr || r.stdout).trim().split('\n').slice(-6).join(' | ')}`);
  return r.stdout.trim();
}

function step(i, n, what) {
  log(`[${i}/${n}] ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

function main() {
  const tfjs = readJson(join(ROOT, 'node_modules', '@tensorflow', 'tfjs', 'package.json'));
  if (!tfjs) throw new Soft('@tensorflow/tfjs is not installed in node_modules (run `npm install` first)');
  const stamp = readJson(STAMP);
  if (!args.has('--force') && stamp && stamp.tfjs === tfjs.version && stamp.napiOfNode === process.versions.napi) {
    try {
      const p = probe();
      log(`already built and loadable (${stamp.wheel}; ${p}); nothing to do. Use --force to rebuild.`);
      return;
    } catch (e) {
      log(`existing build does not load (${e.message}); rebuilding`);
    }
  }
  const N = 6;
  step(1, N, 'checking tools and the TensorFlow wheel');
  for (const [cmd, why] of [['python3', 'node-gyp and wheel extraction'], ['make', 'node-gyp'], ['tar', 'unpacking the npm package']]) {
    if (!have(cmd)) throw new Soft(`\`${cmd}\` is missing (needed for ${why})`);
  }
  if (!have('c++') && !have('g++')) throw new Soft('no C++ compiler (c++/g++) is installed (apt-get install g++)');
  const wheel = findWheel();
  log(`      wheel: ${wheel}`);
  const nodeGyp = findNodeGyp();
  const nodedir = findNodeDir();
  log(`      node-gyp: ${nodeGyp}; node headers: ${nodedir ?? '(node-gyp default; needs the network)'}`);

  step(2, N, `fetching ${PKG}@${tfjs.version} without its install script`);
  const have_ = readJson(join(PKG_DIR, 'package.json'));
  if (!have_ || have_.version !== tfjs.version) {
    const cache = join(NATIVE, 'cache');
    mkdirSync(cache, { recursive: true });
    const tgz = run('npm', ['pack', `${PKG}@${tfjs.version}`, '--pack-destination', cache, '--silent'], { cwd: cache }).trim().split('\n').pop();
    const tmp = join(NATIVE, 'addon', 'unpack');
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    run('tar', ['-xzf', join(cache, tgz), '-C', tmp]);
    rmSync(PKG_DIR, { recursive: true, force: true });
    mkdirSync(dirname(PKG_DIR), { recursive: true });
    renameSync(join(tmp, 'package'), PKG_DIR);
    rmSync(tmp, { recursive: true, force: true });
  } else log('      already unpacked');

  step(3, N, `installing its runtime dependencies (${Object.keys(RUNTIME_DEPS).join(', ')}) into .native/node_modules`);
  const manifest = { name: 'saddlelab-native', private: true, description: 'written by scripts/build-native.mjs', dependencies: RUNTIME_DEPS };
  const manifestPath = join(NATIVE, 'package.json');
  const same = JSON.stringify(readJson(manifestPath)) === JSON.stringify(manifest);
  const complete = Object.keys(RUNTIME_DEPS).every((d) => existsSync(join(NATIVE, 'node_modules', d, 'package.json')));
  if (!same || !complete) {
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
    run('npm', ['install', '--prefix', NATIVE, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error']);
  } else log('      already installed');

  step(4, N, `extracting libtensorflow and the C API headers from ${basename(wheel)}`);
  const deps = join(PKG_DIR, 'deps');
  const prev = readJson(join(deps, 'wheel.json'));
  if (!prev || prev.wheel !== basename(wheel) || !existsSync(join(deps, 'lib', 'libtensorflow_cc.so.2'))) {
    rmSync(deps, { recursive: true, force: true });
    const out = run('python3', [join(ROOT, 'scripts', 'build-native.py'), wheel, deps, join(PKG_DIR, 'binding')]);
    const lib = join(deps, 'lib');
    // binding.gyp links -ltensorflow -ltensorflow_framework; the wheel ships the C API inside
    // libtensorflow_cc. libtensorflow.so.2.9.1 is the name tfjs-node's install.js checks
    // before it downloads, so running that script by hand will not fetch 2.9.1 over this.
    symlinkSync('libtensorflow_cc.so.2', join(lib, 'libtensorflow.so'));
    symlinkSync('libtensorflow_framework.so.2', join(lib, 'libtensorflow_framework.so'));
    symlinkSync('libtensorflow_cc.so.2', join(lib, 'libtensorflow.so.2.9.1'));
    symlinkSync('libtensorflow_framework.so.2', join(lib, 'libtensorflow_framework.so.2.9.1'));
    writeFileSync(join(deps, 'wheel.json'), JSON.stringify({ wheel: basename(wheel) }) + '\n');
    log(`      ${out.trim()}`);
  } else log('      already extracted');

  const napi = napiVersion(readJson(join(PKG_DIR, 'package.json')));
  const modulePath = join(PKG_DIR, 'lib', `napi-v${napi}`);
  step(5, N, `compiling tfjs_binding.node with node-gyp (N-API ${napi}, ${cpus().length} jobs)`);
  const gypArgs = [nodeGyp, 'rebuild', '--directory', PKG_DIR, `--napi_build_version=${napi}`, '--module_name=tfjs_binding',
    `--module_path=${modulePath}`, '-j', String(cpus().length)];
  if (nodedir) gypArgs.push(`--nodedir=${nodedir}`);
  run(process.execPath, gypArgs);
  if (!existsSync(join(modulePath, 'tfjs_binding.node'))) throw new Soft(`node-gyp finished but ${modulePath}/tfjs_binding.node is missing`);

  step(6, N, 'loading it in a fresh Node process');
  const p = probe();
  writeFileSync(STAMP, JSON.stringify({ tfjs: tfjs.version, wheel: basename(wheel), napi, napiOfNode: process.versions.napi, builtAt: new Date().toISOString() }, null, 2) + '\n');
  log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${p}. saddlelab now uses the '${GPU ? 'gpu' : 'tensorflow'}' backend by default.`);
}

try {
  main();
} catch (e) {
  const msg = e instanceof Soft ? e.message : (e.stack ?? String(e));
  console.log(`[build-native] the native TensorFlow backend was NOT built: ${msg}`);
  console.log('[build-native] saddlelab still works: it falls back to the wasm backend (slower on large networks, see docs/native.md).');
  process.exit(args.has('--strict') ? 1 : 0);
}
