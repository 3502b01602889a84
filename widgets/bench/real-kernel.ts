/**
 * Benchmark against the real saddlelab kernel, in a real JupyterLab 4 (or
 * Notebook 7) and Chromium: live updates per second that reach the browser,
 * and the training slowdown with a TrainingDashboard attached (the goals:
 * ≥ 10 updates/s, ≤ 5 % slowdown).
 *
 * One notebook trains the linear warm-up's reference run (docs/paper.md, "The linear warm-up": 5 → 50 →
 * 50 → 50 → 5, γ = 1.5, 100 samples, step 5e-4) `reps` times without and
 * `reps` times with a dashboard, alternating, in one cell, so the same kernel
 * and backend serve both. The kernel reports, per run, the training time (start
 * to the last step; `doneMs` adds the final static figure, rendered after it)
 * and the kernel process's CPU time over the same span (`process.cpuUsage`), and
 * the dashboard's own time (`dash.stats.busyMs`: building and sending updates).
 * The browser counts the draws of each dashboard that added points (a
 * MutationObserver on the view's `data-step-sum`).
 *
 *   npx esbuild widgets/bench/real-kernel.ts --bundle --platform=node --external:playwright-core \
 *     --outfile=.cache/bench/real-kernel.js && node .cache/bench/real-kernel.js [steps=1500] [reps=3] [lab|notebook]
 *
 * Prints one JSON line. Chromium and the kernel share this machine's cores, so
 * the slowdown includes the browser's drawing; quote `loadavg` with the figures.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, VENV, launch, missing, notebook, outputText, runCell, startServer, waitKernelIdle, waitOutput } from '../../test/widgets/e2e/jupyter';

const steps = Number(process.argv[2] ?? 1500);
const reps = Number(process.argv[3] ?? 3);
const app = (process.argv[4] ?? 'lab') as 'lab' | 'notebook';

const KERNEL = { name: 'saddlelab', display_name: 'TypeScript (saddlelab)', language: 'typescript' };
const IMPORT = `import { train, data, widgets } from ${JSON.stringify(join(ROOT, 'dist', 'index'))};`;
const SETUP = `const ds = data.linearTeacher({ singularValues: [10, 20, 30, 40, 50], n: 100, seed: 0 });
const results: Array<Record<string, unknown>> = [];
async function once(withDash: boolean) {
  const net = train.mlp({ inputDim: 5, widths: [50, 50, 50], outputDim: 5, activation: 'linear', init: { gamma: 1.5, seed: 0 } });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const run = train.start(net, ds, { steps: ${steps}, lr: 5e-4, log: false });
  // Subscribed before the dashboard, so this runs first when the last step is done: the training time proper.
  let trainMs = 0, trainCpuMs = 0;
  run.history.subscribe({ onEnd: () => { trainMs = performance.now() - t0; const c = process.cpuUsage(c0); trainCpuMs = (c.user + c.system) / 1000; } });
  const dash = withDash ? new widgets.TrainingDashboard(run.history, run.control) : undefined;
  dash?.display();
  await run.done;
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  results.push({ withDash, ms: trainMs, cpuMs: trainCpuMs, doneMs: ms, doneCpuMs: (cpu.user + cpu.system) / 1000, updates: dash?.stats.updates ?? 0, busyMs: dash?.stats.busyMs ?? 0, bytes: dash?.stats.bytes ?? 0 });
}
'setup done'`;
const RUN = `// warm-up (backend, kernels), not counted
await once(false); results.length = 0;
for (let r = 0; r < ${reps}; r++) { await once(false); await once(true); }
'RESULTS ' + JSON.stringify(results)`;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const why = missing();
  if (why) throw new Error(`[saddlelab] cannot run the widget benchmark: ${why}`);
  const root = mkdtempSync(join(tmpdir(), 'saddlelab-bench-'));
  execFileSync(process.execPath, [join(ROOT, 'bin', 'saddlelab.js'), 'install', '--prefix', join(root, 'prefix')], { stdio: 'pipe' });
  writeFileSync(join(root, 'bench.ipynb'), notebook([IMPORT, SETUP, RUN], KERNEL));
  const server = await startServer(app, root, { JUPYTER_PATH: join(root, 'prefix', 'share', 'jupyter'), PATH: `${join(VENV, 'bin')}:${process.env.PATH}` });
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1300, height: 1400 } });
    await page.goto(`${server.url}/${app === 'lab' ? 'lab/tree' : 'notebooks'}/bench.ipynb`);
    await page.waitForSelector('.jp-Notebook', { timeout: 90000 });
    await waitKernelIdle(server, 'bench.ipynb');
    await runCell(page, 0);
    await runCell(page, 1);
    await waitOutput(page, 1, /setup done/, 180000);
    // Every draw of a dashboard that added points changes its data-step-sum: record when.
    await page.evaluate(() => {
      const w = window as unknown as { __draws: Map<Element, number[]> };
      w.__draws = new Map();
      new MutationObserver((records) => {
        const now = performance.now();
        for (const r of records) {
          const el = r.target as Element;
          if (!w.__draws.has(el)) w.__draws.set(el, []);
          w.__draws.get(el)!.push(now);
        }
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-step-sum'] });
    });
    const load0 = loadavg()[0];
    await runCell(page, 2);
    const text = await waitOutput(page, 2, /RESULTS \[/, 3600000);
    const load1 = loadavg()[0];
    const results = JSON.parse(/RESULTS (\[.*\])/s.exec(text)![1].replace(/\n/g, '')) as Array<{ withDash: boolean; ms: number; cpuMs: number; doneMs: number; doneCpuMs: number; updates: number; busyMs: number; bytes: number }>;
    // Per dashboard: draws per second over the span of its draws (first to last).
    const rates = await page.evaluate(() =>
      [...(window as unknown as { __draws: Map<Element, number[]> }).__draws.values()].filter((t) => t.length > 2).map((t) => ((t.length - 1) * 1000) / (t[t.length - 1] - t[0])),
    );
    const without = results.filter((r) => !r.withDash);
    const withDash = results.filter((r) => r.withDash);
    const msWithout = median(without.map((r) => r.ms));
    const msWith = median(withDash.map((r) => r.ms));
    console.log(
      JSON.stringify({
        app,
        steps,
        reps,
        loadavg: [load0, load1],
        msWithout: without.map((r) => Math.round(r.ms)),
        msWith: withDash.map((r) => Math.round(r.ms)),
        medianSlowdownPct: +((100 * (msWith - msWithout)) / msWithout).toFixed(1),
        // The kernel process's own CPU time: what the dashboard costs the kernel, apart from the browser and other jobs.
        cpuMsWithout: without.map((r) => Math.round(r.cpuMs)),
        cpuMsWith: withDash.map((r) => Math.round(r.cpuMs)),
        // Until run.done: also the final static figure (update_display_data), rendered after the last step.
        doneMsWithout: without.map((r) => Math.round(r.doneMs)),
        doneMsWith: withDash.map((r) => Math.round(r.doneMs)),
        medianCpuSlowdownPct: +((100 * (median(withDash.map((r) => r.cpuMs)) - median(without.map((r) => r.cpuMs)))) / median(without.map((r) => r.cpuMs))).toFixed(1),
        widgetBusyPct: +((100 * median(withDash.map((r) => r.busyMs / r.ms)))).toFixed(2),
        kernelUpdatesPerSecond: +median(withDash.map((r) => (r.updates * 1000) / r.ms)).toFixed(1),
        browserDrawsPerSecond: rates.map((r) => +r.toFixed(1)),
        bytesPerRun: median(withDash.map((r) => r.bytes)),
        outputTail: (await outputText(page, 2)).slice(-200),
      }),
    );
  } finally {
    await browser.close();
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
