/**
 * The browser's cost of one live update at 10⁵ points per trace: the real
 * labextension bundle (as `npm run build` leaves it in widgets/labextension/)
 * in headless Chromium, one model and view on a stand-in comm
 * (widgets/bench/browser-page.ts), fed the kernel's wire messages: a comm_open
 * state of `points` points per trace, then `updates` appends of `perUpdate`
 * points each (the dashboard: as many spectrum records too), each delivered
 * once the previous one is drawn.
 *
 * Per update it reports the main thread's busy time (Chrome's `TaskDuration`
 * over the update: the model's merge, the view's redraw, Plotly, style, layout
 * and paint) and the time from delivery to drawn; per scenario the median and
 * range over every update of every repeat (a fresh page each), after
 * `warmup` updates per page; and the machine's load (/proc/loadavg) before
 * and after, since the machine is shared.
 *
 *   npm run build && npx esbuild widgets/bench/browser-updates.ts --bundle --platform=node \
 *     --external:playwright-core --external:esbuild --outfile=.cache/bench/browser-updates.js \
 *     && node .cache/bench/browser-updates.js [points=100000] [updates=20] [repeats=3] [plotly]
 *
 * SADDLELAB_LABEXTENSION=<dir> drives another build of the extension (an older commit's, to compare).
 * With `plotly`, each scenario is also drawn by Plotly alone (the same first figure in a bare div,
 * each update's points handed to Plotly.extendTraces, computed outside the measurement): the floor
 * that any view calling extendTraces pays.
 *
 * Prints one JSON line per scenario.
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type CDPSession, type Page } from 'playwright-core';
import type { BenchApi } from './browser-page';

/** Run from the repository root (the bundled script lives in .cache/bench/). */
const ROOT = process.cwd();
/** The labextension to drive: this checkout's, or another build's (SADDLELAB_LABEXTENSION=dir, to compare two versions). */
const EXTENSION = process.env.SADDLELAB_LABEXTENSION ?? join(ROOT, 'widgets/labextension');
const points = Number(process.argv[2] ?? 100000);
const updates = Number(process.argv[3] ?? 20);
const repeats = Number(process.argv[4] ?? 3);
const warmup = 2;
/** Also time Plotly.extendTraces alone on the same figure (`plotly` as the fifth argument). */
const withPlotlyAlone = process.argv[5] === 'plotly';
const SCENARIOS = [
  { kind: 'LossPlot', perUpdate: 100, layers: 0, k: 0 },
  { kind: 'TrainingDashboard', perUpdate: 100, layers: 3, k: 4 },
] as const;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x: number) => Math.round(x * 10) / 10;
const summary = (xs: number[]) => ({ median: round(median(xs)), min: round(Math.min(...xs)), max: round(Math.max(...xs)) });
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

async function taskMs(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return (metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000;
}

declare const saddlelabBench: BenchApi;

async function main(): Promise<void> {
  const manifest = JSON.parse(readFileSync(join(EXTENSION, 'package.json'), 'utf8'));
  const entry = readFileSync(join(EXTENSION, manifest.jupyterlab._build.load), 'utf8');
  const page = await build({ entryPoints: [join(ROOT, 'widgets/bench/browser-page.ts')], bundle: true, format: 'iife', platform: 'browser', write: false, logLevel: 'warning', define: { 'process.env.NODE_ENV': '"production"' } });
  const pageJs = page.outputFiles[0].text;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    for (const [sc, alone] of SCENARIOS.flatMap((sc) => (withPlotlyAlone ? [[sc, false], [sc, true]] as const : [[sc, false]] as const))) {
      const cpu: number[] = [];
      const latency: number[] = [];
      const firstDraw: number[] = [];
      const describes: number[] = [];
      let sent: unknown;
      const before = load();
      for (let r = 0; r < repeats; r++) {
        const p: Page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
        const errors: string[] = [];
        p.on('pageerror', (e) => errors.push(String(e)));
        await p.setContent('<!doctype html><html><body></body></html>');
        await p.addScriptTag({ content: entry });
        await p.addScriptTag({ content: pageJs });
        const cdp = await p.context().newCDPSession(p);
        await cdp.send('Performance.enable');
        const args = { ...sc, points };
        if (alone) firstDraw.push(await p.evaluate((a) => saddlelabBench.loadPlotly(a.kind, a.points, a.perUpdate, a.layers, a.k), args));
        else firstDraw.push(await p.evaluate((a) => saddlelabBench.load(a.kind, a.points, a.perUpdate, a.layers, a.k), args));
        const d0 = Number((await p.evaluate(() => saddlelabBench.dataset())).describes ?? NaN);
        for (let u = 0; u < updates; u++) {
          if (alone) await p.evaluate((i) => saddlelabBench.preparePlotly(i), u);
          const t0 = await taskMs(cdp);
          const ms = await (alone ? p.evaluate(() => saddlelabBench.stepPlotly()) : p.evaluate((i) => saddlelabBench.step(i), u));
          const t1 = await taskMs(cdp);
          if (u >= warmup) (cpu.push(t1 - t0), latency.push(ms));
        }
        describes.push(Number((await p.evaluate(() => saddlelabBench.dataset())).describes ?? NaN) - d0);
        if (r === 0 && !alone) sent = await p.evaluate(() => saddlelabBench.toggle());
        if (errors.length) throw new Error(`[saddlelab] bench page errors: ${errors.join('\n')}`);
        await p.close();
      }
      console.log(
        JSON.stringify({
          extension: EXTENSION,
          kind: sc.kind,
          drawn: alone ? 'Plotly.extendTraces alone' : 'saddlelab view',
          pointsPerTrace: points,
          traces: sc.kind === 'LossPlot' ? 1 : 1 + sc.layers * sc.k,
          perUpdate: sc.perUpdate,
          updates: `${updates - warmup} × ${repeats}`,
          cpuMsPerUpdate: summary(cpu),
          latencyMs: summary(latency),
          firstDrawMs: summary(firstDraw),
          fullRedescribes: describes,
          toggleSends: sent,
          loadavg: `${before} → ${load()}`,
        }),
      );
    }
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
