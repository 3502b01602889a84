#!/usr/bin/env node
/**
 * `npm run gpu-check`: which GPU route loads on this machine, why the others do not,
 * and what they do (docs/gpu.md).
 *
 *   route 1  tfjs-node-gpu: native TensorFlow's GPU build (`backend: 'gpu'`), built offline by
 *            `node scripts/build-native.mjs --gpu` from a GPU TensorFlow wheel; needs CUDA's libraries
 *   route 2  WebGPU: tfjs's WebGPU backend on Dawn's Node binding (the `webgpu` npm package,
 *            its binaries in the package), over Vulkan; needs only the GPU driver
 *
 * Each route runs in a child process of its own (a crash or a hung driver stays there, and the
 * native libraries' own messages on stderr are kept as the reason a route failed). Where one
 * loads on a GPU it reports the device, the C5 and C6 step rates (bench/configs.mjs: width 1000,
 * depth 6, MNIST shapes; full batch of 2000, and mini-batches of 100 from 10,000), and a few
 * hundred steps of Figure 1 at the paper's scale (MNIST, 10,000 images, width 1000, batches of
 * 100, records of the top-10 singular values every 100 steps) with its ETA for 100,000 steps.
 * Without a GPU it says so and exits 1 within seconds.
 *
 *   node scripts/gpu-check.mjs [--steps N] [--seconds S] [--route tfjs-node-gpu|webgpu|cpu]
 *   (--route cpu runs the same workloads on the CPU build, for comparison)
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const ROUTES = ['tfjs-node-gpu', 'webgpu'];
// `--route cpu`: the same workloads on native TensorFlow's CPU build, for comparison (not a GPU route).
const ALL_ROUTES = [...ROUTES, 'cpu'];

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const PAPER_STEPS = Number(option('steps', 300));
const SECONDS = Number(option('seconds', 5));
const log = (line) => process.stderr.write(`[gpu-check] ${line}\n`);

// ---------------------------------------------------------------- in the child: one route

/** The workloads, the same on every route (float32, bias-free ReLU MLP, MSE; bench/configs.mjs). */
async function measure(saddlelab, tf, route) {
  const { CONFIGS, flopsPerStep } = await import(join(ROOT, 'bench', 'configs.mjs'));
  const { train, data } = saddlelab;
  const gaussian = (len, seed) => {
    let s = seed >>> 0;
    const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 1) / 4294967297;
    return Float32Array.from({ length: len }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
  };
  const rates = {};
  for (const name of ['C5', 'C6']) {
    const cfg = CONFIGS[name];
    const ds = { name, n: cfg.n, dIn: cfg.dIn, dOut: cfg.dOut, x: gaussian(cfg.n * cfg.dIn, 1), y: gaussian(cfg.n * cfg.dOut, 2) };
    const net = train.mlp({ inputDim: cfg.dIn, widths: Array(cfg.depth - 1).fill(cfg.width), outputDim: cfg.dOut, init: { scale: 1 / Math.sqrt(cfg.width), seed: 0 } });
    const trainer = train.createTrainer(net, ds, { lr: 1e-3, batchSize: cfg.batch, record: false });
    for (let t = 0; t < 3; t++) await trainer.next(); // kernels compiled, memory allocated
    let steps = 0;
    const t0 = performance.now();
    while ((performance.now() - t0) / 1000 < SECONDS || steps < 3) {
      await trainer.next();
      steps++;
    }
    const seconds = (performance.now() - t0) / 1000;
    rates[name] = { engine: trainer.engine, stepsPerSec: +(steps / seconds).toFixed(2), gflops: +((steps * flopsPerStep(cfg)) / seconds / 1e9).toFixed(1) };
    await trainer.dispose();
    net.dispose();
  }
  // Figure 1 at the paper's scale: a few hundred steps, timed, with the paper's records.
  const ds = data.mnist({ n: 10000, seed: 0 });
  const width = 1000;
  const net = train.mlp({ inputDim: ds.dIn, widths: Array(5).fill(width), outputDim: ds.dOut, init: { scale: 0.15 / Math.sqrt(width), seed: 0 } });
  const theta0 = Math.sqrt((await net.getWeights()).reduce((sum, w) => sum + w.reduce((s, v) => s + v * v, 0), 0));
  const trainer = train.createTrainer(net, ds, { lr: { adaptive: Math.pow(theta0, 4) }, batchSize: 100, record: { every: 100, topK: 10 }, name: 'paper scale' });
  // The first steps also build the session and check float32 precision: timed from step 5 on.
  const WARM = Math.min(5, PAPER_STEPS - 1);
  let t0 = performance.now();
  for (let t = 0; t < PAPER_STEPS; t++) {
    if (t === WARM) t0 = performance.now();
    if (!(await trainer.next())) break;
  }
  const seconds = (performance.now() - t0) / 1000;
  const timed = trainer.step - WARM;
  const loss = trainer.history.loss();
  const paper = {
    steps: trainer.step,
    seconds: +seconds.toFixed(1),
    stepsPerSec: +(timed / seconds).toFixed(2),
    lossFirst: loss[0],
    lossLast: loss[loss.length - 1],
    records: trainer.history.records.length,
    etaMinutesFor100k: +((100000 / (timed / seconds)) / 60).toFixed(1),
    engine: trainer.engine,
  };
  await trainer.dispose();
  net.dispose();
  return { route, backend: tf.getBackend(), rates, paper };
}

function built(pkg) {
  try {
    require.resolve(pkg, { paths: [ROOT, join(ROOT, '.native', 'addon')] });
    return true;
  } catch {
    return false;
  }
}

async function probeCpu() {
  const saddlelab = require(join(ROOT, 'dist', 'index.js'));
  await saddlelab.backend.useBackend('tensorflow');
  return measure(saddlelab, require('@tensorflow/tfjs'), 'cpu');
}

async function probeTfjsNodeGpu() {
  const saddlelab = require(join(ROOT, 'dist', 'index.js'));
  const tf = require('@tensorflow/tfjs');
  // Throws a [saddlelab] error naming the cause: no /dev/nvidia0, or tfjs-node-gpu not built or not loadable.
  try {
    await saddlelab.backend.useBackend('gpu');
  } catch (e) {
    const build = built('@tensorflow/tfjs-node-gpu') ? 'it is built' : 'and @tensorflow/tfjs-node-gpu is not built (node scripts/build-native.mjs --gpu, docs/gpu.md)';
    throw new Error(`${e.message.replace(/\.? Accepted: .*$/, '')}; ${build}`);
  }
  if (!tf.backend().isUsingGpuDevice) {
    throw new Error('tfjs-node-gpu loaded, but TensorFlow found no usable GPU (its CUDA libraries, cuDNN and the driver must match the wheel; see the messages above)');
  }
  return measure(saddlelab, tf, 'tfjs-node-gpu');
}

async function probeWebgpu() {
  let webgpu;
  try {
    webgpu = await import('webgpu');
  } catch (e) {
    throw new Error(`the webgpu package is not installed or does not load (${e.message}); npm install brings it (an optional dependency)`);
  }
  Object.assign(globalThis, webgpu.globals);
  const gpu = webgpu.create([]);
  globalThis.navigator = { gpu };
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('Dawn found no usable adapter (no Vulkan driver, or none with what WebGPU needs; see the messages above)');
  const info = adapter.info ?? {};
  const description = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
  if (adapter.isFallbackAdapter || /swiftshader|llvmpipe|lavapipe|software/i.test(description)) {
    throw new Error(`the only adapter is a software one (${description}): that is the CPU, not a GPU`);
  }
  const tf = require('@tensorflow/tfjs');
  // Native TensorFlow (CPU) for the records' singular values where it is built; the step runs on WebGPU.
  try {
    require(require.resolve('@tensorflow/tfjs-node', { paths: [ROOT, join(ROOT, '.native', 'addon')] }));
  } catch {
    // not built: records use ml-matrix (slower at width 1000)
  }
  require('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs could not start its webgpu backend on this adapter (see the messages above)');
  await tf.ready();
  const saddlelab = require(join(ROOT, 'dist', 'index.js'));
  const out = await measure(saddlelab, tf, 'webgpu');
  return { ...out, adapter: description };
}

async function child(route) {
  try {
    const result = route === 'webgpu' ? await probeWebgpu() : route === 'cpu' ? await probeCpu() : await probeTfjsNodeGpu();
    process.stdout.write(JSON.stringify({ ok: true, ...result }) + '\n');
  } catch (e) {
    process.stdout.write(JSON.stringify({ ok: false, route, error: e && e.message ? e.message : String(e) }) + '\n');
  }
  process.exit(0);
}

// ---------------------------------------------------------------- the parent: every route

function nvidiaSmi() {
  const r = spawnSync('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'], { encoding: 'utf8', timeout: 20000 });
  if (r.error) return { found: false, why: r.error.code === 'ENOENT' ? 'nvidia-smi is not installed' : r.error.message };
  if (r.status !== 0) return { found: false, why: (r.stderr || r.stdout).trim().split('\n')[0] };
  return { found: true, gpus: r.stdout.trim().split('\n') };
}

function runRoute(route) {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', route, '--steps', String(PAPER_STEPS), '--seconds', String(SECONDS)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '1' },
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 15 * 60 * 1000);
    p.on('exit', (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop();
      let result;
      try {
        result = JSON.parse(line);
      } catch {
        result = { ok: false, route, error: `the probe process ended (${signal ?? `exit ${code}`}) without a result` };
      }
      // The native libraries' own words (Dawn, CUDA, TensorFlow), minus tfjs's install banner.
      result.messages = err.split('\n').map((l) => l.trim()).filter((l) => l && !/====|Hi, looks like|tfjs-node for more/.test(l)).slice(-6);
      resolve(result);
    });
  });
}

async function main() {
  const only = option('route', '');
  if (only && !ALL_ROUTES.includes(only)) {
    log(`--route must be one of ${ALL_ROUTES.join(', ')}; got ${only}`);
    process.exit(2);
  }
  if (!existsSync(join(ROOT, 'dist', 'index.js'))) {
    log('dist/ is not built: run `npm run build` (or the set-up, `bash scripts/setup.sh`) first');
    process.exit(2);
  }
  const smi = nvidiaSmi();
  const devices = ['/dev/nvidia0', '/dev/nvidiactl', '/dev/dri/renderD128'].filter((d) => existsSync(d));
  log(`machine: ${cpus().length} CPU cores (${cpus()[0]?.model ?? '?'}); device files: ${devices.join(', ') || 'none'}; ` +
    (smi.found ? `nvidia-smi: ${smi.gpus.join('; ')}` : `nvidia-smi: ${smi.why}`));
  const results = [];
  for (const route of only ? [only] : ROUTES) {
    log(`route ${route}: trying…`);
    const r = await runRoute(route);
    results.push(r);
    if (r.ok) {
      const device = route === 'cpu' ? `the CPU (${cpus().length} cores)` : r.adapter ?? (smi.found ? smi.gpus[0] : 'the GPU');
      log(`route ${route}: loaded on ${device} (tfjs backend '${r.backend}')`);
      for (const [cfg, v] of Object.entries(r.rates)) log(`  ${cfg}: ${v.stepsPerSec} steps/s, ${v.gflops} GFLOP/s (engine ${v.engine})`);
      const p = r.paper;
      log(`  paper scale: ${p.steps} steps (timed after the first 5: ${p.seconds} s, ${p.stepsPerSec} steps/s with records every 100), loss ${p.lossFirst.toFixed(4)} → ${p.lossLast.toFixed(4)}; ` +
        `100,000 steps would take ≈ ${p.etaMinutesFor100k} min`);
    } else {
      log(`route ${route}: not used: ${r.error}`);
      for (const m of r.messages) log(`  | ${m}`);
    }
  }
  const used = results.filter((r) => r.ok && r.route !== 'cpu');
  if (!used.length && only !== 'cpu') {
    log(`no GPU route loads here${smi.found ? '' : ' (no NVIDIA GPU: nvidia-smi ' + smi.why + ')'}; training runs on the CPU (docs/native.md). ` +
      'Routes and how to set them up: docs/gpu.md.');
    process.exitCode = 1;
  }
  process.stdout.write(JSON.stringify({ nvidiaSmi: smi, devices, routes: results }, null, 2) + '\n');
}

const childRoute = option('child', '');
if (childRoute) child(childRoute);
else main();
