/**
 * The page side of widgets/bench/browser-updates.ts: loads the real labextension
 * bundle (widgets/labextension/static/remoteEntry.*.js) the way JupyterLab's
 * federated-extension loader does, with @jupyter-widgets/base in its share
 * scope, creates one saddlelab model and view on a stand-in comm, and delivers
 * kernel messages in the wire format the kernel side sends (comm_open state,
 * `custom` appends with their binary buffers). Bundled for the browser by the
 * driver; it exposes `window.saddlelabBench`.
 */
import * as base from '@jupyter-widgets/base';
import Plotly from 'plotly.js-dist-min';
import { splitBuffers } from '../../src/widgets/codec';
import { MODEL_NAMES, VIEW_NAMES, defaultState } from '../../src/widgets/contract';
import type { PlotState, ProgressState, WidgetKind } from '../../src/widgets/state';
import { WIDGET_MODULE, WIDGET_MODULE_RANGE, WIDGET_MODULE_VERSION } from '../../src/widgets/version';
import { describeFigure } from '../../src/widgets/figure/describe';
import { decodeKernelCustom } from '../../src/widgets/wire';
import { drawnOf, planAppend, type Drawn } from '../../widgets/src/append-plan';
import { applyAppend } from '../../widgets/src/buffers';
import { plotlyFigure } from '../../widgets/src/plotly-figure';
import { LIVE } from '../../src/widgets/contract';

/** What the plugin registers: model and view classes by name. */
type Exports = Record<string, unknown>;
interface Plugin {
  activate(app: unknown, registry: { registerWidget(w: { name: string; version: string; exports: Exports }): void }): void;
}
interface Container {
  init(scope: unknown): void;
  get(module: string): Promise<() => { default: Plugin }>;
}
type ModelClass = typeof base.DOMWidgetModel;
type ViewClass = typeof base.DOMWidgetView;

/** A comm message as ipywidgets' model receives it. */
interface Wire {
  data: Record<string, unknown>;
  buffers: ArrayBufferView[];
}

/** The bench's synthetic run: a loss staircase with escapes, and singular values that rise at them. */
const ESCAPES = [0.12, 0.37, 0.71];
function lossAt(t: number, n: number): number {
  let l = 1;
  for (const e of ESCAPES) l -= 0.3 / (1 + Math.exp(-(t - e * n) / (n / 400)));
  return Math.max(1e-4, l) * (1 + 0.002 * Math.sin(t));
}
function valueAt(t: number, n: number, layer: number, i: number): number {
  const e = ESCAPES[i % ESCAPES.length] * n;
  return 1e-3 + (1 + layer * 0.1) / (i + 1) / (1 + Math.exp(-(t - e) / (n / 400)));
}

interface Scenario {
  kind: WidgetKind;
  /** Points per trace in the first state. */
  points: number;
  /** Points (and, for the dashboard, records) each update adds. */
  perUpdate: number;
  layers: number;
  k: number;
}

function series(from: number, count: number, sc: Scenario) {
  const steps = Float64Array.from({ length: count }, (_, j) => from + j);
  const loss = Float64Array.from(steps, (t) => lossAt(t, sc.points));
  const weights = new Float64Array(count * sc.layers * sc.k);
  for (let r = 0; r < count; r++) for (let l = 0; l < sc.layers; l++) for (let i = 0; i < sc.k; i++) weights[(r * sc.layers + l) * sc.k + i] = valueAt(from + r, sc.points, l, i);
  return { steps, loss, weights };
}

function phases(sc: Scenario) {
  const escapes = ESCAPES.map((e) => Math.round(e * sc.points + sc.points / 100));
  const plateaus: Array<[number, number]> = escapes.map((e, j) => [j === 0 ? 0 : escapes[j - 1] + sc.points / 50, e - sc.points / 60]);
  return { escapes, plateaus };
}

function progress(step: number, sc: Scenario): ProgressState {
  return { step, total: sc.points * 2, stepsPerSecond: 1000, etaSeconds: (sc.points * 2 - step) / 1000, phase: 'running' };
}

/** The scenario's first state. */
function firstState(sc: Scenario): PlotState {
  const s = series(0, sc.points, sc);
  const ph = phases(sc);
  const state: PlotState = {
    ...defaultState(sc.kind),
    runs: [{ name: 'bench', steps: s.steps, loss: s.loss, ...ph }],
    spectrum: sc.kind === 'TrainingDashboard' ? { steps: s.steps, layers: sc.layers, k: sc.k, weights: s.weights, activations: null, actLayers: sc.layers - 1 } : null,
    progress: sc.kind === 'TrainingDashboard' ? progress(sc.points, sc) : null,
    controls: sc.kind === 'TrainingDashboard' ? { enabled: true, reason: '' } : null,
  };
  return state;
}

/** The comm_open state of the scenario's widget, as the kernel side builds it (protocol fields, buffers split out). */
function opening(sc: Scenario): { state: base.Dict<base.BufferJSON>; buffer_paths: Array<Array<string | number>>; buffers: ArrayBufferView[] } {
  const split = splitBuffers(firstState(sc));
  const protocol = { _model_name: MODEL_NAMES[sc.kind], _model_module: WIDGET_MODULE, _model_module_version: WIDGET_MODULE_RANGE, _view_name: VIEW_NAMES[sc.kind], _view_module: WIDGET_MODULE, _view_module_version: WIDGET_MODULE_RANGE };
  return { state: { ...protocol, ...split.state }, buffer_paths: split.buffer_paths, buffers: split.buffers };
}

/** Update `u` (0-based): the kernel's `custom` append of the next `perUpdate` points (and records). */
function append(u: number, sc: Scenario): Wire {
  const from = sc.points + u * sc.perUpdate;
  const s = series(from, sc.perUpdate, sc);
  const dash = sc.kind === 'TrainingDashboard';
  const msg = {
    type: 'append',
    run: 0,
    from,
    steps: s.steps,
    loss: s.loss,
    recordFrom: dash ? from : 0,
    recordSteps: dash ? s.steps : new Float64Array(0),
    recordWeights: dash ? s.weights : new Float64Array(0),
    recordActivations: null,
    ...phases(sc),
    progress: dash ? progress(from + sc.perUpdate, sc) : null,
  };
  const split = splitBuffers(msg);
  return { data: { method: 'custom', content: { ...split.state, buffer_paths: split.buffer_paths } }, buffers: split.buffers };
}

let onMsg: ((msg: unknown) => void) | undefined;
let msgs = 0;
/** What the browser sent to the kernel: per message, its method and the bytes of its buffers. */
const sentToKernel: Array<{ method: unknown; keys: string[]; bytes: number }> = [];
const comm = {
  comm_id: 'bench-comm',
  target_name: 'jupyter.widget',
  send(data: { method?: unknown; state?: Record<string, unknown> }, _callbacks?: unknown, _metadata?: unknown, buffers: ArrayBufferView[] = []): string {
    sentToKernel.push({ method: data.method, keys: Object.keys(data.state ?? {}), bytes: buffers.reduce((n, b) => n + b.byteLength, 0) });
    return `sent-${sentToKernel.length}`;
  },
  open(): string {
    return '';
  },
  close(): string {
    return '';
  },
  on_msg(cb: (msg: unknown) => void): void {
    onMsg = cb;
  },
  on_close(): void {},
};
const manager = { callbacks: () => ({}) };

/** Buffers as the browser gets them from the websocket: DataViews. */
const received = (bs: ArrayBufferView[]) => bs.map((b) => new DataView(b.buffer, b.byteOffset, b.byteLength));

function deliver(w: Wire): void {
  msgs++;
  onMsg?.({ header: { msg_id: `k-${msgs}` }, parent_header: {}, content: { comm_id: comm.comm_id, data: w.data }, buffers: received(w.buffers), channel: 'iopub' });
}

let scenario: Scenario | undefined;
let view: base.DOMWidgetView | undefined;
let model: base.DOMWidgetModel | undefined;

/** The step the view must show once update `u` is drawn. */
const lastStepAfter = (u: number, sc: Scenario) => sc.points + (u + 1) * sc.perUpdate - 1;

function drawn(el: HTMLElement, lastStep: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => Number(el.dataset.lastStep) >= lastStep;
    const finish = () => requestAnimationFrame(() => setTimeout(resolve, 0));
    if (done()) return finish();
    const obs = new MutationObserver(() => {
      if (!done()) return;
      obs.disconnect();
      finish();
    });
    obs.observe(el, { attributes: true });
  });
}

async function load(kind: WidgetKind, points: number, perUpdate: number, layers: number, k: number): Promise<number> {
  const container: Container = Reflect.get(Reflect.get(window, '_JUPYTERLAB'), WIDGET_MODULE);
  container.init({ '@jupyter-widgets/base': { '6.0.12': { get: () => Promise.resolve(() => base) } } });
  const plugin = (await container.get('./extension'))().default;
  let exports: Exports = {};
  plugin.activate({}, { registerWidget: (w) => (w.version === WIDGET_MODULE_VERSION ? (exports = w.exports) : undefined) });
  scenario = { kind, points, perUpdate, layers, k };
  const Model = exports[MODEL_NAMES[kind]] as ModelClass;
  const View = exports[VIEW_NAMES[kind]] as ViewClass;
  const open = opening(scenario);
  const state = open.state;
  base.put_buffers(state, open.buffer_paths, received(open.buffers));
  const attributes = await Model._deserialize_state(state, manager as never);
  model = new Model(attributes, { model_id: 'bench', comm, widget_manager: manager });
  view = new View({ model, options: {} });
  view.el.style.width = '1100px';
  document.body.appendChild(view.el);
  const t0 = performance.now();
  view.render();
  await drawn(view.el, points - 1);
  return performance.now() - t0;
}

/** Delivers update `u` and resolves once the view has drawn it: the milliseconds from delivery to drawn. */
async function step(u: number): Promise<number> {
  if (!scenario || !view) throw new Error('[saddlelab] bench: load() first');
  const t0 = performance.now();
  deliver(append(u, scenario));
  await drawn(view.el, lastStepAfter(u, scenario));
  return performance.now() - t0;
}

/** A browser-set value (the log-x switch), as a click sets it: what goes to the kernel. */
function toggle(): Array<{ method: unknown; keys: string[]; bytes: number }> {
  if (!model) throw new Error('[saddlelab] bench: load() first');
  const from = sentToKernel.length;
  model.set('log_x', !model.get('log_x'));
  model.save_changes();
  return sentToKernel.slice(from);
}

/**
 * Plotly alone, for comparison: the same first figure drawn straight into a div, then each update's
 * points (computed beforehand, outside the measurement) given to Plotly.extendTraces. What the
 * view costs beyond this is the view's own.
 */
const plain: { div?: HTMLDivElement; state?: PlotState; drawn?: Drawn; next?: { x: number[][]; y: number[][]; indices: number[] } } = {};
async function loadPlotly(kind: WidgetKind, points: number, perUpdate: number, layers: number, k: number): Promise<number> {
  scenario = { kind, points, perUpdate, layers, k };
  const state = firstState(scenario);
  const desc = describeFigure(state);
  const fig = plotlyFigure(desc);
  const div = document.createElement('div');
  div.style.width = '1100px';
  document.body.appendChild(div);
  const t0 = performance.now();
  // @types/plotly.js types traces more narrowly than plotly-figure.ts (line.dash as its union of names).
  await Plotly.react(div, fig.data as Plotly.Data[], { ...fig.layout, autosize: true });
  Object.assign(plain, { div, state, drawn: drawnOf(desc, state) });
  return performance.now() - t0;
}
function preparePlotly(u: number): void {
  if (!scenario || !plain.state || !plain.drawn) throw new Error('[saddlelab] bench: loadPlotly() first');
  const w = append(u, scenario);
  const msg = decodeKernelCustom(w.data.content, received(w.buffers));
  if (!msg) throw new Error('[saddlelab] bench: append not decoded');
  plain.state = { ...plain.state, ...applyAppend(plain.state, msg, LIVE[scenario.kind]) };
  const plan = planAppend(plain.drawn, plain.state, msg, true);
  if (plan.kind !== 'extend') throw new Error(`[saddlelab] bench: ${plan.reason}`);
  plain.drawn = plan.drawn;
  const indices = [...plan.points.keys()];
  plain.next = { x: indices.map((i) => plan.points.get(i)?.x ?? []), y: indices.map((i) => plan.points.get(i)?.y ?? []), indices };
}
async function stepPlotly(): Promise<number> {
  if (!plain.div || !plain.next) throw new Error('[saddlelab] bench: preparePlotly() first');
  const t0 = performance.now();
  await Plotly.extendTraces(plain.div, { x: plain.next.x, y: plain.next.y }, plain.next.indices);
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return performance.now() - t0;
}

const api = { load, step, toggle, loadPlotly, preparePlotly, stepPlotly, dataset: () => ({ ...(view?.el.dataset ?? {}) }) };
Reflect.set(window, 'saddlelabBench', api);
export type BenchApi = typeof api;
