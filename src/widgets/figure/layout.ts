/**
 * Sizes every renderer shares, in CSS pixels: the static SVG draws panels at
 * these widths, and describe.ts places mark labels and keeps plateau bands
 * apart for them (a live view as wide or wider then has room to spare).
 */

/** Width of the plot area of a figure with one column of panels. */
export const SINGLE_PANEL_PX = 560;
/** Width of one panel in a figure with several columns. */
export const COLUMN_PX = 250;
/** Between two columns of panels (their y tick labels sit there). */
export const COLUMN_GAP_PX = 62;
/** Font size of a mark's label, and the height of one lane of labels above a panel. */
export const LABEL_FONT_PX = 10;
export const LABEL_LANE_PX = 13;
/** Average glyph width of DejaVu Sans in em (text widths are estimated from it). */
export const EM = 0.6;
/** Least gap between two plateau bands, and between a band and an escape line. */
export const BAND_GAP_PX = 5;

/** The width in pixels of a panel spanning `colSpan` of `cols` columns. */
export function panelWidthPx(cols: number, colSpan: number): number {
  const w = cols === 1 ? SINGLE_PANEL_PX : COLUMN_PX;
  return colSpan * w + (colSpan - 1) * COLUMN_GAP_PX;
}

/** The estimated width of `text` at `size` px. */
export function textWidthPx(text: string, size: number): number {
  return text.length * size * EM;
}

/** Words of `text` in lines of at most `width` px at font `size`. */
export function wrapText(text: string, width: number, size: number): string[] {
  const max = Math.max(10, Math.floor(width / (size * EM)));
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w)) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

