/**
 * A figure description (src/widgets/figure/) → Plotly traces and layout. Pure
 * (no DOM), so the view logic is unit-tested in Node (test/widgets/browser/).
 * Everything shown comes from the description: panels on its grid, its
 * fitted ranges and readable ticks, its marks as shapes (with one legend
 * entry per mark role), its panel titles; axes of one link group zoom
 * together (`matches`). A zoom the user made is passed back in as `zoom` and
 * kept, with ticks recomputed for it.
 */
import { ALERT_COLOR } from '../../src/widgets/contract';
import { axisTicks } from '../../src/widgets/figure/axes';
import { LABEL_FONT_PX, LABEL_LANE_PX, wrapText } from '../../src/widgets/figure/layout';
import type { AxisDescription, FigureDescription, PanelDescription } from '../../src/widgets/figure/types';
import { darker } from '../../src/widgets/figure/panels';

export interface Trace {
  type: 'scatter';
  mode: 'lines' | 'lines+markers';
  uid: string;
  name: string;
  x: number[];
  y: number[];
  xaxis: string;
  yaxis: string;
  line: { color: string; dash: string; width: number };
  marker?: { size: number; color: string };
  opacity: number;
  legendgroup: string;
  showlegend: boolean;
  hovertemplate: string;
}

export interface PlotlyFigure {
  data: Trace[];
  layout: Record<string, unknown>;
  /** Indices into `data` of the series that only grow while a run goes on (extended in place). */
  growing: number[];
}

/** Ranges the user zoomed to, by zoom key (`zoomKey`), in data units. */
export type Zoom = Record<string, [number, number]>;

/** Plotly's name for axis `which` of panel `p` (0-based): x, y, x2, y2, …. */
export function axisName(which: 'x' | 'y', p: number): string {
  return p === 0 ? which : `${which}${p + 1}`;
}

/** The key a zoom of an axis is kept under: its link group (zoomed together), else the panel's own. */
export function zoomKey(panel: PanelDescription, which: 'x' | 'y'): string {
  const a = panel[which];
  return a.link ? `link:${a.link}` : `${panel.id}:${which}`;
}

/** Vertical pixels of a row of panels, and of the margins. */
const ROW_PX = 210;
const LOSS_ROW_PX = 280;
const GAP_PX = 48;
const TOP_PX = 40;
const BOTTOM_PX = 50;
const COL_GAP = 0.07;

function toPlotlyRange(a: AxisDescription, range: [number, number]): [number, number] {
  return a.type === 'log' ? [Math.log10(range[0]), Math.log10(range[1])] : range;
}

function hoverFormat(a: AxisDescription): string {
  return a.integer ? '%{VAR}' : '%{VAR:.4~g}';
}

/**
 * The Plotly figure of a description.
 *
 * @example
 * ```ts
 * // const fig = plotlyFigure(describeFigure(state), zoom);
 * // Plotly.react(div, fig.data, fig.layout);
 * ```
 */
export function plotlyFigure(desc: FigureDescription, zoom: Zoom = {}): PlotlyFigure {
  const { rows, cols } = desc.grid;
  // Rows: the loss panel (a dashboard's full-width row 0, a LossPlot of one run) is taller.
  const rowPx = Array.from({ length: rows }, (_, r) => ((desc.kind === 'TrainingDashboard' && r === 0) || (desc.kind === 'LossPlot' && rows === 1) || desc.kind === 'LayerLawPlot' ? LOSS_ROW_PX : ROW_PX));
  // Above each row, the lanes of its mark labels (figure/marks.ts), clear of the curves; row 0's go into the top margin.
  const lanesPx = Array.from({ length: rows }, (_, r) => Math.max(0, ...desc.panels.filter((p) => p.row === r).map((p) => p.labelLanes)) * LABEL_LANE_PX);
  const gapPx = (r: number) => (r === 0 ? 0 : GAP_PX + lanesPx[r]);
  // Legends never scroll: Plotly scrolls a legend taller than the plot area, so the rows grow until
  // it fits (an entry and its group gap are at most 22 px at font 11, plus the padding).
  const entries = desc.panels.reduce((n, p) => n + p.series.filter((s) => s.legend).length, 0) + desc.legend.length;
  const needed = entries * 22 + 24;
  const gaps = Array.from({ length: rows }, (_, r) => gapPx(r)).reduce((a, b) => a + b, 0);
  const rowsPx = rowPx.reduce((a, b) => a + b, 0);
  if (rowsPx + gaps < needed) for (let r = 0; r < rows; r++) rowPx[r] *= (needed - gaps) / rowsPx;
  const plotPx = rowPx.reduce((a, b) => a + b, 0) + gaps;
  const top = TOP_PX + lanesPx[0];
  const height = plotPx + top + BOTTOM_PX;
  const rowTop = (r: number) => 1 - (rowPx.slice(0, r).reduce((a, b) => a + b, 0) + Array.from({ length: r + 1 }, (_, i) => gapPx(i)).reduce((a, b) => a + b, 0)) / plotPx;
  const width = (1 - COL_GAP * (cols - 1)) / cols;
  const layout: Record<string, unknown> = {
    height,
    margin: { l: 64, r: 16, t: top, b: BOTTOM_PX },
    title: desc.title ? { text: desc.title, font: { size: 13 }, x: 0.01, xanchor: 'left', yref: 'container', y: 1, yanchor: 'top', pad: { t: 8 } } : undefined,
    showlegend: true,
    legend: { font: { size: 11 }, tracegroupgap: 2 },
    hovermode: 'closest',
    // Keeps legend toggles and the user's zoom across redraws.
    uirevision: 'saddlelab',
  };
  const data: Trace[] = [];
  const growing: number[] = [];
  const shapes: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  const firstOfLink = new Map<string, string>();
  const legendShown = new Set<string>();
  const legendLabel = new Map(desc.legend.map((e) => [e.role, e.label]));
  const bottom = new Map<number, number>();
  for (const p of desc.panels) bottom.set(p.col, Math.max(bottom.get(p.col) ?? 0, p.row));

  desc.panels.forEach((panel, p) => {
    const xs = axisName('x', p);
    const ys = axisName('y', p);
    const top = rowTop(panel.row);
    const x0 = panel.col * (width + COL_GAP);
    const x1 = x0 + panel.colSpan * width + (panel.colSpan - 1) * COL_GAP;
    const axisLayout = (which: 'x' | 'y', a: AxisDescription, domain: [number, number], anchor: string, showTitle: boolean, lengthPx = Infinity) => {
      const range = zoom[zoomKey(panel, which)] ?? a.range;
      const ticks = zoom[zoomKey(panel, which)] ? axisTicks(a.type, range, a.integer) : a.ticks;
      const out: Record<string, unknown> = {
        domain,
        anchor,
        type: a.type,
        // A title longer than its axis wraps onto a second line.
        title: showTitle && a.title ? { text: wrapText(a.title, lengthPx, 12).slice(0, 2).join('<br>'), font: { size: 12 }, standoff: 4 } : undefined,
        automargin: true,
        zeroline: false,
      };
      if (range) out.range = toPlotlyRange(a, range);
      else out.autorange = true;
      if (ticks.length) Object.assign(out, { tickmode: 'array', tickvals: ticks.map((t) => t.value), ticktext: ticks.map((t) => t.label) });
      if (a.link) {
        const name = which + (p === 0 ? '' : String(p + 1));
        const first = firstOfLink.get(`${which}:${a.link}`);
        if (first) out.matches = first;
        else firstOfLink.set(`${which}:${a.link}`, name);
      }
      return out;
    };
    layout[`xaxis${p === 0 ? '' : p + 1}`] = axisLayout('x', panel.x, [x0, Math.min(1, x1)], ys, bottom.get(panel.col) === panel.row || panel.colSpan > 1);
    const h = rowPx[panel.row] / plotPx;
    layout[`yaxis${p === 0 ? '' : p + 1}`] = axisLayout('y', panel.y, [Math.max(0, top - h), top], xs, panel.col === 0, rowPx[panel.row]);
    if (panel.title) {
      annotations.push({ text: `<b>${panel.title}</b>`, xref: `${xs} domain`, yref: `${ys} domain`, x: 0, y: 1, xanchor: 'left', yanchor: 'bottom', showarrow: false, font: { size: 12 } });
    }
    for (const s of panel.series) {
      if (s.growing) growing.push(data.length);
      data.push({
        type: 'scatter',
        mode: s.markers ? 'lines+markers' : 'lines',
        uid: s.id,
        name: s.name,
        x: Array.from(s.x),
        y: Array.from(s.y),
        xaxis: xs,
        yaxis: ys,
        line: { color: s.color, dash: s.dash, width: s.width },
        ...(s.markers ? { marker: { size: 5, color: s.color } } : {}),
        opacity: s.opacity,
        legendgroup: s.group,
        showlegend: s.legend,
        hovertemplate: `${s.name}<br>${panel.x.title || 'x'} ${hoverFormat(panel.x).replace('VAR', 'x')}<br>${panel.y.title || s.name} ${hoverFormat(panel.y).replace('VAR', 'y')}<extra>${panel.title}</extra>`,
      });
    }
    for (const m of panel.marks) {
      const group = `mark-${m.role}`;
      const legend = !legendShown.has(m.role);
      legendShown.add(m.role);
      const common = { xref: xs, yref: `${ys} domain`, x0: m.x0, x1: m.x1, y0: m.y0, y1: m.y1, legendgroup: group, showlegend: legend, name: legendLabel.get(m.role) ?? m.role };
      if (m.x1 > m.x0) shapes.push({ type: 'rect', ...common, fillcolor: m.color, opacity: m.opacity, line: { width: 0 }, layer: 'below' });
      else shapes.push({ type: 'line', ...common, opacity: m.opacity, line: { color: m.color, dash: m.dash, width: m.width } });
      if (m.label) {
        // Above the panel, in the lane figure/marks.ts chose: clear of the curves, the ticks and the other labels.
        annotations.push({
          text: m.label,
          xref: xs,
          yref: `${ys} domain`,
          x: m.x0,
          y: 1,
          xanchor: m.labelAnchor === 'start' ? 'left' : m.labelAnchor === 'end' ? 'right' : 'center',
          yanchor: 'bottom',
          yshift: 1 + m.labelLane * LABEL_LANE_PX,
          showarrow: false,
          font: { size: LABEL_FONT_PX, color: m.role === 'end' ? ALERT_COLOR : darker(m.color) },
        });
      }
    }
  });
  layout.shapes = shapes;
  layout.annotations = annotations;
  return { data, layout, growing };
}
