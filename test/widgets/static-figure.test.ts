import { PNG } from 'pngjs';
import { LayerLawPlot, LossPlot, SpectrumPlot, TrainingDashboard } from '../../src/widgets';
import { createHistory } from '../../src/train/history';
import { describeFigure } from '../../src/widgets/figure';
import { svgToPng } from '../../src/widgets/png-render';
import { STATIC_MAX_POINTS, figureSvg } from '../../src/widgets/static-figure';
import { renderFigureSvg, wrapText } from '../../src/widgets/svg-figure';
import { createFakeKernel } from './fake-kernel';
import { staircase } from './histories';

const opts = () => ({ kernel: createFakeKernel(false), staticFigure: false });

/** The panels of an SVG: per panel, its frame, the points of each series path, tick labels and marks. */
function panels(svg: string) {
  return svg.split('<g class="panel"').slice(1).map((g) => {
    const frame = /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="#fff"/.exec(g)!.slice(1).map(Number);
    const series = [...g.matchAll(/<path class="series (\w[\w-]*)" data-name="([^"]*)" d="([^"]*)" fill="none" stroke="([^"]+)"/g)].map((m) => ({
      role: m[1],
      name: m[2],
      color: m[4],
      points: [...m[3].matchAll(/[ML]([-\d.]+) ([-\d.]+)/g)].map((p) => [Number(p[1]), Number(p[2])]),
    }));
    const ticks = (axis: 'x' | 'y') => [...g.matchAll(new RegExp(`<text class="tick ${axis}"[^>]*>([^<]*)</text>`, 'g'))].map((m) => m[1]);
    const marks = (role: string) => [...g.matchAll(new RegExp(`<(?:line|rect) class="mark ${role}"`, 'g'))].length;
    return { id: /data-panel="([^"]*)"/.exec(g)![1], frame: { x: frame[0], y: frame[1], w: frame[2], h: frame[3] }, series, xTicks: ticks('x'), yTicks: ticks('y'), marks };
  });
}

/** Legend labels (an entry wider than the legend is wrapped onto several tspans: joined back with spaces). */
const legend = (svg: string) => [...svg.matchAll(/<g class="legend-item">.*?<text[^>]*>(.*?)<\/text><\/g>/g)].map((m) => [...m[1].matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((t) => t[1]).join(' '));

describe('static figure: the figure description drawn as SVG', () => {
  test('LossPlot of two runs: a path per run in its colour, escapes and snapshot steps as marks, a complete legend, the caption', () => {
    const a = staircase(600, 2);
    const b = staircase(400, 2);
    const state = new LossPlot([a, b], { ...opts(), markSteps: [100], overlay: true }).state;
    const desc = describeFigure(state, { maxPoints: STATIC_MAX_POINTS });
    const svg = figureSvg(state);
    const [p] = panels(svg);
    const lossSeries = desc.panels[0].series;
    expect(p.series.map((s) => [s.name, s.color])).toEqual(lossSeries.map((s) => [s.name, s.color]));
    expect(new Set(p.series.map((s) => s.color)).size).toBe(2);
    const count = (role: string) => desc.panels[0].marks.filter((m) => m.role === role).length;
    expect(count('escape')).toBeGreaterThan(0);
    expect(p.marks('escape')).toBe(count('escape'));
    expect(p.marks('plateau')).toBe(count('plateau'));
    expect(p.marks('snapshot')).toBe(1);
    // Every run and every kind of mark has its legend entry.
    expect(legend(svg)).toEqual([...lossSeries.filter((s) => s.legend).map((s) => s.name), ...desc.legend.map((e) => e.label)]);
    expect(legend(svg)).toEqual(expect.arrayContaining(['escape', 'snapshot step', 'plateau']));
    // The ticks are the description's, the caption is there.
    expect(p.yTicks).toEqual(desc.panels[0].y.ticks.map((t) => t.label));
    expect(svg).toContain('Dashed vertical lines: escapes');
  });

  test('axes are fitted to the data: a loss between 0.45 and 0.6 fills the panel and gets readable ticks below 1', () => {
    const h = createHistory({ name: 'narrow', activation: 'linear', dims: [2, 2], depth: 1, config: {} });
    for (let t = 0; t < 300; t++) h.addStep({ step: t, loss: 0.45 + 0.15 * Math.exp(-t / 60), paramNorm: 1, lr: 0.1 });
    const [p] = panels(figureSvg(new LossPlot(h, opts()).state));
    const ys = p.series[0].points.map(([, y]) => y);
    const xs = p.series[0].points.map(([x]) => x);
    // A fixed 0.1–1 axis would squeeze this curve into a fifth of the panel.
    expect((Math.max(...ys) - Math.min(...ys)) / p.frame.h).toBeGreaterThan(0.8);
    expect((Math.max(...xs) - Math.min(...xs)) / p.frame.w).toBeGreaterThan(0.99);
    expect(p.yTicks.length).toBeGreaterThanOrEqual(2);
    for (const label of p.yTicks) expect(Number(label)).toBeLessThan(1);
    // No overlapping bare digits: every label is a full number.
    for (const label of p.yTicks) expect(label).toMatch(/^0\.\d+$/);
  });

  test('every kind renders, PNG decodes, with one panel per shown layer and the same series as the description', () => {
    const h = staircase(500, 4);
    const widgets = [new SpectrumPlot(h, opts()), new SpectrumPlot(h, { ...opts(), mode: 'snapshot', steps: [60, 480] }), new LayerLawPlot(h, opts()), new TrainingDashboard(h, undefined, opts())];
    for (const w of widgets) {
      const desc = describeFigure(w.state, { maxPoints: STATIC_MAX_POINTS });
      const svg = figureSvg(w.state);
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+"/);
      const ps = panels(svg);
      expect(ps.map((p) => p.id)).toEqual(desc.panels.map((p) => p.id));
      ps.forEach((p, i) => expect(p.series.length).toBe(desc.panels[i].series.filter((s) => s.x.length).length));
      const { png, width, height } = svgToPng(svg);
      const img = PNG.sync.read(Buffer.from(png));
      expect([img.width, img.height]).toEqual([2 * width, 2 * height]);
    }
  });

  test('snapshot panels: the index axis is labelled with integers only', () => {
    for (const k of [2, 3, 12]) {
      const h = createHistory({ name: 'k', activation: 'linear', dims: [3, 3, 3], depth: 2, config: {} });
      for (let t = 0; t < 50; t++) {
        h.addStep({ step: t, loss: 1 / (t + 1), paramNorm: 1, lr: 1 });
        if (t % 10 === 0) h.addRecord({ step: t, loss: 1 / (t + 1), paramNorm: 1, weights: [0, 1].map((l) => Float64Array.from({ length: k }, (_, i) => ((l + 2) * (t + 1)) / (i + 1))) });
      }
      const ps = panels(figureSvg(new SpectrumPlot(h, { ...opts(), mode: 'snapshot', steps: [10, 40] }).state));
      expect(ps).toHaveLength(2);
      for (const p of ps) {
        expect(p.xTicks.length).toBeGreaterThan(1);
        for (const t of p.xTicks) expect(t).toMatch(/^\d+$/);
      }
    }
  });

  test('long series are thinned to STATIC_MAX_POINTS, keeping the last point', () => {
    const h = staircase(6000, 2, 1000);
    const [p] = panels(figureSvg(new LossPlot(h, opts()).state));
    expect(p.series[0].points.length).toBeLessThanOrEqual(STATIC_MAX_POINTS);
    const desc = describeFigure(new LossPlot(h, opts()).state, { maxPoints: STATIC_MAX_POINTS });
    const last = p.series[0].points[p.series[0].points.length - 1];
    expect(last[0]).toBeCloseTo(p.frame.x + p.frame.w, 0);
    expect(desc.panels[0].series[0].x[desc.panels[0].series[0].x.length - 1]).toBe(5999);
  });

  test('a run that stopped early: its end mark, label and [saddlelab] message in red', () => {
    const h = staircase(300, 2);
    const state = { ...new LossPlot(h, opts()).state, ends: [{ reason: 'stopped' as const, step: 299, message: '[saddlelab] training stopped after step 299' }] };
    const svg = figureSvg(state);
    expect(panels(svg)[0].marks('end')).toBe(1);
    expect(svg).toMatch(/<text class="mark-label end"[^>]*>stopped at step 299<\/text>/);
    expect(svg).toMatch(/<text class="note"[^>]*fill="#b00020">\[saddlelab\] training stopped after step 299<\/text>/);
  });

  test('text is escaped, and long captions wrap', () => {
    const h = staircase(100, 2);
    h.meta.name = 'a<b & "c"';
    const svg = figureSvg(new LossPlot(h, opts()).state);
    expect(svg).toContain('a&lt;b &amp; &quot;c&quot;');
    expect(svg).not.toContain('a<b');
    expect(wrapText('one two three four five six', 80, 10)).toEqual(['one two three', 'four five six']);
    // An empty figure (no data yet) still renders.
    expect(renderFigureSvg(describeFigure(new LossPlot(createHistory({ name: 'e', activation: 'linear', dims: [1, 1], depth: 1, config: {} }), opts()).state))).toMatch(/^<svg/);
  });
});
