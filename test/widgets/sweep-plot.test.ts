/**
 * SweepPlot: its figure description (means and error bars from sweep.aggregate, Wilson intervals
 * for rates, reference slopes, a caption that says what is averaged), points that appear as a real
 * sweep's runs finish (replayed into the browser model), the final figure in the output, export,
 * and bad options.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SweepRow } from '../../src/sweep/point';
import { aggregate, wilson } from '../../src/sweep/stats';
import { sweep } from '../../src/sweep/sweep';
import { SweepPlot } from '../../src/widgets';
import type { SweepPlotOptions } from '../../src/widgets/sweep-plot';
import { describeFigure, figureCsv } from '../../src/widgets/figure';
import { replay } from './browser-side';
import { createFakeKernel } from './fake-kernel';

const row = (id: string, params: SweepRow['params'], metrics: SweepRow['metrics'], status: 'done' | 'failed' = 'done'): SweepRow => ({ id, index: 0, kind: 'train', status, params, metrics, seconds: 1, backend: 'cpu' });

/** A plateau time t = K·σ^−(L−2) per seed: depth 3 slope −1, depth 4 slope −2. */
function plateauRows(): SweepRow[] {
  const rows: SweepRow[] = [];
  for (const depth of [3, 4]) for (const scale of [0.01, 0.03, 0.1]) for (const seed of [0, 1, 2]) {
    rows.push(row(`${depth}-${scale}-${seed}`, { 'model.init.scale': scale, seed }, { depth, firstEscapeTime: (1 + 0.2 * seed) * scale ** -(depth - 2) }));
  }
  rows.push(row('failed', { 'model.init.scale': 0.01, seed: 9 }, {}, 'failed'));
  return rows;
}

const opts = { x: 'model.init.scale', y: 'firstEscapeTime', group: 'depth', average: 'geometric' as const, logX: true, logY: true, staticFigure: false };

describe('figure', () => {
  it('one line per group through the averages of sweep.aggregate, an error bar per point, a reference slope', () => {
    const plot = new SweepPlot(plateauRows(), { ...opts, references: [{ slope: -1, group: 3, label: 'slope −(L−2) = −1' }, { slope: -2, group: 4 }], kernel: createFakeKernel(false) });
    const fig = describeFigure(plot.state);
    const [panel] = fig.panels;
    expect(panel.x.type).toBe('log');
    expect(panel.y.type).toBe('log');
    const agg = aggregate(plateauRows(), { x: 'model.init.scale', y: 'firstEscapeTime', group: 'depth', average: 'geometric' });
    const means = panel.series.filter((s) => s.role === 'sweep');
    expect(means.map((s) => s.name)).toEqual(['depth L = 3', 'depth L = 4']);
    // Axes in words (figure/words.ts), references after the data (drawn above it).
    expect([panel.x.title, panel.y.title]).toEqual(['init scale σ', 'time of the first escape, t = Σ ηₖ']);
    expect(panel.series.slice(-2).map((s) => s.role)).toEqual(['reference', 'reference']);
    means.forEach((s, g) => {
      expect(Array.from(s.x)).toEqual(agg.groups[g].points.map((p) => p.x));
      expect(Array.from(s.y)).toEqual(agg.groups[g].points.map((p) => p.y));
      expect(s.markers).toBe(true);
    });
    const bars = panel.series.filter((s) => s.role === 'interval');
    expect(bars).toHaveLength(6);
    // Each bar is a vertical segment from lo to hi, in its group's legend group (one legend entry hides both).
    const b = bars[0];
    expect([b.x[0], b.x[1], b.y[0], b.y[1]]).toEqual([0.01, 0.01, agg.groups[0].points[0].lo, agg.groups[0].points[0].hi]);
    expect(b.group).toBe(means[0].group);
    expect(b.legend).toBe(false);
    const refs = panel.series.filter((s) => s.role === 'reference');
    expect(refs.map((s) => s.name)).toEqual(['slope −(L−2) = −1', 'slope -2']);
    // Through the group's first point, with the given slope on log–log axes.
    const r = refs[1];
    expect(r.y[0]).toBe(means[1].y[0]);
    expect(Math.log(r.y[1] / r.y[0]) / Math.log(r.x[1] / r.x[0])).toBeCloseTo(-2, 12);
    expect(r.dash).toBe('dash');
    expect(fig.caption).toMatch(/Time of the first escape, t = Σ ηₖ \(firstEscapeTime\) against init scale σ \(model.init.scale\) \(log x, log y\), one line per value of depth L \(depth\): each point is the geometric mean \(mean of log10\) over its rows \(n = 3 rows: seeds\), the bar ± one standard error of the mean of log10\./);
    expect(fig.caption).toMatch(/19 points done, 1 failed \(left out\)/);
    expect(fig.fileStem).toBe('sweep-SweepPlot-firstEscapeTime-vs-model.init.scale');
    expect(fig.title).toBe('sweep: time of the first escape, t = Σ ηₖ against init scale σ, by depth L');
    // Export: the CSV holds the means as drawn.
    expect(figureCsv(fig)).toContain(`,depth L = 4,init scale σ,0.1,`);
  });

  it('a success rate pools hits and trials over seeds, with the Wilson interval as its bar, on a linear axis', () => {
    const rows = [row('a', { width: 4, seed: 0 }, { hits: 3, starts: 20 }), row('b', { width: 4, seed: 1 }, { hits: 5, starts: 20 }), row('c', { width: 8, seed: 0 }, { hits: 20, starts: 20 })];
    const fig = describeFigure(new SweepPlot(rows, { x: 'width', success: { hits: 'hits', trials: 'starts' }, name: 'example-1', staticFigure: false, kernel: createFakeKernel(false) }).state);
    const [panel] = fig.panels;
    expect(panel.y.type).toBe('linear');
    expect(panel.x.integer).toBe(true);
    const [mean] = panel.series.filter((s) => s.role === 'sweep');
    expect(Array.from(mean.y)).toEqual([0.2, 1]);
    const w = wilson(8, 40);
    const bar = panel.series.find((s) => s.role === 'interval')!;
    expect(Array.from(bar.y)).toEqual([w.lo, w.hi]);
    expect(fig.caption).toMatch(/Success rate, starts reaching the target speed \(hits\) \/ starts \(starts\), against width \(width\) \(linear x, linear y\): each point pools the trials of its rows \(n = 20–40 trials\), with its 95 % Wilson score interval/);
    expect(panel.y.title).toBe('success rate');
    expect(fig.fileStem).toBe('example-1-SweepPlot-hits-rate-vs-width');
  });
});

describe('live', () => {
  it('points appear as the runs of a real sweep finish; the browser draws what the kernel has; the final figure replaces the first', async () => {
    const kernel = createFakeKernel();
    const plot = new SweepPlot([], { x: 'width', success: { hits: 'hits', trials: 'starts' }, kernel, interval: 0, staticFigure: false });
    plot.display();
    const comm = kernel.comms[0];
    const counts: number[] = [];
    const result = await sweep(
      { kind: 'escape', base: { data: { circleToy: {} }, depth: 3, starts: 4, steps: 200 }, grid: { width: [2, 4] }, seeds: 2, summary: { target: { speed: 0.5, tolerance: 0.005 } } },
      {
        out: mkdtempSync(join(tmpdir(), 'saddlelab-sweepplot-')),
        workers: 0,
        log: false,
        onPoint: (r, p) => {
          plot.onPoint(r, p);
          counts.push((replay(comm.opened, comm.sent).sweep?.rows.length) ?? 0);
        },
      },
    );
    // One more row in the browser after each finished point.
    expect(counts).toEqual([1, 2, 3, 4]);
    const browser = replay(comm.opened, comm.sent);
    expect(describeFigure(browser).panels).toEqual(describeFigure(plot.state).panels);
    expect(browser.sweep!.total).toBe(4);
    expect(describeFigure(browser).caption).toMatch(/4 of 4 points done/);
    expect(result.rows).toHaveLength(4);
    // Once complete, the output's figure is replaced by the final one (update_display_data).
    expect(kernel.updates).toHaveLength(1);
    expect(kernel.updates[0].bundle['text/plain']).toMatch(/\(4\/4 points\)/);
    plot.close();
  });

  it('rows done before a resumed sweep are drawn at once, and updates are batched by the interval', async () => {
    const kernel = createFakeKernel();
    const plot = new SweepPlot([], { x: 'width', y: 'speed', kernel, interval: 60_000, staticFigure: false });
    plot.display();
    const comm = kernel.comms[0];
    for (let i = 0; i < 50; i++) plot.onPoint(row(`r${i}`, { width: i % 5 }, { speed: i }), { total: 100, skipped: i + 1, finished: 0, failed: 0, running: 0 });
    // The first row goes out at once, the other 49 wait for the interval (one update, not 49).
    expect(comm.sent.filter((m) => m.data.method === 'update')).toHaveLength(1);
    plot.onPoint(row('r50', { width: 0 }, { speed: 1 }), { total: 51, skipped: 50, finished: 1, failed: 0, running: 0 });
    // Complete: everything goes out now.
    expect(replay(comm.opened, comm.sent).sweep!.rows).toHaveLength(51);
    plot.close();
  });
});

it.each([
  [{ y: 'speed' }, /options.x must be the name of a field/],
  [{ x: 'width' }, /options.y must be a metric name, or options.success/],
  [{ x: 'width', y: 'speed', average: 'median' }, /options.average must be 'arithmetic' or 'geometric'/],
  [{ x: 'width', y: 'speed', references: [{ slope: 'steep' }] }, /options.references\[0\].slope must be a finite number/],
  [{ x: 'width', y: 'speed', colour: 'red' }, /options.colour must be one of the known options/],
])('bad options %j', (options, message) => {
  expect(() => new SweepPlot([], { ...(options as SweepPlotOptions), kernel: createFakeKernel(false) })).toThrow(message);
});
