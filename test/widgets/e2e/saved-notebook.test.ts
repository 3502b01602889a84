/**
 * Saved notebooks keep their figures, in JupyterLab 4 and Notebook 7 with the
 * real saddlelab kernel: run a notebook with every widget kind, save it, shut
 * the kernel down, close the page and reopen the notebook (a new kernel
 * starts, without the widgets' models). Every figure is visible (the static
 * figure the output carries, shown by the labextension's fallback in place of
 * "Error displaying widget: model not found"). Screenshots in test-results/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { diagnosed, launch, missing, newPage, notebook, record, ROOT, runAll, saveNotebook, type Server, startServer, VENV, waitInNotebook, waitKernelIdle, waitOutput } from './jupyter';
import { describeOutside } from '../../outside';

const launcher = join(ROOT, 'dist', 'kernel', 'launcher.js');
const why = missing() || (existsSync(launcher) ? '' : 'the saddlelab kernel is not built (dist/kernel/launcher.js)');
const maybe = describeOutside('the saved-notebook e2e tests', why);

const KERNEL = { name: 'saddlelab', display_name: 'TypeScript (saddlelab)', language: 'typescript' };
const IMPORT = `import { train, data, widgets } from ${JSON.stringify(join(ROOT, 'dist', 'index'))};`;
/** A short real run, then one widget of each kind per cell (five figures). */
const CELLS = [
  IMPORT,
  `const ds = data.linearTeacher({ singularValues: [10, 20, 30, 40, 50], n: 100, seed: 0 });
const net = train.mlp({ inputDim: 5, widths: [20, 20, 20], outputDim: 5, activation: 'linear', init: { gamma: 1.5, seed: 0 } });
const run = train.start(net, ds, { steps: 400, lr: 5e-4, log: false, record: { every: 20 } });
new widgets.TrainingDashboard(run.history, run.control)`,
  'const h = await run.done; `${h.end?.reason} at step ${h.end?.step}`',
  'new widgets.LossPlot(h)',
  'new widgets.SpectrumPlot(h)',
  'new widgets.SpectrumPlot(h, { mode: "snapshot", steps: [100, 399] })',
  'new widgets.LayerLawPlot(h)',
];
const FIGURES = 5;

/** Per cell of the current notebook: how many visible images of at least 200×100 px its outputs show, and its output text. */
async function figures(page: Page): Promise<Array<{ images: number; text: string }>> {
  return page.evaluate(() =>
    (window as unknown as { jupyterapp: { shell: { currentWidget: { content: { widgets: Array<{ node: HTMLElement }> } } } } }).jupyterapp.shell.currentWidget.content.widgets.map((c) => {
      const out = c.node.querySelector('.jp-OutputArea') as HTMLElement | null;
      const images = [...(out?.querySelectorAll('img, .saddlelab-widget .main-svg') ?? [])].filter((e) => {
        const r = e.getBoundingClientRect();
        return r.width >= 200 && r.height >= 100 && (e as HTMLImageElement).complete !== false;
      });
      // Plotly draws two .main-svg per plot: count each widget once.
      return { images: images.filter((e) => e.tagName === 'IMG' || e.closest('.saddlelab-widget')!.querySelector('.main-svg') === e).length, text: out?.innerText ?? '' };
    }),
  );
}

maybe.each(['lab', 'notebook'] as const)('saved notebook in %s', (app) => {
  let server: Server;
  let browser: Browser;
  const root = mkdtempSync(join(tmpdir(), `saddlelab-saved-${app}-`));
  const url = (nb: string) => `${server.url}/${app === 'lab' ? 'lab/tree' : 'notebooks'}/${nb}`;

  beforeAll(async () => {
    execFileSync(process.execPath, [join(ROOT, 'bin', 'saddlelab.js'), 'install', '--prefix', join(root, 'prefix')], { stdio: 'pipe' });
    writeFileSync(join(root, 'saved.ipynb'), notebook(CELLS, KERNEL));
    mkdirSync(join(root, 'data'));
    // Its own data folder: notebook signatures (trust) stay out of the home folder.
    server = await startServer(app, root, { JUPYTER_PATH: join(root, 'prefix', 'share', 'jupyter'), JUPYTER_DATA_DIR: join(root, 'data'), PATH: `${join(VENV, 'bin')}:${process.env.PATH}` });
    browser = await launch();
  }, 240000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('run, save, shut the kernel down, reopen: every figure is visible, no "model not found"', async () => {
    const page = await newPage(browser, { viewport: { width: 1300, height: 1400 } });
    await diagnosed(page, `saved-notebook-${app}`, server, async () => {
      await page.goto(url('saved.ipynb'));
      await page.waitForSelector('.jp-Notebook', { timeout: 90000 });
      await waitKernelIdle(server, 'saved.ipynb');
      await runAll(page, app);
      await waitOutput(page, 2, /completed at step 399/, 180000);
      await waitInNotebook(page, '.saddlelab-widget[data-traces]', FIGURES, 120000);
      await saveNotebook(page, server, 'saved.ipynb');
      // The saved file holds, per widget output, the view and both static figures.
      const saved = JSON.parse(readFileSync(join(root, 'saved.ipynb'), 'utf8'));
      const outs = saved.cells.flatMap((c: { outputs?: Array<{ data?: Record<string, unknown> }> }) => c.outputs ?? []).filter((o: { data?: Record<string, unknown> }) => o.data?.['application/vnd.jupyter.widget-view+json']);
      expect(outs).toHaveLength(FIGURES);
      for (const o of outs) expect(Object.keys(o.data).sort()).toEqual(['application/vnd.jupyter.widget-view+json', 'application/vnd.saddlelab.figure+json', 'image/png', 'image/svg+xml', 'text/plain']);
      // Shut the kernel down (as the Kernel menu does) and close the page.
      const sessions = (await (await fetch(`${server.url}/api/sessions`)).json()) as Array<{ id: string; path: string }>;
      for (const s of sessions.filter((x) => x.path.endsWith('saved.ipynb'))) await fetch(`${server.url}/api/sessions/${s.id}`, { method: 'DELETE' });
      await page.close();
    });

    const reopened = await newPage(browser, { viewport: { width: 1300, height: 1800 } });
    await diagnosed(reopened, `saved-notebook-${app}-reopened`, server, async () => {
      await reopened.goto(url('saved.ipynb'));
      await reopened.waitForSelector('.jp-Notebook', { timeout: 90000 });
      // A new kernel starts; the widget manager restores (nothing), then each widget output shows its static figure.
      await waitKernelIdle(server, 'saved.ipynb');
      await waitInNotebook(reopened, 'img.saddlelab-static', FIGURES, 60000);
      // Give the widget manager time to settle: nothing may turn back into an error afterwards.
      await reopened.waitForTimeout(3000);
      const cells = await figures(reopened);
      await record(reopened, `saved-notebook-${app}-reopened.png`);
      expect(cells.map((c) => c.images)).toEqual([0, 1, 0, 1, 1, 1, 1]);
      for (const c of cells) expect(c.text).not.toMatch(/Error displaying widget|model not found|Loading widget/);
      // The figures are the saved SVGs, drawn at their own size.
      const kinds = await reopened.$$eval('img.saddlelab-static', (els) => els.map((e) => `${(e as HTMLImageElement).dataset.kind}:${(e as HTMLImageElement).naturalWidth > 200}`));
      expect(kinds).toEqual(Array(FIGURES).fill('svg:true'));
    });
    await reopened.close();
  }, 480000);
});
