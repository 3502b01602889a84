/** The progress bar a host reports runs with: one display updated in place, throttled, ending with how the run ended; and fit reporting through the host. */
import { useBackend } from '../../src/backend';
import { createNodeHost, provideHost } from '../../src/host';
import { clock, createProgressBar } from '../../src/host/progress-bar';
import { fit } from '../../src/train/fit';
import { mlp } from '../../src/train/mlp';
import { toy } from '../train/toy';

type Shown = { kind: 'display' | 'update'; id: string; plain: string; html: string };

function recorder() {
  const shown: Shown[] = [];
  const api = {
    display: (bundle: Record<string, unknown>, o?: { displayId?: string }) =>
      void shown.push({ kind: 'display', id: String(o?.displayId), plain: String(bundle['text/plain']), html: String(bundle['text/html']) }),
    updateDisplay: (id: string, bundle: Record<string, unknown>) =>
      void shown.push({ kind: 'update', id, plain: String(bundle['text/plain']), html: String(bundle['text/html']) }),
  };
  return { shown, api };
}

it('updates one display in place, at most every intervalMs, with steps/s, time left and the loss', () => {
  const { shown, api } = recorder();
  let t = 1000;
  const bar = createProgressBar(api, { name: 'demo', total: 1000, intervalMs: 250, now: () => t });
  bar.detail('cpu, engine tfjs');
  for (let step = 0; step < 1000; step++) {
    t += 1; // 1 ms a step: 1000 steps/s
    bar.step(step, 1 / (step + 1));
  }
  bar.finish({ reason: 'completed' });
  expect(shown[0].kind).toBe('display');
  expect(new Set(shown.map((s) => s.id)).size).toBe(1);
  expect(shown.slice(1).every((s) => s.kind === 'update')).toBe(true);
  // The first step, then one update per 250 ms of the 1 s run, then the detail and the final one.
  const steps = shown.filter((s) => /steps\/s/.test(s.plain) && !/starting|completed/.test(s.plain));
  expect(steps.length).toBeGreaterThanOrEqual(4);
  expect(steps.length).toBeLessThanOrEqual(6);
  const mid = steps[2].plain;
  expect(mid).toMatch(/^demo [█░]{24} \d+% [\d,]+\/1,000 steps · 1000 steps\/s · 0:0\d left · 0:0\d elapsed · loss [\d.e-]+/);
  expect(mid).toContain('cpu, engine tfjs');
  const last = shown[shown.length - 1];
  expect(last.plain).toMatch(/^demo █{24} 100% 1,000\/1,000 steps · 1000 steps\/s · 0:01 elapsed · loss 0\.001000 · completed/);
  expect(last.html).toContain('width: 100.0%');
});

it('a run that did not complete says why, in the final update', () => {
  const { shown, api } = recorder();
  const bar = createProgressBar(api, { name: 'r', total: 10 });
  bar.step(2, 0.5);
  bar.finish({ reason: 'diverged', message: '[saddlelab] the loss became non-finite at step 3' });
  expect(shown[shown.length - 1].plain).toMatch(/3\/10 steps .* · diverged: the loss became non-finite at step 3$/);
  expect(clock(3725)).toBe('1:02:05');
  expect(clock(65)).toBe('1:05');
  expect(clock(Infinity)).toBe('–');
});

it('paused: shown at once, with the steps done, no rate and no time left; after a resume the rate counts from the resume', () => {
  const { shown, api } = recorder();
  let t = 0;
  const bar = createProgressBar(api, { name: 'p', total: 200_000, intervalMs: 250, now: () => t });
  for (let step = 0; step < 27_773; step++) {
    t += 0.4; // 2500 steps/s
    bar.step(step, 0.1);
  }
  // More steps after the last shown update, then the pause: the bar shows them at once.
  for (let step = 27_773; step < 28_152; step++) bar.step(step, 0.1);
  bar.paused(true);
  expect(shown[shown.length - 1].plain).toMatch(/^p [█░]{24} 14% 28,152\/200,000 steps · – steps\/s · \d+:\d\d elapsed · loss 0\.1000 · paused$/);
  expect(shown[shown.length - 1].plain).not.toMatch(/left/);
  t += 60_000; // paused for a minute
  bar.paused(false);
  for (let step = 28_152; step < 29_152; step++) {
    t += 0.4;
    bar.step(step, 0.1);
  }
  expect(shown[shown.length - 1].plain).toMatch(/ 2500 steps\/s · 1:0\d left /);
});

describe('fit', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });
  afterEach(() => {
    provideHost(undefined);
  });
  const net = () => mlp({ inputDim: 3, widths: [8], outputDim: 2, init: { scale: 0.3, seed: 1 } });

  it('in a live kernel, shows the progress bar (no line per step); log: false shows nothing', async () => {
    const { shown, api } = recorder();
    const lines: string[] = [];
    const stdout = jest.spyOn(console, 'log').mockImplementation((...a) => void lines.push(a.join(' ')));
    // A live host whose progress reporter is the bar, as the saddlelab kernel's is.
    const live = { ...createNodeHost(), ...api, live: true };
    provideHost({ ...live, progress: (run) => createProgressBar(live, run) });
    try {
      const model = net();
      const h = await fit(model, toy(), { steps: 300, lr: 0.05, record: false, name: 'barred' });
      expect(h.end?.reason).toBe('completed');
      expect(shown[0].kind).toBe('display');
      expect(shown.length).toBeLessThan(60);
      expect(shown[shown.length - 1].plain).toMatch(/^barred █{24} 100% 300\/300 steps .* · completed\nbackend: cpu \(option\), engine tfjs$/);
      expect(lines).toEqual([]);
      const before = shown.length;
      await fit(model, toy(), { steps: 20, lr: 0.05, record: false, log: false });
      expect(shown.length).toBe(before);
      model.dispose();
    } finally {
      stdout.mockRestore();
    }
  });

  it('outside a kernel, a short line on stderr and no display', async () => {
    const err: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => (err.push(String(chunk)), true));
    try {
      const model = net();
      await fit(model, toy(), { steps: 10, lr: 0.05, record: false, name: 'plain' });
      model.dispose();
    } finally {
      write.mockRestore();
    }
    expect(err).toEqual(['[saddlelab] plain: backend: cpu (option), engine tfjs\n']);
  });
});
