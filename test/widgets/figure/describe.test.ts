/**
 * The figure description of every widget kind, from states built by the real
 * kernel-side widgets: what is drawn, in which colours, with which marks,
 * legends, captions, fitted ranges and readouts.
 */
import { createHistory } from '../../../src/train/history';
import { LayerLawPlot, LossPlot, SpectrumPlot, TrainingDashboard } from '../../../src/widgets';
import { RUN_COLORS, timeColor } from '../../../src/widgets/contract';
import { describeFigure, distinctNames, exportFileName, figureCsv, figureJson } from '../../../src/widgets/figure';
import { layerLaw } from '../../../src/widgets/series';
import type { PlotState } from '../../../src/widgets/state';
import { createFakeKernel } from '../fake-kernel';
import { staircase } from '../histories';

const opts = () => ({ kernel: createFakeKernel(false), staticFigure: false });

function namedStaircase(name: string, steps: number, config: Record<string, unknown> = {}) {
  const h = staircase(steps, 3);
  const named = createHistory({ ...h.meta, name, config: { ...h.meta.config, ...config } });
  h.steps().forEach((s, i) => named.addStep({ step: s, loss: h.loss()[i] * (name === 'b' ? 2 : 1), paramNorm: 1, lr: 0.1 }));
  for (const r of h.records) named.addRecord(r);
  return named;
}

describe('LossPlot', () => {
  test('two runs: distinct names and colours, plateaus and escapes in the run colour, snapshot steps in time colours, all explained', () => {
    const a = namedStaircase('run', 400, { lr: 0.1 });
    const b = namedStaircase('run', 400, { lr: 0.2 });
    const w = new LossPlot([a, b], { ...opts(), markSteps: [300, 50, 150], overlay: true });
    const fig = describeFigure(w.state);
    const [panel] = fig.panels;
    expect(panel.series.map((s) => s.name)).toEqual(['run (lr 0.1)', 'run (lr 0.2)']);
    expect(panel.series.map((s) => s.color)).toEqual([RUN_COLORS[0], RUN_COLORS[1]]);
    const escapes = panel.marks.filter((m) => m.role === 'escape');
    expect(escapes.length).toBeGreaterThanOrEqual(2);
    for (const m of escapes) expect(m.color).toBe(RUN_COLORS[m.run!]);
    expect(escapes.map((m) => m.x0)).toEqual([...w.state.runs[0].escapes, ...w.state.runs[1].escapes]);
    // Each run's plateaus: a strip of its colour along the bottom (shading both would hide the curves).
    const plateaus = panel.marks.filter((m) => m.role === 'plateau');
    expect(plateaus.length).toBeGreaterThanOrEqual(2);
    for (const m of plateaus) expect([m.color, m.y0, m.y1]).toEqual([RUN_COLORS[m.run!], m.run! * 0.04, (m.run! + 1) * 0.04]);
    // Snapshot steps in time order, in the colours their lines have in the snapshot panels, labelled by step.
    const snaps = panel.marks.filter((m) => m.role === 'snapshot');
    expect(snaps.map((m) => [m.x0, m.label, m.color])).toEqual([50, 150, 300].map((s, j) => [s, String(s), timeColor(j, 3)]));
    expect(new Set([...escapes, ...snaps].map((m) => m.dash))).toEqual(new Set(['dash', 'dot']));
    expect(fig.legend.map((e) => e.role)).toEqual(['plateau', 'escape', 'snapshot']);
    expect(fig.caption).toMatch(/Strips along the bottom: each run's plateaus, in its colour/);
    expect(fig.caption).toMatch(/Dashed vertical lines: escapes/);
    expect(fig.caption).toMatch(/Dotted vertical lines, labelled by step: the snapshot steps/);
  });

  test('two runs, each in its own panel on one step axis (the default): its plateaus shaded in its colour, its escapes, the snapshot steps in every panel', () => {
    const a = namedStaircase('run', 400, { lr: 0.1 });
    const b = namedStaircase('run', 400, { lr: 0.2 });
    const w = new LossPlot([a, b], { ...opts(), markSteps: [300, 50, 150] });
    const fig = describeFigure(w.state);
    expect(fig.grid).toEqual({ rows: 2, cols: 1 });
    expect(fig.panels.map((p) => [p.title, p.row, p.x.link, p.series.map((s) => s.name)])).toEqual([
      ['run (lr 0.1)', 0, 'step', ['run (lr 0.1)']],
      ['run (lr 0.2)', 1, 'step', ['run (lr 0.2)']],
    ]);
    fig.panels.forEach((p, j) => {
      const plateaus = p.marks.filter((m) => m.role === 'plateau');
      expect(plateaus.length).toBeGreaterThanOrEqual(1);
      for (const m of plateaus) expect([m.run, m.color, m.y0, m.y1]).toEqual([j, RUN_COLORS[j], 0, 1]);
      expect(p.marks.filter((m) => m.role === 'escape').map((m) => m.x0)).toEqual(w.state.runs[j].escapes);
      expect(p.marks.filter((m) => m.role === 'snapshot').map((m) => m.x0)).toEqual([50, 150, 300]);
    });
    expect(fig.panels[0].x.range).toEqual(fig.panels[1].x.range);
    expect(fig.title).toBe('Training loss of run (lr 0.1) and run (lr 0.2), snapshot steps marked');
    expect(fig.caption).toMatch(/one panel per run on one step axis/);
    expect(fig.caption).toMatch(/Shaded bands: each run's plateaus, in its colour/);
  });

  test("adjacent plateaus keep a visible gap at the escape between them; labels sit in lanes above the panel, never overlapping", () => {
    const h = staircase(2000, 2);
    const state = { ...new LossPlot(h, opts()).state, snapshot_steps: [0, 501, 950, 1600, 1610] };
    // Two plateaus 4 steps apart with the escape between them, as detectPhases finds on MNIST (0–529, 532, 533–1388).
    state.runs = [{ ...state.runs[0], plateaus: [[0, 529], [533, 1388]], escapes: [532, 1416] }];
    const [panel] = describeFigure(state).panels;
    const px = (v: number) => ((v - panel.x.range![0]) / (panel.x.range![1] - panel.x.range![0])) * 560;
    const bands = panel.marks.filter((m) => m.role === 'plateau').sort((a, b) => a.x0 - b.x0);
    expect(bands).toHaveLength(2);
    expect(px(bands[1].x0) - px(bands[0].x1)).toBeGreaterThanOrEqual(4.99);
    for (const e of [532, 1416]) for (const b of bands) expect(px(e) <= px(b.x0) - 2.49 || px(e) >= px(b.x1) + 2.49).toBe(true);
    expect(px(bands[0].x1)).toBeLessThan(px(532));
    expect(px(bands[1].x0)).toBeGreaterThan(px(532));
    // 1600 and 1610 are 3 px apart: the second label goes one lane up.
    const labels = panel.marks.filter((m) => m.label).map((m) => [m.label, m.labelLane, m.labelAnchor]);
    expect(labels).toEqual([['0', 0, 'start'], ['501', 0, 'middle'], ['950', 0, 'middle'], ['1600', 0, 'middle'], ['1610', 1, 'middle']]);
    expect(panel.labelLanes).toBe(2);
  });

  test('the y range is fitted to the data (not fixed), on both scales; the log step axis leaves out step 0', () => {
    const h = staircase(400, 2);
    h.finish('completed');
    const state = new LossPlot(h, opts()).state;
    // One run: its plateaus shade the whole panel height.
    expect(describeFigure(state).panels[0].marks.filter((m) => m.role === 'plateau').map((m) => [m.y0, m.y1])).toEqual(state.runs[0].plateaus.map(() => [0, 1]));
    const loss = Array.from(h.loss());
    const [lo, hi] = describeFigure(state).panels[0].y.range!;
    expect(lo).toBeLessThan(Math.min(...loss));
    expect(lo).toBeGreaterThan(Math.min(...loss) / 1.5);
    expect(hi).toBeGreaterThan(Math.max(...loss));
    expect(hi).toBeLessThan(Math.max(...loss) * 1.5);
    const lin = describeFigure({ ...state, log_y: false }).panels[0].y;
    expect(lin.type).toBe('linear');
    expect(lin.range![0]).toBeGreaterThan(Math.min(...loss) - 0.1);
    const logX = describeFigure({ ...state, log_x: true }).panels[0];
    expect(logX.x.type).toBe('log');
    expect(logX.series[0].x[0]).toBe(1);
    expect(logX.x.range).toEqual([1, 399]);
    expect(logX.x.ticks.map((t) => t.label)).toEqual(['1', '2', '5', '10', '20', '50', '100', '200']);
  });

  test('while a run goes on, its axes have room to grow, so a live plot is not relaid out at every update', () => {
    const h = staircase(0, 2);
    for (let t = 0; t < 1030; t++) h.addStep({ step: t, loss: 0.5 + 0.37 / (t + 1), paramNorm: 1, lr: 1 });
    const open = describeFigure(new LossPlot(h, opts()).state).panels[0];
    expect(open.x.range).toEqual([0, 1250]);
    const [lo, hi] = open.y.range!;
    expect(lo).toBeLessThan(0.5 + 0.37 / 1030);
    expect(hi).toBeGreaterThan(0.87);
    // Fifty more steps change nothing in the layout.
    for (let t = 1030; t < 1080; t++) h.addStep({ step: t, loss: 0.5 + 0.37 / (t + 1), paramNorm: 1, lr: 1 });
    const later = describeFigure(new LossPlot(h, opts()).state).panels[0];
    expect([later.x, later.y]).toEqual([open.x, open.y]);
    h.finish('completed');
    const done = describeFigure(new LossPlot(h, opts()).state).panels[0];
    expect(done.x.range).toEqual([0, 1079]);
  });

  test('smoothing: the raw loss faint beneath a smoothed line named with its window', () => {
    const state = new LossPlot(staircase(200, 2), { ...opts(), smoothing: 20 }).state;
    const s = describeFigure(state).panels[0].series;
    expect(s.map((x) => [x.role, x.name, x.legend, x.opacity < 1])).toEqual([
      ['loss-raw', 'stairs', false, true],
      ['loss', 'stairs (smoothed over 20 steps)', true, false],
    ]);
    expect(s[1].group).toBe(s[0].group);
    expect(describeFigure(state).caption).toMatch(/centred moving average over 20 steps/);
  });

  test('a run that stopped early is marked where, and its message is a note', () => {
    const h = staircase(100, 2);
    h.finish('diverged', '[saddlelab] the loss became non-finite at step 100');
    const fig = describeFigure(new LossPlot(h, opts()).state);
    const end = fig.panels[0].marks.find((m) => m.role === 'end')!;
    expect([end.x0, end.label]).toEqual([99, 'diverged at step 99']);
    expect(fig.notes).toEqual(['[saddlelab] the loss became non-finite at step 100']);
  });

  test('the cursor: a mark, and its step and values in the readout', () => {
    const h = staircase(200, 2);
    const state: PlotState = { ...new LossPlot(h, opts()).state, cursor: 120 };
    const fig = describeFigure(state);
    expect(fig.panels[0].marks.filter((m) => m.role === 'cursor').map((m) => m.x0)).toEqual([120]);
    expect(fig.readout).toMatchObject({ step: 120, atCursor: true });
    expect(fig.readout!.values).toEqual([expect.objectContaining({ label: 'loss', value: h.loss()[120] })]);
    expect(fig.readout!.text).toMatch(/^step 120 · loss 0\.\d+$/);
    expect(distinctNames(['a', 'a', '', 'b', 'a'])).toEqual(['a', 'a #2', 'run', 'b', 'a #3']);
  });
});

describe('SpectrumPlot', () => {
  test('series: a panel per layer; the legend has every s_i even when the first layer has fewer values; escapes marked; one value range', () => {
    const h = createHistory({ name: 'k', activation: 'relu', dims: [2, 6, 6, 1], depth: 3, config: {} });
    for (let t = 0; t < 300; t++) {
      h.addStep({ step: t, loss: t < 150 ? 1 - t * 1e-5 : 0.1, paramNorm: 1, lr: 1 });
      // W1 (6×2) has 2 singular values, the others up to 6: s3…s6 exist only from layer 2 on.
      if (t % 30 === 0) h.addRecord({ step: t, loss: 1, paramNorm: 1, weights: [Float64Array.of(2, 1), Float64Array.of(6, 5, 4, 3, 2, 1), Float64Array.of(1)] });
    }
    const state = new SpectrumPlot(h, opts()).state;
    const fig = describeFigure(state);
    expect(fig.panels.map((p) => p.title)).toEqual(['W₁', 'W₂', 'W₃']);
    const legend = fig.panels.flatMap((p) => p.series.filter((s) => s.legend).map((s) => `${p.id}:${s.name}`));
    expect(legend).toEqual(['W1:s1', 'W1:s2', 'W2:s3', 'W2:s4', 'W2:s5', 'W2:s6']);
    // s6 of every layer toggles together.
    expect(fig.panels.map((p) => p.series.find((s) => s.name === 's6')!.group)).toEqual(['s6', 's6', 's6']);
    const ranges = fig.panels.map((p) => p.y.range);
    expect(ranges[1]).toEqual(ranges[0]);
    expect(ranges[2]).toEqual(ranges[0]);
    expect(new Set(fig.panels.map((p) => p.x.link))).toEqual(new Set(['step']));
    const escapes = state.runs[0].escapes;
    expect(escapes.length).toBeGreaterThan(0);
    for (const p of fig.panels) expect(p.marks.filter((m) => m.role === 'escape').map((m) => m.x0)).toEqual(escapes);
  });

  test("snapshot view (Figure 1): one panel per layer, one line per snapshot step in time colours named by step, one shared range; s_i/s_1", () => {
    const h = staircase(400, 4, 20);
    const w = new SpectrumPlot(h, { ...opts(), mode: 'snapshot', steps: [390, 45, 200] });
    const fig = describeFigure(w.state);
    expect(fig.panels.map((p) => p.title)).toEqual(['W₁', 'W₂', 'W₃', 'W₄']);
    expect(fig.grid).toEqual({ rows: 2, cols: 3 });
    for (const p of fig.panels) {
      expect(p.series.map((s) => s.name)).toEqual(['step 40', 'step 200', 'step 380']);
      expect(p.series.map((s) => s.color)).toEqual([0, 1, 2].map((j) => timeColor(j, 3)));
      expect(p.x.ticks.map((t) => t.label)).toEqual(['1', '2', '3']);
    }
    // The values are layer ℓ's record at that step.
    const l3 = fig.panels[2].series[2];
    expect(Array.from(l3.y)).toEqual(Array.from(h.records.find((r) => r.step === 380)!.weights[2]));
    expect(new Set(fig.panels.map((p) => JSON.stringify(p.y.range))).size).toBe(1);
    // One legend entry per snapshot step, not per panel.
    expect(fig.panels.flatMap((p) => p.series.filter((s) => s.legend)).map((s) => s.name)).toEqual(['step 40', 'step 200', 'step 380']);
    expect(fig.caption).toMatch(/Figure 1/);
    expect(fig.fileStem).toBe('stairs-SpectrumPlot-snapshots-step380'); // the last record
    const rel = describeFigure({ ...w.state, relative: true });
    for (const p of rel.panels) for (const s of p.series) expect(s.y[0]).toBe(1);
    expect(rel.panels[0].y.title).toBe('sᵢ / s₁');
  });
});

describe('LayerLawPlot', () => {
  test('the law at the cursor record, computed from the records the browser holds, equals layerLaw; reference slopes through layer 1', () => {
    const h = staircase(200, 6, 20);
    const state: PlotState = { ...new LayerLawPlot(h, opts()).state, cursor: 130 };
    const fig = describeFigure(state);
    const expected = layerLaw(h.records.find((r) => r.step === 120)!, 'weights');
    const by = Object.fromEntries(fig.panels[0].series.map((s) => [s.name, s]));
    expect(Array.from(by['s1/s2'].y)).toEqual(Array.from(expected.ratio));
    expect(Array.from(by['energy outside s1'].y)).toEqual(Array.from(expected.energy));
    by['ℓ^(1/4)'].y.forEach((v, l) => expect(v).toBeCloseTo(expected.ratio[0] * Math.pow(l + 1, 0.25), 12));
    by['ℓ^(−1/2)'].y.forEach((v, l) => expect(v).toBeCloseTo(expected.energy[0] / Math.sqrt(l + 1), 12));
    expect(fig.panels[0].x).toMatchObject({ type: 'log', title: 'layer ℓ' });
    expect(fig.panels[0].x.ticks.map((t) => t.label)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(fig.title).toBe('Layer law (Theorem 3.1) of the weights Wℓ at step 120 (stairs)');
    expect(fig.readout!.text).toMatch(/^step 130 · spectra at step 120 · s1\/s2 by layer: /);
  });
});

describe('TrainingDashboard', () => {
  test('the loss on a full-width row above the layer panels; every step axis zooms together; cursor on every panel', () => {
    const state: PlotState = { ...new TrainingDashboard(staircase(100, 4), opts()).state, cursor: 60 };
    const fig = describeFigure(state);
    expect(fig.grid).toEqual({ rows: 3, cols: 3 });
    expect(fig.panels[0]).toMatchObject({ id: 'loss', row: 0, col: 0, colSpan: 3 });
    expect(fig.panels.slice(1).map((p) => [p.id, p.row, p.col])).toEqual([['W1', 1, 0], ['W2', 1, 1], ['W3', 1, 2], ['W4', 2, 0]]);
    expect(new Set(fig.panels.map((p) => p.x.link))).toEqual(new Set(['step']));
    expect(fig.panels.map((p) => p.marks.filter((m) => m.role === 'cursor').length)).toEqual([1, 1, 1, 1, 1]);
    expect(fig.readout!.text).toMatch(/^step 60 · loss \S+ · W₁: s1 \S+, s2 \S+ · W₂: /);
    // Layer selection: only the ticked layers get panels.
    expect(describeFigure({ ...state, selected_layers: [2, 4] }).panels.map((p) => p.id)).toEqual(['loss', 'W2', 'W4']);
  });
});

describe('export', () => {
  test('CSV and JSON hold every point shown; the file name says runs, kind and step', () => {
    const fig = describeFigure(new TrainingDashboard(staircase(100, 2), opts()).state);
    const csv = figureCsv(fig).trim().split('\n');
    expect(csv[0]).toBe('panel,series,x_name,x,y_name,y');
    const points = fig.panels.reduce((n, p) => n + p.series.reduce((m, s) => m + s.x.length, 0), 0);
    expect(csv.length).toBe(points + 1);
    expect(csv[1]).toBe(`loss,stairs,step,0,loss,${fig.panels[0].series[0].y[0]}`);
    expect(csv).toContain(`W₂,s1,step,20,singular value,${fig.panels[2].series[0].y[1]}`);
    const json = JSON.parse(figureJson(fig));
    expect(json.panels.map((p: { id: string }) => p.id)).toEqual(['loss', 'W1', 'W2']);
    expect(json.panels[0].series[0].y).toEqual(Array.from(fig.panels[0].series[0].y));
    expect(json.panels[0].marks.map((m: { role: string }) => m.role)).toContain('escape');
    expect(json.caption).toBe(fig.caption);
    expect(exportFileName(fig, 'png')).toBe('stairs-TrainingDashboard-step99.png');
    expect(exportFileName(describeFigure({ ...new LossPlot([staircase(10, 2), staircase(20, 2)], opts()).state, cursor: 5 }), 'svg')).toBe('stairs-steps-10+stairs-steps-20-LossPlot-step5.svg');
  });
});
