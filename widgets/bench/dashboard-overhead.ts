/**
 * Benchmark for docs/widgets.md: live-update rate and training slowdown with
 * a TrainingDashboard attached, on the linear warm-up's reference run
 * (docs/paper.md, "The linear warm-up": 5 → 50 → 50 → 50 → 5, γ = 1.5, 100 samples, step 5e-4).
 *
 * The kernel here is a stand-in for the wire: every message is JSON-encoded,
 * signed with HMAC-SHA256 over its four JSON frames, and its buffers copied,
 * as the saddlelab kernel does before handing frames to ZeroMQ. Runs with and
 * without the dashboard alternate, and medians are reported.
 *
 *   npx esbuild widgets/bench/dashboard-overhead.ts --bundle --platform=node \
 *     --external:@tensorflow/* --external:@resvg/* --outfile=.cache/bench.js && node .cache/bench.js [steps] [reps]
 */
import { createHmac, randomUUID } from 'node:crypto';
import { linearTeacher } from '../../src/data/teachers';
import { start } from '../../src/train/fit';
import { createRunControl } from '../../src/train/run-control';
import { mlp } from '../../src/train/mlp';
import { TrainingDashboard } from '../../src/widgets/dashboard';
import type { WidgetComm, WidgetKernel } from '../../src/widgets/kernel-port';

const steps = Number(process.argv[2] ?? 2500);
const reps = Number(process.argv[3] ?? 3);

function wireKernel(stats: { messages: number; bytes: number }): WidgetKernel {
  const key = 'bench-key';
  const frame = (content: Record<string, unknown>, buffers: ArrayBufferView[] = []) => {
    const header = JSON.stringify({ msg_id: randomUUID(), msg_type: 'comm_msg', session: 's', username: 'u', date: new Date().toISOString(), version: '5.3' });
    const parts = [header, '{}', '{}', JSON.stringify(content)];
    const h = createHmac('sha256', key);
    for (const p of parts) h.update(p);
    h.digest('hex');
    const copies = buffers.map((b) => Buffer.from(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)));
    stats.messages++;
    stats.bytes += parts.reduce((n, p) => n + p.length, 0) + copies.reduce((n, b) => n + b.length, 0);
  };
  return {
    live: true,
    openComm(_t, data = {}, _m, buffers = []): WidgetComm {
      frame({ comm_id: 'x', data }, buffers);
      return { commId: 'x', closed: false, send: (d, _m2, b) => frame({ comm_id: 'x', data: d }, b), close() {}, onMsg: () => () => {}, onClose: () => () => {} };
    },
    display() {},
    updateDisplay() {},
  };
}

async function once(withDashboard: boolean): Promise<{ seconds: number; cpuSeconds: number; updates: number; bytes: number; busyMs: number }> {
  const ds = linearTeacher({ singularValues: [10, 20, 30, 40, 50], n: 100, seed: 0 });
  const net = mlp({ inputDim: 5, widths: [50, 50, 50], outputDim: 5, activation: 'linear', init: { gamma: 1.5, seed: 1 } });
  const control = createRunControl();
  const stats = { messages: 0, bytes: 0 };
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const run = start(net, ds, { steps, lr: 5e-4, control, log: false });
  const dash = withDashboard ? new TrainingDashboard(run.history, control, { kernel: wireKernel(stats), staticFigure: false }) : undefined;
  dash?.display();
  await run.done;
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpuSeconds = (c.user + c.system) / 1e6;
  dash?.close();
  return { seconds, cpuSeconds, updates: dash?.stats.updates ?? 0, bytes: stats.bytes, busyMs: dash?.stats.busyMs ?? 0 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

(async () => {
  await once(false); // warm-up (backend start, JIT)
  const plain: Array<Awaited<ReturnType<typeof once>>> = [];
  const dash: Array<Awaited<ReturnType<typeof once>>> = [];
  for (let r = 0; r < reps; r++) {
    plain.push(await once(false));
    dash.push(await once(true));
  }
  const p = median(plain.map((x) => x.seconds));
  const pc = median(plain.map((x) => x.cpuSeconds));
  const dc = median(dash.map((x) => x.cpuSeconds));
  const d = median(dash.map((x) => x.seconds));
  const rate = median(dash.map((x) => x.updates / x.seconds));
  console.log(JSON.stringify({ steps, reps, plainSeconds: plain.map((x) => x.seconds), plainCpuSeconds: plain.map((x) => x.cpuSeconds), dashboardCpuSeconds: dash.map((x) => x.cpuSeconds), cpuSlowdownPercent: (100 * (dc - pc)) / pc, dashboardSeconds: dash.map((x) => x.seconds), medianPlain: p, medianDashboard: d, slowdownPercent: (100 * (d - p)) / p, updatesPerSecond: rate, bytesPerRun: median(dash.map((x) => x.bytes)), widgetBusyMsPerRun: median(dash.map((x) => x.busyMs)) }, null, 1));
})();
