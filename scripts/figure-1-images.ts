/**
 * The images of docs/figure-1.md, from a saved paper-scale run of notebook 05: a history as
 * `history.toJSON()` writes it, or the JSON of `node bench/paper-run.mjs STEPS OUT` (the per-step
 * loss and the records):
 *
 *   node scripts/run-ts.mjs scripts/figure-1-images.ts RUN.json OUT_DIR [STEP,STEP,...]
 *
 * Writes OUT_DIR/loss.png (the full-data loss at the records, the per-step loss faint behind it, on a
 * log step axis, with the plateaus, the escapes labelled with their confidence, the uncertain
 * escapes and the snapshot steps) and OUT_DIR/spectra.png, OUT_DIR/spectra-relative.png (the top-10
 * singular values of every layer at the snapshot steps, and the same over s1). Phases are
 * train.detectPhases' on the whole run. The snapshot steps are those of notebook 05 (step 0, the end
 * of the first plateau, and midway from the first escape to the second and from the second to the
 * third, or to the end), each the nearest record inside its phase, unless given (then the records at
 * or before them). Prints the phases, ranks and snapshots.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHistory, loadHistory, type History } from '../src/train/history';
import { detectPhases } from '../src/train/phases';
import { defaultState } from '../src/widgets/contract';
import { describeFigure } from '../src/widgets/figure/describe';
import { svgToPng } from '../src/widgets/png-render';
import { runSeries, spectrumSeries, topK } from '../src/widgets/series';
import type { PlotState } from '../src/widgets/state';
import { renderFigureSvg } from '../src/widgets/svg-figure';

const [file, outDir, stepList] = process.argv.slice(2);
if (!file || !outDir) {
  console.error('usage: node scripts/run-ts.mjs scripts/figure-1-images.ts RUN.json OUT_DIR [STEP,STEP,...]');
  process.exit(2);
}

/** A history from either format; bench/paper-run.mjs's has no ‖θ‖ (the bulk's edge then comes from the step-0 record). */
function historyOf(text: string): History {
  const json = JSON.parse(text) as { format?: string; steps: number[]; loss: number[]; records: Array<{ step: number; loss: number; weights: number[][] }> };
  if (json.format) return loadHistory(text);
  const h = createHistory({ name: 'MNIST, depth 6', activation: 'relu', dims: [784, 1000, 1000, 1000, 1000, 1000, 10], depth: 6, config: {} });
  json.steps.forEach((step, i) => h.addStep({ step, loss: json.loss[i], paramNorm: NaN, lr: NaN }));
  for (const r of json.records) h.addRecord({ step: r.step, loss: r.loss, paramNorm: NaN, weights: r.weights.map((w) => Float64Array.from(w)) });
  return h;
}

const history = historyOf(readFileSync(file, 'utf8'));
const phases = detectPhases(history);
const records = history.records;
const recordAt = (step: number) => ([...records].reverse().find((r) => r.step <= step) ?? records[0]).step;
const last = history.latestStep;
const [e1, e2, e3] = phases.escapes;
// After an escape: the record nearest the middle of the phase it opens, inside that phase (the records
// of notebook 05's paper scale are 10 per decade there, and the one at or before the middle can fall
// before the escape).
const inside = (a: number, b: number) => {
  const within = records.filter((r) => r.step > a && r.step < b);
  return within.length ? within.reduce((x, r) => (Math.abs(r.step - (a + b) / 2) < Math.abs(x.step - (a + b) / 2) ? r : x)).step : recordAt((a + b) / 2);
};
const steps = stepList
  ? stepList.split(',').map((s) => recordAt(Number(s)))
  : [recordAt(0), ...(e1 !== undefined ? [recordAt(phases.plateaus[0].end), inside(e1, e2 ?? last)] : []), ...(e2 !== undefined ? [inside(e2, e3 ?? last)] : [])];

console.log(`plateaus: ${phases.plateaus.map((p) => `${p.start}–${p.end} at ${p.loss.toPrecision(3)}, escape ${p.escapeStep} (confidence ${p.confidence.toFixed(4)})`).join('; ')}`);
console.log(`uncertain: ${phases.uncertain.map((p) => `${p.escapeStep} (${p.confidence.toFixed(3)})`).join(', ') || 'none'}`);
console.log(`noise: ${JSON.stringify(phases.noise)}; ${phases.rankCriterion.text}`);
console.log(`ranks: ${phases.ranks.map((r) => `${r.step}:${r.rank}`).join(' ')}`);
console.log(`snapshots: ${steps.join(', ')}`);

// A mini-batch run: the records' full-data loss is the run's loss; the per-step loss is each batch's.
const mixed = phases.noise.records > 0;
const run = { ...runSeries(history), ...(mixed ? { fullLoss: { steps: records.map((r) => r.step), loss: records.map((r) => r.loss) } } : {}) };
const spectrum = spectrumSeries(records, history.meta.depth, topK(records));
const marks = { ...run, steps: new Float64Array(0), loss: new Float64Array(0), fullLoss: undefined };

mkdirSync(outDir, { recursive: true });
const write = (name: string, state: PlotState) => {
  const png = svgToPng(renderFigureSvg(describeFigure(state)));
  writeFileSync(join(outDir, name), png.png);
  console.log(`${join(outDir, name)}: ${png.png.length} bytes`);
};
write('loss.png', { ...defaultState('LossPlot'), runs: [run], log_x: true, mode: 'snapshot', snapshot_steps: steps });
const spectra = { ...defaultState('SpectrumPlot'), runs: [marks], spectrum, mode: 'snapshot' as const, snapshot_steps: steps };
write('spectra.png', { ...spectra, relative: false });
write('spectra-relative.png', { ...spectra, relative: true });
