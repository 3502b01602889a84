#!/usr/bin/env node
/**
 * Notebook 05's paper scale without the notebook (docs/figure-1.md): MNIST 10,000 images, depth 6,
 * width 1000, init std 0.15/√1000, the adaptive step with ETA0 = 1, mini-batches of 100 (seed 0),
 * records every 500 steps and 10 per decade early on, as the notebook's cells make them. Prints the
 * speed over every 500 steps (records included) and writes the per-step loss and the records' loss
 * and top singular values as JSON. test/train/fixtures/real-runs.json's paper-scale curve is the
 * first 4000 steps of `node bench/paper-run.mjs 8000`. Needs `npm run build` (and the native backend
 * for any useful speed). Reports; asserts nothing.
 *
 *   node bench/paper-run.mjs [STEPS=8000] [OUT=paper-run.json]
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { backend, train, data } = await import(join(ROOT, 'dist', 'index.js'));
const STEPS = Number(process.argv[2] ?? 8000);
const OUT = process.argv[3] ?? 'paper-run.json';
const [N, DEPTH, WIDTH, INIT_GAIN, ETA0, SEED] = [10000, 6, 1000, 0.15, 1, 0];

const info = await backend.useBackend();
const ds = data.mnist({ n: N, seed: SEED });
const net = train.mlp({ inputDim: ds.dIn, widths: Array(DEPTH - 1).fill(WIDTH), outputDim: ds.dOut, init: { scale: INIT_GAIN / Math.sqrt(WIDTH), seed: SEED } });
const theta0 = Math.sqrt((await net.getWeights()).reduce((s, w) => s + w.reduce((a, v) => a + v * v, 0), 0));
const trainer = train.createTrainer(net, ds, {
  lr: { adaptive: ETA0 * theta0 ** (DEPTH - 2) },
  batchSize: 100,
  record: { every: 500, logSpaced: 10, topK: 10 },
  steps: 100000,
  name: `MNIST, depth ${DEPTH}`,
});
console.log(`[paper-run] backend ${info.name}; ${STEPS} steps`);
let t0 = performance.now();
for (let t = 1; t <= STEPS; t++) {
  if (!(await trainer.next())) break;
  if (t % 500 === 0) {
    const now = performance.now();
    console.log(`[paper-run] steps ${t - 500}–${t}: ${(500 / ((now - t0) / 1000)).toFixed(1)} steps/s; loss ${trainer.history.latestLoss.toPrecision(4)}`);
    t0 = now;
  }
}
const h = trainer.history;
writeFileSync(
  OUT,
  JSON.stringify({
    backend: info.name,
    steps: Array.from(h.steps()),
    loss: Array.from(h.loss()),
    records: h.records.map((r) => ({ step: r.step, loss: r.loss, weights: r.weights.map((w) => Array.from(w)) })),
  }),
);
console.log(`[paper-run] wrote ${OUT}`);
process.exit(0);
