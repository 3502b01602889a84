/**
 * Shared reports: an executed notebook (nbclient, saving widget state) turned
 * into HTML and opened in Chromium with the network blocked. Plain nbconvert
 * shows the widget view, a blank box offline; writeReport shows every figure.
 * A Python kernel produces the outputs from the exact bundles the saddlelab
 * widgets display (widget view + text/plain + SVG), so this runs without the
 * saddlelab kernel; training.test.ts covers the saddlelab kernel itself.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { LayerLawPlot, LossPlot, SpectrumPlot, TrainingDashboard } from '../../../src/widgets';
import { writeReport } from '../../../src/widgets/report';
import { createFakeKernel } from '../fake-kernel';
import { staircase } from '../histories';
import { RESULTS, VENV, launch, missing, notebook } from './jupyter';

const why = missing();
const maybe = why ? describe.skip : describe;

const PY = `
import json, base64
from comm import create_comm
from IPython.display import display
comms = []
for d in json.load(open('states.json')):
    c = create_comm(target_name='jupyter.widget', data=d['data'], metadata={'version': '2.1.0'}, buffers=[base64.b64decode(b) for b in d['buffers']])
    comms.append(c)
    bundle = dict(d['bundle'])
    bundle['application/vnd.jupyter.widget-view+json'] = {'version_major': 2, 'version_minor': 1, 'model_id': c.comm_id}
    display(bundle, raw=True)
`;

maybe('nbconvert HTML report offline', () => {
  let browser: Browser;
  const root = mkdtempSync(join(tmpdir(), 'saddlelab-report-'));
  const nbPath = join(root, 'report.ipynb');

  beforeAll(async () => {
    const h = staircase(400, 4);
    const kernel = createFakeKernel();
    for (const w of [new LossPlot(h, { kernel }), new SpectrumPlot(h, { kernel }), new SpectrumPlot(h, { kernel, mode: 'snapshot', steps: [100, 380] }), new LayerLawPlot(h, { kernel }), new TrainingDashboard(h, undefined, { kernel })]) w.display();
    const states = kernel.comms.map((c, i) => {
      const { ['application/vnd.jupyter.widget-view+json']: _view, ...bundle } = kernel.displays[i].bundle;
      return { data: c.opened.data, buffers: c.opened.buffers.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64')), bundle };
    });
    writeFileSync(join(root, 'states.json'), JSON.stringify(states));
    writeFileSync(nbPath, notebook([PY], { name: 'python3', display_name: 'Python 3', language: 'python' }));
    execFileSync(join(VENV, 'bin', 'jupyter'), ['execute', '--inplace', nbPath], { cwd: root, stdio: 'pipe' });
    browser = await launch();
  }, 180000);

  afterAll(async () => {
    await browser?.close();
  });

  async function visibleFigures(html: string, shot: string): Promise<number> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1200 } });
    // Offline: only the file itself may load.
    await page.route('**/*', (route) => (route.request().url().startsWith('file://') ? route.continue() : route.abort()));
    await page.goto(`file://${html}`);
    await page.waitForTimeout(1000);
    const n = await page.$$eval('.jp-OutputArea-output svg.marks, .jp-OutputArea-output img', (els) => els.filter((e) => e.getBoundingClientRect().width > 100 && e.getBoundingClientRect().height > 100).length);
    await page.screenshot({ path: join(RESULTS, shot), fullPage: true });
    await page.close();
    return n;
  }

  test('the executed notebook saved the widget state, and plain nbconvert shows blank boxes offline', async () => {
    const nb = JSON.parse(readFileSync(nbPath, 'utf8'));
    const saved = nb.metadata.widgets['application/vnd.jupyter.widget-state+json'].state;
    expect(Object.values(saved).map((m: any) => m.model_name).sort()).toEqual(['LayerLawPlotModel', 'LossPlotModel', 'SpectrumPlotModel', 'SpectrumPlotModel', 'TrainingDashboardModel']);
    execFileSync(join(VENV, 'bin', 'jupyter'), ['nbconvert', '--to', 'html', '--output', 'plain', nbPath], { cwd: root, stdio: 'pipe' });
    expect(await visibleFigures(join(root, 'plain.html'), 'widgets-report-plain-nbconvert.png')).toBe(0);
  });

  test('writeReport keeps every static figure', async () => {
    const html = join(root, 'out', 'report.html');
    writeReport(nbPath, html);
    expect(await visibleFigures(html, 'widgets-report.png')).toBe(5);
  });
});
