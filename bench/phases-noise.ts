/**
 * The error rates of phase detection (docs/phases.md, "Error rates"): the labelled corpus of
 * test/train/phase-corpus.ts (Saxe et al.'s closed-form staircases with Gaussian noise, with the
 * spikes of a step at the edge of stability and with a real mini-batch run's noise; a plateau
 * then a power law; power laws without any saddle) at each noise level, SEEDS seeds each, and the
 * real runs of test/train/fixtures/real-runs.json. Prints the table as markdown: per noise level,
 * the escapes in the labels, those reported at the confidence level (0.95) in their window, those
 * missed, the false ones (in no window), and the plateaus left uncertain. Reports; asserts nothing
 * (test/train/phases-noise.test.ts asserts no false escape on the same corpus with fewer seeds).
 *
 *   node scripts/run-ts.mjs bench/phases-noise.ts [SEEDS=20]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadHistory } from '../src/train/history';
import { detectPhases } from '../src/train/phases';
import { corpus, score, SIGMAS, type Score } from '../test/train/phase-corpus';

const SEEDS = Number(process.argv[2] ?? 20);
const fixture = JSON.parse(readFileSync(join(process.cwd(), 'test', 'train', 'fixtures', 'real-runs.json'), 'utf8')) as {
  runs: Array<{ name: string; loss: number[]; escapes: number[]; checkedUntil?: number; dims: number[]; records?: Array<{ step: number; loss: number; weights: number[][] }>; paramNorm0?: number }>;
};
const paper = fixture.runs.find((r) => r.checkedUntil !== undefined)!;
const add = (a: Score, b: Score): Score => ({ escapes: a.escapes + b.escapes, found: a.found + b.found, missed: a.missed + b.missed, false: a.false + b.false, uncertain: a.uncertain + b.uncertain });
const zero: Score = { escapes: 0, found: 0, missed: 0, false: 0, uncertain: 0 };

const t0 = performance.now();
const curves = corpus(SEEDS, paper.loss);
// The confidence level a plateau needs (detectPhases' default); LEVEL=0.99 to see another.
const LEVEL = Number(process.env.LEVEL ?? 0.95);
console.log(`| σ per point | curves | escapes | found | missed | false | uncertain |\n|---|---|---|---|---|---|---|`);
const byFamily = new Map<string, Score>();
for (const sigma of SIGMAS) {
  let total = zero;
  let n = 0;
  for (const c of curves.filter((x) => x.sigma === sigma)) {
    const s = score(c, LEVEL);
    total = add(total, s);
    byFamily.set(c.family, add(byFamily.get(c.family) ?? zero, s));
    n++;
  }
  console.log(`| ${sigma} | ${n} | ${total.escapes} | ${total.found} | ${total.missed} | ${total.false} | ${total.uncertain} |`);
}
console.log(`\nBy family, over every level:\n\n| family | escapes | found | missed | false | uncertain |\n|---|---|---|---|---|---|`);
for (const [family, s] of byFamily) console.log(`| ${family} | ${s.escapes} | ${s.found} | ${s.missed} | ${s.false} | ${s.uncertain} |`);

// The real runs, each as its saved history would be read (with its records, where it has them): labels within 40 steps, up to where they are checked.
console.log(`\nReal runs (labels ± 40 steps):\n\n| run | escapes | found | missed | false | uncertain |\n|---|---|---|---|---|---|`);
for (const run of fixture.runs) {
  const steps = run.loss.map((_, i) => i);
  const records = (run.records ?? []).map((r) => ({ ...r, paramNorm: 1 }));
  const paramNorm = steps.map((_, i) => (i === 0 && run.paramNorm0 ? run.paramNorm0 : 1));
  const meta = { name: run.name, activation: 'relu', dims: run.dims, depth: run.dims.length - 1, config: {} };
  const h = loadHistory(JSON.stringify({ format: 'saddlelab.history', version: 1, meta, stride: 1, steps, loss: run.loss, paramNorm, records, warnings: [] }));
  const p = detectPhases(h);
  const until = run.checkedUntil ?? Infinity;
  const open = [...run.escapes];
  let falses = 0;
  for (const e of p.escapes.filter((x) => x <= until)) {
    const k = open.findIndex((l) => Math.abs(l - e) <= 40);
    if (k < 0) falses++;
    else open.splice(k, 1);
  }
  console.log(`| ${run.name} | ${run.escapes.length} | ${run.escapes.length - open.length} | ${open.length} | ${falses} | ${p.uncertain.filter((q) => q.escapeStep <= until).length} |`);
}
console.log(`\n${curves.length + fixture.runs.length} curves in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
