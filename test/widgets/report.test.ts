import { prepareReport } from '../../src/widgets/report';

const VIEW = 'application/vnd.jupyter.widget-view+json';

test('prepareReport keeps the static figure, drops the widget view, and drops widget state nobody needs', () => {
  const nb = {
    metadata: { widgets: { 'application/vnd.jupyter.widget-state+json': { state: {} } } },
    cells: [
      { cell_type: 'markdown', source: 'x' },
      { cell_type: 'code', outputs: [{ output_type: 'display_data', data: { 'text/plain': 'LossPlot', 'image/svg+xml': '<svg/>', [VIEW]: { model_id: 'a' } } }] },
      { cell_type: 'code', outputs: [{ output_type: 'stream', text: 'hi' }] },
    ],
  };
  const out = prepareReport(nb);
  expect(Object.keys(out.cells[1].outputs![0].data!)).toEqual(['text/plain', 'image/svg+xml']);
  expect(out.metadata.widgets).toBeUndefined();
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
