/**
 * `fit` and `start`: a trainer's loop (`trainer.run()`, over `trainer.next()`, which
 * yields, pauses and stops) with what a notebook cell wants around it: the backend,
 * the kernel's interrupt as the abort signal, a progress bar, the runs registry.
 */
import type { Dataset } from '../data/dataset';
import { useBackend, describeBackend, type BackendName } from '../backend';
import { requireObject, requirePositiveInt } from '../errors';
import { currentHost } from '../host';
import type { History } from './history';
import type { Mlp } from './mlp';
import { runRegistry } from './run-registry';
import { createTrainer, type Trainer, type TrainerOptions } from './trainer';
import type { StopReason, TrainCallbacks, TrainingRun } from './types';

export interface FitOptions extends TrainerOptions, TrainCallbacks {
  /** Number of updates. */
  steps: number;
  /** Backend to use (default: SADDLELAB_BACKEND or the default order; see `useBackend`). */
  backend?: BackendName;
  /** Aborts the run. Inside the saddlelab kernel, a kernel interrupt aborts it too. */
  signal?: AbortSignal;
  /**
   * Where the backend report, warnings and how the run ended go. Default: in the saddlelab kernel,
   * a progress bar in the cell (steps/s, time left, loss; updated in place) and warnings as lines;
   * elsewhere, short lines on stderr. A function gets the lines instead; `false`: silence.
   */
  log?: ((line: string) => void) | false;
}

const FIT_KEYS = ['backend', 'log', 'onStart', 'onStep', 'onRecord', 'onEnd'] as const;

/**
 * Starts training and returns at once with the live history and controls.
 *
 * @example
 * ```ts
 * import { train, data } from 'saddlelab';
 * const ds = data.linearTeacher({ singularValues: [10, 20, 30, 40, 50], n: 100, seed: 0 });
 * const net = train.mlp({ inputDim: 5, widths: [50, 50, 50], outputDim: 5, activation: 'linear', init: { gamma: 1.5 } });
 * const run = train.start(net, ds, { steps: 2500, lr: 5e-4 });
 * const history = await run.done;
 * console.log(history.end?.reason, history.latestLoss);
 * ```
 */
export function start(model: Mlp, data: Dataset, options: FitOptions): TrainingRun {
  requireObject('options', options);
  const steps = requirePositiveInt('steps', options.steps);
  const host = currentHost();
  // Inside the saddlelab kernel a kernel interrupt aborts the run (docs/kernel.md, "Interrupts"):
  // the signal of the cell that started it, also after that cell has ended (start() runs on).
  const signal = options.signal ?? host.currentSignal();
  const trainer = createTrainer(model, data, { ...options, signal }, FIT_KEYS);
  const { history, control } = trainer;
  // The host reports progress (a bar in the saddlelab kernel's cell) unless the caller takes the lines.
  const progress = options.log === undefined ? host.progress({ name: trainer.name, total: steps }) : undefined;
  const log = options.log === false ? () => {} : options.log ?? (progress ? (line: string) => console.log(line) : (line: string) => void process.stderr.write(line + '\n'));
  // The bar says "paused" at once (no step comes while paused to update it).
  const offControl = progress ? control.onChange?.((state) => progress.paused(state === 'paused')) : undefined;
  const unsubscribe = history.subscribe({
    onStep: progress ? (info) => (progress.step(info.step, info.loss), options.onStep?.(info)) : options.onStep,
    onRecord: options.onRecord,
    onEnd: options.onEnd,
  });

  let cancelled = false;
  const loop = async (): Promise<StopReason | undefined> => {
    const info = await useBackend(options.backend);
    history.meta.backend = trainer.engine === 'js64' ? 'js64' : info.name;
    const where = trainer.engine === 'js64' ? `engine js64 (float64 JS step; records on ${describeBackend(info)})` : `${describeBackend(info)}, engine ${trainer.engine}`;
    if (progress) progress.detail(where);
    else log(`[saddlelab] ${history.meta.name}: ${where}`);
    if (cancelled) {
      await trainer.finish('stopped', '[saddlelab] training stopped before its first step: onStart failed');
      return undefined;
    }
    // Not completed: the trainer ended a diverged run itself, and finish() says 'aborted' or 'stopped'.
    return (await trainer.run(steps)) ? 'completed' : undefined;
  };

  const done = loop().then(
    async (reason) => {
      offControl?.();
      for (const w of history.warnings) log(w);
      await trainer.finish(reason);
      if (progress) progress.finish(history.end);
      else if (history.end?.message) log(history.end.message);
      unsubscribe();
      await trainer.dispose();
      return history;
    },
    async (err) => {
      offControl?.();
      await trainer.finish('stopped', `[saddlelab] training stopped by an error: ${err instanceof Error ? err.message : String(err)}`);
      progress?.finish(history.end);
      unsubscribe();
      await trainer.dispose();
      throw err;
    },
  );
  const run: TrainingRun = { name: trainer.name, history, control, done };
  runRegistry.add(run);
  if (options.onStart) {
    try {
      options.onStart(run);
    } catch (e) {
      // The run exists and is listed: end it before its first step rather than train unseen.
      cancelled = true;
      throw e;
    }
  }
  return run;
}

/** A run from `start()`/`fit()`, or a trainer from `createTrainer()`. */
export type RunEntry = TrainingRun | Trainer;

/**
 * The runs and trainers created in this kernel (this process), oldest first; the latest 20
 * are kept. Each has `history` and `control`, so a run whose cell was interrupted or threw,
 * whose `const run = …` the kernel has forgotten, can still be read, plotted or stopped.
 *
 * @example
 * ```ts
 * import { train, data } from 'saddlelab';
 * const net = train.mlp({ inputDim: 2, widths: [10], outputDim: 1, init: { scale: 0.1, seed: 0 } });
 * void train.start(net, data.circleToy(), { steps: 100, name: 'toy', log: false });
 * console.log(train.runs().map((r) => r.history.meta.name)); // [..., 'toy']
 * ```
 */
export function runs(): RunEntry[] {
  return runRegistry.list() as RunEntry[];
}

/**
 * The latest run or trainer created in this kernel (see `runs()`), or `undefined`.
 *
 * @example
 * ```ts
 * import { train, data } from 'saddlelab';
 * const net = train.mlp({ inputDim: 2, widths: [10], outputDim: 1, init: { scale: 0.1, seed: 0 } });
 * // Stopped at step 10, as a kernel interrupt would stop it, in a cell that then forgot `run`:
 * const run = train.start(net, data.circleToy(), { steps: 100000, log: false, onStep: (s) => void (s.step === 10 && run.control.stop()) });
 * await run.done;
 * console.log(train.lastRun() === run, train.lastRun()?.history.end?.reason); // true stopped
 * ```
 */
export function lastRun(): RunEntry | undefined {
  return runRegistry.last() as RunEntry | undefined;
}

/**
 * Trains and resolves with the history when done: `start(...).done`.
 *
 * @example
 * ```ts
 * import { train, data } from 'saddlelab';
 * const ds = data.circleToy();
 * const net = train.mlp({ inputDim: 2, widths: [10, 10], outputDim: 1, init: { scale: 0.05, seed: 3 } });
 * const history = await train.fit(net, ds, { steps: 500, lr: { adaptive: 0.5 }, record: { every: 50 } });
 * console.log(history.records.length);
 * ```
 */
export function fit(model: Mlp, data: Dataset, options: FitOptions): Promise<History> {
  return start(model, data, options).done;
}
