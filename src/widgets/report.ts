/**
 * Shareable reports. An executed notebook becomes one HTML file that works
 * from disk with no network: no request leaves it and its console stays
 * clean. nbconvert's own template loads require.js and MathJax from a CDN and,
 * when the notebook saved widget state, draws each widget with the widget
 * manager from a CDN (a blank box offline). Here the Markdown's maths is
 * typeset to MathML when the report is written, and every saddlelab output
 * becomes its static image plus its figure data (figure-data.ts), and the
 * report inlines one script, Plotly with the widgets' figure code, that
 * redraws each figure interactively (hover, zoom); without JavaScript the
 * static image stays (docs/widgets.md, "Sharing a report").
 */
import { SaddlelabError, fail } from '../errors';
import { FIGURE_MIME, stateOfFigureData } from './figure-data';
import { typesetMarkdown } from './report-math';

const VIEW = 'application/vnd.jupyter.widget-view+json';
const STATIC = ['image/svg+xml', 'image/png'];

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}
interface Notebook {
  cells: Array<{ cell_type?: string; source?: string | string[]; outputs?: Output[] }>;
  metadata?: Record<string, unknown>;
}

function parsed(notebook: unknown): Notebook {
  if (typeof notebook !== 'object' || notebook === null || !Array.isArray((notebook as { cells?: unknown }).cells)) fail('notebook', 'a parsed .ipynb object (with a cells array)', notebook);
  return structuredClone(notebook) as Notebook;
}

/** Drops the saved widget state when no output shows a widget view any more. */
function dropUnusedState(nb: Notebook): void {
  const viewsLeft = nb.cells.some((c) => (c.outputs ?? []).some((o) => o.data && VIEW in o.data));
  if (!viewsLeft && nb.metadata) delete nb.metadata.widgets;
}

/**
 * A copy of a notebook (nbformat 4 JSON) whose outputs that have a static
 * figure no longer offer the widget view, and without the saved widget state
 * when no output needs it any more: every viewer then shows the static figure.
 *
 * @example
 * ```ts
 * import { prepareReport } from './report';
 * const nb = { cells: [{ cell_type: 'code', outputs: [{ output_type: 'display_data', data: { 'text/plain': 'x', 'image/svg+xml': '<svg/>', 'application/vnd.jupyter.widget-view+json': {} } }] }], metadata: {} };
 * console.log(Object.keys(prepareReport(nb).cells[0].outputs[0].data)); // ['text/plain', 'image/svg+xml']
 * ```
 */
export function prepareReport<T extends object>(notebook: T): T {
  const nb = parsed(notebook);
  for (const cell of nb.cells) for (const out of cell.outputs ?? []) if (out.data && VIEW in out.data && STATIC.some((m) => m in out.data!)) delete out.data[VIEW];
  dropUnusedState(nb);
  return nb as unknown as T;
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** JSON that can sit inside a <script> element: no `</script>`, no `<!--`. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

/** The static image of an output (SVG preferred: sharp at any zoom), as an <img>. */
function staticImg(data: Record<string, unknown>, metadata: Record<string, unknown> = {}): string {
  const alt = escapeAttr(String(data['text/plain'] ?? 'saddlelab figure'));
  const svg = data['image/svg+xml'];
  if (typeof svg === 'string') return `<img class="saddlelab-static" alt="${alt}" style="max-width:100%" src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}">`;
  const size = (metadata['image/png'] ?? {}) as { width?: number; height?: number };
  const dims = `${typeof size.width === 'number' ? ` width="${size.width}"` : ''}${typeof size.height === 'number' ? ` height="${size.height}"` : ''}`;
  return `<img class="saddlelab-static" alt="${alt}" style="max-width:100%"${dims} src="data:image/png;base64,${String(data['image/png']).replace(/\s/g, '')}">`;
}

/**
 * The notebook an HTML report is made from: each saddlelab output (one with
 * figure data, or a widget view with a static figure) becomes a single
 * `text/html` block, `<div class="saddlelab-figure">` holding the static image
 * and, when the output has it, the figure's data for the interactive redraw.
 * `figures` counts those outputs, `interactive` the ones with figure data.
 * The maths of Markdown cells is typeset to MathML (`maths` spans; report-math.ts),
 * each span left as a token in the Markdown, its MathML in `mathml` by token.
 *
 * @example
 * ```ts
 * import { reportNotebook } from './report';
 * const nb = { cells: [{ cell_type: 'markdown', source: 'The loss $L$ falls.' }], metadata: {} };
 * const { figures, interactive, maths } = reportNotebook(nb); // an .ipynb's JSON, parsed
 * console.log(figures, interactive, maths); // 0 0 1
 * ```
 */
export function reportNotebook<T extends object>(notebook: T): { notebook: T; figures: number; interactive: number; maths: number; mathml: Record<string, string> } {
  const nb = parsed(notebook);
  let figures = 0;
  let interactive = 0;
  let maths = 0;
  // Typeset here: the report loads no MathJax (report-math.ts). Tokens stand in the Markdown; the HTML gets the MathML.
  const mathml: Record<string, string> = {};
  const place = (html: string, display: boolean) => {
    const token = `SADDLELABMATH${Object.keys(mathml).length}X`;
    mathml[token] = html;
    return display ? `\n\n${token}\n\n` : token;
  };
  for (const cell of nb.cells) {
    if (cell.cell_type === 'markdown' && cell.source !== undefined) {
      const { markdown, count } = typesetMarkdown(Array.isArray(cell.source) ? cell.source.join('') : cell.source, place);
      if (count) cell.source = markdown;
      maths += count;
    }
    for (const out of cell.outputs ?? []) {
      if (!out.data) continue;
      // On disk, nbformat may store a text mime type as a list of lines.
      const data = Object.fromEntries(Object.entries(out.data).map(([k, v]) => [k, Array.isArray(v) && !k.endsWith('json') ? v.join('') : v]));
      if (!STATIC.some((m) => typeof data[m] === 'string')) continue;
      const hasData = stateOfFigureData(data[FIGURE_MIME]) !== null;
      if (!hasData && !(VIEW in data)) continue;
      figures++;
      let html = `<div class="saddlelab-figure">${staticImg(data, out.metadata)}`;
      if (hasData) {
        interactive++;
        html += `<script type="${FIGURE_MIME}">${scriptJson(data[FIGURE_MIME])}</script>`;
      }
      html += '</div>';
      out.data = { 'text/html': html, 'text/plain': data['text/plain'] ?? 'saddlelab figure' };
      out.metadata = {};
    }
  }
  dropUnusedState(nb);
  return { notebook: nb as unknown as T, figures, interactive, maths, mathml };
}

/**
 * The nbconvert template of the reports: JupyterLab's HTML template without
 * any script it would load from a CDN (require.js, MathJax, the widget
 * manager, mermaid).
 */
export const REPORT_TEMPLATE = `{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
`;

/** Resources an HTML page would fetch from elsewhere: `src`/`href` of scripts, styles, images and frames, and CSS `@import`/`url()` that are not data URIs. */
export function outsideRequests(html: string): string[] {
  const found: string[] = [];
  for (const m of html.matchAll(/<(script|link|img|iframe|source|video|audio|embed|object)\b[^>]*?\s(?:src|href|data)\s*=\s*["']?((?:https?:)?\/\/[^"'\s>]+)/gi)) {
    // A plain hyperlink is not a request; a <link> is one unless it is only a hyperlink relation.
    if (m[1].toLowerCase() === 'link' && /rel\s*=\s*["']?(?:canonical|author|help|license|next|prev)/i.test(m[0])) continue;
    found.push(m[2]);
  }
  for (const m of html.matchAll(/(?:@import\s+(?:url\()?|url\()\s*["']?((?:https?:)?\/\/[^"')\s]+)/gi)) found.push(m[1]);
  return found;
}

/** Options of writeReport. */
export interface ReportOptions {
  /** The `jupyter` executable (default: `.venv/bin/jupyter` of this project when it exists, else `jupyter` on PATH). */
  jupyter?: string;
}

/** What writeReport wrote. */
export interface ReportResult {
  html: string;
  /** Saddlelab figures in the report, and how many of them are interactive. */
  figures: number;
  interactive: number;
  /** TeX spans of the Markdown typeset as MathML. */
  maths: number;
  bytes: number;
}

/**
 * Converts an executed notebook to one self-contained HTML report: every
 * saddlelab figure as its static image and, where the output carries its
 * figure data, drawn interactively by the inlined Plotly; nothing is loaded
 * from the network.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { writeReport } from './report';
 * writeFileSync('run.ipynb', JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'markdown', metadata: {}, source: '# A run' }] }));
 * const result = writeReport('run.ipynb', 'run.html'); // nbconvert, from the .venv that setup made
 * console.log(result.figures); // 0
 * ```
 */
export function writeReport(notebookPath: string, htmlPath: string, options: ReportOptions = {}): ReportResult {
  // Required lazily: prepareReport and reportNotebook are pure and need none of them.
  const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
  const fs = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  const os = require('node:os') as typeof import('node:os');
  const root = path.resolve(__dirname, '..', '..');
  const local = path.join(root, '.venv', 'bin', 'jupyter');
  const jupyter = options.jupyter ?? (fs.existsSync(local) ? local : 'jupyter');
  if (typeof notebookPath !== 'string' || !fs.existsSync(notebookPath)) fail('notebookPath', 'the path of an existing .ipynb file', notebookPath);
  if (typeof htmlPath !== 'string' || !htmlPath.endsWith('.html')) fail('htmlPath', 'an output path ending in .html', htmlPath);
  let nbJson: unknown;
  try {
    nbJson = JSON.parse(fs.readFileSync(notebookPath, 'utf8'));
  } catch (e) {
    fail('notebookPath', 'a readable .ipynb (JSON) file', `${notebookPath} (${(e as Error).message})`);
  }
  const { notebook, figures, interactive, maths, mathml } = reportNotebook(nbJson as object);
  const pageScript = path.join(root, 'dist', 'report-page.js');
  if (interactive && !fs.existsSync(pageScript)) throw new SaddlelabError(`[saddlelab] the report script ${pageScript} is missing; build saddlelab first (npm run build)`, 'report-page');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'saddlelab-report-'));
  try {
    const templates = path.join(dir, 'templates');
    fs.mkdirSync(path.join(templates, 'saddlelab-report'), { recursive: true });
    fs.writeFileSync(path.join(templates, 'saddlelab-report', 'conf.json'), JSON.stringify({ base_template: 'lab', mimetypes: { 'text/html': true } }));
    fs.writeFileSync(path.join(templates, 'saddlelab-report', 'index.html.j2'), REPORT_TEMPLATE);
    const staged = path.join(dir, path.basename(notebookPath));
    fs.writeFileSync(staged, JSON.stringify(notebook));
    const converted = path.join(dir, 'report.html');
    try {
      execFileSync(jupyter, ['nbconvert', '--to', 'html', '--template', 'saddlelab-report', `--TemplateExporter.extra_template_basedirs=${templates}`, '--output', 'report', '--output-dir', dir, staged], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const stderr = String((e as { stderr?: unknown }).stderr ?? '').trim().split('\n').slice(-5).join('\n');
      throw new SaddlelabError(`[saddlelab] jupyter nbconvert failed on ${notebookPath}: ${stderr || (e as Error).message}`, 'notebookPath');
    }
    let html = fs.readFileSync(converted, 'utf8');
    // A display formula's token is a paragraph of its own; an inline one sits in its text.
    for (const [token, math] of Object.entries(mathml)) html = html.split(`<p>${token}</p>`).join(math).split(token).join(math);
    if (interactive) {
      // One copy of the script per report, after the content; `<\/script` keeps the HTML parser out of it.
      const script = fs.readFileSync(pageScript, 'utf8').replace(/<\/script/gi, '<\\/script');
      const at = html.lastIndexOf('</body>');
      const tag = `<script>\n${script}\n</script>\n`;
      html = at >= 0 ? html.slice(0, at) + tag + html.slice(at) : html + tag;
    }
    const outside = outsideRequests(html);
    if (outside.length) throw new SaddlelabError(`[saddlelab] the report of ${notebookPath} would load ${outside.slice(0, 3).join(', ')} from the network; a report must work offline`, 'notebookPath');
    const out = path.resolve(htmlPath);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, html);
    return { html: out, figures, interactive, maths, bytes: Buffer.byteLength(html) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
