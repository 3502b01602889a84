/**
 * Marks a reader cannot misread, once the axes are fitted (describe.ts):
 * plateau bands that stop short of every escape, so two plateaus either side
 * of an escape read as two, with the dashed escape line in the gap between
 * them; and mark labels set above the panel in lanes, clear of the curves,
 * of the tick labels and of each other. Both work in the pixels of the static
 * figure (layout.ts), which a live view of the same size or wider shares.
 */
import { BAND_GAP_PX, LABEL_FONT_PX, textWidthPx } from './layout';
import type { AxisDescription, MarkDescription, PanelDescription } from './types';

/** Data → pixels along `a` for a panel `width` px wide (null before the axis has a range). */
function pixels(a: AxisDescription, width: number): { to: (v: number) => number; from: (p: number) => number } | null {
  if (!a.range) return null;
  const t = (v: number) => (a.type === 'log' ? Math.log10(v) : v);
  const inv = (u: number) => (a.type === 'log' ? 10 ** u : u);
  const lo = t(a.range[0]);
  const span = t(a.range[1]) - lo || 1;
  return { to: (v) => ((t(v) - lo) / span) * width, from: (p) => inv(lo + (p / width) * span) };
}

/**
 * Trims each plateau band so that it ends at least `BAND_GAP_PX / 2` before
 * and starts at least that far after every escape line of its run, and two
 * bands of a run are at least `BAND_GAP_PX` apart: adjacent plateaus (the
 * loss leaves one and settles on the next within a few steps) keep a visible
 * boundary, with the escape between them. A band with no width left is dropped.
 *
 * @example
 * ```ts
 * import { separatePlateaus } from './marks';
 * import type { MarkDescription, PanelDescription } from './types';
 * const axis = { title: 'step', type: 'linear' as const, range: [0, 1000] as [number, number], ticks: [], link: null, integer: false };
 * const mark = (role: 'plateau' | 'escape', x0: number, x1: number): MarkDescription =>
 *   ({ role, x0, x1, y0: 0, y1: 1, color: '#999', dash: 'solid', width: 1, opacity: 0.2, label: '', labelLane: 0, labelAnchor: 'middle', run: 0 });
 * // Two plateaus that meet at the escape at step 500.
 * const panel: PanelDescription = { id: 'loss', title: '', row: 0, col: 0, colSpan: 1, x: axis, y: { ...axis }, series: [], labelLanes: 0,
 *   marks: [mark('plateau', 0, 500), mark('escape', 500, 500), mark('plateau', 500, 1000)] };
 * separatePlateaus(panel, 500); // 1 px per step
 * const [a, , b] = panel.marks;
 * console.log(a.x1 < 500 && b.x0 > 500); // true
 * ```
 */
export function separatePlateaus(panel: PanelDescription, widthPx: number): void {
  const px = pixels(panel.x, widthPx);
  if (!px) return;
  const half = BAND_GAP_PX / 2;
  const bands = panel.marks.filter((m) => m.role === 'plateau' && m.x1 > m.x0);
  const lines = panel.marks.filter((m) => m.role === 'escape');
  const keep = new Set<MarkDescription>();
  const byRun = new Map<number | null, MarkDescription[]>();
  for (const b of bands) byRun.set(b.run, [...(byRun.get(b.run) ?? []), b]);
  for (const [run, list] of byRun) {
    list.sort((a, b) => a.x0 - b.x0);
    const escapes = lines.filter((l) => l.run === run).map((l) => px.to(l.x0));
    list.forEach((b, i) => {
      let a = px.to(b.x0);
      let z = px.to(b.x1);
      for (const e of escapes) {
        // An escape inside or just beside the band cuts it on the side nearer the escape.
        if (e > a - half && e < z + half) {
          if (e - a < z - e) a = Math.max(a, e + half);
          else z = Math.min(z, e - half);
        }
      }
      const next = list[i + 1];
      if (next) {
        const n = px.to(next.x0);
        if (n - z < BAND_GAP_PX) {
          // Split the difference: both bands give up half of the missing gap.
          const mid = (z + n) / 2;
          z = Math.min(z, mid - half);
        }
      }
      const prev = list[i - 1];
      if (prev) {
        const p = px.to(prev.x1);
        if (a - p < BAND_GAP_PX) a = Math.max(a, (a + p) / 2 + half);
      }
      if (z - a >= 1) {
        b.x0 = px.from(a);
        b.x1 = px.from(z);
        keep.add(b);
      }
    });
  }
  panel.marks = panel.marks.filter((m) => !(m.role === 'plateau' && m.x1 > m.x0) || keep.has(m));
}

/**
 * Places the labels of a panel's marks above its top edge: each centred on
 * its mark (anchored at its start or end where it would cross the panel's
 * edge), in the lowest lane where it overlaps no other label and not the
 * panel's own title, with 4 px between neighbours. Sets each mark's
 * `labelLane` and `labelAnchor` and the panel's `labelLanes`.
 *
 * @example
 * ```ts
 * import { placeLabels } from './marks';
 * import type { MarkDescription, PanelDescription } from './types';
 * const axis = { title: 'step', type: 'linear' as const, range: [0, 1000] as [number, number], ticks: [], link: null, integer: false };
 * const line = (x: number, label: string): MarkDescription =>
 *   ({ role: 'snapshot', x0: x, x1: x, y0: 0, y1: 1, color: '#999', dash: 'dot', width: 1, opacity: 1, label, labelLane: 0, labelAnchor: 'middle', run: null });
 * // Two labels 10 steps (5 px) apart cannot share a lane.
 * const panel: PanelDescription = { id: 'loss', title: '', row: 0, col: 0, colSpan: 1, x: axis, y: { ...axis }, series: [], labelLanes: 0,
 *   marks: [line(500, '500'), line(510, '510')] };
 * placeLabels(panel, 500);
 * console.log(panel.marks.map((m) => m.labelLane), panel.labelLanes); // [ 0, 1 ] 2
 * ```
 */
export function placeLabels(panel: PanelDescription, widthPx: number): void {
  const px = pixels(panel.x, widthPx);
  const labelled = panel.marks.filter((m) => m.label);
  panel.labelLanes = 0;
  if (!px || !labelled.length) return;
  const pad = 4;
  // Lane 0 is shared with the panel's title at its top left.
  const taken: Array<Array<[number, number]>> = [panel.title ? [[0, textWidthPx(panel.title, 12) + 6]] : []];
  for (const m of [...labelled].sort((a, b) => a.x0 - b.x0)) {
    const x = px.to(m.x0);
    if (x < -0.5 || x > widthPx + 0.5) continue;
    const w = textWidthPx(m.label, LABEL_FONT_PX) + 2;
    let anchor: MarkDescription['labelAnchor'] = 'middle';
    let span: [number, number] = [x - w / 2, x + w / 2];
    if (span[0] < 0) (anchor = 'start'), (span = [x, x + w]);
    else if (span[1] > widthPx) (anchor = 'end'), (span = [x - w, x]);
    let lane = 0;
    for (; ; lane++) {
      taken[lane] ??= [];
      if (taken[lane].every(([a, b]) => span[1] + pad <= a || span[0] - pad >= b)) break;
    }
    taken[lane].push(span);
    m.labelLane = lane;
    m.labelAnchor = anchor;
    panel.labelLanes = Math.max(panel.labelLanes, lane + 1);
  }
}
