/**
 * The figures as a reader sees them and the view controls a researcher uses,
 * in JupyterLab 4 and Notebook 7 in Chromium. The widget states come from
 * real trainings (the deep linear warm-up: a staircase of escapes), opened by
 * a Python kernel exactly as the kernel-side widgets produce them; the
 * controls act on the browser model, so no saddlelab kernel is needed here
 * (training.test.ts and newcomer.test.ts drive the real kernel).
 *
 * Screenshots in test-results/: figure1-*.png (loss with snapshot steps and
 * escapes, and the snapshot view), two-runs-*.png, dashboard-*.png.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { data, train } from '../../../src';
import { LayerLawPlot, LossPlot, SpectrumPlot, TrainingDashboard, type PlotWidget } from '../../../src/widgets';
import { describeFigure } from '../../../src/widgets/figure';
import { createFakeKernel } from '../fake-kernel';
import { diagnosed, eventually, launch, missing, newPage, record, runAll, type Server, startServer, VENV, waitKernelIdle, writeStatesNotebook } from './jupyter';
import { describeOutside } from '../../outside';

const why = missing();
const maybe = describeOutside('the widget e2e figure tests', why);

/** The deep linear warm-up (docs/paper.md, "the linear warm-up"): teacher singular values learnt one at a time. */
async function warmUp(seed: number, gamma: number) {
  const ds = data.linearTeacher({ singularValues: [10, 20, 30, 40, 50], n: 100, seed: 0 });
  const net = train.mlp({ inputDim: 5, widths: [50, 50, 50], outputDim: 5, activation: 'linear', init: { gamma, seed } });
  // The float64 JS step (fast on a network this small) and the cpu backend for the records:
  // under jest the native backend's arrays come from another realm.
  return train.fit(net, ds, { steps: 2500, lr: 5e-4, log: false, backend: 'cpu', engine: 'js64', record: { every: 25 }, config: { gamma } });
}

/** The two runs, trained once for both apps. */
let runs: Promise<[train.History, train.History]> | undefined;
const trained = () => (runs ??= (async () => [await warmUp(0, 1.5), await warmUp(1, 1.25)] as [train.History, train.History])());

/**
 * Figure 1's snapshot steps: the start, then one on each plateau between two
 * escapes, and the end (as the paper takes its spectra between escapes).
 */
function plateauSteps(escapes: number[], last: number): number[] {
  const mids = escapes.slice(0, -1).map((e, i) => Math.round((e + escapes[i + 1]) / 2));
  return [0, ...mids, last];
}
let SNAPSHOTS: number[] = [];
/** The widgets, in display order; `id` names them in the tests. */
const IDS = ['loss', 'snapshots', 'two-runs', 'dashboard', 'law'] as const;

maybe.each(['lab', 'notebook'] as const)('figures and view controls in %s', (app) => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  const root = mkdtempSync(join(tmpdir(), `saddlelab-figures-${app}-`));
  const files = new Map<string, string>();

  beforeAll(async () => {
    const [a, b] = await trained();
    const kernel = createFakeKernel();
    const opts = { kernel, staticFigure: false };
    const escapes = new LossPlot(a, { kernel: createFakeKernel(false), staticFigure: false }).state.runs[0].escapes;
    // The warm-up learns its five teacher modes one at a time: a staircase of several escapes.
    expect(escapes.length).toBeGreaterThanOrEqual(3);
    SNAPSHOTS = plateauSteps(escapes, a.latestStep);
    const widgets: PlotWidget[] = [
      new LossPlot(a, { ...opts, markSteps: SNAPSHOTS, title: 'Figure 1 (left): loss, snapshot steps and escapes' }),
      new SpectrumPlot(a, { ...opts, mode: 'snapshot', steps: SNAPSHOTS, title: 'Figure 1 (centre, right): singular values at the snapshot steps' }),
      new LossPlot([a, b], { ...opts, title: 'two runs' }),
      new TrainingDashboard(a, opts),
      new LayerLawPlot(a, opts),
    ];
    for (const w of widgets) w.display();
    writeStatesNotebook(kernel, root, 'figures.ipynb');
    widgets.forEach((w, i) => files.set(IDS[i], describeFigure(w.state).fileStem));
    mkdirSync(join(root, 'data'), { recursive: true });
    // No "news" pop-up over the screenshots (this server's own settings folder, see startServer).
    mkdirSync(join(root, '.settings', '@jupyterlab', 'apputils-extension'), { recursive: true });
    writeFileSync(join(root, '.settings', '@jupyterlab', 'apputils-extension', 'notification.jupyterlab-settings'), JSON.stringify({ fetchNews: 'false' }));
    const { installLabExtension } = await import('../../../src/widgets/labextension');
    installLabExtension(join(root, 'data'));
    server = await startServer(app, root, { JUPYTER_PATH: join(root, 'data'), PATH: `${join(VENV, 'bin')}:${process.env.PATH}` });
    browser = await launch();
    page = await newPage(browser, { viewport: { width: 1200, height: 1400 }, acceptDownloads: true });
    await page.goto(`${server.url}/${app === 'lab' ? 'lab/tree' : 'notebooks'}/figures.ipynb`);
    await page.waitForSelector('.jp-Notebook', { timeout: 90000 });
    await waitKernelIdle(server, 'figures.ipynb');
    await runAll(page, app);
    await page.waitForFunction((n) => [...document.querySelectorAll<HTMLElement>('.saddlelab-widget')].filter((e) => e.dataset.traces).length >= n, IDS.length, { timeout: 120000 });
  }, 300000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** The widget `id` (its element handle) and its plot's full layout, as Plotly holds it. */
  const widget = (id: (typeof IDS)[number]) => page.locator('.saddlelab-widget').nth(IDS.indexOf(id));
  const layout = (id: (typeof IDS)[number]) => widget(id).locator('.saddlelab-plot').evaluate((d) => (d as unknown as { _fullLayout: Record<string, any> })._fullLayout);
  const fullData = (id: (typeof IDS)[number]) =>
    widget(id).locator('.saddlelab-plot').evaluate((d) => (d as unknown as { _fullData: Array<Record<string, any>> })._fullData.map((t) => ({ name: t.name, visible: t.visible, legendgroup: t.legendgroup, x: t.x.length })));
  const shot = async (id: (typeof IDS)[number], name: string) => {
    await widget(id).scrollIntoViewIfNeeded();
    await record(widget(id), `${name}-${app}.png`);
  };

  test('Figure 1 as the paper draws it: snapshot steps and escapes told apart and explained; one panel per layer, one line per step', async () => {
    await diagnosed(page, `figure1-${app}`, server, async () => {
      const loss = await layout('loss');
      const marks = (loss.shapes as Array<{ name: string; line: { dash: string } }>).map((s) => s.name);
      expect(new Set(marks)).toEqual(new Set(['plateau', 'escape', 'snapshot step']));
      await expect(widget('loss').locator('.saddlelab-caption').textContent()).resolves.toMatch(/Dashed vertical lines: escapes.*Dotted vertical lines, labelled by step: the snapshot steps/);
      // The loss axis: full labels, the ones the description gives.
      expect(loss.yaxis.ticktext.every((t: string) => /^(\d|0\.|10|[1-9]×10)/.test(t))).toBe(true);
      const snaps = await fullData('snapshots');
      const panels = Object.keys(await layout('snapshots')).filter((k) => /^yaxis\d*$/.test(k)).length;
      expect(panels).toBe(4); // W1…W4 of the 5→50→50→50→5 network
      expect(snaps.length).toBe(4 * SNAPSHOTS.length);
      // Named by the record shown: the last at or before each snapshot step (records every 25 steps).
      expect(snaps.slice(0, SNAPSHOTS.length).map((t) => t.name)).toEqual(SNAPSHOTS.map((s) => `step ${Math.floor(s / 25) * 25}`));
      const l = await layout('snapshots');
      expect([l.yaxis2.range, l.yaxis3.range, l.yaxis4.range]).toEqual([l.yaxis.range, l.yaxis.range, l.yaxis.range]);
      await shot('loss', 'figure1-loss');
      await shot('snapshots', 'figure1-snapshots');
    });
  });

  test('two runs: distinct names and colours, escapes in each run\'s colour', async () => {
    await diagnosed(page, `two-runs-${app}`, server, async () => {
      const runs = await fullData('two-runs');
      expect(runs.map((t) => t.name)).toEqual(['run (gamma 1.5)', 'run (gamma 1.25)']);
      const l = await layout('two-runs');
      const escapes = (l.shapes as Array<{ line: { dash: string; color: string } }>).filter((s) => s.line?.dash === 'dash').map((s) => s.line.color);
      expect(new Set(escapes).size).toBe(2);
      await shot('two-runs', 'two-runs');
    });
  });

  test('log switches, smoothing, s_i/s_1, layer toggles and legend groups act on the plot', async () => {
    await diagnosed(page, `view-controls-${app}`, server, async () => {
      const loss = widget('loss');
      await loss.locator('input.saddlelab-log-x').check();
      await eventually(async () => (await layout('loss')).xaxis.type, (v) => expect(v).toBe('log'));
      await loss.locator('input.saddlelab-log-y').uncheck();
      await eventually(async () => (await layout('loss')).yaxis.type, (v) => expect(v).toBe('linear'));
      await loss.locator('input.saddlelab-smoothing').fill('100');
      await loss.locator('input.saddlelab-smoothing').press('Enter');
      await loss.locator('input.saddlelab-smoothing').blur();
      await eventually(async () => (await fullData('loss')).map((t) => t.name), (v) => expect(v).toContainEqual(expect.stringMatching(/^run-\d+ \(smoothed over 100 steps\)$/)));
      const snaps = widget('snapshots');
      await snaps.locator('input.saddlelab-relative').check();
      await eventually(async () => (await layout('snapshots')).yaxis.title.text, (v) => expect(v).toBe('sᵢ / s₁'));
      await snaps.locator('input.saddlelab-layer[data-layer="2"]').uncheck();
      await eventually(async () => (await fullData('snapshots')).length, (v) => expect(v).toBe(3 * SNAPSHOTS.length));
      // Clicking a legend entry hides that step's line in every panel.
      await snaps.locator('.legend .traces').first().locator('.legendtoggle').click();
      await eventually(async () => (await fullData('snapshots')).filter((t) => t.visible === 'legendonly').length, (v) => expect(v).toBe(3));
    });
  });

  test('zoom is linked across a dashboard\'s panels; the cursor shows its step and values', async () => {
    await diagnosed(page, `dashboard-${app}`, server, async () => {
      const dash = widget('dashboard');
      await dash.scrollIntoViewIfNeeded();
      const before = (await layout('dashboard')).xaxis.range as number[];
      // The loss panel's drag area, scrolled into view (Notebook 7 puts a long output in a scrolled box).
      const drag = dash.locator('.saddlelab-plot .nsewdrag').first();
      await drag.scrollIntoViewIfNeeded();
      const box = (await drag.boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.5);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.5, { steps: 8 });
      await page.mouse.up();
      await eventually(async () => (await layout('dashboard')).xaxis.range[1] - (await layout('dashboard')).xaxis.range[0], (v) => expect(v).toBeLessThan((before[1] - before[0]) / 2));
      const l = await layout('dashboard');
      for (const ax of ['xaxis2', 'xaxis3', 'xaxis4', 'xaxis5']) expect(l[ax].range).toEqual(l.xaxis.range);
      await dash.locator('input.saddlelab-scrubber').evaluate((e) => {
        const s = e as HTMLInputElement;
        s.value = '1000';
        s.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await eventually(() => dash.locator('.saddlelab-readout').textContent(), (v) => expect(v).toMatch(/^step 1000 · loss \S+ · W₁: s1 \S+, s2 \S+/));
      await shot('dashboard', 'dashboard');
      const law = widget('law');
      await law.locator('input.saddlelab-scrubber').evaluate((e) => {
        const s = e as HTMLInputElement;
        s.value = '600';
        s.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await eventually(async () => (await layout('law')).title.text, (v) => expect(v).toMatch(/^Layer law \(Theorem 3.1\) of the weights Wℓ at step 600 /));
    });
  });

  test('export: CSV, JSON, PNG and SVG of what the plot shows, under names that say what it is', async () => {
    await diagnosed(page, `export-${app}`, server, async () => {
      const w = widget('snapshots');
      for (const ext of ['csv', 'json', 'png', 'svg']) {
        const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }), w.locator(`button[data-export="${ext}"]`).click()]);
        expect(download.suggestedFilename()).toBe(`${files.get('snapshots')}.${ext}`);
        const path = join(root, download.suggestedFilename());
        await download.saveAs(path);
        const bytes = readFileSync(path);
        if (ext === 'csv') expect(bytes.toString().split('\n')[0]).toBe('panel,series,x_name,x,y_name,y');
        if (ext === 'json') expect(JSON.parse(bytes.toString()).kind).toBe('SpectrumPlot');
        if (ext === 'png') expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
        if (ext === 'svg') expect(bytes.toString()).toMatch(/^<svg/);
      }
      expect(files.get('snapshots')).toMatch(/^run-\d+-SpectrumPlot-snapshots-step2500$/);
    });
  });
});
