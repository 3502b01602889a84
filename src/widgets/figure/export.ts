/**
 * Export of what a figure shows: CSV and JSON of its series and marks, and
 * file names that say what the file is (runs, widget kind, step).
 */
import { fail } from '../../errors';
import type { FigureDescription } from './types';

function checkFigure(fig: unknown): void {
  if (typeof fig !== 'object' || fig === null || !Array.isArray((fig as FigureDescription).panels)) fail('figure', 'a figure description (widgets.describeFigure(widget.state) or widget.figure())', fig);
}

function csvField(v: string | number): string {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Every point of every series, one per row: `panel,series,x_name,x,y_name,y`
 * (long format, so panels with different axes fit one table; full float
 * precision). Marks are in the JSON export.
 *
 * @example
 * ```ts
 * import { train, widgets } from 'saddlelab';
 * import { figureCsv } from './export';
 * const h = train.createHistory({ name: 'demo', activation: 'linear', dims: [2, 2], depth: 1, config: {} });
 * for (let t = 0; t < 3; t++) h.addStep({ step: t, loss: 1 / (t + 1), paramNorm: 1, lr: 0.1 });
 * const csv = figureCsv(widgets.describeFigure(new widgets.LossPlot(h).state));
 * console.log(csv.split('\n')[0]); // panel,series,x_name,x,y_name,y
 * ```
 */
export function figureCsv(fig: FigureDescription): string {
  checkFigure(fig);
  const rows = ['panel,series,x_name,x,y_name,y'];
  for (const p of fig.panels) {
    for (const s of p.series) {
      const head = [csvField(p.title || p.id), csvField(s.name)].join(',');
      const xName = csvField(p.x.title);
      const yName = csvField(p.y.title || s.name);
      for (let j = 0; j < s.x.length; j++) rows.push(`${head},${xName},${csvField(s.x[j])},${yName},${csvField(s.y[j])}`);
    }
  }
  return rows.join('\n') + '\n';
}

/**
 * The figure as JSON: title, caption, and per panel its axes (title, scale,
 * range), series (name, role, points) and marks (role, where, label, run).
 * Styles are left out: this is the data, for a reader's own plots.
 */
export function figureJson(fig: FigureDescription): string {
  checkFigure(fig);
  const out = {
    kind: fig.kind,
    title: fig.title,
    caption: fig.caption,
    notes: fig.notes,
    readout: fig.readout && { step: fig.readout.step, values: fig.readout.values.map(({ label, value }) => ({ label, value })) },
    panels: fig.panels.map((p) => ({
      id: p.id,
      title: p.title,
      x: { title: p.x.title, scale: p.x.type, range: p.x.range },
      y: { title: p.y.title, scale: p.y.type, range: p.y.range },
      series: p.series.map((s) => ({ name: s.name, role: s.role, x: Array.from(s.x), y: Array.from(s.y) })),
      marks: p.marks.map((m) => ({ role: m.role, x0: m.x0, x1: m.x1, label: m.label, run: m.run })),
    })),
  };
  return JSON.stringify(out, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1) + '\n';
}

/**
 * The file name of an export: `<runs>-<kind>[-snapshots]-step<N>.<ext>`.
 *
 * @example
 * ```ts
 * import { exportFileName } from './export';
 * console.log(exportFileName({ fileStem: 'mnist-depth-6-TrainingDashboard-step2300' }, 'png')); // mnist-depth-6-TrainingDashboard-step2300.png
 * ```
 */
export function exportFileName(fig: Pick<FigureDescription, 'fileStem'>, ext: 'csv' | 'json' | 'png' | 'svg'): string {
  if (typeof fig !== 'object' || fig === null || typeof fig.fileStem !== 'string') fail('figure', 'a figure description (widgets.describeFigure(widget.state))', fig);
  if (!['csv', 'json', 'png', 'svg'].includes(ext)) fail('ext', "one of 'csv', 'json', 'png', 'svg'", ext);
  return `${fig.fileStem}.${ext}`;
}
