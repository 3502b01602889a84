/**
 * What a static figure costs the kernel at display: per widget kind, the SVG
 * (figure description → svg-figure.ts), the PNG (resvg) and the figure data,
 * in milliseconds over repeats (ranges, the first repeat left out), and their
 * sizes. The history is a 20 000-step staircase with 4 layers recorded every
 * 20 steps (1000 records), the size of the tutorials' longer runs.
 *
 *   node scripts/run-ts.mjs scripts/static-figure-cost.ts [repeats]
 */
import { LayerLawPlot, LossPlot, SpectrumPlot, TrainingDashboard } from '../src/widgets';
import { figureData } from '../src/widgets/figure-data';
import { svgToPng } from '../src/widgets/png-render';
import { figureSvg } from '../src/widgets/static-figure';
import { staircase } from '../test/widgets/histories';

const repeats = Math.max(2, Number(process.argv[2] ?? 6));
const h = staircase(20000, 4, 20);
const kernel = { live: false, display() {}, updateDisplay() {}, openComm() { throw new Error('static only'); } };
const widgets = {
  LossPlot: new LossPlot(h, { kernel }),
  SpectrumPlot: new SpectrumPlot(h, { kernel }),
  'SpectrumPlot (snapshot)': new SpectrumPlot(h, { kernel, mode: 'snapshot', steps: [100, 5000, 19000] }),
  LayerLawPlot: new LayerLawPlot(h, { kernel }),
  TrainingDashboard: new TrainingDashboard(h, undefined, { kernel }),
};
const rows: Record<string, number[][]> = {};
for (let rep = 0; rep < repeats; rep++) {
  for (const [name, w] of Object.entries(widgets)) {
    const state = w.state;
    const t0 = performance.now();
    const svg = figureSvg(state);
    const t1 = performance.now();
    const { png } = svgToPng(svg);
    const t2 = performance.now();
    const data = JSON.stringify(figureData(state));
    const t3 = performance.now();
    (rows[name] ??= []).push([t1 - t0, t2 - t1, t3 - t2, svg.length, png.length, data.length]);
  }
}
const range = (a: number[]) => `${Math.min(...a).toFixed(0)}–${Math.max(...a).toFixed(0)}`;
console.log(`| widget | SVG ms | PNG ms | data ms | SVG KiB | PNG KiB | data KiB |\n|---|---|---|---|---|---|---|`);
for (const [name, r] of Object.entries(rows)) {
  const col = (i: number) => r.slice(1).map((x) => x[i]);
  console.log(`| ${name} | ${range(col(0))} | ${range(col(1))} | ${range(col(2))} | ${(r[0][3] / 1024).toFixed(0)} | ${(r[0][4] / 1024).toFixed(0)} | ${(r[0][5] / 1024).toFixed(0)} |`);
}
