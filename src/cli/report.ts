/**
 * `saddlelab report NOTEBOOK.ipynb [--out REPORT.html]`: an executed notebook as one HTML page
 * that works from disk with no network, every saddlelab figure interactive (widgets.writeReport).
 */
import { SaddlelabError } from '../errors';
import { writeReport } from '../widgets/report';
import { parseArgs } from './args';
import { FLAGS } from './flags';

const USAGE = 'usage: saddlelab report NOTEBOOK.ipynb [--out REPORT.html]';

export async function reportCommand(argv: string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, FLAGS.report.valued, FLAGS.report.switches);
  const notebooks = positional.filter((p) => p.endsWith('.ipynb'));
  const stray = positional.find((p) => !p.endsWith('.ipynb')) ?? notebooks[1];
  if (stray !== undefined) throw new SaddlelabError(`[saddlelab] unexpected argument '${stray}'; report takes one notebook (an .ipynb file); ${USAGE}`, 'argv');
  if (!notebooks.length) throw new SaddlelabError(`[saddlelab] report needs the notebook (an .ipynb file); ${USAGE}`, 'argv');
  const [notebook] = notebooks;
  if (typeof flags.out === 'string' && !flags.out.endsWith('.html')) throw new SaddlelabError(`[saddlelab] --out must be a path ending in .html; got '${flags.out}'`, 'out');
  const out = typeof flags.out === 'string' ? flags.out : notebook.replace(/\.ipynb$/, '.html');
  const r = writeReport(notebook, out);
  process.stderr.write(`[saddlelab] ${r.html}: ${r.figures} figure(s), ${r.interactive} interactive, ${r.maths} formula(s), ${(r.bytes / 1e6).toFixed(1)} MB; no network needed\n`);
  return 0;
}
