/**
 * A newcomer's paths on the saddlelab kernel, in a real JupyterLab 4 and Notebook 7 in Chromium:
 * a new notebook in an empty folder (no node_modules) on "TypeScript (saddlelab)" runs the
 * README's live example pasted as it stands (the import, a live dashboard, the progress bar, the
 * result as Out[n]); a cell awaiting `run.done` is interrupted and the next cell reads the run
 * with `train.lastRun()`; the kernel is restarted and a cell runs. Screenshots go to
 * test-results/newcomer-*.png. The time from restart to the cell's result is printed, not asserted.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { diagnosed, launch, missing, newContext, notebookReady, outputText, record, ROOT, runCell, type Server, startServer, VENV, waitInNotebook, waitKernelIdle, waitOutput } from './jupyter';
import { describeOutside } from '../../outside';

const launcher = join(ROOT, 'dist', 'kernel', 'launcher.js');
const why = missing() || (existsSync(launcher) ? '' : 'the saddlelab kernel is not built (dist/kernel/launcher.js)');
const maybe = describeOutside('the newcomer e2e tests', why);

/** The README's live example: the ```ts block after the `<!-- live-example -->` marker, as it stands. */
export function readmeLiveExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const m = /<!-- live-example -->\s*```ts\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('[saddlelab] README.md has no ```ts block after <!-- live-example -->');
  return m[1].trimEnd();
}

type App = { commands: { execute(id: string, args?: unknown): Promise<unknown> }; shell: { currentWidget: { content: { activeCellIndex: number; widgets: Array<{ model: { sharedModel: { setSource(s: string): void } } }> } } } };

/** Puts `source` into cell `index` of the current notebook, as a paste does (adds cells below as needed). */
async function setCell(page: Page, index: number, source: string): Promise<void> {
  await page.evaluate(
    async ([i, src]) => {
      const app = (window as unknown as { jupyterapp: App }).jupyterapp;
      const nb = app.shell.currentWidget.content;
      while (nb.widgets.length <= (i as number)) {
        nb.activeCellIndex = nb.widgets.length - 1;
        await app.commands.execute('notebook:insert-cell-below');
      }
      nb.widgets[i as number].model.sharedModel.setSource(src as string);
    },
    [index, source] as const,
  );
}

/**
 * Waits until the page's own notebook is on its idle kernel. Under load, Notebook 7's new tab has
 * been seen to ask "Select Kernel" (offering Python) for a notebook whose saddlelab kernel the
 * server had already started; a newcomer picks "TypeScript (saddlelab)" there, and so does this.
 */
async function pageOnKernel(page: Page): Promise<void> {
  const end = Date.now() + 180000;
  while (Date.now() < end) {
    const ready = await notebookReady(page, 2000).then(() => true, () => false);
    if (ready) return;
    const dialog = page.locator('.jp-Dialog', { hasText: 'Select Kernel' });
    if (await dialog.isVisible()) {
      console.warn('[saddlelab] the new notebook asked for a kernel although the server had started one; choosing TypeScript (saddlelab)');
      await dialog.locator('select').selectOption({ label: 'TypeScript (saddlelab)' });
      await dialog.locator('.jp-mod-accept').click();
    }
  }
  await notebookReady(page, 1000);
}

async function command(page: Page, id: string): Promise<void> {
  await page.evaluate((c) => void (window as unknown as { jupyterapp: App }).jupyterapp.commands.execute(c), id);
}

/** The notebook file a newcomer just created in `dir` (Untitled.ipynb, …). */
function createdNotebook(dir: string): string | undefined {
  return readdirSync(dir).find((f) => f.endsWith('.ipynb'));
}

maybe.each(['lab', 'notebook'] as const)('a newcomer in %s', (app) => {
  let server: Server;
  let browser: Browser;
  const root = mkdtempSync(join(tmpdir(), `saddlelab-newcomer-${app}-`));
  const work = join(root, 'empty-folder');
  mkdirSync(work);

  beforeAll(async () => {
    // The kernelspec and the widget extension, as `npx saddlelab install` gives them; the
    // notebook's folder has nothing in it (no node_modules, no saddlelab).
    execFileSync(process.execPath, [join(ROOT, 'bin', 'saddlelab.js'), 'install', '--prefix', join(root, 'prefix')], { stdio: 'pipe' });
    server = await startServer(app, work, { JUPYTER_PATH: join(root, 'prefix', 'share', 'jupyter'), PATH: `${join(VENV, 'bin')}:${process.env.PATH}` });
    browser = await launch();
  }, 240000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('new notebook in an empty folder: README live example, interrupt then lastRun, restart then a cell', async () => {
    const context = await newContext(browser, { viewport: { width: 1300, height: 1500 } });
    let page = await context.newPage();
    await diagnosed(page, `newcomer-${app}`, server, async () => {
      // A new notebook on the saddlelab kernel, the way the UI makes one.
      if (app === 'lab') {
        await page.goto(`${server.url}/lab`);
        await page.click('.jp-LauncherCard[title="TypeScript (saddlelab)"]', { timeout: 120000 });
      } else {
        await page.goto(`${server.url}/tree`);
        // The app object exists before its plugins have registered their commands.
        await page.waitForFunction(
          () => !!(window as unknown as { jupyterapp?: { commands: { hasCommand(id: string): boolean } } }).jupyterapp?.commands.hasCommand('notebook:create-new'),
          undefined,
          { timeout: 120000 },
        );
        // Notebook 7 opens the new notebook in a new tab.
        const [opened] = await Promise.all([
          context.waitForEvent('page', { timeout: 120000 }),
          page.evaluate(() => void (window as unknown as { jupyterapp: App }).jupyterapp.commands.execute('notebook:create-new', { kernelName: 'saddlelab' })),
        ]);
        page = opened;
      }
      await page.waitForSelector('.jp-Notebook .jp-Cell', { timeout: 120000 });
      const name = await (async () => {
        for (let i = 0; i < 100; i++) {
          const found = createdNotebook(work);
          if (found) return found;
          await page.waitForTimeout(200);
        }
        throw new Error(`no notebook was created in ${work}`);
      })();
      expect(existsSync(join(work, 'node_modules'))).toBe(false);
      await waitKernelIdle(server, name, 180000);
      await pageOnKernel(page);

      // 1. The README's live example, pasted as it stands.
      await setCell(page, 0, readmeLiveExample());
      await runCell(page, 0);
      await waitInNotebook(page, '.saddlelab-widget .main-svg', 1, 240000);
      const out0 = await waitOutput(page, 0, /([\d,]+)\/\1 steps[\s\S]*completed[\s\S]*\[\s*\d/, 300000);
      expect(out0).not.toMatch(/Cannot find module|Error/);
      await record(page, `newcomer-${app}-live-example.png`);

      // 2. Interrupt a cell awaiting run.done, then read the run from the next cell.
      await setCell(page, 1, 'const run = train.start(net, ds, { steps: 10_000_000, lr: 5e-4, record: { every: 100 } });\nawait run.done;');
      await setCell(page, 2, 'const last = train.lastRun()!;\n[last.history.end?.reason, last.history.length > 100, last.control.state]');
      await runCell(page, 1);
      await waitOutput(page, 1, /steps\/s/, 120000);
      await page.waitForTimeout(2000);
      await command(page, 'notebook:interrupt-kernel'); // what the toolbar's ■ button runs, in both apps
      await waitOutput(page, 1, /KernelInterrupted/, 60000);
      await runCell(page, 2);
      const read = await waitOutput(page, 2, /aborted/, 60000);
      expect(read).toMatch(/\[\s*'aborted',\s*true,\s*'stopped'\s*\]/);
      await record(page, `newcomer-${app}-interrupted-then-lastRun.png`);

      // 3. Restart the kernel and run a cell.
      await setCell(page, 3, 'const answer: number = 6 * 7;\nanswer');
      await command(page, 'notebook:restart-kernel');
      await page.click('.jp-Dialog .jp-mod-accept', { timeout: 60000 });
      const t0 = Date.now();
      await page.waitForTimeout(500);
      await runCell(page, 3);
      await waitOutput(page, 3, /42/, 180000);
      console.log(`[saddlelab] ${app}: restart to the first cell's result: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      expect(await outputText(page, 3)).not.toMatch(/Error/);
      await record(page, `newcomer-${app}-restarted.png`);
    });
    await context.close();
  }, 900000);
});
