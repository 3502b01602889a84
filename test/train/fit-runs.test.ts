/** train.start's onStart, and train.runs()/lastRun(): runs stay reachable after their cell is interrupted. */
import { useBackend } from '../../src/backend';
import { lastRun, runs, start, fit } from '../../src/train/fit';
import type { TrainingRun } from '../../src/train/types';
import { mlp } from '../../src/train/mlp';
import { createTrainer } from '../../src/train/trainer';
import { toy } from './toy';

const net = () => mlp({ inputDim: 3, widths: [8, 8], outputDim: 2, init: { scale: 0.3, seed: 1 } });

beforeAll(async () => {
  await useBackend('cpu');
});

it('onStart gets the run once, before its first step, and the run is the latest', async () => {
  const model = net();
  const seen: Array<{ run: TrainingRun; steps: number; last: unknown }> = [];
  const run = start(model, toy(), {
    steps: 20,
    lr: 0.05,
    name: 'watched',
    record: false,
    log: false,
    onStart: (r) => void seen.push({ run: r, steps: r.history.length, last: lastRun() }),
  });
  expect(seen).toHaveLength(1);
  expect(seen[0].run).toBe(run);
  expect(seen[0].steps).toBe(0);
  expect(seen[0].last).toBe(run);
  expect(run.name).toBe('watched');
  await run.done;
  expect(seen).toHaveLength(1);
  expect(lastRun()).toBe(run);
  expect(runs()[runs().length - 1]).toBe(run);
  model.dispose();
});

it('an aborted run (an interrupted cell) is still listed with its history and control', async () => {
  const model = net();
  const abort = new AbortController();
  const before = runs().length;
  const history = fit(model, toy(), { steps: 1_000_000, lr: 0.01, record: false, signal: abort.signal, yieldEveryMs: 1, log: false });
  setTimeout(() => abort.abort(), 50);
  await history;
  // The cell's variables are gone; the registry still has the run.
  const run = lastRun() as TrainingRun;
  expect(runs().length).toBe(Math.min(before + 1, 20));
  expect(run.history.end?.reason).toBe('aborted');
  expect(run.history.length).toBeGreaterThan(0);
  expect(run.control.state).toBe('stopped');
  await expect(run.done).resolves.toBe(run.history);
  model.dispose();
});

it('trainers are listed too, once: a run replaces the trainer it was made from', async () => {
  const model = net();
  const trainer = createTrainer(model, toy(), { lr: 0.01, name: 'manual', record: false });
  expect(lastRun()).toBe(trainer);
  expect(trainer.name).toBe('manual');
  await trainer.next();
  const run = start(model, toy(), { steps: 2, lr: 0.01, record: false, log: false });
  expect(lastRun()).toBe(run);
  expect(runs().filter((r) => r.history === run.history)).toEqual([run]);
  expect(runs()).toContain(trainer);
  await run.done;
  await trainer.dispose();
  model.dispose();
});

it('an onStart that throws fails start() and the run ends before its first step', async () => {
  const model = net();
  expect(() =>
    start(model, toy(), {
      steps: 10,
      record: false,
      log: false,
      onStart: () => {
        throw new Error('no display');
      },
    }),
  ).toThrow('no display');
  const run = lastRun() as TrainingRun;
  const h = await run.done;
  expect(h.end?.reason).toBe('stopped');
  expect(h.length).toBe(0);
  model.dispose();
});
