#!/usr/bin/env node
/**
 * `npm run gpu-check`: which GPU route loads on this machine, why the others do not, and
 * what they do, in one run of a few minutes at most (docs/gpu.md).
 *
 *   webgpu         saddlelab's webgpu backend and step engine on Dawn (the `webgpu` npm package,
 *                  its binaries in the package), over Vulkan/Metal/D3D12; needs only the driver
 *   tfjs-node-gpu  native TensorFlow's GPU build (`backend: 'gpu'`), built offline by
 *                  `node scripts/build-native.mjs --gpu` from a GPU TensorFlow wheel
 *
 * Each route runs in a child process of its own (a crash or a hung driver stays there, and the
 * native libraries' own messages on stderr are kept as the reason a route failed). The webgpu
 * route reports (bench/webgpu.mjs) the device; C5 and C6 (bench/configs.mjs: width 1000, depth 6;
 * full batch of 2000, and batches of 100 from 10,000) with steps/s, GFLOP/s and the shares of
 * time in dispatch, in reads and with the GPU behind; and Figure 1 at the paper's scale (MNIST,
 * width 1000, batches of 100, top-10 singular values of every layer every 100 steps) with and
 * without records, and the ETA of 100,000 steps. Where python3 has PyTorch with CUDA, the same
 * C5 and C6 run in PyTorch eager (bench/worker_torch.py) for the ratio. A software adapter
 * (SwiftShader, lavapipe) is refused: that is the CPU. Without a GPU it exits 1 within seconds.
 *
 *   node scripts/gpu-check.mjs [--route webgpu|tfjs-node-gpu|cpu] [--seconds S] [--steps N]
 *                              [--allow-software] [--tiny] [--no-torch]
 *   --allow-software  measure on a software adapter anyway (figures of the CPU: a check that it runs)
 *   --tiny            every size shrunk (width 24): the check on SwiftShader, in seconds
 *   --route cpu       the tfjs-node-gpu route's workloads on the CPU build, for comparison
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const ROUTES = ['webgpu', 'tfjs-node-gpu'];
// `--route cpu`: the same workloads on native TensorFlow's CPU build, for comparison (not a GPU route).
const ALL_ROUTES = [...ROUTES, 'cpu'];

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const TINY = process.argv.includes('--tiny');
const ALLOW_SOFTWARE = process.argv.includes('--allow-software');
const PAPER_STEPS = Number(option('steps', TINY ? 100 : 2000));
const SECONDS = Number(option('seconds', TINY ? 2 : 5));
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
  const saddlelab = require(join(ROOT, 'dist', 'index.js'));
  const { measureWebgpu } = await import(join(ROOT, 'bench', 'webgpu.mjs'));
  await saddlelab.backend.useBackend('cpu'); // the reference backend until webgpu loads (no native banner)
  return { route: 'webgpu', backend: 'webgpu', ...(await measureWebgpu(saddlelab, { seconds: SECONDS, paperSteps: PAPER_STEPS, tiny: TINY, allowSoftware: ALLOW_SOFTWARE, log })) };
}

/** PyTorch eager on CUDA, C5 and C6, when python3 has it (bench/worker_torch.py). */
async function torchCuda() {
  const probe = spawnSync('python3', ['-c', 'import torch, json; print(json.dumps([torch.__version__, torch.cuda.is_available()]))'], { encoding: 'utf8', timeout: 60000 });
  if (probe.status !== 0) return { ok: false, why: 'python3 has no PyTorch' };
  const [version, cuda] = JSON.parse(probe.stdout.trim().split('\n').pop());
  if (!cuda) return { ok: false, why: `PyTorch ${version} sees no CUDA device` };
  const { CONFIGS, flopsPerStep } = await import(join(ROOT, 'bench', 'configs.mjs'));
  const p = spawn('python3', [join(ROOT, 'bench', 'worker_torch.py')], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = [];
  let wake;
  p.stdout.on('data', (d) => {
    lines.push(...String(d).split('\n').filter(Boolean));
    wake?.();
  });
  const ask = async (msg) => {
    p.stdin.write(JSON.stringify(msg) + '\n');
    while (!lines.length) await new Promise((r) => (wake = r));
    return JSON.parse(lines.shift());
  };
  const rates = {};
  for (const name of ['C5', 'C6']) {
    const cfg = CONFIGS[name];
    const setup = await ask({ op: 'setup', config: cfg, lr: 1e-3, device: 'cuda' });
    await ask({ op: 'run', minSteps: 5, minSeconds: 0 });
    const r = await ask({ op: 'run', minSteps: 3, minSeconds: SECONDS });
    rates[name] = { backend: setup.backend, stepsPerSec: +(r.steps / r.seconds).toFixed(1), gflops: +((r.steps * flopsPerStep(cfg)) / r.seconds / 1e9).toFixed(1) };
  }
  p.stdin.end();
  return { ok: true, rates };
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
    const flags = [...(TINY ? ['--tiny'] : []), ...(ALLOW_SOFTWARE ? ['--allow-software'] : [])];
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', route, '--steps', String(PAPER_STEPS), '--seconds', String(SECONDS), ...flags], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '1' },
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => {
      err += d;
      // The route's own figures as they come ([gpu-check] lines); the libraries' messages are kept for a failure.
      for (const line of String(d).split('\n')) if (line.startsWith('[gpu-check]')) process.stderr.write(line.replace('[gpu-check] ', `[gpu-check]   ${route}: `) + '\n');
    });
    const timer = setTimeout(() => p.kill('SIGKILL'), 8 * 60 * 1000);
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
      result.messages = err.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('[gpu-check]') && !/====|Hi, looks like|tfjs-node for more/.test(l)).slice(-6);
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
      const device = route === 'cpu' ? `the CPU (${cpus().length} cores)` : r.device ?? (smi.found ? smi.gpus[0] : 'the GPU');
      log(`route ${route}: loaded on ${device} (tfjs backend '${r.backend}')${r.software ? ': SOFTWARE, figures of the CPU, only a check that it runs' : ''}`);
      if (route !== 'webgpu') {
        // The webgpu route printed its own lines as it measured.
        for (const [cfg, v] of Object.entries(r.rates)) log(`  ${cfg}: ${v.stepsPerSec} steps/s, ${v.gflops} GFLOP/s (engine ${v.engine})`);
        const p = r.paper;
        log(`  paper scale: ${p.steps} steps (timed after the first 5: ${p.seconds} s, ${p.stepsPerSec} steps/s with records every 100), loss ${p.lossFirst.toFixed(4)} → ${p.lossLast.toFixed(4)}; ` +
          `100,000 steps would take ≈ ${p.etaMinutesFor100k} min`);
      }
    } else {
      log(`route ${route}: not used: ${r.error}`);
      for (const m of r.messages) log(`  | ${m}`);
    }
  }
  let torch;
  const webgpu = results.find((r) => r.ok && r.route === 'webgpu' && !r.software && !r.tiny);
  if (webgpu && !process.argv.includes('--no-torch')) {
    torch = await torchCuda();
    if (!torch.ok) log(`PyTorch CUDA eager: not measured (${torch.why})`);
    else
      for (const [cfg, v] of Object.entries(torch.rates)) {
        log(`PyTorch CUDA eager ${cfg}: ${v.stepsPerSec} steps/s, ${v.gflops} GFLOP/s (${v.backend}); webgpu/PyTorch ${(webgpu.rates[cfg].stepsPerSec / v.stepsPerSec).toFixed(2)}×`);
      }
  }
  const used = results.filter((r) => r.ok && r.route !== 'cpu' && !r.software);
  if (!used.length && only !== 'cpu') {
    log(`no GPU route loads here${smi.found ? '' : ' (no NVIDIA GPU: nvidia-smi ' + smi.why + ')'}; training runs on the CPU (docs/native.md). ` +
      'Routes and how to set them up: docs/gpu.md.');
    process.exitCode = 1;
  }
  process.stdout.write(JSON.stringify({ nvidiaSmi: smi, devices, routes: results, torch }, null, 2) + '\n');
}

const childRoute = option('child', '');
if (childRoute) child(childRoute);
else main();
