/**
 * A figure description (src/widgets/figure/) → one SVG document: the static
 * figure of every saddlelab output (and, through png-render.ts, its PNG). It
 * draws exactly what the description says, as the live Plotly view does
 * (widgets/src/plotly-figure.ts): panels on the description's grid with the
 * same row heights, its fitted ranges and readable ticks, series in their
 * colours and dashes, plateau bands and mark lines with their labels, panel
 * titles, one legend with the series' entries and one per mark role, then the
 * values at the last step, the notes of runs that stopped early and the
 * caption. Pure string building: no browser, no canvas, a few milliseconds.
 */
import { ALERT_COLOR, DASH_PATTERNS } from './contract';
import { COLUMN_GAP_PX, LABEL_FONT_PX, LABEL_LANE_PX, panelWidthPx, textWidthPx, wrapText } from './figure/layout';

export { wrapText };
import type { AxisDescription, FigureDescription, PanelDescription } from './figure/types';
import { darker } from './figure/panels';

/** Plot-area heights of a row of panels, as in the live view: the loss row is taller. */
const ROW_PX = 210;
const LOSS_ROW_PX = 280;
/** Between rows: the upper row's tick labels and axis title (the lower row's title and labels: `above` in renderFigureSvg). */
const ROW_GAP = 48;
const MARGIN = { left: 80, right: 16, top: 14, bottom: 46 };
const LEGEND_GAP = 18;
const FONT = 'DejaVu Sans, Verdana, sans-serif';
/** Widest legend; longer entries wrap onto a second line. */
const LEGEND_MAX_PX = 260;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (v: number) => (Math.round(v * 10) / 10).toString();

const dashAttr = (dash: keyof typeof DASH_PATTERNS) => (DASH_PATTERNS[dash] ? ` stroke-dasharray="${DASH_PATTERNS[dash]}"` : '');

/** Data → pixel along one axis of a panel (`flip` for y: larger values up). */
function scaler(a: AxisDescription, from: number, size: number, flip: boolean): ((v: number) => number) | null {
  if (!a.range) return null;
  const t = (v: number) => (a.type === 'log' ? Math.log10(v) : v);
  const lo = t(a.range[0]);
  const hi = t(a.range[1]);
  const span = hi - lo || 1;
  return (v: number) => {
    const f = (t(v) - lo) / span;
    return flip ? from + size - f * size : from + f * size;
  };
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

let figureCounter = 0;

function panelSvg(panel: PanelDescription, box: Box, id: string, showX: boolean, showY: boolean): string {
  const out: string[] = [];
  const sx = scaler(panel.x, box.x, box.w, false);
  const sy = scaler(panel.y, box.y, box.h, true);
  const clip = `${id}-clip`;
  out.push(`<clipPath id="${clip}"><rect x="${n(box.x)}" y="${n(box.y)}" width="${n(box.w)}" height="${n(box.h)}"/></clipPath>`);
  out.push(`<rect x="${n(box.x)}" y="${n(box.y)}" width="${n(box.w)}" height="${n(box.h)}" fill="#fff" stroke="#bbb" stroke-width="1"/>`);
  // Grid lines and tick labels, as the description gives them.
  const inRange = (a: AxisDescription, v: number) => !!a.range && v >= Math.min(...a.range) - 1e-12 * Math.abs(v) && v <= Math.max(...a.range) + 1e-12 * Math.abs(v);
  // Each tick in range: its grid line, its tick and its label, at position `at(value)`.
  const ticks = (a: AxisDescription, at: (v: number) => number, mark: (p: number, label: string) => string[]) => {
    for (const t of a.ticks) if (inRange(a, t.value)) out.push(...mark(at(t.value), esc(t.label)));
  };
  if (sx) {
    ticks(panel.x, sx, (x, label) => [
      `<line x1="${n(x)}" x2="${n(x)}" y1="${n(box.y)}" y2="${n(box.y + box.h)}" stroke="#ebebeb" stroke-width="1"/>`,
      `<line x1="${n(x)}" x2="${n(x)}" y1="${n(box.y + box.h)}" y2="${n(box.y + box.h + 4)}" stroke="#888" stroke-width="1"/>`,
      `<text class="tick x" x="${n(x)}" y="${n(box.y + box.h + 15)}" text-anchor="middle" font-size="10" fill="#444">${label}</text>`,
    ]);
  }
  if (sy) {
    ticks(panel.y, sy, (y, label) => [
      `<line x1="${n(box.x)}" x2="${n(box.x + box.w)}" y1="${n(y)}" y2="${n(y)}" stroke="#ebebeb" stroke-width="1"/>`,
      `<line x1="${n(box.x - 4)}" x2="${n(box.x)}" y1="${n(y)}" y2="${n(y)}" stroke="#888" stroke-width="1"/>`,
      `<text class="tick y" x="${n(box.x - 6)}" y="${n(y + 3.5)}" text-anchor="end" font-size="10" fill="#444">${label}</text>`,
    ]);
  }
  if (showX && panel.x.title) out.push(`<text class="axis-title x" x="${n(box.x + box.w / 2)}" y="${n(box.y + box.h + 32)}" text-anchor="middle" font-size="12" fill="#222">${esc(panel.x.title)}</text>`);
  if (showY && panel.y.title) {
    // Along the panel's height: a title longer than that wraps onto a second line (to the left).
    const lines = wrapText(panel.y.title, box.h, 12).slice(0, 2);
    lines.forEach((line, k) => {
      const cx = box.x - 52 - (lines.length - 1 - k) * 13;
      const cy = box.y + box.h / 2;
      out.push(`<text class="axis-title y" x="${n(cx)}" y="${n(cy)}" transform="rotate(-90 ${n(cx)} ${n(cy)})" text-anchor="middle" font-size="12" fill="#222">${esc(line)}</text>`);
    });
  }
  if (panel.title) out.push(`<text class="panel-title" x="${n(box.x)}" y="${n(box.y - 5)}" font-size="12" font-weight="bold" fill="#222">${esc(panel.title)}</text>`);

  const body: string[] = [];
  if (sx) {
    // Bands below the series, lines above them (the live view: bands in the 'below' layer).
    for (const m of panel.marks.filter((m) => m.x1 > m.x0)) {
      const a = sx(m.x0);
      const b = sx(m.x1);
      // y0, y1: fractions of the panel's height from the bottom (the strips of several runs).
      const top = box.y + (1 - m.y1) * box.h;
      body.push(`<rect class="mark ${m.role}" data-run="${m.run ?? ''}" x="${n(Math.min(a, b))}" y="${n(top)}" width="${n(Math.abs(b - a))}" height="${n((m.y1 - m.y0) * box.h)}" fill="${m.color}" fill-opacity="${m.opacity}"/>`);
    }
  }
  if (sx && sy) {
    for (const s of panel.series) {
      if (!s.x.length) continue;
      let d = '';
      for (let i = 0; i < s.x.length; i++) d += `${i ? 'L' : 'M'}${n(sx(s.x[i]))} ${n(sy(s.y[i]))}`;
      body.push(`<path class="series ${s.role}" data-name="${esc(s.name)}" d="${d}" fill="none" stroke="${s.color}" stroke-width="${s.width}"${dashAttr(s.dash)} stroke-opacity="${s.opacity}" stroke-linejoin="round"/>`);
      if (s.markers) for (let i = 0; i < s.x.length; i++) body.push(`<circle cx="${n(sx(s.x[i]))}" cy="${n(sy(s.y[i]))}" r="2.6" fill="${s.color}" fill-opacity="${s.opacity}"/>`);
    }
  }
  const labels: string[] = [];
  if (sx) {
    for (const m of panel.marks.filter((m) => m.x1 <= m.x0)) {
      const x = sx(m.x0);
      if (x < box.x - 0.5 || x > box.x + box.w + 0.5) continue;
      body.push(`<line class="mark ${m.role}" data-run="${m.run ?? ''}" x1="${n(x)}" x2="${n(x)}" y1="${n(box.y)}" y2="${n(box.y + box.h)}" stroke="${m.color}" stroke-width="${m.width}"${dashAttr(m.dash)} stroke-opacity="${m.opacity}"/>`);
      if (m.label) {
        // Above the panel, in the lane figure/marks.ts chose: clear of the curves, the ticks and the other labels.
        const y = box.y - 4 - m.labelLane * LABEL_LANE_PX;
        labels.push(
          `<text class="mark-label ${m.role}" x="${n(x)}" y="${n(y)}" text-anchor="${m.labelAnchor}" font-size="${LABEL_FONT_PX}" fill="${m.role === 'end' ? ALERT_COLOR : darker(m.color)}">${esc(m.label)}</text>`,
        );
      }
    }
  }
  out.push(`<g clip-path="url(#${clip})">${body.join('')}</g>`, ...labels);
  return out.join('');
}

interface LegendItem {
  label: string;
  color: string;
  dash: keyof typeof DASH_PATTERNS;
  symbol: 'line' | 'band' | 'marker';
}

function legendItems(desc: FigureDescription): LegendItem[] {
  const items: LegendItem[] = [];
  for (const p of desc.panels) for (const s of p.series) if (s.legend) items.push({ label: s.name, color: s.color, dash: s.dash, symbol: s.markers ? 'marker' : 'line' });
  for (const e of desc.legend) items.push({ label: e.label, color: e.color, dash: e.dash, symbol: e.symbol });
  return items;
}

/** Legend entries, each on one line or, when longer than the legend is wide, wrapped onto more; returns the SVG and its height. */
function legendSvg(items: LegendItem[], x: number, y: number, width: number): { svg: string; height: number } {
  let cy = y + 8;
  const svg = items
    .map((it) => {
      let sym: string;
      if (it.symbol === 'band') sym = `<rect x="${n(x)}" y="${n(cy - 5)}" width="22" height="10" fill="${it.color}" fill-opacity="0.25"/>`;
      else {
        sym = `<line x1="${n(x)}" x2="${n(x + 22)}" y1="${n(cy)}" y2="${n(cy)}" stroke="${it.color}" stroke-width="2"${dashAttr(it.dash)}/>`;
        if (it.symbol === 'marker') sym += `<circle cx="${n(x + 11)}" cy="${n(cy)}" r="2.6" fill="${it.color}"/>`;
      }
      const lines = wrapText(it.label, width - 28, 11);
      const text = lines.map((line, k) => `<tspan x="${n(x + 28)}" y="${n(cy + 3.5 + k * 13)}">${esc(line)}</tspan>`).join('');
      const g = `<g class="legend-item">${sym}<text font-size="11" fill="#222">${text}</text></g>`;
      cy += 17 + (lines.length - 1) * 13;
      return g;
    })
    .join('');
  return { svg, height: cy - 8 - y };
}

/**
 * The SVG of a figure description.
 *
 * @example
 * ```ts
 * import { train, widgets } from 'saddlelab';
 * import { describeFigure } from './figure';
 * import { renderFigureSvg } from './svg-figure';
 * const h = train.createHistory({ name: 'demo', activation: 'linear', dims: [2, 2], depth: 1, config: {} });
 * for (let t = 0; t < 3; t++) h.addStep({ step: t, loss: 1 / (t + 1), paramNorm: 1, lr: 0.1 });
 * const svg = renderFigureSvg(describeFigure(new widgets.LossPlot(h).state, { maxPoints: 1500 }));
 * console.log(svg.startsWith('<svg'), svg.endsWith('</svg>')); // true true
 * ```
 */
export function renderFigureSvg(desc: FigureDescription): string {
  const id = `sl${++figureCounter}`;
  const { rows, cols } = desc.grid;
  // The loss row is taller, except in a LossPlot of one panel per run (a comparison: rows stacked).
  const rowPx = Array.from({ length: rows }, (_, r) => ((desc.kind === 'TrainingDashboard' && r === 0) || (desc.kind === 'LossPlot' && rows === 1) || desc.kind === 'LayerLawPlot' ? LOSS_ROW_PX : ROW_PX));
  const plotW = panelWidthPx(cols, cols);
  const items = legendItems(desc);
  const legendW = items.length ? Math.min(LEGEND_MAX_PX, Math.max(...items.map((it) => 28 + textWidthPx(it.label, 11)))) : 0;
  const width = Math.ceil(MARGIN.left + plotW + (items.length ? LEGEND_GAP + legendW : 0) + MARGIN.right);
  const titleLines = desc.title ? wrapText(desc.title, width - MARGIN.left - MARGIN.right, 14) : [];
  const titleH = titleLines.length * 19 + (titleLines.length ? 5 : 0);
  // Above each row: its panels' titles and the lanes of their mark labels (figure/marks.ts).
  const above = Array.from({ length: rows }, (_, r) => {
    const ps = desc.panels.filter((p) => p.row === r);
    const lanes = Math.max(0, ...ps.map((p) => p.labelLanes));
    return Math.max(ps.some((p) => p.title) ? 18 : 4, lanes ? 6 + lanes * LABEL_LANE_PX : 0);
  });
  const top = MARGIN.top + titleH;
  const rowTop = (r: number) => top + above.slice(0, r + 1).reduce((a, b) => a + b, 0) + rowPx.slice(0, r).reduce((a, b) => a + b, 0) + ROW_GAP * r;
  const plotBottom = rowTop(rows - 1) + rowPx[rows - 1] + MARGIN.bottom;
  const bottomRow = new Map<number, number>();
  for (const p of desc.panels) for (let c = p.col; c < p.col + p.colSpan; c++) bottomRow.set(c, Math.max(bottomRow.get(c) ?? 0, p.row));

  const parts: string[] = [];
  titleLines.forEach((line, k) => parts.push(`<text class="title" x="${MARGIN.left}" y="${MARGIN.top + 16 + k * 19}" font-size="14" font-weight="bold" fill="#222">${esc(line)}</text>`));
  desc.panels.forEach((p, i) => {
    const box = { x: MARGIN.left + p.col * (panelWidthPx(cols, 1) + COLUMN_GAP_PX), y: rowTop(p.row), w: panelWidthPx(cols, p.colSpan), h: rowPx[p.row] };
    parts.push(`<g class="panel" data-panel="${esc(p.id)}">${panelSvg(p, box, `${id}-p${i}`, bottomRow.get(p.col) === p.row || p.colSpan > 1, p.col === 0)}</g>`);
  });
  const legend = items.length ? legendSvg(items, MARGIN.left + plotW + LEGEND_GAP, rowTop(0), legendW) : { svg: '', height: 0 };
  if (items.length) parts.push(`<g class="legend">${legend.svg}</g>`);

  // Under the plot: the values at the last step, why runs stopped early, and what every mark means.
  let y = Math.max(plotBottom, rowTop(0) + legend.height + 8);
  const textW = width - MARGIN.left / 2 - MARGIN.right;
  const block = (cls: string, text: string, size: number, color: string) => {
    for (const line of wrapText(text, textW, size)) {
      y += size + 4;
      parts.push(`<text class="${cls}" x="${MARGIN.left / 2}" y="${n(y)}" font-size="${size}" fill="${color}">${esc(line)}</text>`);
    }
    y += 4;
  };
  if (desc.readout) block('readout', desc.readout.text, 11, '#222');
  for (const note of desc.notes) block('note', note, 11, ALERT_COLOR);
  if (desc.caption) block('caption', desc.caption, 10.5, '#555');
  const height = Math.ceil(y + 8);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}" role="img">` +
    `<title>${esc(desc.title || desc.fileStem)}</title><desc>${esc(desc.caption)}</desc>` +
    `<rect width="100%" height="100%" fill="#fff"/>${parts.join('')}</svg>`
  );
}
