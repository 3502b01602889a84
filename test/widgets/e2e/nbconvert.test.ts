/**
 * The standard export: `jupyter nbconvert --to html --execute --template saddlelab` (the real
 * nbconvert of .venv, the template as `saddlelab install` put it beside the kernelspec) on a
 * notebook with saddlelab figures, and the same template on that executed notebook with its
 * widget state dropped (as JupyterLab saves by default). Each page is opened from disk in
 * Chromium with the network blocked: every figure is drawn (interactive, from its figure data)
 * and its static image is in the page, and the only request tried is MathJax's, which typesets
 * the maths online and is all that is missing offline. The default template, for comparison,
 * draws saddlelab's figures with the widget manager from a CDN: nothing of them in the page.
 * Screenshots: test-results/nbconvert-*.png.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { outsideRequests } from '../../../src/widgets/report';
import { RESULTS, ROOT, VENV, launch, missing, offline } from './jupyter';

const launcher = join(ROOT, 'dist', 'kernel', 'launcher.js');
const why = missing() || (existsSync(launcher) ? '' : 'the saddlelab kernel is not built (dist/kernel/launcher.js)') || (existsSync(join(ROOT, 'dist', 'report-page.js')) ? '' : 'dist/report-page.js is not built (npm run build)');
const maybe = why ? describe.skip : describe;
if (why) console.warn(`[saddlelab] skipping nbconvert e2e tests: ${why}`);

const IMPORT = `import { train, data, widgets } from ${JSON.stringify(join(ROOT, 'dist', 'index'))};`;
const CELLS: Array<['markdown' | 'code', string]> = [
  ['markdown', '# Exported\nThe loss $L(\\theta)$ of a short run.'],
  ['code', IMPORT],
  [
    'code',
    `const ds = data.linearTeacher({ singularValues: [10, 20, 30], n: 60, seed: 0 });
const net = train.mlp({ inputDim: 3, widths: [10, 10], outputDim: 3, activation: 'linear', init: { gamma: 1.5, seed: 0 } });
const run = train.start(net, ds, { steps: 300, lr: 2e-3, log: false, record: { every: 20 } });
new widgets.TrainingDashboard(run)`,
  ],
  ['code', 'const h = await run.done; new widgets.LossPlot(h)'],
  ['code', 'new widgets.SpectrumPlot(h, { mode: "snapshot", steps: [0, 299] })'],
];
const FIGURES = 3;

maybe('jupyter nbconvert --to html', () => {
  let browser: Browser;
  const root = mkdtempSync(join(tmpdir(), 'saddlelab-nbconvert-'));
  const env = { ...process.env, JUPYTER_PATH: join(root, 'prefix', 'share', 'jupyter'), JUPYTER_DATA_DIR: join(root, 'data'), PATH: `${join(VENV, 'bin')}:${process.env.PATH}` };
  const nbconvert = (...args: string[]) => execFileSync(join(VENV, 'bin', 'jupyter'), ['nbconvert', ...args], { cwd: root, env, stdio: 'pipe' });

  beforeAll(async () => {
    execFileSync(process.execPath, [join(ROOT, 'bin', 'saddlelab.js'), 'install', '--prefix', join(root, 'prefix')], { stdio: 'pipe' });
    mkdirSync(join(root, 'data'));
    const cells = CELLS.map(([cell_type, source], i) => ({ id: `c${i}`, cell_type, metadata: {}, source, ...(cell_type === 'code' ? { execution_count: null, outputs: [] } : {}) }));
    writeFileSync(join(root, 'run.ipynb'), JSON.stringify({ cells, metadata: { kernelspec: { name: 'saddlelab', display_name: 'TypeScript (saddlelab)', language: 'typescript' } }, nbformat: 4, nbformat_minor: 5 }));
    // Executed and exported in one command, the executed notebook kept for the other exports.
    nbconvert('--to', 'html', '--execute', '--template', 'saddlelab', '--ExecutePreprocessor.timeout=300', '--output', 'executed', 'run.ipynb');
    nbconvert('--to', 'notebook', '--execute', '--ExecutePreprocessor.timeout=300', '--output', 'executed', 'run.ipynb');
    const nb = JSON.parse(readFileSync(join(root, 'executed.ipynb'), 'utf8'));
    delete nb.metadata.widgets;
    writeFileSync(join(root, 'no-state.ipynb'), JSON.stringify(nb));
    nbconvert('--to', 'html', '--template', 'saddlelab', 'no-state.ipynb');
    nbconvert('--to', 'html', '--output', 'default', 'executed.ipynb');
    browser = await launch();
  }, 600000);

  afterAll(async () => {
    await browser?.close();
  });

  test('the executed notebook saved its widget state: the default template would draw these outputs with the widget manager', () => {
    const nb = JSON.parse(readFileSync(join(root, 'executed.ipynb'), 'utf8'));
    expect(Object.keys(nb.metadata.widgets['application/vnd.jupyter.widget-state+json'].state)).toHaveLength(FIGURES);
    const html = readFileSync(join(root, 'default.html'), 'utf8');
    expect(html.match(/<script type="application\/vnd\.jupyter\.widget-view\+json">/g)).toHaveLength(FIGURES);
    expect(html).not.toContain('saddlelab-figure');
  });

  test.each(['executed', 'no-state'])('--template saddlelab (%s.html), offline: every figure drawn, its image in the page, only MathJax requested', async (name) => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    const outside = await offline(page);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && errors.push(m.text()));
    await page.goto(`file://${join(root, `${name}.html`)}`);
    await page.waitForFunction((n) => document.querySelectorAll('.saddlelab-figure[data-interactive="true"]').length >= n, FIGURES, { timeout: 60000 });
    const sizes = await page.$$eval('.saddlelab-report-plot', (els) => els.map((e) => [Math.round(e.getBoundingClientRect().width), Math.round(e.getBoundingClientRect().height)]));
    expect(sizes).toHaveLength(FIGURES);
    for (const [w, h] of sizes) expect(w > 300 && h > 200).toBe(true);
    expect(await page.$$eval('img.saddlelab-static', (els) => els.length)).toBe(FIGURES);
    // The dashboard's loss trace holds the run's points.
    expect(await page.evaluate(() => (document.querySelector('.saddlelab-report-plot') as HTMLElement & { data: Array<{ x: number[] }> }).data[0].x.length)).toBeGreaterThan(250);
    await page.screenshot({ path: join(RESULTS, `nbconvert-${name}.png`), fullPage: true });
    expect(outside.every((u) => /mathjax/i.test(u))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  }, 120000);

  test('saddlelab report NOTEBOOK.ipynb --out PAGE.html writes the page that needs no network (widgets.writeReport)', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'saddlelab.js'), 'report', join(root, 'executed.ipynb'), '--out', join(root, 'report.html')], { cwd: root, env, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`report\\.html: ${FIGURES} figure\\(s\\), ${FIGURES} interactive, 1 formula\\(s\\)`));
    const html = readFileSync(join(root, 'report.html'), 'utf8');
    expect(html.match(/class="saddlelab-figure"/g)).toHaveLength(FIGURES);
    expect(outsideRequests(html)).toEqual([]);
  });

  test('without JavaScript the static images show', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1200, height: 1000 } });
    const page = await context.newPage();
    await offline(page);
    await page.goto(`file://${join(root, 'executed.html')}`);
    const shown = await page.$$eval('img.saddlelab-static', (els) => els.filter((e) => (e as HTMLImageElement).naturalWidth > 300 && e.getBoundingClientRect().height > 200).length);
    expect(shown).toBe(FIGURES);
    await context.close();
  });
});
