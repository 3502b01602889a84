import { LayerLawPlot, LossPlot, SpectrumPlot, TrainingDashboard } from '../../src/widgets';
import { createHistory } from '../../src/train/history';
import { figureSpec, figureSvg, indexTicks, lawRows } from '../../src/widgets/static-figure';
import { createFakeKernel } from './fake-kernel';
import { staircase } from './histories';

const opts = () => ({ kernel: createFakeKernel(false), staticFigure: false });

/** The vega-lite layers/specs inside a spec, flattened. */
function parts(spec: any): any[] {
  return [spec, ...(spec.layer ?? []).flatMap(parts), ...(spec.vconcat ?? []).flatMap(parts), ...(spec.spec ? parts(spec.spec) : [])];
}

describe('static figure (vega-lite → SVG in Node)', () => {
  test('LossPlot: the same series, log scale and marks as the live view', () => {
    const h = staircase(300, 2);
    const w = new LossPlot(h, { ...opts(), markSteps: [40] });
    const state = w.state;
    const spec = figureSpec(state) as any;
    const line = parts(spec).find((p) => p.mark?.type === 'line');
    expect(line.encoding.y.scale.type).toBe('log');
    expect(line.data.values.map((r: any) => r.loss)).toEqual(Array.from(h.loss()));
    const rules = parts(spec).filter((p) => p.mark?.type === 'rule');
    expect(rules[0].data.values.map((r: any) => r.step)).toEqual(state.runs[0].escapes);
    expect(rules[1].data.values).toEqual([{ step: 40 }]);
    const svg = figureSvg(state);
    expect(svg.startsWith('<svg')).toBe(true);
    // One line path for the run, and the axis title.
    expect(svg).toContain('loss');
    expect((svg.match(/aria-roledescription="line mark"/g) ?? []).length).toBeGreaterThanOrEqual(1);
  });

  test('long series are thinned evenly, keeping the last point', () => {
    const h = staircase(5000, 2, 1000);
    const spec = figureSpec(new LossPlot(h, opts()).state) as any;
    const values = parts(spec).find((p) => p.mark?.type === 'line').data.values;
    expect(values.length).toBeLessThanOrEqual(1501);
    expect(values[values.length - 1].step).toBe(4999);
  });

  test('every kind renders to SVG', () => {
    const h = staircase(200, 4);
    for (const w of [new SpectrumPlot(h, opts()), new SpectrumPlot(h, { ...opts(), mode: 'snapshot', steps: [60, 180] }), new LayerLawPlot(h, opts()), new TrainingDashboard(h, undefined, opts())]) {
      const svg = figureSvg(w.state);
      expect(svg).toMatch(/^<svg[^>]*width="\d+"/);
      expect(svg.length).toBeGreaterThan(5000);
    }
  });

  test('snapshot mode: the index axis is labelled with integers only (k = 2 and k = 3)', () => {
    for (const k of [2, 3]) {
      const h = createHistory({ name: 'k', activation: 'linear', dims: [3, 3, 3], depth: 2, config: {} });
      for (let t = 0; t < 50; t++) {
        h.addStep({ step: t, loss: 1 / (t + 1), paramNorm: 1, lr: 1 });
        if (t % 10 === 0) h.addRecord({ step: t, loss: 1 / (t + 1), paramNorm: 1, weights: [0, 1].map((l) => Float64Array.from({ length: k }, (_, i) => (l + 2) * (t + 1) / (i + 1))) });
      }
      const svg = figureSvg(new SpectrumPlot(h, { ...opts(), mode: 'snapshot', steps: [10, 40] }).state);
      // Each x axis titled i: its role-axis-label group holds the tick labels.
      const axes = svg.split("X-axis titled 'i'").slice(1);
      expect(axes.length).toBe(2);
      const labels = axes.flatMap((a) => {
        const group = a.slice(a.indexOf('role-axis-label'), a.indexOf('role-axis-domain'));
        return [...group.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
      });
      expect(labels.length).toBeGreaterThan(0);
      for (const t of labels) expect(t).toMatch(/^\d+$/);
      expect(new Set(labels)).toEqual(new Set(indexTicks(k).map(String)));
    }
    expect(indexTicks(2)).toEqual([1, 2]);
    expect(indexTicks(25)).toEqual([1, 4, 7, 10, 13, 16, 19, 22, 25]);
  });

  test('layer law rows: reference slopes through layer 1', () => {
    const h = staircase(100, 8);
    const rows = lawRows(new LayerLawPlot(h, opts()).state);
    const of = (q: string) => rows.filter((r) => r.quantity === q).map((r) => r.value as number);
    const ratio = of('s1/s2');
    of('ℓ^(1/4)').forEach((v, l) => expect(v).toBeCloseTo(ratio[0] * Math.pow(l + 1, 0.25), 12));
    const energy = of('energy outside s1');
    of('ℓ^(−1/2)').forEach((v, l) => expect(v).toBeCloseTo(energy[0] * Math.pow(l + 1, -0.5), 12));
  });
});
