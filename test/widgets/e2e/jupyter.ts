/**
 * Real Jupyter servers (JupyterLab 4 / Notebook 7 from .venv) and Debian's
 * Chromium for the end-to-end widget tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';

/** The package root: the nearest folder above this file whose package.json is saddlelab's (also when bundled elsewhere, as the bench does). */
export const ROOT = (() => {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    try {
      if (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name === 'saddlelab') return dir;
    } catch {
      // no package.json here
    }
  }
  return join(__dirname, '..', '..', '..');
})();
export const VENV = join(ROOT, '.venv');
export const CHROMIUM = '/usr/bin/chromium';
export const RESULTS = join(ROOT, 'test-results');

/** Why the e2e tests cannot run here, or '' when they can. */
export function missing(): string {
  if (!existsSync(join(VENV, 'bin', 'jupyter-lab'))) return 'no .venv with JupyterLab (run scripts/setup.sh)';
  if (!existsSync(CHROMIUM)) return 'no Chromium (apt-get install -y chromium)';
  if (!existsSync(join(ROOT, 'widgets', 'labextension', 'package.json'))) return 'widget extension not built (node scripts/build-widgets.mjs)';
  return '';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface Server {
  url: string;
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts `jupyter lab` or `jupyter notebook` on a free port, serving `root`,
 * with the labextension folder given by `dataDir` (a Jupyter data folder) first on JUPYTER_PATH.
 */
export async function startServer(app: 'lab' | 'notebook', root: string, env: Record<string, string> = {}): Promise<Server> {
  const port = await freePort();
  let log = '';
  const proc: ChildProcess = spawn(
    join(VENV, 'bin', 'jupyter'),
    [
      app, '--allow-root', '--no-browser', `--port=${port}`, '--ip=127.0.0.1', '--IdentityProvider.token=', '--ServerApp.password=', '--ServerApp.disable_check_xsrf=True', `--ServerApp.root_dir=${root}`,
      app === 'lab' ? '--LabApp.expose_app_in_browser=True' : '--JupyterNotebookApp.expose_app_in_browser=True',
      // Workspaces and user settings of this server only: JupyterLab otherwise reopens the notebooks of earlier runs (from ~/.jupyter).
      `--${app === 'lab' ? 'LabApp' : 'JupyterNotebookApp'}.workspaces_dir=${join(root, '.workspaces')}`,
      `--${app === 'lab' ? 'LabApp' : 'JupyterNotebookApp'}.user_settings_dir=${join(root, '.settings')}`,
    ],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  proc.stdout!.on('data', (d) => (log += d));
  proc.stderr!.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`${url}/api`)).ok) break;
    } catch {
      // not up yet
    }
    if (proc.exitCode !== null) throw new Error(`[saddlelab] jupyter ${app} exited: ${log.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    log: () => log,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.on('exit', () => resolve());
        proc.kill('SIGTERM');
        setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
      }),
  };
}

export async function launch(): Promise<Browser> {
  mkdirSync(RESULTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
}

/**
 * How long one browser action (a click, a navigation, a screenshot) may wait before it fails.
 * Playwright's default, 30 s, is a fixed time that a busy machine overruns: with two CPU-bound
 * processes beside the run, a full-page screenshot of a notebook in Notebook 7 took longer. The
 * tests wait for conditions (a selector, a cell's output, a kernel state), each with its own limit;
 * this one only keeps a hung browser from waiting for ever.
 */
export const ACTION_TIMEOUT_MS = 180000;

/** A browser context whose actions and navigations wait up to ACTION_TIMEOUT_MS; pages it opens (a new tab) do too. */
export async function newContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
  return context;
}

/** Blocks every request of `page` but local files and data: URLs, as for a reader offline; returns the addresses it tried (filled as it goes). */
export async function offline(page: Page): Promise<string[]> {
  const tried: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file://') || url.startsWith('data:')) return route.continue();
    tried.push(url);
    return route.abort();
  });
  return tried;
}

/** A page in a context of its own (as `browser.newPage` makes one; closing the page closes it), with ACTION_TIMEOUT_MS. */
export async function newPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await newContext(browser, options);
  const page = await context.newPage();
  page.once('close', () => void context.close().catch(() => undefined));
  return page;
}

/**
 * Saves a screenshot to test-results/ for a person to look at. It is a record, not a check: if the
 * browser cannot draw it in time, the test goes on and says so.
 */
export async function record(target: Page | Locator, file: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const fullPage = 'goto' in target ? { fullPage: options.fullPage ?? true } : {};
  await target.screenshot({ path: join(RESULTS, file), ...fullPage }).catch((e: Error) => {
    console.warn(`[saddlelab] screenshot ${file} not saved: ${e.message.split('\n')[0]}`);
  });
}

/** Waits until the server has a session for `path` whose kernel is idle (the toolbar reads idle before a kernel exists). */
export async function waitKernelIdle(server: Server, path: string, timeoutMs = 120000): Promise<string> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const sessions = (await (await fetch(`${server.url}/api/sessions`)).json()) as Array<{ path: string; kernel?: { id: string; execution_state: string } }>;
    const s = sessions.find((x) => x.path === path || x.path.endsWith(path));
    if (s?.kernel && s.kernel.execution_state === 'idle') return s.kernel.id;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`[saddlelab] no idle kernel for ${path} after ${timeoutMs} ms; server log:\n${server.log().slice(-3000)}`);
}

type AppOf = {
  jupyterapp?: {
    commands: { execute(id: string): Promise<unknown> };
    shell: { currentWidget?: { context?: { isReady: boolean }; sessionContext?: { session?: { kernel?: { status: string } | null } | null }; content?: { widgets: Array<{ node: HTMLElement; model: { type: string; executionCount?: number | null } }> } } };
  };
};

/** The input prompts of the current notebook's cells ("[1]:", "[*]:", "[ ]:"), for messages. */
export async function prompts(page: Page): Promise<string> {
  return page.evaluate(() =>
    ((window as unknown as AppOf).jupyterapp?.shell.currentWidget?.content?.widgets ?? []).map((c) => c.node.querySelector('.jp-InputPrompt')?.textContent?.trim() || '-').join(' '),
  );
}

/** Waits until the page's current notebook has loaded its file and its own view of its kernel is idle. */
export async function notebookReady(page: Page, timeoutMs = 120000): Promise<void> {
  await page.waitForFunction(
    () => {
      const w = (window as unknown as AppOf).jupyterapp?.shell.currentWidget;
      return !!w?.context?.isReady && w.sessionContext?.session?.kernel?.status === 'idle' && (w.content?.widgets.length ?? 0) > 0;
    },
    undefined,
    { timeout: timeoutMs },
  );
}

/**
 * Runs all cells (Run menu → Run All Cells works in both apps; the shortcut differs), once the
 * page's notebook is ready: its file loaded and its own view of the kernel idle. The server can
 * report an idle kernel before the page has connected to it, and under load Notebook 7 has been
 * seen to drop a Run All sent then (no cell ever ran). If no cell has started after 30 s, it is
 * sent once more, and the test says so.
 */
export async function runAll(page: Page, app: 'lab' | 'notebook'): Promise<void> {
  await notebookReady(page);
  const send = () =>
    page.evaluate((a) => {
      // Exposed by --*.expose_app_in_browser (startServer).
      const appObj = (window as unknown as AppOf).jupyterapp;
      if (!appObj) throw new Error(`no application object in ${a}`);
      // Not awaited: the command resolves only when every cell has run.
      void appObj.commands.execute('notebook:run-all-cells');
    }, app);
  const started = () =>
    page
      .waitForFunction(
        () => {
          const first = (window as unknown as AppOf).jupyterapp?.shell.currentWidget?.content?.widgets.find((c) => c.model.type === 'code');
          return !first || first.model.executionCount != null || /\*/.test(first.node.querySelector('.jp-InputPrompt')?.textContent ?? '');
        },
        undefined,
        { timeout: 30000 },
      )
      .then(() => true, () => false);
  await send();
  if (await started()) return;
  console.warn(`[saddlelab] ${app}: Run All had started no cell after 30 s (prompts: ${await prompts(page)}); sending it again`);
  await send();
  if (!(await started())) throw new Error(`[saddlelab] ${app}: Run All started no cell (prompts: ${await prompts(page)})`);
}

export function notebook(cells: string[], kernel: { name: string; display_name: string; language: string }): string {
  return JSON.stringify({
    cells: cells.map((source) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source })),
    metadata: { kernelspec: kernel },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

/** Runs cell `index` of the current notebook (through the application's commands). */
export async function runCell(page: Page, index: number): Promise<void> {
  await page.evaluate((i) => {
    const app = (window as unknown as { jupyterapp: { shell: { currentWidget: { content: { activeCellIndex: number } } }; commands: { execute(id: string): Promise<unknown> } } }).jupyterapp;
    app.shell.currentWidget.content.activeCellIndex = i;
    // Not awaited: the command resolves only when the cell has run.
    void app.commands.execute('notebook:run-cell');
  }, index);
}

/**
 * The cells of the notebook in the application's current widget. JupyterLab
 * restores its workspace, so notebooks opened by an earlier test are still
 * open in other tabs: a page-wide `.jp-Notebook .jp-Cell` would count theirs too.
 */
type CellsOf = { jupyterapp: { shell: { currentWidget: { content: { widgets: Array<{ node: HTMLElement }> } } } } };

/** The text of cell `index`'s output area (current notebook). */
export async function outputText(page: Page, index: number): Promise<string> {
  return page.evaluate((i) => {
    const cell = (window as unknown as CellsOf).jupyterapp.shell.currentWidget.content.widgets[i];
    return (cell?.node.querySelector('.jp-OutputArea') as HTMLElement | null)?.innerText ?? '';
  }, index);
}

/** For each cell of the current notebook, how many elements match `selector` in it. */
export async function countPerCell(page: Page, selector: string): Promise<number[]> {
  return page.evaluate((sel) => (window as unknown as CellsOf).jupyterapp.shell.currentWidget.content.widgets.map((c) => c.node.querySelectorAll(sel).length), selector);
}

/** For each cell of the current notebook, the text of the first element matching `selector` (null when none). */
export async function textPerCell(page: Page, selector: string): Promise<Array<string | null>> {
  return page.evaluate(
    (sel) => (window as unknown as CellsOf).jupyterapp.shell.currentWidget.content.widgets.map((c) => c.node.querySelector(sel)?.textContent ?? null),
    selector,
  );
}

/** Waits until cell `index`'s output matches `pattern`; returns the text. */
export async function waitOutput(page: Page, index: number, pattern: RegExp, timeoutMs = 60000): Promise<string> {
  const end = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < end) {
    text = await outputText(page, index);
    if (pattern.test(text)) return text;
    await page.waitForTimeout(250);
  }
  throw new Error(`[saddlelab] cell ${index} output never matched ${pattern}; last: ${JSON.stringify(text.slice(0, 500))}; prompts: ${await prompts(page)}`);
}

/**
 * Runs `body` on `page`; when it fails, saves a screenshot of each open tab
 * (`<name>-failed.png`, or `<name>-failed-tab<i>.png` when there are several) and adds
 * the tabs' addresses, their console errors and the server log's tail to the error,
 * so a failure in CI says what the browser and the kernel saw.
 */
export async function diagnosed(page: Page, name: string, server: Server, body: () => Promise<void>): Promise<void> {
  const seen: string[] = [];
  // Pages the test opens meanwhile (Notebook 7 opens a new notebook in a new tab) are watched too.
  const context = page.context();
  const tab = (p: Page) => (context.pages().length > 1 ? `[tab ${context.pages().indexOf(p) + 1}] ` : '');
  const watch = (p: Page) => {
    p.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning' || /saddlelab/i.test(m.text())) seen.push(`${tab(p)}${m.type()}: ${m.text()}`);
    });
    p.on('pageerror', (e) => seen.push(`${tab(p)}pageerror: ${e.message}`));
  };
  watch(page);
  context.on('page', watch);
  try {
    await body();
  } catch (e) {
    const pages = context.pages();
    for (const [i, p] of pages.entries()) {
      const file = pages.length > 1 ? `${name}-failed-tab${i + 1}.png` : `${name}-failed.png`;
      await p.screenshot({ path: join(RESULTS, file), fullPage: true }).catch(() => undefined);
    }
    // A new error: jest prints a Playwright error's own stack, which would hide an appended message.
    const urls = pages.map((p, i) => `tab ${i + 1}: ${p.url()}`).join('\n');
    throw new Error(`${(e as Error).message}\n--- open tabs ---\n${urls}\n--- browser console (last 40) ---\n${seen.slice(-40).join('\n')}\n--- server log (tail) ---\n${server.log().slice(-3000)}`, { cause: e });
  } finally {
    context.off('page', watch);
  }
}

/** Waits until at least `n` elements match `selector` inside the current notebook's cells. */
export async function waitInNotebook(page: Page, selector: string, n: number, timeoutMs = 90000): Promise<void> {
  await page.waitForFunction(
    ([sel, count]) => {
      const nb = (window as unknown as CellsOf).jupyterapp?.shell?.currentWidget?.content;
      return !!nb?.widgets && nb.widgets.reduce((k, c) => k + c.node.querySelectorAll(sel as string).length, 0) >= (count as number);
    },
    [selector, n] as const,
    { timeout: timeoutMs },
  );
}

/**
 * Saves the current notebook and waits until the file on the server holds a
 * widget view output: a reload reads the notebook from disk, and only outputs
 * that were saved can be restored (their models then come from the live kernel).
 */
export async function saveNotebook(page: Page, server: Server, path: string, timeoutMs = 60000): Promise<void> {
  await page.evaluate(() => (window as unknown as { jupyterapp: { commands: { execute(id: string): Promise<unknown> } } }).jupyterapp.commands.execute('docmanager:save'));
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const nb = (await (await fetch(`${server.url}/api/contents/${path}?content=1`)).json()) as { content?: { cells: Array<{ outputs?: Array<{ data?: Record<string, unknown> }> }> } };
    if (nb.content?.cells.some((c) => c.outputs?.some((o) => o.data?.['application/vnd.jupyter.widget-view+json']))) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`[saddlelab] ${path} was not saved with a widget output within ${timeoutMs} ms`);
}

/**
 * A Python cell that opens one widget comm per entry of `states.json` (the
 * exact comm_open data and buffers the kernel-side widgets produce, saved by
 * the test) and displays each: the browser side is tested without the
 * saddlelab kernel.
 */
export const OPEN_STATES_PY = `
import json, base64
from comm import create_comm
from IPython.display import display
comms = []
for d in json.load(open('states.json')):
    c = create_comm(target_name='jupyter.widget', data=d['data'], metadata={'version': '2.1.0'}, buffers=[base64.b64decode(b) for b in d['buffers']])
    comms.append(c)
    display({'application/vnd.jupyter.widget-view+json': {'version_major': 2, 'version_minor': 1, 'model_id': c.comm_id}, 'text/plain': d['text']}, raw=True)
`;

/** What a fake kernel sent: each comm_open (data and buffers) and the text/plain of its display. */
export interface SentWidgets {
  comms: Array<{ opened: { data: Record<string, unknown>; buffers: ArrayBufferView[] } }>;
  displays: Array<{ bundle: Record<string, unknown> }>;
}

/**
 * Writes `root/states.json` (the widgets `kernel` opened, as OPEN_STATES_PY reads them) and
 * `root/NAME` (a Python notebook whose one cell opens and displays them).
 */
export function writeStatesNotebook(kernel: SentWidgets, root: string, name: string): void {
  const states = kernel.comms.map((c, i) => ({
    data: c.opened.data,
    buffers: c.opened.buffers.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64')),
    text: String(kernel.displays[i].bundle['text/plain']),
  }));
  writeFileSync(join(root, 'states.json'), JSON.stringify(states));
  writeFileSync(join(root, name), notebook([OPEN_STATES_PY], { name: 'python3', display_name: 'Python 3', language: 'python' }));
}

/** Retries `read` until `check` passes on its value (a view redraws at its next animation frame; a kernel answers later). */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => void, timeoutMs = 60000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    try {
      check(value);
      return;
    } catch (e) {
      if (Date.now() > end) throw e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
