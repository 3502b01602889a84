/**
 * A notebook's key figures as one display: a table of the values a reader can read (named in
 * words, numbers to 4 significant digits, long lists shortened), as text and HTML, and the
 * values themselves under `application/vnd.saddlelab.summary+json`, which no viewer renders and
 * `npm run tutorials` copies into reports/summary.json (docs/tutorials.md, "Key figures").
 */
import { fail } from '../errors';
import { formatValue } from './figure/axes';
import { fieldWords } from './figure/words';
import type { MimeBundle } from './kernel-port';

/** The mime type of the key figures' values. */
export const SUMMARY_MIME = 'application/vnd.saddlelab.summary+json';

/** Most characters of one value's text; longer ones end in "…" (the full value is in the JSON). */
const MAX_CHARS = 160;
/** Most items of a list shown. */
const MAX_ITEMS = 6;

/**
 * A value as short readable text: numbers by `formatValue` (integers below a million whole), lists and records
 * inline, the first `MAX_ITEMS` items of a long list and how many there are.
 *
 * @example
 * ```ts
 * import { formatFigure } from './key-figures';
 * console.log(formatFigure([0.5, 0.44458, 1416]), formatFigure({ start: 0, end: 529 })); // 0.5, 0.4446, 1416 start 0, end 529
 * ```
 */
export function formatFigure(v: unknown, depth = 0): string {
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 1e6 ? String(v) : formatValue(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (Array.isArray(v)) {
    if (!v.length) return 'none';
    const shown = v.slice(0, MAX_ITEMS).map((x) => formatFigure(x, depth + 1));
    // Records and lists are told apart by semicolons, numbers by commas.
    const list = shown.join(v.some((x) => typeof x === 'object' && x !== null) ? '; ' : ', ');
    const more = v.length > MAX_ITEMS ? ` … (${v.length} in all)` : '';
    return depth ? `[${list}${more}]` : `${list}${more}`;
  }
  if (typeof v === 'object') {
    const inner = Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k} ${formatFigure(x, depth + 1)}`).join(', ');
    return depth ? `(${inner})` : inner;
  }
  return String(v);
}

const clip = (s: string) => (s.length > MAX_CHARS ? `${s.slice(0, MAX_CHARS - 1)}…` : s);
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The display bundle of a notebook's key figures: `text/plain` and `text/html` tables (each value
 * shortened as text, then escaped: a cut never falls inside markup) and the values as JSON.
 *
 * @example
 * ```ts
 * import { kernel, widgets } from 'saddlelab';
 * kernel.getKernel().display(widgets.keyFigures({ finalLoss: 0.0123456, escapes: [164, 280] }));
 * // final loss   0.01235
 * // escape steps 164, 280
 * ```
 */
export function keyFigures(values: Record<string, unknown>): MimeBundle {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) fail('values', 'an object of named key figures', values);
  const rows = Object.entries(values).map(([k, v]) => [fieldWords(k), clip(formatFigure(v))] as const);
  const width = Math.max(0, ...rows.map(([k]) => k.length));
  const text = ['Key figures', ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)].join('\n');
  const html =
    '<table class="saddlelab-key-figures"><caption style="text-align:left;font-weight:bold">Key figures</caption>' +
    rows.map(([k, v]) => `<tr><th style="text-align:left;padding-right:1em">${esc(k)}</th><td style="text-align:left">${esc(v)}</td></tr>`).join('') +
    '</table>';
  return { 'text/plain': text, 'text/html': html, [SUMMARY_MIME]: JSON.parse(JSON.stringify(values)) };
}
