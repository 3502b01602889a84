/**
 * `saddlelab install [--user | --sys-prefix | --prefix DIR]` writes the kernelspec
 * `saddlelab` ("TypeScript (saddlelab)"), whose argv runs this package's kernel
 * launcher with this node, and copies the widget extension and the nbconvert template
 * `saddlelab` beside it. `saddlelab uninstall` removes all three. No IPython or jupyter command is needed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { SaddlelabError } from '../errors';
import { installLabExtension, uninstallLabExtension } from '../widgets/labextension';
import { defineCommand, type OptionValues } from './command';
import { installReportTemplate, uninstallReportTemplate } from '../widgets/report-template';

export const KERNEL_NAME = 'saddlelab';

/** Where to install: one of the three, as `jupyter kernelspec install` takes them. */
const WHERE = {
  user: { type: 'boolean', description: "this user's Jupyter folder (the default)" },
  'sys-prefix': { type: 'boolean', description: "the active Python environment's (VIRTUAL_ENV, else python3's sys.prefix)" },
  prefix: { type: 'string', value: 'DIR', description: 'DIR/share/jupyter' },
} as const;
type Where = OptionValues<typeof WHERE>;

/** The Jupyter data folder (`…/share/jupyter`) the flags name. */
export function dataDir(flags: Where): string {
  const chosen = (['user', 'sys-prefix', 'prefix'] as const).filter((f) => flags[f] !== undefined);
  if (chosen.length > 1) throw new SaddlelabError(`[saddlelab] choose one of --user, --sys-prefix, --prefix DIR; got ${chosen.map((f) => `--${f}`).join(' and ')}`, chosen[1]);
  if (flags.prefix !== undefined) return join(resolve(flags.prefix), 'share', 'jupyter');
  if (flags['sys-prefix']) {
    // The active environment: a virtualenv's VIRTUAL_ENV, else python3's sys.prefix.
    const prefix = process.env.VIRTUAL_ENV ?? execFileSync('python3', ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8' }).trim();
    return join(prefix, 'share', 'jupyter');
  }
  const xdg = process.env.XDG_DATA_HOME;
  return process.platform === 'darwin' ? join(homedir(), 'Library', 'Jupyter') : join(xdg || join(homedir(), '.local', 'share'), 'jupyter');
}

export function kernelSpec(): Record<string, unknown> {
  const launcher = resolve(__dirname, '..', 'kernel', 'launcher.js');
  return {
    argv: [process.execPath, launcher, '{connection_file}'],
    display_name: 'TypeScript (saddlelab)',
    language: 'typescript',
    interrupt_mode: 'signal',
    metadata: { saddlelab: { launcher } },
  };
}

export const installCommand = defineCommand({
  name: 'install',
  summary: 'install the Jupyter kernel "TypeScript (saddlelab)" and the widget extension',
  usage: ['[--user | --sys-prefix | --prefix DIR]'],
  description: "Writes the kernelspec 'saddlelab' (this package's kernel, run with this node) and copies the widget extension and the nbconvert template 'saddlelab' (docs/widgets.md, \"Exporting\") beside it; no jupyter command is needed.",
  options: WHERE,
  examples: ['npx saddlelab install --sys-prefix'],
  exitCodes: { 0: 'installed', 1: 'bad options, or the folder cannot be written (a [saddlelab] message says which)' },
  run: async ({ options }) => install(options),
});

export const uninstallCommand = defineCommand({
  name: 'uninstall',
  summary: 'remove the kernelspec, widget extension and nbconvert template that install wrote',
  usage: ['[--user | --sys-prefix | --prefix DIR]'],
  options: WHERE,
  examples: ['npx saddlelab uninstall --sys-prefix'],
  exitCodes: { 0: 'removed (or there was nothing to remove)', 1: 'bad options (a [saddlelab] message says which)' },
  run: async ({ options }) => uninstall(options),
});

function install(flags: Where): number {
  const spec = kernelSpec();
  const launcher = (spec.argv as string[])[1];
  if (!existsSync(launcher)) throw new SaddlelabError(`[saddlelab] the kernel launcher ${launcher} is missing; run \`npm run build\` first`, 'launcher');
  const data = dataDir(flags);
  const dir = join(data, 'kernels', KERNEL_NAME);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'kernel.json'), JSON.stringify(spec, null, 2) + '\n');
  } catch (e) {
    const flag = flags.prefix !== undefined ? '--prefix' : flags['sys-prefix'] ? '--sys-prefix' : '--user';
    throw new SaddlelabError(`[saddlelab] ${flag}: cannot write the kernelspec to ${dir}: ${(e as Error).message}`, flag.slice(2));
  }
  process.stderr.write(`[saddlelab] kernelspec '${KERNEL_NAME}' written to ${dir}\n`);
  const ext = installLabExtension(data);
  process.stderr.write(`[saddlelab] widget extension copied to ${ext}\n`);
  const template = installReportTemplate(data);
  process.stderr.write(`[saddlelab] nbconvert template copied to ${template} (jupyter nbconvert --to html --template saddlelab NOTEBOOK.ipynb)\n`);
  return 0;
}

function uninstall(flags: Where): number {
  const data = dataDir(flags);
  rmSync(join(data, 'kernels', KERNEL_NAME), { recursive: true, force: true });
  uninstallLabExtension(data);
  uninstallReportTemplate(data);
  process.stderr.write(`[saddlelab] removed the kernelspec, widget extension and nbconvert template from ${data}\n`);
  return 0;
}
