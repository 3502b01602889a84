/**
 * `saddlelab report NOTEBOOK.ipynb [--out REPORT.html]`: an executed notebook as one HTML page
 * that works from disk with no network, every saddlelab figure interactive (widgets.writeReport).
 */
import { SaddlelabError } from '../errors';
import { defineCommand } from './command';

export const reportCommand = defineCommand({
  name: 'report',
  summary: 'an executed notebook as one offline HTML page, its figures interactive',
  usage: ['NOTEBOOK.ipynb [--out REPORT.html]'],
  description: 'The page needs no network and no kernel: every saddlelab figure is drawn from the data saved in the notebook (docs/widgets.md, "Exporting").',
  options: {
    out: { type: 'string', value: 'FILE', default: 'the notebook with .html for .ipynb', description: 'where to write the page (a path ending in .html)' },
  },
  positionals: { name: 'NOTEBOOK.ipynb', description: 'the executed notebook (one)' },
  examples: ['saddlelab report notebooks/01-deep-linear-warmup.ipynb --out warmup.html'],
  exitCodes: { 0: 'the page is written', 1: 'bad options or notebook (a [saddlelab] message says which)' },
  async run({ options, positionals }) {
    const usage = 'usage: saddlelab report NOTEBOOK.ipynb [--out REPORT.html]';
    const notebooks = positionals.filter((p) => p.endsWith('.ipynb'));
    const stray = positionals.find((p) => !p.endsWith('.ipynb')) ?? notebooks[1];
    if (stray !== undefined) throw new SaddlelabError(`[saddlelab] unexpected argument '${stray}'; report takes one notebook (an .ipynb file); ${usage}`, 'argv');
    if (!notebooks.length) throw new SaddlelabError(`[saddlelab] report needs the notebook (an .ipynb file); ${usage}`, 'argv');
    const [notebook] = notebooks;
    if (options.out !== undefined && !options.out.endsWith('.html')) throw new SaddlelabError(`[saddlelab] --out must be a path ending in .html; got '${options.out}'`, 'out');
    const out = options.out ?? notebook.replace(/\.ipynb$/, '.html');
    const { writeReport } = require('../widgets/report') as typeof import('../widgets/report');
    const r = writeReport(notebook, out);
    process.stderr.write(`[saddlelab] ${r.html}: ${r.figures} figure(s), ${r.interactive} interactive, ${r.maths} formula(s), ${(r.bytes / 1e6).toFixed(1)} MB; no network needed\n`);
    return 0;
  },
});
