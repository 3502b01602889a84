/**
 * The Plotly plot of a live view, brought up to date at most once per
 * animation frame, three ways: the kernel's appends go straight to
 * `Plotly.extendTraces` (append-plan.ts), the figure described again only for
 * its layout when an append moves the axes or the marks; a change of the
 * cursor, the ends or the title describes the figure again and relayouts it
 * (the traces stay); anything else (a scale, smoothing, layers, a full state
 * from the kernel) describes and draws it in full (`Plotly.react`). A zoom
 * the user made is kept across all three.
 */
import Plotly, { type PlotlyDiv } from 'plotly.js-dist-min';
import { isRecord } from '../../src/widgets/codec';
import { describeFigure, figureReadout } from '../../src/widgets/figure/describe';
import { isOpen } from '../../src/widgets/figure/fit';
import type { FigureDescription, Readout } from '../../src/widgets/figure/types';
import type { AppendMessage, PlotState } from '../../src/widgets/state';
import { drawnOf, joinPoints, lossCounts, planAppend, type Drawn, type TracePoints } from './append-plan';
import { axisName, plotlyFigure, zoomKey, type Zoom } from './plotly-figure';

/** How much of the figure a change touches. */
export type Scope = 'full' | 'layout';

/** What the view shows beside the plot, after each draw. */
export interface Shown {
  /** The description drawn ('' readout while none). */
  desc: FigureDescription;
  readout: Readout | null;
  counts: { points: number; stepSum: number; lastStep: number };
  traces: number;
  /** Full descriptions so far (the first draw, redraws, layout changes): what appends did not need. */
  describes: number;
}

/** Each top-level layout key as JSON: a relayout sends only those that changed. */
const layoutJson = (layout: Record<string, unknown>) => new Map(Object.entries(layout).map(([k, v]) => [k, JSON.stringify(v) ?? '']));

export class LiveFigure {
  private drawn?: Drawn;
  private layout = new Map<string, string>();
  private zoom: Zoom = {};
  private pending: { scope: Scope | null; appends: AppendMessage[] } = { scope: null, appends: [] };
  private scheduled = false;
  private drawing: Promise<unknown> = Promise.resolve();
  /** True while this view itself changes the plot (its relayout events are not the user's zoom). */
  private applying = false;
  /** The div as Plotly drew it (its events, its layout), after the first draw. */
  private div?: PlotlyDiv;
  private describes = 0;

  constructor(
    private readonly plot: HTMLDivElement,
    private readonly state: () => PlotState,
    private readonly shown: (s: Shown) => void,
    /** A click on a step axis at this step. */
    private readonly clicked: (step: number) => void,
  ) {}

  /** The description last drawn (export, zoom keys). */
  get description(): FigureDescription | undefined {
    return this.drawn?.desc;
  }

  /** The state changed: redraw what `scope` says, at the next frame. */
  changed(scope: Scope): void {
    this.pending.scope = this.pending.scope === 'full' || scope === 'full' ? 'full' : 'layout';
    this.schedule();
  }

  /** The model merged an append: add its points at the next frame. */
  appended(message: AppendMessage): void {
    this.pending.appends.push(message);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      this.drawing = this.drawing.then(() => this.draw()).catch((e) => console.error('[saddlelab] plot update failed', e));
    };
    if (typeof requestAnimationFrame === 'function' && document.visibilityState !== 'hidden') requestAnimationFrame(run);
    else setTimeout(run, 50);
  }

  private async draw(): Promise<void> {
    const { scope, appends } = this.pending;
    this.pending = { scope: null, appends: [] };
    const state = this.state();
    this.applying = true;
    try {
      if (!this.drawn || scope === 'full') await this.react(state);
      else {
        let layout = scope === 'layout';
        let points: TracePoints = new Map();
        let drawn = this.drawn;
        for (const m of appends) {
          const plan = planAppend(drawn, state, m, isOpen(state));
          if (plan.kind === 'redraw') return await this.react(state);
          points = joinPoints(points, plan.points);
          layout ||= plan.layout !== null;
          drawn = plan.drawn;
        }
        if (points.size) {
          const indices = [...points.keys()];
          await Plotly.extendTraces(this.plot, { x: indices.map((i) => points.get(i)?.x ?? []), y: indices.map((i) => points.get(i)?.y ?? []) }, indices);
        }
        this.drawn = drawn;
        if (layout) await this.relayout(state);
        else this.show(state);
      }
    } finally {
      this.applying = false;
    }
  }

  /** Describes the figure and draws it in full. */
  private async react(state: PlotState): Promise<void> {
    const desc = describeFigure(state);
    this.describes++;
    const fig = plotlyFigure(desc, this.zoom);
    const div = await Plotly.react(this.plot, fig.data, { ...fig.layout, autosize: true }, { responsive: true, displaylogo: false, modeBarButtonsToRemove: ['toImage'] });
    this.drawn = drawnOf(desc, state);
    this.layout = layoutJson(fig.layout);
    if (!this.div) this.listen(div);
    this.div = div;
    this.show(state);
  }

  /** Describes the figure and relayouts what changed in its layout (ranges, ticks, marks, labels); the traces stay. */
  private async relayout(state: PlotState): Promise<void> {
    if (!this.drawn) return this.react(state);
    const desc = describeFigure(state);
    this.describes++;
    const fig = plotlyFigure(desc, this.zoom);
    const now = layoutJson(fig.layout);
    const update: Record<string, unknown> = {};
    for (const k of new Set([...now.keys(), ...this.layout.keys()])) if (now.get(k) !== this.layout.get(k)) update[k] = fig.layout[k] ?? null;
    if (Object.keys(update).length) await Plotly.relayout(this.plot, update);
    this.layout = now;
    this.drawn = { ...this.drawn, desc };
    this.show(state);
  }

  private show(state: PlotState): void {
    if (!this.drawn) return;
    const desc = this.drawn.desc;
    this.shown({ desc, readout: figureReadout(state), counts: lossCounts(this.drawn), traces: this.drawn.series.size, describes: this.describes });
  }

  /** Plot events: a zoom is kept (and its ticks redone); a click on a step axis moves the cursor there. */
  private listen(div: PlotlyDiv): void {
    div.on('plotly_relayout', (e) => {
      const desc = this.drawn?.desc;
      if (this.applying || !desc) return;
      let changed = false;
      for (const [key, value] of Object.entries(e)) {
        const m = /^([xy])axis(\d*)\.(range\[[01]\]|range|autorange)$/.exec(key);
        if (!m) continue;
        const which = m[1] === 'x' ? 'x' : 'y';
        const panel = desc.panels[m[2] ? Number(m[2]) - 1 : 0];
        if (!panel) continue;
        const zk = zoomKey(panel, which);
        const log = panel[which].type === 'log';
        const toData = (v: unknown) => (log ? 10 ** Number(v) : Number(v));
        const axis = div.layout?.[`${which}axis${m[2]}`];
        const range = m[3] === 'range' ? value : isRecord(axis) ? axis.range : undefined;
        if (m[3] === 'autorange') delete this.zoom[zk];
        else if (Array.isArray(range)) this.zoom[zk] = [toData(range[0]), toData(range[1])];
        changed = true;
      }
      if (changed) this.changed('layout');
    });
    div.on('plotly_click', (e) => {
      const pt = e.points?.[0];
      const desc = this.drawn?.desc;
      if (!pt || !desc) return;
      const p = desc.panels.findIndex((_, i) => axisName('x', i) === (pt.xaxis?._id ?? 'x'));
      if (p >= 0 && desc.panels[p].x.link === 'step') this.clicked(pt.x);
    });
  }

  /** The plot as drawn, as a PNG or SVG data URL (the export buttons). */
  image(format: 'png' | 'svg'): Promise<string> {
    const height = Number(this.div?.layout?.height) || 480;
    return Plotly.toImage(this.plot, { format, width: Math.max(640, this.plot.clientWidth || 900), height, scale: format === 'png' ? 2 : 1 });
  }

  resize(): void {
    if (this.plot.isConnected) Plotly.Plots.resize(this.plot);
  }

  purge(): void {
    Plotly.purge(this.plot);
  }
}
