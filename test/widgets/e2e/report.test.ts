/**
 * Shared reports, as the people they are shared with see them. A notebook with
 * every widget kind is executed headlessly through the real saddlelab kernel
 * (`jupyter execute`, nbclient: what `npm run tutorials` does), then:
 * - its HTML report (writeReport), opened from disk in Chromium with every
 *   request that is not the file itself aborted: no request is even tried, no
 *   console error, every figure interactive, and hovering the loss curve shows
 *   a value; with JavaScript off, every static image shows;
 * - the executed .ipynb opened in JupyterLab 4 and Notebook 7, where it is
 *   untrusted (no one signed it): every figure shows, as the PNG.
 * Screenshots in test-results/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { writeReport } from '../../../src/widgets/report';
import { diagnosed, launch, missing, newContext, newPage, offline, record, ROOT, type Server, startServer, VENV, waitInNotebook } from './jupyter';
import { describeOutside } from '../../outside';

const launcher = join(ROOT, 'dist', 'kernel', 'launcher.js');
const why = missing() || (existsSync(launcher) ? '' : 'the saddlelab kernel is not built (dist/kernel/launcher.js)') || (existsSync(join(ROOT, 'dist', 'report-page.js')) ? '' : 'dist/report-page.js is not built (npm run build)');
const maybe = describeOutside('the report e2e tests', why);

const IMPORT = `import { train, data, widgets } from ${JSON.stringify(join(ROOT, 'dist', 'index'))};`;
const CELLS: Array<['markdown' | 'code', string]> = [
  ['markdown', '# A shared report\nA short run of the [deep linear warm-up](https://arxiv.org/abs/2505.21722), then one figure of each kind: the loss $L(\\theta)$ falls while $\\|\\theta\\|$ grows,\n\n$$\\frac{s_1}{s_2} \\sim \\ell^{1/4}.$$'],
  ['code', IMPORT],
  [
    'code',
    `const ds = data.linearTeacher({ singularValues: [10, 20, 30, 40, 50], n: 100, seed: 0 });
const net = train.mlp({ inputDim: 5, widths: [20, 20, 20], outputDim: 5, activation: 'linear', init: { gamma: 1.5, seed: 0 } });
const run = train.start(net, ds, { steps: 400, lr: 5e-4, log: false, record: { every: 20 } });
new widgets.TrainingDashboard(run.history, run.control)`,
  ],
  ['code', 'const h = await run.done; `${h.end?.reason} at step ${h.end?.step}`'],
  ['code', 'new widgets.LossPlot(h)'],
  ['code', 'new widgets.SpectrumPlot(h)'],
  ['code', 'new widgets.SpectrumPlot(h, { mode: "snapshot", steps: [100, 399] })'],
  ['code', 'new widgets.LayerLawPlot(h)'],
];
const FIGURES = 5;

function notebookJson(): string {
  return JSON.stringify({
    cells: CELLS.map(([cell_type, source], i) => ({ id: `c${i}`, cell_type, metadata: {}, source, ...(cell_type === 'code' ? { execution_count: null, outputs: [] } : {}) })),
    metadata: { kernelspec: { name: 'saddlelab', display_name: 'TypeScript (saddlelab)', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

/** Visible elements matching `selector` of at least 200×100 px. */
function visible(page: Page, selector: string): Promise<number> {
  return page.$$eval(selector, (els) => els.filter((e) => e.getBoundingClientRect().width >= 200 && e.getBoundingClientRect().height >= 100).length);
}

maybe('shared reports', () => {
  let browser: Browser;
  const root = mkdtempSync(join(tmpdir(), 'saddlelab-report-'));
  const nbPath = join(root, 'reports', 'run.ipynb');
  const env = { ...process.env, JUPYTER_PATH: join(root, 'prefix', 'share', 'jupyter'), JUPYTER_DATA_DIR: join(root, 'data'), PATH: `${join(VENV, 'bin')}:${process.env.PATH}` };

  beforeAll(async () => {
    execFileSync(process.execPath, [join(ROOT, 'bin', 'saddlelab.js'), 'install', '--prefix', join(root, 'prefix')], { stdio: 'pipe' });
    mkdirSync(join(root, 'reports'));
    mkdirSync(join(root, 'data'));
    writeFileSync(nbPath, notebookJson());
    execFileSync(join(VENV, 'bin', 'jupyter'), ['execute', '--inplace', '--timeout=300', nbPath], { cwd: root, env, stdio: 'pipe' });
    browser = await launch();
  }, 300000);

  afterAll(async () => {
    await browser?.close();
  });

  test('the executed notebook carries, per figure, the widget view, SVG, PNG and figure data', () => {
    const nb = JSON.parse(readFileSync(nbPath, 'utf8'));
    const outs = nb.cells.flatMap((c: { outputs?: Array<{ data?: Record<string, unknown> }> }) => c.outputs ?? []).filter((o: { data?: Record<string, unknown> }) => o.data?.['image/png']);
    expect(outs).toHaveLength(FIGURES);
    for (const o of outs) expect(Object.keys(o.data).sort()).toEqual(['application/vnd.jupyter.widget-view+json', 'application/vnd.saddlelab.figure+json', 'image/png', 'image/svg+xml', 'text/plain']);
  });

  test('HTML report from disk, network blocked: no request tried, no console error, every figure interactive, hover shows a value', async () => {
    const html = join(root, 'out', 'run.html');
    const result = writeReport(nbPath, html);
    expect([result.figures, result.interactive, result.maths]).toEqual([FIGURES, FIGURES, 3]);
    const page = await newPage(browser, { viewport: { width: 1200, height: 1200 } });
    const outside = await offline(page);
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
    await page.goto(`file://${html}`);
    await page.waitForFunction((n) => document.querySelectorAll('.saddlelab-figure[data-interactive="true"]').length >= n, FIGURES, { timeout: 60000 });
    expect(await visible(page, '.saddlelab-report-plot')).toBe(FIGURES);
    // The maths is typeset (MathML, drawn by the browser), no TeX left in the text.
    expect(await page.$$eval('.jp-RenderedMarkdown math', (els) => els.filter((e) => e.getBoundingClientRect().width > 5).length)).toBe(3);
    const prose = await page.$eval('.jp-RenderedMarkdown', (e) => {
      const copy = e.cloneNode(true) as HTMLElement;
      copy.querySelectorAll('math').forEach((m) => m.remove());
      return copy.textContent ?? '';
    });
    expect(prose).toMatch(/the loss\s+falls while\s+grows/);
    expect(prose).not.toMatch(/\\theta|\$|SADDLELABMATH/);
    // Hover the middle point of the dashboard's loss curve: Plotly shows its value.
    const at = await page.evaluate(() => {
      const gd = document.querySelector('.saddlelab-report-plot') as HTMLElement & { data: Array<{ x: number[]; y: number[] }>; _fullLayout: Record<string, { _offset: number; d2p(v: number): number }> };
      const { x, y } = gd.data[0];
      const i = Math.floor(x.length / 2);
      const xa = gd._fullLayout.xaxis;
      const ya = gd._fullLayout.yaxis;
      const box = gd.getBoundingClientRect();
      return { x: box.left + xa._offset + xa.d2p(x[i]), y: box.top + ya._offset + ya.d2p(y[i]), step: x[i] };
    });
    await page.mouse.move(at.x - 5, at.y - 5);
    await page.mouse.move(at.x, at.y, { steps: 3 });
    await page.waitForSelector('.hoverlayer .hovertext', { timeout: 10000 });
    const hover = await page.$eval('.hoverlayer', (e) => e.textContent ?? '');
    expect(hover).toMatch(/\d/);
    await record(page, 'report-offline-hover.png', { fullPage: false });
    await record(page, 'report-offline.png');
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();

    // Without JavaScript: the static images.
    const context = await newContext(browser, { javaScriptEnabled: false, viewport: { width: 1200, height: 1200 } });
    const still = await context.newPage();
    await offline(still);
    await still.goto(`file://${html}`);
    expect(await visible(still, 'img.saddlelab-static')).toBe(FIGURES);
    await record(still, 'report-no-javascript.png');
    await context.close();
  }, 180000);

  test.each(['lab', 'notebook'] as const)('the executed notebook opened untrusted in %s shows every figure (PNG)', async (app) => {
    let server: Server | undefined;
    try {
      server = await startServer(app, root, { JUPYTER_PATH: env.JUPYTER_PATH, JUPYTER_DATA_DIR: env.JUPYTER_DATA_DIR, PATH: env.PATH });
      const page = await newPage(browser, { viewport: { width: 1300, height: 1800 } });
      await diagnosed(page, `report-untrusted-${app}`, server, async () => {
        await page.goto(`${server!.url}/${app === 'lab' ? 'lab/tree' : 'notebooks'}/reports/run.ipynb`);
        await page.waitForSelector('.jp-Notebook', { timeout: 90000 });
        await waitInNotebook(page, '.jp-RenderedImage img', FIGURES, 60000);
        await page.waitForTimeout(1000);
        expect(await visible(page, '.jp-RenderedImage img')).toBe(FIGURES);
        const text = await page.$eval('.jp-Notebook', (e) => (e as HTMLElement).innerText);
        expect(text).not.toMatch(/Error displaying widget|model not found/);
        await record(page, `report-untrusted-${app}.png`);
        // It really was untrusted: the server said so when it opened it.
        expect(server!.log()).toMatch(/Notebook reports\/run\.ipynb is not trusted/);
      });
      await page.close();
    } finally {
      await server?.stop();
    }
  }, 240000);
});
