/**
 * Renders a Vega-Lite spec to an SVG string in Node, without a browser, and
 * synchronously: a widget's display bundle is built inside a synchronous
 * display hook, and vega's renderer is asynchronous. The rendering runs in a
 * worker thread; the caller waits on a shared flag (Atomics.wait) and reads
 * the answer with receiveMessageOnPort. Why vega: docs/widgets.md.
 */
import { MessageChannel, MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { SaddlelabError } from '../errors';

const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const vega = require(workerData.vega);
const vl = require(workerData.vegaLite);
parentPort.on('message', async ({ spec, flag }) => {
  let out;
  try {
    const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
    out = { svg: await view.toSVG() };
    view.finalize();
  } catch (e) {
    out = { error: String((e && e.message) || e) };
  }
  workerData.port.postMessage(out);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

interface Renderer {
  worker: Worker;
  port: MessagePort;
}
let renderer: Renderer | undefined;

function start(): Renderer {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { port: port2, vega: require.resolve('vega'), vegaLite: require.resolve('vega-lite') },
    transferList: [port2],
  });
  // The worker must not keep a finished notebook or test process alive.
  worker.unref();
  port1.unref();
  worker.on('error', () => {
    renderer = undefined;
  });
  return { worker, port: port1 };
}

/**
 * The SVG of a Vega-Lite spec (top-level `$schema` optional).
 *
 * @example
 * ```ts
 * import { renderSvgSync } from './svg-render';
 * const svg = renderSvgSync({ data: { values: [{ x: 1, y: 2 }] }, mark: 'point', encoding: { x: { field: 'x', type: 'quantitative' } } });
 * console.log(svg.startsWith('<svg')); // true
 * ```
 */
export function renderSvgSync(spec: object, options: { timeoutMs?: number } = {}): string {
  const timeoutMs = options.timeoutMs ?? 30000;
  renderer ??= start();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  renderer.worker.postMessage({ spec, flag });
  if (Atomics.wait(flag, 0, 0, timeoutMs) === 'timed-out') {
    void renderer.worker.terminate();
    renderer = undefined;
    throw new SaddlelabError(`[saddlelab] static figure: rendering took longer than timeoutMs = ${timeoutMs} ms`, 'timeoutMs');
  }
  const reply = receiveMessageOnPort(renderer.port)?.message as { svg?: string; error?: string } | undefined;
  if (!reply || reply.svg === undefined) throw new SaddlelabError(`[saddlelab] static figure: vega could not render the spec: ${reply?.error ?? 'no answer'}`, 'spec');
  return reply.svg;
}
