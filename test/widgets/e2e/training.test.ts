/**
 * The whole chain in a real browser: the saddlelab kernel trains a
 * small network in a notebook with a TrainingDashboard, in JupyterLab 4 and
 * Notebook 7, in Chromium. The plot renders; its traces grow while training
 * runs; pause, resume and stop act on the kernel (later cells read the run
 * state and the stopped step); a page reload restores the widget from the
 * live kernel; Run All puts each widget in its own cell. Screenshots go to
 * test-results/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { countPerCell, diagnosed, launch, missing, newPage, notebook, outputText, record, ROOT, runAll, runCell, saveNotebook, type Server, startServer, textPerCell, VENV, waitInNotebook, waitKernelIdle, waitOutput } from './jupyter';
import { describeOutside } from '../../outside';

const launcher = join(ROOT, 'dist', 'kernel', 'launcher.js');
const why = missing() || (existsSync(launcher) ? '' : 'the saddlelab kernel is not built (dist/kernel/launcher.js)');
const maybe = describeOutside('the widget training e2e tests', why);

const KERNEL = { name: 'saddlelab', display_name: 'TypeScript (saddlelab)', language: 'typescript' };
const IMPORT = `import { train, data, widgets } from ${JSON.stringify(join(ROOT, 'dist', 'index'))};`;
// Width 400: a step takes milliseconds, so the history the pages draw (and a second page restores
// from the kernel) stays thousands of steps long however long the test takes. At width 50 the run
// made ~1600 steps/s even on a loaded machine, reached 640,000 steps while the browser crawled, and
// the second page had not drawn that in 180 s.
const SETUP = `const ds = data.linearTeacher({ singularValues: [10, 20, 30, 40, 50], n: 100, seed: 0 });
const net = train.mlp({ inputDim: 5, widths: [400, 400, 400], outputDim: 5, activation: 'linear', init: { gamma: 1.5, seed: 0 } });
const run = train.start(net, ds, { steps: 1000000, lr: 5e-4, log: false });
const dash = new widgets.TrainingDashboard(run.history, run.control);
dash`;

/** The last step the page's dashboard draws (it grows while the run trains; the point count halves when the history thins). */
async function lastStep(page: Page): Promise<number> {
  return page.$eval('.saddlelab-widget', (e) => Number((e as HTMLElement).dataset.lastStep ?? -1));
}

/** What a page's dashboard draws: loss points, the sum of their steps (equal only for the same points) and the phase. */
async function drawn(page: Page): Promise<{ points: number; stepSum: number; phase: string }> {
  return page.$eval('.saddlelab-widget', (e) => {
    const d = (e as HTMLElement).dataset;
    return { points: Number(d.points ?? 0), stepSum: Number(d.stepSum ?? 0), phase: d.phase ?? '' };
  });
}

maybe.each(['lab', 'notebook'] as const)('training dashboard in %s', (app) => {
  let server: Server;
  let browser: Browser;
  const root = mkdtempSync(join(tmpdir(), `saddlelab-train-${app}-`));
  const url = (nb: string) => `${server.url}/${app === 'lab' ? 'lab/tree' : 'notebooks'}/${nb}`;

  beforeAll(async () => {
    // The kernelspec and the widget extension, as a user gets them.
    execFileSync(process.execPath, [join(ROOT, 'bin', 'saddlelab.js'), 'install', '--prefix', join(root, 'prefix')], { stdio: 'pipe' });
    writeFileSync(join(root, 'dash.ipynb'), notebook([IMPORT, SETUP, 'run.control.state', 'const h = await run.done; `${h.end?.reason} at step ${h.end?.step}`'], KERNEL));
    writeFileSync(
      join(root, 'three.ipynb'),
      notebook(
        [
          IMPORT,
          `const h = train.createHistory({ name: 'a', activation: 'linear', dims: [2, 2], depth: 1, config: {} });\nfor (let t = 0; t < 50; t++) h.addStep({ step: t, loss: 1 / (t + 1), paramNorm: 1, lr: 1 });`,
          'new widgets.LossPlot(h, { title: "one" })',
          'new widgets.LossPlot(h, { title: "two" })',
          'new widgets.LossPlot(h, { title: "three" })',
        ],
        KERNEL,
      ),
    );
    server = await startServer(app, root, { JUPYTER_PATH: join(root, 'prefix', 'share', 'jupyter'), PATH: `${join(VENV, 'bin')}:${process.env.PATH}` });
    browser = await launch();
  }, 240000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('renders, grows, pauses, resumes, stops; reload restores the widget', async () => {
    const page = await newPage(browser, { viewport: { width: 1300, height: 1400 } });
    await diagnosed(page, `widgets-training-${app}`, server, async () => {
      await page.goto(url('dash.ipynb'));
      await page.waitForSelector('.jp-Notebook', { timeout: 90000 });
      await waitKernelIdle(server, 'dash.ipynb');
      await runCell(page, 0);
      await runCell(page, 1);
      await page.waitForSelector('.saddlelab-widget .main-svg', { timeout: 90000 });
      // Traces grow while training runs.
      await page.waitForFunction(() => Number((document.querySelector('.saddlelab-widget') as HTMLElement).dataset.points) > 0, undefined, { timeout: 60000 });
      const p0 = await lastStep(page);
      await page.waitForFunction((p) => Number((document.querySelector('.saddlelab-widget') as HTMLElement).dataset.lastStep) > p + 100, p0, { timeout: 60000 });
      await record(page, `widgets-training-${app}-running.png`);
      // Pause: the kernel's RunControl reads paused, and no more points arrive.
      await page.click('.saddlelab-widget button[data-action="pause"]');
      await page.waitForFunction(() => /paused/.test(document.querySelector('.saddlelab-progress')?.textContent ?? ''), undefined, { timeout: 60000 });
      await runCell(page, 2);
      await waitOutput(page, 2, /paused/);
      // Resume: running again, points grow.
      await page.click('.saddlelab-widget button[data-action="resume"]');
      await runCell(page, 2);
      await waitOutput(page, 2, /running/);
      const p1 = await lastStep(page);
      await page.waitForFunction((p) => Number((document.querySelector('.saddlelab-widget') as HTMLElement).dataset.lastStep) > p + 100, p1, { timeout: 60000 });
      // A second view of the same widget, joining mid-run (another page on the saved notebook): it
      // restores the model from the live kernel while appends are in flight, shows the complete state
      // and stays in sync with the first page through the stop.
      await saveNotebook(page, server, 'dash.ipynb');
      const second = await newPage(browser, { viewport: { width: 1300, height: 1400 } });
      await second.goto(url('dash.ipynb'));
      await second.waitForSelector('.saddlelab-widget .main-svg', { timeout: 180000 });
      await second.waitForFunction((p) => Number((document.querySelector('.saddlelab-widget') as HTMLElement).dataset.lastStep) > p + 100, await lastStep(second), { timeout: 60000 });
      await record(second, `widgets-training-${app}-second-view.png`);
      // Stop: the run ends, a later cell reads the stopped step.
      await page.click('.saddlelab-widget button[data-action="stop"]');
      for (const p of [page, second]) await p.waitForFunction(() => (document.querySelector('.saddlelab-widget') as HTMLElement).dataset.phase === 'stopped', undefined, { timeout: 60000 });
      let views = [await drawn(page), await drawn(second)];
      for (let i = 0; i < 40 && JSON.stringify(views[0]) !== JSON.stringify(views[1]); i++) {
        await page.waitForTimeout(250);
        views = [await drawn(page), await drawn(second)];
      }
      expect(views[1]).toEqual(views[0]);
      // Both show where and why the run stopped: the dash-dot mark's label and the [saddlelab] message.
      for (const p of [page, second]) {
        await p.waitForFunction(() => /\[saddlelab\] training stopped after step \d+/.test(document.querySelector('.saddlelab-message')?.textContent ?? ''), undefined, { timeout: 60000 });
        expect(await p.$eval('.saddlelab-widget', (e) => e.textContent)).toMatch(/stopped after step \d+/);
      }
      await second.close();
      await runCell(page, 3);
      const ended = await waitOutput(page, 3, /stopped at step \d+/);
      expect(Number(/step (\d+)/.exec(ended)![1])).toBeGreaterThan(0);
      await record(page, `widgets-training-${app}-stopped.png`);
      // Reload: the saved output's widget comes back from the live kernel (request_states on the control comm).
      await saveNotebook(page, server, 'dash.ipynb');
      await page.reload();
      await page.waitForSelector('.saddlelab-widget .main-svg', { timeout: 90000 });
      await page.waitForFunction(() => Number((document.querySelector('.saddlelab-widget') as HTMLElement)?.dataset.points) > 0, undefined, { timeout: 60000 });
      await record(page, `widgets-training-${app}-reloaded.png`);
    });
    await page.close();
  }, 420000);

  test('Run All puts each widget in its own cell', async () => {
    const page = await newPage(browser, { viewport: { width: 1300, height: 1400 } });
    await diagnosed(page, `widgets-runall-${app}`, server, async () => {
      await page.goto(url('three.ipynb'));
      await page.waitForSelector('.jp-Notebook', { timeout: 90000 });
      await waitKernelIdle(server, 'three.ipynb');
      if (app === 'lab') {
        // JupyterLab restores the workspace of the earlier pages (dash.ipynb's tab) and may make that tab
        // current after this one: bring three.ipynb to the front before Run All, which acts on the current one.
        type Lab = { commands: { execute(id: string, args?: unknown): Promise<unknown> }; shell: { currentWidget?: { context?: { path?: string } } } };
        await page.evaluate(() => (window as unknown as { jupyterapp: Lab }).jupyterapp.commands.execute('docmanager:open', { path: 'three.ipynb' }));
        await page.waitForFunction(() => (window as unknown as { jupyterapp: Lab }).jupyterapp.shell.currentWidget?.context?.path === 'three.ipynb', undefined, { timeout: 60000 });
      }
      await runAll(page, app);
      // Drawn widgets (data-traces is set once a view has drawn; Plotly makes several .main-svg per plot).
      await waitInNotebook(page, '.saddlelab-widget[data-traces]', 3);
      expect(await countPerCell(page, '.saddlelab-widget')).toEqual([0, 0, 1, 1, 1]);
      expect(await textPerCell(page, '.saddlelab-widget .gtitle')).toEqual([null, null, 'one', 'two', 'three']);
      expect(await outputText(page, 1)).not.toMatch(/Error/);
      await record(page, `widgets-runall-${app}.png`);
    });
    await page.close();
  }, 240000);
});
