/**
 * What the webgpu route does on this machine, measured through saddlelab's own loop
 * (`trainer.run()`'s, which `train.fit` calls: trainer.lag steps in flight), for `npm run gpu-check` and
 * `npm run bench -- --backend webgpu`:
 *
 *   device      the adapter (refused when it is software, unless allowSoftware)
 *   C5, C6      steps/s and GFLOP/s (bench/configs.mjs), with where a step's time goes:
 *               the host's encoding and submitting (dispatch), the loop waiting for
 *               results (reads), the engine waiting for the GPU (ring full)
 *   paper       Figure 1 at the paper's scale (MNIST 10,000, width 1000, depth 6,
 *               batches of 100, adaptive step, top-10 singular values of every layer
 *               every 100 steps): steps/s with and without records, their share, ETA
 *
 * `tiny` shrinks every size (width 16, 64 samples, records every 25 steps) so a software
 * adapter (SwiftShader) runs it in about a minute: a check that it runs, not a figure.
 */
import { CONFIGS, dimsOf, flopsPerStep } from './configs.mjs';

const gaussian = (len, seed) => {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 1) / 4294967297;
  return Float32Array.from({ length: len }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
};

/** The workloads, full size or tiny. */
export function workloads(tiny) {
  const shrink = (cfg) => (tiny ? { ...cfg, dIn: 8, width: 16, n: 64, dOut: 4, ...(cfg.batch ? { batch: 16 } : {}) } : cfg);
  return {
    C5: shrink(CONFIGS.C5),
    C6: shrink(CONFIGS.C6),
    paper: tiny ? { n: 64, width: 16, batch: 16, every: 25 } : { n: 10000, width: 1000, batch: 100, every: 100 },
  };
}

/** Steps through the trainer as trainer.run() does (lag steps in flight), for a time; returns seconds and how long the loop waited for results. */
async function drive(trainer, steps, seconds) {
  const inFlight = [];
  let waitMs = 0;
  let done = 0;
  const t0 = performance.now();
  while (done < steps && (performance.now() - t0) / 1000 < seconds) {
    inFlight.push(trainer.next());
    done++;
    if (inFlight.length > trainer.lag) {
      const w = performance.now();
      if (!(await inFlight.shift())) throw new Error('the loss became non-finite');
      waitMs += performance.now() - w;
    }
  }
  const w = performance.now();
  await Promise.all(inFlight);
  waitMs += performance.now() - w;
  return { steps: done, seconds: (performance.now() - t0) / 1000, waitMs };
}

const delta = (after, before) => Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]));

/** Runs the measurements; `log` gets one line per figure. */
export async function measureWebgpu(saddlelab, { seconds = 5, paperSteps = 2000, tiny = false, allowSoftware = false, log = () => {} } = {}) {
  const { train, data, backend } = saddlelab;
  if (allowSoftware) process.env.SADDLELAB_WEBGPU_SOFTWARE = '1';
  const { info } = await backend.webgpuDevice({ allowSoftware });
  await backend.useBackend('webgpu');
  const device = backend.describeAdapter(info);
  log(`device: ${device}`);
  const sizes = workloads(tiny);
  const rates = {};
  for (const name of ['C5', 'C6']) {
    const cfg = sizes[name];
    const ds = { name, n: cfg.n, dIn: cfg.dIn, dOut: cfg.dOut, x: gaussian(cfg.n * cfg.dIn, 1), y: gaussian(cfg.n * cfg.dOut, 2) };
    const net = train.mlp({ inputDim: cfg.dIn, widths: dimsOf(cfg).slice(1, -1), outputDim: cfg.dOut, init: { scale: 1 / Math.sqrt(cfg.width), seed: 0 } });
    const trainer = train.createTrainer(net, ds, { lr: 1e-3, batchSize: cfg.batch, record: false, engine: 'webgpu' });
    await drive(trainer, 5, Infinity); // pipelines compiled, buffers made, the precision check done
    const before = trainer.profile();
    const run = await drive(trainer, Infinity, seconds);
    const p = delta(trainer.profile(), before);
    const ms = run.seconds * 1000;
    rates[name] = {
      stepsPerSec: +(run.steps / run.seconds).toFixed(1),
      gflops: +((run.steps * flopsPerStep(cfg)) / run.seconds / 1e9).toFixed(1),
      dispatchesPerStep: trainer.profile().dispatchesPerStep,
      uploadsPerStep: +(p.uploads / run.steps).toFixed(4),
      share: { dispatch: +(p.submitMs / ms).toFixed(3), reads: +(run.waitMs / ms).toFixed(3), gpuBehind: +(p.ringWaitMs / ms).toFixed(3) },
      resultLatencyMs: +(p.resultMs / p.steps).toFixed(3),
    };
    const r = rates[name];
    log(`${name}${tiny ? ' (tiny)' : ''}: ${r.stepsPerSec} steps/s, ${r.gflops} GFLOP/s; ${r.dispatchesPerStep} dispatches and ${r.uploadsPerStep} uploads a step; ` +
      `time in dispatch (host encoding and submitting) ${(100 * r.share.dispatch).toFixed(1)} %, waiting for results (the GPU's time and the read-back) ${(100 * r.share.reads).toFixed(1)} % (a result comes back ${r.resultLatencyMs} ms after its submit), engine waiting for a free read-back buffer ${(100 * r.share.gpuBehind).toFixed(1)} %`);
    await trainer.dispose();
    net.dispose();
  }
  // Figure 1 at the paper's scale: the notebook's network, data, step and records, through fit's loop.
  const P = sizes.paper;
  const ds = tiny ? { name: 'tiny', n: P.n, dIn: 8, dOut: 4, x: gaussian(P.n * 8, 3), y: gaussian(P.n * 4, 4) } : data.mnist({ n: P.n, seed: 0 });
  const paperRun = async (record) => {
    const net = train.mlp({ inputDim: ds.dIn, widths: Array(5).fill(P.width), outputDim: ds.dOut, init: { scale: 0.15 / Math.sqrt(P.width), seed: 0 } });
    const w = await net.getWeights();
    const theta0 = Math.sqrt(w.reduce((s, a) => s + a.reduce((t, v) => t + v * v, 0), 0));
    const t0 = performance.now();
    const h = await train.fit(net, ds, { steps: paperSteps, lr: { adaptive: Math.pow(theta0, 4) }, batchSize: P.batch, record, engine: 'webgpu', log: false });
    const secs = (performance.now() - t0) / 1000;
    net.dispose();
    const loss = h.loss();
    return { seconds: secs, steps: h.length, stepsPerSec: h.length / secs, records: h.records.length, lossFirst: loss[0], lossLast: loss[loss.length - 1], end: h.end?.reason };
  };
  const plain = await paperRun(false);
  const recorded = await paperRun({ every: P.every, topK: 10 });
  const paper = {
    steps: recorded.steps,
    seconds: +recorded.seconds.toFixed(2),
    stepsPerSec: +recorded.stepsPerSec.toFixed(1),
    stepsPerSecWithoutRecords: +plain.stepsPerSec.toFixed(1),
    recordsShare: +Math.max(0, 1 - recorded.stepsPerSec / plain.stepsPerSec).toFixed(3),
    records: recorded.records,
    lossFirst: recorded.lossFirst,
    lossLast: recorded.lossLast,
    end: recorded.end,
    minutesFor100k: +(100000 / recorded.stepsPerSec / 60).toFixed(2),
  };
  log(`paper scale${tiny ? ' (tiny)' : ''}: ${paper.steps} steps in ${paper.seconds} s with ${paper.records} records (every ${P.every}, top 10): ${paper.stepsPerSec} steps/s ` +
    `(${paper.stepsPerSecWithoutRecords} without records: records take ${(100 * paper.recordsShare).toFixed(1)} %); loss ${paper.lossFirst.toFixed(4)} → ${paper.lossLast.toFixed(4)}; ` +
    `100,000 steps ≈ ${paper.minutesFor100k} min at this rate (set-up included)`);
  return { device, software: info.software, tiny, rates, paper };
}
