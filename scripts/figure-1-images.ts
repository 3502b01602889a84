/**
 * The images of docs/figure-1.md, from an executed notebook 05 (its widgets' saved figure states),
 * with the snapshot steps given on the command line:
 *
 *   node scripts/run-ts.mjs scripts/figure-1-images.ts REPORT.ipynb OUT_DIR STEP,STEP,...
 *
 * Writes OUT_DIR/loss.png (the loss on a log step axis, with the snapshot steps) and
 * OUT_DIR/spectra.png, OUT_DIR/spectra-relative.png (the top-10 singular values of every layer at
 * those steps, and the same over s1), with the plateau and escape marks the notebook saved (those of
 * train.detectPhases). Every value drawn is the run's own: nothing is recomputed.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeFigure } from '../src/widgets/figure/describe';
import { FIGURE_MIME, stateOfFigureData } from '../src/widgets/figure-data';
import { svgToPng } from '../src/widgets/png-render';
import type { PlotState } from '../src/widgets/state';
import { renderFigureSvg } from '../src/widgets/svg-figure';

const [report, outDir, stepList] = process.argv.slice(2);
if (!report || !outDir || !stepList) {
  console.error('usage: node scripts/run-ts.mjs scripts/figure-1-images.ts REPORT.ipynb OUT_DIR STEP,STEP,...');
  process.exit(2);
}
const steps = stepList.split(',').map(Number);
const nb = JSON.parse(readFileSync(report, 'utf8')) as { cells: Array<{ outputs?: Array<{ data?: Record<string, unknown> }> }> };
const states = nb.cells.flatMap((c) => c.outputs ?? []).flatMap((o) => (o.data?.[FIGURE_MIME] ? [stateOfFigureData(o.data[FIGURE_MIME])] : []));
const loss = states.find((s) => s?.kind === 'LossPlot');
const spectrum = states.find((s) => s?.kind === 'SpectrumPlot');
if (!loss || !spectrum) throw new Error(`[saddlelab] ${report} has no LossPlot and SpectrumPlot figure states`);

mkdirSync(outDir, { recursive: true });
const write = (name: string, state: PlotState) => {
  const png = svgToPng(renderFigureSvg(describeFigure(state)));
  writeFileSync(join(outDir, name), png.png);
  console.log(`${join(outDir, name)}: ${png.png.length} bytes`);
};
write('loss.png', { ...loss, log_x: true, snapshot_steps: steps });
write('spectra.png', { ...spectrum, snapshot_steps: steps, relative: false });
write('spectra-relative.png', { ...spectrum, snapshot_steps: steps, relative: true });
