/**
 * Installs saddlelab's nbconvert HTML template (widgets/nbconvert/saddlelab/) into a
 * Jupyter data folder, beside the kernelspec, where nbconvert finds it by name:
 * `jupyter nbconvert --to html --template saddlelab NOTEBOOK.ipynb` shows every
 * saddlelab figure (static image, redrawn interactively by the inlined report script),
 * online and offline (docs/widgets.md, "Sharing a report").
 */
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SaddlelabError, fail } from '../errors';

/** The template's name: `--template saddlelab`. */
export const REPORT_TEMPLATE_NAME = 'saddlelab';

/**
 * Where the template's files and the report script live in this package.
 *
 * @example
 * ```ts
 * import { reportTemplateSource } from './report-template';
 * console.log(reportTemplateSource().template.endsWith('saddlelab')); // true
 * ```
 */
export function reportTemplateSource(): { template: string; script: string } {
  // Same relative paths from src/widgets/ (tests) and dist/widgets/ (installed package).
  const root = resolve(__dirname, '..', '..');
  return { template: join(root, 'widgets', 'nbconvert', REPORT_TEMPLATE_NAME), script: join(root, 'dist', 'report-page.js') };
}

/**
 * Copies the template to `<dataDir>/nbconvert/templates/saddlelab` with the report
 * script as its `static/report-page.js`, replacing an older copy; returns the folder.
 *
 * @example
 * ```ts
 * import { mkdtempSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { installReportTemplate } from './report-template';
 * const folder = installReportTemplate(mkdtempSync(join(tmpdir(), 'jupyter-data-'))); // saddlelab install passes .venv/share/jupyter
 * console.log(folder.endsWith(join('nbconvert', 'templates', 'saddlelab'))); // true
 * ```
 */
export function installReportTemplate(dataDir: string): string {
  if (typeof dataDir !== 'string' || dataDir === '') fail('dataDir', 'a Jupyter data folder path (a non-empty string)', dataDir);
  const { template, script } = reportTemplateSource();
  for (const file of [join(template, 'index.html.j2'), script]) {
    if (!existsSync(file)) throw new SaddlelabError(`[saddlelab] nbconvert template: ${file} is missing; run \`npm run build\``, 'template');
  }
  const target = join(dataDir, 'nbconvert', 'templates', REPORT_TEMPLATE_NAME);
  rmSync(target, { recursive: true, force: true });
  cpSync(template, target, { recursive: true });
  mkdirSync(join(target, 'static'), { recursive: true });
  cpSync(script, join(target, 'static', 'report-page.js'));
  return target;
}

/** Removes the template from `<dataDir>/nbconvert/templates/saddlelab` (no error when absent). */
export function uninstallReportTemplate(dataDir: string): void {
  rmSync(join(dataDir, 'nbconvert', 'templates', REPORT_TEMPLATE_NAME), { recursive: true, force: true });
}
