import { LossPlot, TrainingDashboard } from '../../src/widgets';
import { FIGURE_MIME, figureData, stateOfFigureData, thinIndices, thinState } from '../../src/widgets/figure-data';
import { outsideRequests, prepareReport, reportNotebook } from '../../src/widgets/report';
import { typesetMarkdown } from '../../src/widgets/report-math';
import { createFakeKernel } from './fake-kernel';
import { staircase } from './histories';

/** A notebook as these tests write it: cells whose outputs carry a mime bundle, or text. */
interface TestNotebook {
  metadata?: Record<string, unknown> & { widgets?: unknown };
  cells: Array<{ cell_type?: string; source?: string; outputs?: Array<{ output_type: string; data?: Record<string, unknown>; text?: string; metadata?: Record<string, unknown> }> }>;
}

const VIEW = 'application/vnd.jupyter.widget-view+json';

test('prepareReport keeps the static figure, drops the widget view, and drops widget state nobody needs', () => {
  const nb: TestNotebook = {
    metadata: { widgets: { 'application/vnd.jupyter.widget-state+json': { state: {} } } },
    cells: [
      { cell_type: 'markdown', source: 'x' },
      { cell_type: 'code', outputs: [{ output_type: 'display_data', data: { 'text/plain': 'LossPlot', 'image/svg+xml': '<svg/>', [VIEW]: { model_id: 'a' } } }] },
      { cell_type: 'code', outputs: [{ output_type: 'stream', text: 'hi' }] },
    ],
  };
  const out = prepareReport(nb);
  expect(Object.keys(out.cells[1].outputs![0].data!)).toEqual(['text/plain', 'image/svg+xml']);
  expect(out.metadata?.widgets).toBeUndefined();
  // The input is not changed.
  expect(VIEW in nb.cells[1].outputs![0].data!).toBe(true);
});

test('prepareReport keeps widget state when a view has no static fallback (e.g. an ipywidgets slider)', () => {
  const nb = {
    metadata: { widgets: { s: 1 } },
    cells: [{ cell_type: 'code', outputs: [{ output_type: 'display_data', data: { 'text/plain': 'IntSlider', [VIEW]: { model_id: 'b' } } }] }],
  };
  const out = prepareReport(nb);
  expect(VIEW in out.cells[0].outputs[0].data).toBe(true);
  expect(out.metadata.widgets).toEqual({ s: 1 });
});

describe('figure data (the interactive report figure, carried by each output)', () => {
  test('round trip: the state comes back with float32 precision, typed arrays and all fields', () => {
    const h = staircase(300, 3);
    const state = new TrainingDashboard(h, undefined, { kernel: createFakeKernel(false), staticFigure: false }).state;
    const back = stateOfFigureData(JSON.parse(JSON.stringify(figureData(state))))!;
    expect(back.kind).toBe('TrainingDashboard');
    expect(back.runs[0].loss).toBeInstanceOf(Float64Array);
    expect(Array.from(back.runs[0].steps)).toEqual(Array.from(state.runs[0].steps));
    back.runs[0].loss.forEach((v, i) => expect(v).toBeCloseTo(state.runs[0].loss[i], 6));
    expect(back.runs[0].escapes).toEqual(state.runs[0].escapes);
    expect(back.spectrum!.weights.length).toBe(state.spectrum!.weights.length);
    expect(Array.from(back.spectrum!.weights)).toEqual(Array.from(Float32Array.from(state.spectrum!.weights)));
    expect(stateOfFigureData({ version: 2, state: {} })).toBeNull();
    expect(stateOfFigureData('x')).toBeNull();
  });

  test('long runs are thinned evenly with the last point and record kept', () => {
    expect(thinIndices(10, 4)).toEqual([0, 3, 6, 9]);
    expect(thinIndices(11, 4)).toEqual([0, 3, 6, 9, 10]);
    const h = staircase(10000, 2, 10);
    const state = new LossPlot(h, { kernel: createFakeKernel(false), staticFigure: false }).state;
    const thin = thinState({ ...state, spectrum: new TrainingDashboard(h, undefined, { kernel: createFakeKernel(false), staticFigure: false }).state.spectrum }, 1000, 100);
    expect(thin.runs[0].steps.length).toBeLessThanOrEqual(1001);
    expect(thin.runs[0].steps[thin.runs[0].steps.length - 1]).toBe(9999);
    const sp = thin.spectrum!;
    expect(sp.steps.length).toBeLessThanOrEqual(101);
    expect(sp.steps[sp.steps.length - 1]).toBe(9990);
    expect(sp.weights.length).toBe(sp.steps.length * sp.layers * sp.k);
  });
});

describe('reportNotebook', () => {
  const h = staircase(200, 2);
  const kernel = createFakeKernel(false);
  new LossPlot(h, { kernel }).display();
  const bundle = kernel.displays[0].bundle;

  test('a saddlelab output becomes one HTML block: static image and figure data, safe inside a <script>', () => {
    const nb: TestNotebook = {
      metadata: { widgets: { 'application/vnd.jupyter.widget-state+json': { state: {} } } },
      cells: [
        { cell_type: 'code', outputs: [{ output_type: 'display_data', data: { ...bundle, [VIEW]: { model_id: 'a' } }, metadata: { 'image/png': { width: 1, height: 1 } } }] },
        { cell_type: 'code', outputs: [{ output_type: 'display_data', data: { 'text/plain': 'other', 'image/svg+xml': '<svg/>' } }] },
      ],
    };
    const { notebook, figures, interactive } = reportNotebook(nb);
    expect([figures, interactive]).toEqual([1, 1]);
    const out = notebook.cells[0].outputs![0];
    expect(Object.keys(out.data!)).toEqual(['text/html', 'text/plain']);
    const html = String(out.data!['text/html']);
    expect(html).toMatch(/^<div class="saddlelab-figure"><img class="saddlelab-static" alt="LossPlot\([^"]*" style="max-width:100%" src="data:image\/svg\+xml;base64,/);
    const json = /<script type="application\/vnd\.saddlelab\.figure\+json">(.*)<\/script><\/div>$/.exec(html)![1];
    expect(json).not.toMatch(/</);
    expect(stateOfFigureData(JSON.parse(json))!.runs[0].name).toBe(h.meta.name);
    // Another library's figure is left to nbconvert; the widget state nobody shows is gone.
    expect(notebook.cells[1].outputs![0].data).toEqual({ 'text/plain': 'other', 'image/svg+xml': '<svg/>' });
    expect(notebook.metadata?.widgets).toBeUndefined();
  });

  test('an output saved before figure data existed still becomes its static image', () => {
    const { [FIGURE_MIME]: _drop, ...old } = bundle;
    // As nbformat writes it: text mime types as lists of lines.
    const lines = (v: unknown) => String(v).split(/(?<=\n)/);
    const onDisk = { ...old, 'image/svg+xml': lines(old['image/svg+xml']), 'text/plain': lines(old['text/plain']), [VIEW]: { model_id: 'a' } };
    const { notebook, figures, interactive } = reportNotebook<TestNotebook>({ cells: [{ outputs: [{ output_type: 'display_data', data: onDisk }] }] });
    expect([figures, interactive]).toEqual([1, 0]);
    const html = String(notebook.cells[0].outputs![0].data!['text/html']);
    expect(html).not.toMatch(/<script/);
    const svg = Buffer.from(/base64,([^"]+)"/.exec(html)![1], 'base64').toString();
    expect(svg).toBe(old['image/svg+xml']);
  });
});

test('outsideRequests finds what a page would fetch, not hyperlinks or data URIs', () => {
  const html = `<script src="https://cdn.example/require.js"></script><link rel="stylesheet" href="//fonts.example/f.css">
  <a href="https://arxiv.org/abs/2505.21722">paper</a><img src="data:image/png;base64,AA"><style>@import url("https://x.example/a.css"); .a{background:url(data:image/png;base64,AA)}</style>`;
  expect(outsideRequests(html)).toEqual(['https://cdn.example/require.js', '//fonts.example/f.css', 'https://x.example/a.css']);
  expect(outsideRequests('<p>offline</p>')).toEqual([]);
});

describe('maths in the Markdown, typeset when the report is written (MathML, no MathJax)', () => {
  test('inline and display maths become MathML; code, prices and escaped dollars stay text', () => {
    const src = [
      'The norm $\\|\\theta\\|^2$ and \\(s_1/s_2\\) grow.',
      '',
      '$$L(\\theta) = \\frac{1}{2N}\\sum_i \\|f_\\theta(x_i) - y_i\\|^2$$',
      '',
      'A price: it costs $5 and $6, or \\$7. Code: `$x$` stays.',
      '```ts',
      'const s = `${a}$ and $b$`;',
      '```',
      'After the fence: \\[ \\ell^{1/4} \\]',
    ].join('\n');
    const { markdown, count } = typesetMarkdown(src);
    expect(count).toBe(4);
    expect(markdown.match(/<math /g)).toHaveLength(4);
    expect(markdown.match(/<math [^>]*display="block"/g)).toHaveLength(2);
    expect(markdown).toContain('<annotation encoding="application/x-tex">\\|\\theta\\|^2</annotation>');
    expect(markdown).toContain('it costs $5 and $6, or \\$7. Code: `$x$` stays.');
    expect(markdown).toContain('const s = `${a}$ and $b$`;');
    expect(typesetMarkdown('no maths here, $ 5 $ either').count).toBe(0);
  });

  test('a TeX error is shown in place, not thrown', () => {
    const { markdown, count } = typesetMarkdown('bad: $\\frac{1}{$');
    expect(count).toBe(1);
    expect(markdown).toMatch(/katex-error|merror|color/);
  });

  test('reportNotebook typesets Markdown cells only and counts the spans', () => {
    const { notebook, maths, mathml } = reportNotebook({ cells: [{ cell_type: 'markdown', source: ['Speed $s^*$\n', 'of GD'] }, { cell_type: 'code', source: 'const x = `$y$`;', outputs: [] }] });
    expect(maths).toBe(1);
    // A plain token in the Markdown (no Markdown rule can touch it), the MathML beside.
    expect(notebook.cells[0].source).toBe('Speed SADDLELABMATH0X\nof GD');
    expect(mathml.SADDLELABMATH0X).toMatch(/^<span class="katex"><math/);
    expect(notebook.cells[1].source).toBe('const x = `$y$`;');
  });
});
