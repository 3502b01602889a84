import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installLabExtension, labExtensionSource, uninstallLabExtension } from '../../src/widgets/labextension';
import { WIDGET_MODULE, WIDGET_MODULE_VERSION } from '../../src/widgets/version';

const root = join(__dirname, '..', '..');
const jupyter = join(root, '.venv', 'bin', 'jupyter');

beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'scripts', 'build-widgets.mjs')], { cwd: root, stdio: 'pipe' });
});

test('the built extension is a module-federation container: init(shareScope), get("./extension") loads the shared singleton', async () => {
  const pkg = JSON.parse(readFileSync(join(labExtensionSource(), 'package.json'), 'utf8'));
  expect(pkg.name).toBe(WIDGET_MODULE);
  expect(pkg.version).toBe(WIDGET_MODULE_VERSION);
  expect(pkg.jupyterlab._build.extension).toBe('./extension');
  const entry = readFileSync(join(labExtensionSource(), pkg.jupyterlab._build.load), 'utf8');
  const window: any = {};
  new Function('window', entry)(window);
  const container = window._JUPYTERLAB[WIDGET_MODULE];
  const asked: string[] = [];
  const scope = {
    '@jupyter-widgets/base': {
      '5.0.0': { get: () => (asked.push('5.0.0'), Promise.resolve(() => ({}))) },
      '6.0.3': { get: () => (asked.push('6.0.3'), Promise.resolve(() => ({}))) },
      '6.0.12': { get: () => (asked.push('6.0.12'), Promise.resolve(() => ({}))), loaded: undefined as number | undefined },
    },
  };
  container.init(scope);
  const factory = await container.get('./extension');
  expect(typeof factory).toBe('function');
  // The highest 6.x is taken (a singleton: JupyterLab marks it loaded), never 5.x.
  expect(asked).toEqual(['6.0.12']);
  expect(scope['@jupyter-widgets/base']['6.0.12'].loaded).toBe(1);
  await expect(container.get('./other')).rejects.toThrow('[saddlelab] the widget container has no module ./other');
  // Running the plugin needs a browser (Plotly draws in the DOM): test/widgets/e2e/ does that in Chromium.
});

test('a container without @jupyter-widgets/base 6 in the share scope fails with a clear message', async () => {
  const pkg = JSON.parse(readFileSync(join(labExtensionSource(), 'package.json'), 'utf8'));
  const window: any = {};
  new Function('window', readFileSync(join(labExtensionSource(), pkg.jupyterlab._build.load), 'utf8'))(window);
  const container = window._JUPYTERLAB[WIDGET_MODULE];
  container.init({ '@jupyter-widgets/base': { '4.1.0': { get: () => Promise.resolve(() => ({})) } } });
  await expect(container.get('./extension')).rejects.toThrow('[saddlelab] @jupyter-widgets/base ^6.0.0 is needed; JupyterLab shares 4.1.0');
});

test('installLabExtension copies it where `jupyter labextension list` shows it enabled', () => {
  const data = mkdtempSync(join(tmpdir(), 'saddlelab-data-'));
  const target = installLabExtension(data);
  expect(target).toBe(join(data, 'labextensions', WIDGET_MODULE));
  expect(readdirSync(join(target, 'static')).some((f) => f.startsWith('remoteEntry.'))).toBe(true);
  // The real check needs the project's Jupyter (.venv, made by `npm test`'s set-up).
  if (existsSync(jupyter)) {
    const r = spawnSync(jupyter, ['labextension', 'list'], { env: { ...process.env, JUPYTER_PATH: data, NO_COLOR: '1' }, encoding: 'utf8' });
    const text = (r.stdout + r.stderr).replace(/\x1b\[[0-9;]*m/g, '');
    expect(text).toContain(join(data, 'labextensions'));
    expect(text).toMatch(new RegExp(`${WIDGET_MODULE} v${WIDGET_MODULE_VERSION.replace(/\./g, '\\.')} enabled OK`));
  }
  uninstallLabExtension(data);
  expect(existsSync(target)).toBe(false);
});
