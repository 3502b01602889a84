/**
 * The figure description: what a widget's figure shows, as plain data, for
 * every renderer (the live Plotly view, the static SVG/PNG, the report HTML,
 * CSV/JSON export). Type-only. Built by `describeFigure(state)` (describe.ts).
 *
 * Coordinates are data units everywhere (a log axis's range is [1e-3, 1], not
 * [-3, 0]); series are already filtered to what the axes can show (finite,
 * and positive on a log axis) and already smoothed or divided by s1 when the
 * state asks for it, so a renderer draws them as they are.
 */
import type { WidgetKind } from '../state';

/** Line styles every renderer knows (Plotly `line.dash`; SVG `stroke-dasharray`: see `DASH_PATTERNS`). */
export type LineDash = 'solid' | 'dash' | 'dot' | 'dashdot';

/** One tick: where, and its label as it should be printed. */
export interface Tick {
  value: number;
  label: string;
}

export interface AxisDescription {
  title: string;
  type: 'linear' | 'log';
  /**
   * `[lo, hi]` in data units, fitted to the panel's series (padded a little
   * on value axes; shared by the panels of one `link` group), or null when
   * the panel has nothing to show yet.
   */
  range: [number, number] | null;
  /** Readable ticks for `range` (`axisTicks`); a renderer recomputes them with `axisTicks` after a zoom. */
  ticks: Tick[];
  /**
   * Panels whose axes carry the same link name zoom together and share one
   * range (the step axis of a dashboard, the value axis of Figure 1's
   * panels); null: the axis is the panel's own.
   */
  link: string | null;
  /** Integer-valued (the index i, the layer ℓ): ticks only at integers. */
  integer: boolean;
}

/** What a series is, for hover text and export. */
export type SeriesRole = 'loss' | 'loss-raw' | 'singular' | 'snapshot' | 'law' | 'reference' | 'sweep' | 'interval';

export interface SeriesDescription {
  /** Unique in the figure and stable while a run grows (renderers key incremental updates on it). */
  id: string;
  /** Legend label. */
  name: string;
  /** Legend group: toggling the entry shows or hides every series of the group, in every panel (s6 of every layer). */
  group: string;
  /** Whether this series carries the group's legend entry (exactly one per group). */
  legend: boolean;
  role: SeriesRole;
  x: Float64Array;
  y: Float64Array;
  color: string;
  dash: LineDash;
  width: number;
  /** 1 for the series a reader reads; lower for context (the raw loss under its smoothed line). */
  opacity: number;
  /** Draw a marker at each point (snapshots against i, the layer law against ℓ). */
  markers: boolean;
  /** Only gains points at its end while a run goes on: a live renderer may append instead of redrawing. */
  growing: boolean;
}

/** What a mark is; each role has one legend entry (`FigureDescription.legend`) saying what it means. */
export type MarkRole = 'plateau' | 'escape' | 'uncertain' | 'snapshot' | 'cursor' | 'end';

/**
 * A vertical band (`x1 > x0`) or a vertical line (`x1 === x0`), in data units
 * of the panel's x axis, from `y0` to `y1` in fractions of the panel's height
 * (0 bottom, 1 top; most marks span 0 to 1; the plateaus of several runs are
 * one thin strip per run along the bottom, so that they do not cover the plot).
 */
export interface MarkDescription {
  role: MarkRole;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  color: string;
  dash: LineDash;
  width: number;
  opacity: number;
  /** Text drawn above the panel at the mark's x ('' for none): a snapshot's step, "stopped at step N". */
  label: string;
  /**
   * Where the label goes (marks.ts `placeLabels`): its lane above the panel's top edge (0 the
   * nearest; each lane `LABEL_LANE_PX` high), and how its text is anchored at the mark's x
   * (`middle`; `start`/`end` next to the panel's edges). Outside the plot area, so no label
   * covers a curve, and no two labels of a panel overlap.
   */
  labelLane: number;
  labelAnchor: 'start' | 'middle' | 'end';
  /** The run the mark belongs to (null for the cursor and snapshot steps). */
  run: number | null;
}

/** The legend entry of a mark role: what the mark looks like and what it means. */
export interface MarkLegendEntry {
  role: MarkRole;
  /** Short label for a legend ("escape (train.detectPhases)"). */
  label: string;
  symbol: 'band' | 'line';
  /** A representative colour (a mark may take its run's or its step's colour; the caption says so). */
  color: string;
  dash: LineDash;
}

export interface PanelDescription {
  /** Unique in the figure: 'loss', 'W3', 'Z2', 'law'. */
  id: string;
  /** Shown at the panel's top left ('' for none). */
  title: string;
  /** Grid cell: 0-based row and column, and how many columns it spans. */
  row: number;
  col: number;
  colSpan: number;
  x: AxisDescription;
  y: AxisDescription;
  series: SeriesDescription[];
  marks: MarkDescription[];
  /** Lanes of mark labels above the panel (0 when no mark has a label): renderers leave `labelLanes × LABEL_LANE_PX` free there. */
  labelLanes: number;
}

/** The values under the cursor (or at the latest step when the cursor follows). */
export interface Readout {
  step: number;
  /** Whether `step` is the cursor's (false: the latest step, the cursor follows the run). */
  atCursor: boolean;
  values: Array<{ label: string; value: number; text: string }>;
  /** One line: "step 120 · loss (run) 0.0341 · W1 s1 2.10, s2 0.300". */
  text: string;
}

export interface FigureDescription {
  kind: WidgetKind;
  title: string;
  /** Panels sit on a grid of `rows` × `cols` cells. */
  grid: { rows: number; cols: number };
  panels: PanelDescription[];
  /** One entry per mark role that appears, in a fixed order (series carry their own legend entries). */
  legend: MarkLegendEntry[];
  /** Says what is drawn and what each mark and shading means; renderers show it under the figure. */
  caption: string;
  readout: Readout | null;
  /** The `[saddlelab]` messages of runs that stopped early, to show under the figure. */
  notes: string[];
  /** A file name stem saying what the figure is: `<runs>-<kind>-step<N>` (export.ts `exportFileName`). */
  fileStem: string;
}
