/**
 * Controls that control, with the real saddlelab kernel, in JupyterLab 4 and
 * Notebook 7 in Chromium: a dashboard over a hand-written `trainer.next()`
 * loop pauses, resumes and stops it, its status line tells the truth before,
 * during and after the run; a dashboard over a History has its buttons
 * visibly disabled with the reason; a second page on the same notebook learns
 * the cursor and the scale set in the first (the kernel's echo_update);
 * `widgets.live()` shows the run of `train.fit`. Screenshots in test-results/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { HISTORY_ONLY_REASON } from '../../../src/widgets/dashboard';
import { diagnosed, eventually, launch, missing, newPage, notebook, notebookReady, record, ROOT, runCell, saveNotebook, type Server, startServer, VENV, waitKernelIdle, waitOutput } from './jupyter';
import { describeOutside } from '../../outside';

const launcher = join(ROOT, 'dist', 'kernel', 'launcher.js');
const why = missing() || (existsSync(launcher) ? '' : 'the saddlelab kernel is not built (dist/kernel/launcher.js)');
const maybe = describeOutside('the widget controls e2e tests', why);

const KERNEL = { name: 'saddlelab', display_name: 'TypeScript (saddlelab)', language: 'typescript' };
// Long enough that the run never ends by itself while the test clicks: the test stops it. The network
// is wide (400) so that a step takes milliseconds and the history a second page restores stays small
// however long the test takes on a busy machine (training.test.ts says why).
const TOTAL = 20000000;
const CELLS = [
  `import { train, data, widgets } from ${JSON.stringify(join(ROOT, 'dist', 'index'))};
const ds = data.linearTeacher({ singularValues: [10, 20, 30, 40, 50], n: 100, seed: 0 });`,
  // The notebook pattern: a dashboard above a visible loop.
  `const trainer = train.createTrainer(train.mlp({ inputDim: 5, widths: [400, 400, 400], outputDim: 5, activation: 'linear', init: { gamma: 1.5, seed: 0 } }), ds, { lr: 5e-4, record: { every: 50 } });
new widgets.TrainingDashboard(trainer, { totalSteps: ${TOTAL} })`,
  `for (let t = 0; t < ${TOTAL}; t++) if (!(await trainer.next())) break;
await trainer.finish();
\`\${trainer.history.end?.reason} after \${trainer.step} updates\``,
];
// A notebook of its own for the second test: reopening the first one's session in JupyterLab has
// been seen to start a new kernel while the test's first cells were already sent.
const HISTORY_CELLS = [
  CELLS[0],
  `const trainer = train.createTrainer(train.mlp({ inputDim: 5, widths: [50, 50, 50], outputDim: 5, activation: 'linear', init: { gamma: 1.5, seed: 0 } }), ds, { lr: 5e-4, record: { every: 50 } });
for (let t = 0; t < 200; t++) await trainer.next();
await trainer.finish();
new widgets.TrainingDashboard(trainer.history)`,
  `const h2 = await train.fit(train.mlp({ inputDim: 5, widths: [20, 20], outputDim: 5, activation: 'linear', init: { gamma: 1.5, seed: 1 } }), ds, { steps: 300, lr: 5e-4, log: false, ...widgets.live() });
\`fit: \${h2.end?.reason}\``,
];

maybe.each(['lab', 'notebook'] as const)('dashboard controls with the saddlelab kernel in %s', (app) => {
  let server: Server;
  let browser: Browser;
  const root = mkdtempSync(join(tmpdir(), `saddlelab-controls-${app}-`));

  beforeAll(async () => {
    execFileSync(process.execPath, [join(ROOT, 'bin', 'saddlelab.js'), 'install', '--prefix', join(root, 'prefix')], { stdio: 'pipe' });
    writeFileSync(join(root, 'controls.ipynb'), notebook(CELLS, KERNEL));
    writeFileSync(join(root, 'history.ipynb'), notebook(HISTORY_CELLS, KERNEL));
    mkdirSync(join(root, '.settings', '@jupyterlab', 'apputils-extension'), { recursive: true });
    writeFileSync(join(root, '.settings', '@jupyterlab', 'apputils-extension', 'notification.jupyterlab-settings'), JSON.stringify({ fetchNews: 'false' }));
    server = await startServer(app, root, { JUPYTER_PATH: join(root, 'prefix', 'share', 'jupyter'), PATH: `${join(VENV, 'bin')}:${process.env.PATH}` });
    browser = await launch();
  }, 240000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const open = async (page: Page, file = 'controls.ipynb') => {
    await page.goto(`${server.url}/${app === 'lab' ? 'lab/tree' : 'notebooks'}/${file}`);
    await page.waitForSelector('.jp-Notebook', { timeout: 90000 });
  };
  // Visible ones only: JupyterLab keeps the other notebooks of its restored workspace in hidden tabs.
  const dashboard = (page: Page, n = 0): Locator => page.locator('.saddlelab-widget[data-kind="TrainingDashboard"]:visible').nth(n);
  const status = (page: Page, n = 0) => dashboard(page, n).locator('.saddlelab-progress').textContent();
  // The last drawn step: it grows while the run trains (the point count halves when a long history thins itself).
  const lastStep = (page: Page) => dashboard(page).evaluate((e) => Number((e as HTMLElement).dataset.lastStep ?? -1));
  const button = (page: Page, action: string, n = 0) => dashboard(page, n).locator(`button[data-action="${action}"]`);

  test('pause, resume and stop act on a hand-written trainer.next() loop; the status line tells the truth; a second page learns the cursor', async () => {
    const page = await newPage(browser, { viewport: { width: 1300, height: 1400 } });
    await diagnosed(page, `controls-${app}`, server, async () => {
      await open(page);
      await waitKernelIdle(server, 'controls.ipynb');
      await notebookReady(page);
      await runCell(page, 0);
      await runCell(page, 1);
      await dashboard(page).locator('.main-svg').first().waitFor({ timeout: 90000 });
      // Before the loop: nothing done yet, and not "step -1".
      await eventually(() => status(page), (s) => expect(s).toBe(`0 / ${TOTAL} steps · not started`));
      expect(await button(page, 'pause').isEnabled()).toBe(true);
      await runCell(page, 2);
      await eventually(() => status(page), (s) => expect(s).toMatch(new RegExp(`^\\d+ / ${TOTAL} steps · .* · running$`)));
      const p0 = await lastStep(page);
      await eventually(() => lastStep(page), (p) => expect(p).toBeGreaterThan(p0 + 100));
      await button(page, 'pause').click();
      await eventually(() => status(page), (s) => expect(s).toMatch(/ · paused$/));
      const held = await lastStep(page);
      await page.waitForTimeout(1500);
      expect(await lastStep(page)).toBe(held);
      expect(await button(page, 'pause').isDisabled()).toBe(true);
      await record(page, `controls-${app}-paused.png`);
      // A second page on the saved notebook, opened while the run is paused (its history stays the
      // size it is): the widget comes back from the live kernel, and learns what the first page
      // sets through the kernel's echo_update.
      await saveNotebook(page, server, 'controls.ipynb');
      const second = await newPage(browser, { viewport: { width: 1300, height: 1400 } });
      await open(second);
      await dashboard(second).locator('.main-svg').first().waitFor({ timeout: 180000 });
      await eventually(() => status(second), (s) => expect(s).toMatch(/ · paused$/));
      await dashboard(page).locator('input.saddlelab-log-x').check();
      const there = await dashboard(page).locator('input.saddlelab-scrubber').evaluate((e) => {
        const s = e as HTMLInputElement;
        s.value = '40';
        s.dispatchEvent(new Event('input', { bubbles: true }));
        return s.value;
      });
      // The cursor is a step: the slider's value (clamped to the steps shown). The view draws once per
      // animation frame, so the readout names it a frame later; until then it still shows the latest step.
      const readout = (p: Page) => dashboard(p).locator('.saddlelab-readout').textContent();
      await eventually(() => readout(page), (t) => expect(t).toMatch(new RegExp(`^step ${there} · loss `)));
      expect(await dashboard(page).locator('input.saddlelab-follow').isChecked()).toBe(false);
      await eventually(() => readout(second), (t) => expect(t).toMatch(new RegExp(`^step ${there} · loss `)));
      expect(await dashboard(second).locator('input.saddlelab-log-x').isChecked()).toBe(true);
      await second.close();
      await button(page, 'resume').click();
      await eventually(() => lastStep(page), (p) => expect(p).toBeGreaterThan(held + 100));
      await button(page, 'stop').click();
      const out = await waitOutput(page, 2, /stopped after \d+ updates/);
      const done = Number(/after (\d+) updates/.exec(out)![1]);
      await eventually(() => status(page), (s) => expect(s).toBe(`${done} / ${TOTAL} steps · stopped`));
      // After the end every button is disabled, saying why.
      for (const action of ['pause', 'resume', 'stop']) {
        expect(await button(page, action).isDisabled()).toBe(true);
        expect(await button(page, action).getAttribute('title')).toBe('The run has ended (stopped); nothing to pause or stop.');
      }
      await record(page, `controls-${app}-stopped.png`);
    });
    await page.close();
  }, 480000);

  test('a dashboard over a History says why its buttons cannot act; widgets.live() shows the run of train.fit to its end', async () => {
    const page = await newPage(browser, { viewport: { width: 1300, height: 1400 } });
    await diagnosed(page, `controls-history-${app}`, server, async () => {
      await open(page, 'history.ipynb');
      await waitKernelIdle(server, 'history.ipynb');
      await notebookReady(page);
      for (const i of [0, 1]) await runCell(page, i);
      await dashboard(page, 0).locator('.main-svg').first().waitFor({ timeout: 90000 });
      for (const action of ['pause', 'resume', 'stop']) {
        expect(await button(page, action, 0).isDisabled()).toBe(true);
        expect(await button(page, action, 0).getAttribute('title')).toBe(HISTORY_ONLY_REASON);
      }
      expect(await dashboard(page, 0).getAttribute('data-controls')).toBe('disabled');
      await runCell(page, 2);
      await waitOutput(page, 2, /fit: completed/, 120000);
      // All 300 updates counted (the planned total shows when the run carries it).
      await eventually(() => status(page, 1), (s) => expect(s).toMatch(/^300( \/ 300)? steps · done$/));
      await dashboard(page, 1).scrollIntoViewIfNeeded();
      await record(dashboard(page, 1), `controls-${app}-live-fit.png`);
    });
    await page.close();
  }, 300000);
});
