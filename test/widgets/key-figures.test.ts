/** A notebook's key figures: a table a reader can read, and the values in full as JSON beside it. */
import { SUMMARY_MIME, formatFigure, keyFigures } from '../../src/widgets/key-figures';

test('values formatted: 4 significant digits, integers whole, long lists shortened, records inline', () => {
  expect(formatFigure(0.35821345)).toBe('0.3582');
  expect(formatFigure(1416)).toBe('1416');
  expect(formatFigure(10110000)).toBe('1.011×10⁷');
  expect(formatFigure([532, 1416])).toBe('532, 1416');
  expect(formatFigure([1, 2, 3, 4, 5, 6, 7, 8])).toBe('1, 2, 3, 4, 5, 6 … (8 in all)');
  expect(formatFigure([{ start: 0, end: 529 }, { start: 533, end: 1388 }])).toBe('(start 0, end 529); (start 533, end 1388)');
  expect(formatFigure({ s1s2: [1.0112, 2.61] })).toBe('s1s2 [1.011, 2.61]');
  expect(formatFigure(NaN)).toBe('NaN');
});

test('the bundle: a table in text and HTML with names in words, each value cut as text before it is escaped; the values in full as JSON', () => {
  const values = { finalLoss: 0.0123456, leftC0Step: 2017, note: `<b>${'x'.repeat(300)}</b>`, escapes: [164, 280] };
  const b = keyFigures(values);
  expect(String(b['text/plain']).split('\n')).toEqual([
    'Key figures',
    '  final loss    0.01235',
    '  left C0 step  2017',
    `  note          <b>${'x'.repeat(156)}…`,
    '  escape steps  164, 280',
  ]);
  const html = String(b['text/html']);
  expect(html).toContain('<th style="text-align:left;padding-right:1em">left C0 step</th>');
  expect(html).toContain(`&lt;b&gt;${'x'.repeat(156)}…</td>`);
  expect(html).not.toMatch(/&[a-z]*…/);
  expect(b[SUMMARY_MIME]).toEqual(values);
});
