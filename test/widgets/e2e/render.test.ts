/**
 * The browser extension in a real JupyterLab 4 and a real Notebook 7, in
 * Chromium: a Python kernel (ipykernel, from the local wheels) opens
 * `jupyter.widget` comms with the exact state and binary buffers the
 * kernel-side widgets produce, and every view must draw the traces its figure description gives.
 * This checks the extension on its own; the saddlelab kernel's end-to-end
 * test (training.test.ts) checks the whole chain.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { LayerLawPlot, LossPlot, SpectrumPlot, TrainingDashboard } from '../../../src/widgets';
import { describeFigure } from '../../../src/widgets/figure';
import { describeOutside } from '../../outside';
import { plotlyFigure } from '../../../widgets/src/plotly-figure';

const figure = (state: Parameters<typeof describeFigure>[0]) => plotlyFigure(describeFigure(state));
import { createFakeKernel } from '../fake-kernel';
import { addStep, staircase } from '../histories';
import { launch, missing, newPage, notebook, record, runAll, type Server, startServer, VENV, waitKernelIdle, writeStatesNotebook } from './jupyter';

const why = missing();
const maybe = describeOutside('the widget e2e render tests', why);

const GROW = `
import json, base64, time
from comm import create_comm
from IPython.display import display
d = json.load(open('grow.json'))
b64 = lambda bs: [base64.b64decode(b) for b in bs]
c = create_comm(target_name='jupyter.widget', data=d['open']['data'], metadata={'version': '2.1.0'}, buffers=b64(d['open']['buffers']))
display({'application/vnd.jupyter.widget-view+json': {'version_major': 2, 'version_minor': 1, 'model_id': c.comm_id}, 'text/plain': 'dashboard'}, raw=True)
import os
while not os.path.exists('go'):  # the test creates it once the first state is drawn
    time.sleep(0.1)
for m in d['sent']:
    c.send(data=m['data'], buffers=b64(m['buffers']))
    time.sleep(0.3)
`;

const b64 = (bs: ArrayBufferView[]) => bs.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64'));

maybe.each(['lab', 'notebook'] as const)('widget views in %s', (app) => {
  let server: Server;
  let browser: Browser;
  let expected: number[];
  let grown: { points: number; traces: number };
  const root = mkdtempSync(join(tmpdir(), `saddlelab-render-${app}-`));

  beforeAll(async () => {
    const h = staircase(400, 4);
    const kernel = createFakeKernel();
    const widgets = [
      new LossPlot(h, { kernel, markSteps: [100, 200], staticFigure: false }),
      new SpectrumPlot(h, { kernel, staticFigure: false }),
      new SpectrumPlot(h, { kernel, mode: 'snapshot', steps: [100, 200, 380], staticFigure: false }),
      new LayerLawPlot(h, { kernel, staticFigure: false }),
      new TrainingDashboard(h, { kernel, staticFigure: false }),
    ];
    for (const w of widgets) w.display();
    expected = widgets.map((w) => figure(w.state).data.length);
    writeStatesNotebook(kernel, root, 'render.ipynb');
    // A dashboard that grows: the kernel-side widget's own append messages, replayed.
    const live = staircase(0, 3);
    const k2 = createFakeKernel();
    for (let t = 0; t < 40; t++) addStep(live, t, 300, 3, 30);
    const dash = new TrainingDashboard(live, { kernel: k2, interval: 1e9, staticFigure: false });
    dash.display();
    for (let t = 40; t < 300; t++) {
      addStep(live, t, 300, 3, 30);
      if (t % 40 === 39) dash.flush();
    }
    dash.flush();
    const comm = k2.comms[0];
    grown = { points: live.length, traces: figure(dash.state).data.length };
    writeFileSync(join(root, 'grow.json'), JSON.stringify({ open: { data: comm.opened.data, buffers: b64(comm.opened.buffers) }, sent: comm.sent.map((m) => ({ data: m.data, buffers: b64(m.buffers) })) }));
    writeFileSync(join(root, 'grow.ipynb'), notebook([GROW], { name: 'python3', display_name: 'Python 3', language: 'python' }));
    // The extension is found through JUPYTER_PATH, as `saddlelab install` would place it in a data folder.
    mkdirSync(join(root, 'data'), { recursive: true });
    const { installLabExtension } = await import('../../../src/widgets/labextension');
    installLabExtension(join(root, 'data'));
    server = await startServer(app, root, { JUPYTER_PATH: join(root, 'data'), PATH: `${join(VENV, 'bin')}:${process.env.PATH}` });
    browser = await launch();
  }, 180000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('every view draws the traces figure() computes for the kernel state', async () => {
    const page = await newPage(browser, { viewport: { width: 1300, height: 1600 } });
    const errors: string[] = [];
    // Only errors from saddlelab's code count (Notebook 7 itself logs a settings-schema error here).
    page.on('pageerror', (e) => /saddlelab|remoteEntry/.test(String(e.stack)) && errors.push(`${e} @ ${String(e.stack).slice(0, 600)}`));
    page.on('console', (m) => m.type() === 'error' && /saddlelab/i.test(m.text()) && errors.push(m.text()));
    await page.goto(`${server.url}/${app === 'lab' ? 'lab/tree' : 'notebooks'}/render.ipynb`);
    await page.waitForSelector('.jp-Notebook', { timeout: 90000 });
    await waitKernelIdle(server, 'render.ipynb');
    await runAll(page, app);
    await page.waitForFunction(() => document.querySelectorAll('.saddlelab-widget .main-svg').length >= 5, undefined, { timeout: 90000 });
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.saddlelab-widget')].every((e) => e.dataset.traces), undefined, { timeout: 60000 });
    const traces = await page.$$eval('.saddlelab-widget', (els) => els.map((e) => Number((e as HTMLElement).dataset.traces)));
    expect(traces).toEqual(expected);
    // Plotly drew each trace (scatter layers in the plot SVG).
    const drawn = await page.$$eval('.saddlelab-widget', (els) => els.map((e) => e.querySelectorAll('.scatterlayer .trace').length));
    expect(drawn).toEqual(expected);
    await record(page, `widgets-render-${app}.png`);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('the kernel-side append messages grow the traces in place', async () => {
    const page = await newPage(browser, { viewport: { width: 1300, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => /saddlelab|remoteEntry/.test(String(e.stack)) && errors.push(String(e)));
    // ?reset: JupyterLab would otherwise restore the other notebook's tab, with its widgets, beside it.
    await page.goto(`${server.url}/${app === 'lab' ? 'lab/tree' : 'notebooks'}/grow.ipynb${app === 'lab' ? '?reset' : ''}`);
    await page.waitForSelector('.jp-Notebook', { timeout: 90000 });
    await waitKernelIdle(server, 'grow.ipynb');
    await runAll(page, app);
    await page.waitForSelector('.saddlelab-widget .main-svg', { timeout: 90000 });
    await page.waitForFunction(() => (document.querySelector('.saddlelab-widget') as HTMLElement).dataset.points, undefined, { timeout: 60000 });
    const first = await page.$eval('.saddlelab-widget', (e) => Number((e as HTMLElement).dataset.points));
    expect(first).toBe(40);
    // Every size the view draws, recorded in the page (polling from here would miss draws under load).
    await page.evaluate(() => {
      const el = document.querySelector('.saddlelab-widget') as HTMLElement;
      const w = window as unknown as { __sizes: number[] };
      w.__sizes = [Number(el.dataset.points)];
      new MutationObserver(() => w.__sizes.push(Number(el.dataset.points))).observe(el, { attributes: true, attributeFilter: ['data-points'] });
    });
    writeFileSync(join(root, 'go'), '');
    await page.waitForFunction((n) => Number((document.querySelector('.saddlelab-widget') as HTMLElement).dataset.points) >= n, grown.points, { timeout: 60000 });
    const points = await page.$eval('.saddlelab-widget', (e) => Number((e as HTMLElement).dataset.points));
    const seen = new Set(await page.evaluate(() => (window as unknown as { __sizes: number[] }).__sizes));
    expect(points).toBe(grown.points);
    // It grew in steps (several intermediate sizes were drawn), not in one redraw at the end.
    expect(seen.size).toBeGreaterThan(3);
    const traces = await page.$eval('.saddlelab-widget', (e) => e.querySelectorAll('.scatterlayer .trace').length);
    expect(traces).toBe(grown.traces);
    await record(page, `widgets-grow-${app}.png`);
    expect(errors).toEqual([]);
    await page.close();
  });
});
