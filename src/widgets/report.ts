/**
 * Shareable reports: nbconvert's HTML template prefers a widget view whenever
 * the notebook carries widget state, and offline that view is a blank box. A
 * saddlelab output always carries a static figure too, so the report keeps
 * the figure and drops the view (docs/widgets.md, "Sharing a report").
 */
import { fail } from '../errors';

const VIEW = 'application/vnd.jupyter.widget-view+json';
const STATIC = ['image/svg+xml', 'image/png'];

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
}

/**
 * A copy of a notebook (nbformat 4 JSON) whose outputs that have a static
 * figure no longer offer the widget view, and without the saved widget state
 * when no output needs it any more.
 *
 * @example
 * ```ts
 * import { prepareReport } from './report';
 * const nb = { cells: [{ cell_type: 'code', outputs: [{ output_type: 'display_data', data: { 'text/plain': 'x', 'image/svg+xml': '<svg/>', 'application/vnd.jupyter.widget-view+json': {} } }] }], metadata: {} };
 * console.log(Object.keys((prepareReport(nb) as any).cells[0].outputs[0].data)); // ['text/plain', 'image/svg+xml']
 * ```
 */
export function prepareReport<T extends object>(notebook: T): T {
  if (typeof notebook !== 'object' || notebook === null || !Array.isArray((notebook as { cells?: unknown }).cells)) fail('notebook', 'a parsed .ipynb object (with a cells array)', notebook);
  const nb = structuredClone(notebook) as unknown as { cells: Array<{ outputs?: Output[] }>; metadata?: Record<string, unknown> };
  let viewsLeft = 0;
  for (const cell of nb.cells ?? []) {
    for (const out of cell.outputs ?? []) {
      if (!out.data || !(VIEW in out.data)) continue;
      if (STATIC.some((m) => m in out.data!)) delete out.data[VIEW];
      else viewsLeft++;
    }
  }
  if (!viewsLeft && nb.metadata) delete nb.metadata.widgets;
  return nb as unknown as T;
}

/** Options of writeReport. */
export interface ReportOptions {
  /** The `jupyter` executable (default: `.venv/bin/jupyter` of this project when it exists, else `jupyter` on PATH). */
  jupyter?: string;
}

/**
 * Converts an executed notebook to a self-contained HTML report that shows
 * every saddlelab figure without a kernel, JavaScript or network: the
 * notebook goes through `prepareReport`, then `jupyter nbconvert --to html`.
 *
 * @example
 * ```ts
 * import { writeReport } from './report';
 * // writeReport('tutorials/01-linear.ipynb', 'reports/01-linear.html');
 * ```
 */
export function writeReport(notebookPath: string, htmlPath: string, options: ReportOptions = {}): void {
  // Required lazily: this module's pure part is also used where child_process is unwanted.
  const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
  const fs = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  const os = require('node:os') as typeof import('node:os');
  const local = path.resolve(__dirname, '..', '..', '.venv', 'bin', 'jupyter');
  const jupyter = options.jupyter ?? (fs.existsSync(local) ? local : 'jupyter');
  if (typeof notebookPath !== 'string' || !fs.existsSync(notebookPath)) fail('notebookPath', 'the path of an existing .ipynb file', notebookPath);
  if (typeof htmlPath !== 'string' || htmlPath === '') fail('htmlPath', 'an output .html path (a non-empty string)', htmlPath);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(notebookPath, 'utf8'));
  } catch (e) {
    fail('notebookPath', 'a readable .ipynb (JSON) file', `${notebookPath} (${(e as Error).message})`);
  }
  const nb = prepareReport(parsed as object);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'saddlelab-report-'));
  const staged = path.join(dir, path.basename(notebookPath));
  fs.writeFileSync(staged, JSON.stringify(nb));
  const out = path.resolve(htmlPath);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  execFileSync(jupyter, ['nbconvert', '--to', 'html', '--output', path.basename(out, '.html'), '--output-dir', path.dirname(out), staged], { stdio: ['ignore', 'pipe', 'pipe'] });
  fs.rmSync(dir, { recursive: true, force: true });
}
