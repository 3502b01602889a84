/**
 * Sweeps run in this process (`workers: 0`): rows that agree with a direct run of the same config,
 * a failing point recorded while the others complete, resume, re-summarizing, and the table.
 */
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { circleToy } from '../../src/data';
import { escape } from '../../src/spectrum/escape';
import { fit } from '../../src/train/fit';
import { mlp } from '../../src/train/mlp';
import { loadHistory } from '../../src/train/history';
import { mergeSweeps, toCsv } from '../../src/sweep/table';
import { sweep } from '../../src/sweep/sweep';
import type { SweepSpec } from '../../src/sweep/spec';

const tmp = () => mkdtempSync(join(tmpdir(), 'saddlelab-sweep-'));
const quiet = { log: false as const, workers: 0 };

const trainSpec: SweepSpec = {
  name: 'toy',
  base: { model: { widths: [5, 5] }, data: { circleToy: {} }, train: { steps: 200, lr: { adaptive: 0.5 }, record: { every: 20 }, backend: 'cpu' } },
  grid: { 'model.init.scale': [0.1, 0.3] },
  seeds: 2,
};

describe('train kind', () => {
  const out = tmp();
  let rows: Awaited<ReturnType<typeof sweep>>['rows'];

  beforeAll(async () => {
    rows = (await sweep(trainSpec, { ...quiet, out })).rows;
  });

  it('writes one folder per point with its config, history, clock and summary', () => {
    expect(rows).toHaveLength(4);
    for (const r of rows) {
      expect(r.status).toBe('done');
      for (const f of ['config.json', 'history.json', 'clock.json', 'summary.json']) expect(existsSync(join(out, r.id, f))).toBe(true);
      expect(loadHistory(readFileSync(join(out, r.id, 'history.json'), 'utf8')).length).toBe(200);
    }
    expect(rows.map((r) => r.params)).toEqual([
      { 'model.init.scale': 0.1, seed: 0 },
      { 'model.init.scale': 0.1, seed: 1 },
      { 'model.init.scale': 0.3, seed: 0 },
      { 'model.init.scale': 0.3, seed: 1 },
    ]);
  });

  it('a row agrees with fit() run directly on the same config', async () => {
    const net = mlp({ inputDim: 2, outputDim: 1, widths: [5, 5], init: { scale: 0.3, seed: 1 } });
    const h = await fit(net, circleToy(), { steps: 200, lr: { adaptive: 0.5 }, record: { every: 20 }, backend: 'cpu', log: false });
    net.dispose();
    expect(rows[3].metrics.finalLoss).toBe(h.latestLoss);
    expect(rows[3].metrics.depth).toBe(3);
    expect(rows[3].metrics.endReason).toBe('completed');
    expect(rows[3].backend).toBe('cpu');
  });

  it('escape times are gradient-flow time Σ η_k, with η_k = c·‖θ_k‖^(2−L) for the adaptive step', () => {
    expect(rows.some((r) => (r.metrics.escapes as number[]).length > 0)).toBe(true);
    for (const r of rows) {
      const h = loadHistory(readFileSync(join(out, r.id, 'history.json'), 'utf8'));
      const norms = h.paramNorm();
      const at = (step: number) => {
        let t = 0;
        for (let k = 0; k < step; k++) t += 0.5 * Math.pow(norms[k], 2 - 3);
        return t;
      };
      expect((r.metrics.escapes as number[]).length).toBe((r.metrics.escapeTimes as number[]).length);
      (r.metrics.escapes as number[]).forEach((s, i) => expect((r.metrics.escapeTimes as number[])[i]).toBeCloseTo(at(s), 6));
      expect(r.metrics.time).toBeCloseTo(at(199), 6);
    }
  });

  it('resumes: a second run skips every point and leaves its files alone', async () => {
    const before = rows.map((r) => statSync(join(out, r.id, 'history.json')).mtimeMs);
    const seen: string[] = [];
    const again = await sweep(trainSpec, { ...quiet, out, onPoint: (row, p) => seen.push(`${row.id}:${p.finished}`) });
    expect(again.progress).toMatchObject({ total: 4, skipped: 4, finished: 0 });
    // A live plot gets the rows done before at the start.
    expect(seen).toEqual(rows.map((r) => `${r.id}:0`));
    expect(again.rows).toEqual(rows);
    expect(rows.map((r) => statSync(join(out, r.id, 'history.json')).mtimeMs)).toEqual(before);
  });

  it('new summary options re-summarize finished points from their saved history, without training again', async () => {
    const before = rows.map((r) => statSync(join(out, r.id, 'history.json')).mtimeMs);
    // Read against the random bulk (the default), the deep layer has one direction out of it: rank 1.
    expect(rows.map((r) => r.metrics.finalRank)).toEqual([1, 1, 1, 1]);
    const loose = await sweep({ ...trainSpec, summary: { phases: { rankThreshold: 0.01 } } }, { ...quiet, out });
    expect(loose.progress.skipped).toBe(4);
    expect(rows.map((r) => statSync(join(out, r.id, 'history.json')).mtimeMs)).toEqual(before);
    // With s_i/s_1 ≥ 0.01 counted, the bulk counts too: more than 1.
    expect(loose.rows.every((r) => (r.metrics.finalRank as number) > 1)).toBe(true);
    const saved = JSON.parse(readFileSync(join(out, rows[0].id, 'summary.json'), 'utf8'));
    expect(saved.summary).toEqual({ phases: { rankThreshold: 0.01 } });
  });

  it('writes the table, and merging the folder gives the same rows', () => {
    const table = JSON.parse(readFileSync(join(out, 'table.json'), 'utf8'));
    expect(table.format).toBe('saddlelab.sweep-table');
    expect(table.rows.map((r: { id: string }) => r.id)).toEqual(rows.map((r) => r.id));
    const merged = mergeSweeps([out], { spec: trainSpec });
    expect(merged.missing).toEqual([]);
    expect(merged.rows.map((r) => r.id)).toEqual(rows.map((r) => r.id));
  });
});

describe('failures', () => {
  it('a failing point records its [saddlelab] error and the others complete', async () => {
    const out = tmp();
    const lines: string[] = [];
    const r = await sweep(
      { base: trainSpec.base, grid: { 'train.lr': [0.05, -1, 0.1] } },
      { workers: 0, out, log: (l) => lines.push(l) },
    );
    expect(r.rows.map((x) => x.status)).toEqual(['done', 'failed', 'done']);
    expect(r.rows[1].error).toMatch(/^\[saddlelab\] lr must be a finite number > 0; got -1/);
    expect(r.progress).toMatchObject({ finished: 3, failed: 1 });
    expect(lines.some((l) => /2\/3 \(train.lr=-1: FAILED: \[saddlelab\] lr must be/.test(l))).toBe(true);
    const saved = JSON.parse(readFileSync(join(out, r.rows[1].id, 'summary.json'), 'utf8'));
    expect(saved.row.status).toBe('failed');
    // A failed point is tried again on resume; the done ones are not.
    const again = await sweep({ base: trainSpec.base, grid: { 'train.lr': [0.05, -1, 0.1] } }, { ...quiet, out });
    expect(again.progress).toMatchObject({ skipped: 2, finished: 1, failed: 1 });
  });

  it('a diverging run is a result (end reason diverged), not a failure', async () => {
    const r = await sweep({ base: { ...trainSpec.base, train: { steps: 50, lr: 1e6, backend: 'cpu' } }, seeds: 1 }, { ...quiet, out: tmp() });
    expect(r.rows[0].status).toBe('done');
    expect(r.rows[0].metrics.endReason).toBe('diverged');
  });
});

describe('escape kind', () => {
  it("rows hold the solver's answer, and hits count the starts that reach the target speed", async () => {
    const spec: SweepSpec = {
      kind: 'escape',
      base: { data: { circleToy: {} }, depth: 3, starts: 6, steps: 400 },
      grid: { width: [1, 4] },
      seeds: [0, 1],
      summary: { target: { speed: 0.5, tolerance: 0.005 } },
    };
    const { rows } = await sweep(spec, { ...quiet, out: tmp() });
    const toy = circleToy();
    for (const r of rows) {
      const direct = escape(toy.X, toy.G, { depth: 3, starts: 6, steps: 400, width: r.params.width as number, seed: r.params.seed as number });
      expect(r.metrics.speed).toBe(direct.speed);
      expect(r.metrics.startSpeeds).toEqual(direct.starts);
      expect(r.metrics.hits).toBe(direct.starts.filter((s) => s >= 0.495).length);
      expect(r.backend).toBe('float64 JS');
    }
    // Width 1 is rank 1 everywhere: it cannot reach 1/2 (the best rank-1 speed is √2 − 1).
    expect(rows.filter((r) => r.params.width === 1).map((r) => r.metrics.hits)).toEqual([0, 0]);
  });

  it('a problem given as a data set without its own G uses G = −Y*/N', async () => {
    const x = [[1, 0], [0, 1], [1, 1]];
    const y = [[1], [-1], [0.5]];
    const { rows } = await sweep({ kind: 'escape', base: { data: { x, y }, depth: 2, width: 3, starts: 2, steps: 200 } }, { ...quiet, out: tmp() });
    const direct = escape(x, y.map((r) => [-r[0] / 3]), { depth: 2, width: 3, starts: 2, steps: 200 });
    expect(rows[0].metrics.speed).toBeCloseTo(direct.speed, 6);
  });
});

describe('CSV', () => {
  it('has a header of params then metrics, and quotes cells that need it', () => {
    const csv = toCsv([
      { id: 'a', index: 0, kind: 'train', status: 'done', params: { 'train.lr': 0.1, seed: 0 }, metrics: { escapes: [3, 40], finalLoss: 0.5 }, seconds: 1.5, backend: 'cpu' },
      { id: 'b', index: 1, kind: 'train', status: 'failed', params: { 'train.lr': -1, seed: 0 }, metrics: {}, seconds: 0, backend: null, error: '[saddlelab] lr must be "positive", got -1' },
    ]);
    expect(csv.split('\n')).toEqual([
      'id,index,status,train.lr,seed,escapes,finalLoss,seconds,backend,error',
      'a,0,done,0.1,0,"[3,40]",0.5,1.5,cpu,',
      'b,1,failed,-1,0,,,0,,"[saddlelab] lr must be ""positive"", got -1"',
      '',
    ]);
  });
});
