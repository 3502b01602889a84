/**
 * Installs the prebuilt JupyterLab 4 extension (widgets/labextension/, built
 * by scripts/build-widgets.mjs) into a Jupyter data folder, where JupyterLab
 * and Notebook 7 load it (`jupyter labextension list` shows it enabled).
 */
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SaddlelabError, fail } from '../errors';
import { WIDGET_MODULE } from './version';

/**
 * Where the built extension lives in this package.
 *
 * @example
 * ```ts
 * import { labExtensionSource } from './labextension';
 * console.log(labExtensionSource().endsWith('labextension')); // true
 * ```
 */
export function labExtensionSource(): string {
  // Same relative path from src/widgets/ (tests) and dist/widgets/ (installed package).
  return resolve(__dirname, '..', '..', 'widgets', 'labextension');
}

/**
 * Copies the extension to `<dataDir>/labextensions/saddlelab`, replacing an
 * older copy. `dataDir` is a Jupyter data folder, e.g. `<prefix>/share/jupyter`.
 *
 * @example
 * ```ts
 * import { installLabExtension, uninstallLabExtension } from './labextension';
 * const where = installLabExtension('share/jupyter'); // as `saddlelab install --prefix .` does
 * console.log(where.endsWith('share/jupyter/labextensions/saddlelab')); // true
 * uninstallLabExtension('share/jupyter');
 * ```
 */
export function installLabExtension(dataDir: string): string {
  if (typeof dataDir !== 'string' || dataDir === '') fail('dataDir', 'a Jupyter data folder path (a non-empty string)', dataDir);
  const source = labExtensionSource();
  if (!existsSync(join(source, 'package.json'))) {
    throw new SaddlelabError(`[saddlelab] labextension: the built widget extension is missing at ${source}; run \`node scripts/build-widgets.mjs\` (part of \`npm run build\`)`, 'labextension');
  }
  const target = join(dataDir, 'labextensions', WIDGET_MODULE);
  rmSync(target, { recursive: true, force: true });
  cpSync(source, target, { recursive: true });
  return target;
}

/** Removes the extension from `<dataDir>/labextensions/saddlelab` (no error when absent). */
export function uninstallLabExtension(dataDir: string): void {
  rmSync(join(dataDir, 'labextensions', WIDGET_MODULE), { recursive: true, force: true });
}
