/**
 * Maths in a report's Markdown, typeset when the report is written: each TeX
 * span becomes MathML (KaTeX, `output: 'mathml'`), which browsers draw
 * natively with no script, font or network. nbconvert's own template would
 * load MathJax from a CDN instead, so offline the reader would see raw TeX.
 *
 * Delimiters as Jupyter's Markdown reads them: `$$…$$` and `\[…\]` (display),
 * `$…$` and `\(…\)` (inline). As in pandoc, an inline `$` opens only before a
 * non-space and closes only after a non-space and not before a digit, so
 * "costs $5 and $6" stays text; `\$` is a dollar sign. Code (fenced blocks,
 * inline code spans) is left alone.
 */
import type katexModule from 'katex';

let katex: typeof katexModule | undefined;

/** Stands in for one typeset span in the Markdown (its MathML as `html`); returns the text to put there. */
export type MathPlaceholder = (html: string, display: boolean) => string;

const inPlace: MathPlaceholder = (html, display) => (display ? `\n\n${html}\n\n` : html);

function typeset(tex: string, display: boolean, place: MathPlaceholder): string {
  // Loaded on first use: a kernel that writes no report never loads KaTeX.
  katex ??= require('katex') as typeof katexModule;
  // throwOnError false: a TeX error is shown in red in place, not a failed report.
  const mathml = katex.renderToString(tex, { output: 'mathml', displayMode: display, throwOnError: false, strict: 'ignore' });
  return place(display ? `<div class="saddlelab-math">${mathml}</div>` : mathml, display);
}

/** Typesets the maths of one stretch of Markdown that holds no code. */
function typesetText(text: string, place: MathPlaceholder): { text: string; count: number } {
  let count = 0;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    let m: RegExpExecArray | null;
    if (rest.startsWith('\\$')) {
      out += '\\$';
      i += 2;
    } else if ((m = /^\$\$([\s\S]+?)\$\$/.exec(rest)) || (m = /^\\\[([\s\S]+?)\\\]/.exec(rest))) {
      out += typeset(m[1].trim(), true, place);
      count++;
      i += m[0].length;
    } else if ((m = /^\\\(([\s\S]+?)\\\)/.exec(rest)) || (m = /^\$(?=\S)([^$\n]*?\S)\$(?!\d)/.exec(rest))) {
      out += typeset(m[1], false, place);
      count++;
      i += m[0].length;
    } else {
      out += text[i];
      i++;
    }
  }
  return { text: out, count };
}

/**
 * The Markdown with every TeX span replaced by MathML (or by what `place`
 * returns for it: a report puts a plain token there and the MathML into the
 * HTML after the Markdown is rendered, so no Markdown rule touches it), and how
 * many spans there were.
 *
 * @example
 * ```ts
 * import { typesetMarkdown } from './report-math';
 * const { markdown, count } = typesetMarkdown('The norm $\\|\\theta\\|$ grows; `$x$` is code.');
 * console.log(count, markdown.includes('<math')); // 1 true
 * ```
 */
export function typesetMarkdown(source: string, place: MathPlaceholder = inPlace): { markdown: string; count: number } {
  let count = 0;
  const out: string[] = [];
  // Fenced code blocks pass through whole; elsewhere, inline code spans do.
  const blocks = source.split(/(^(?:```|~~~)[^\n]*\n[\s\S]*?(?:^(?:```|~~~)[^\n]*$|(?![\s\S])))/m);
  blocks.forEach((block, b) => {
    if (b % 2 === 1) return void out.push(block);
    for (const [j, piece] of block.split(/(`+[^`]*?`+)/).entries()) {
      if (j % 2 === 1) {
        out.push(piece);
        continue;
      }
      const t = typesetText(piece, place);
      count += t.count;
      out.push(t.text);
    }
  });
  return { markdown: out.join(''), count };
}
