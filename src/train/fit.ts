/**
 * The training loop: steps a trainer, records on a schedule, yields to the
 * event loop every few milliseconds (so comm messages and interrupts are served
 * while it trains), and can be paused, resumed, stopped or aborted.
 */
import type { Dataset } from '../data/dataset';
import { useBackend, describeBackend, type BackendName } from '../backend';
import { requireObject, requirePositive, requirePositiveInt } from '../errors';
import { getKernel } from '../kernel/registry';
import { runRegistry } from '../kernel/runs';
import type { History } from './history';
import type { Mlp } from './mlp';
import { checkRecordOptions } from './recorder';
import { pickSchedule, schedule } from './schedule';
import { createTrainer, type Trainer, type TrainerOptions } from './trainer';
import type { RunState, StopReason, TrainCallbacks } from './types';

export interface FitOptions extends TrainerOptions, TrainCallbacks {
  /** Number of updates. */
  steps: number;
  /** Backend to use (default: SADDLELAB_BACKEND or the default order; see `useBackend`). */
  backend?: BackendName;
  /** Aborts the run. Inside the saddlelab kernel, a kernel interrupt aborts it too. */
  signal?: AbortSignal;
  /** Pause/resume/stop from elsewhere (a dashboard); `createRunControl()` makes one. */
  control?: RunControl;
  /** Longest stretch without yielding to the event loop, in ms (default 10). */
  yieldEveryMs?: number;
  /** Where the one-line backend report and warnings go (default console.log; `false` for silence). */
  log?: ((line: string) => void) | false;
}

/** Controls a running training. */
export interface RunControl {
  readonly state: RunState;
  pause(): void;
  resume(): void;
  stop(): void;
  /** Resolves when not paused (immediately when running). @internal */
  whenRunnable(): Promise<void>;
  /** Used by the loop. @internal */
  setState(state: RunState): void;
}

/** A training in progress. */
export interface TrainingRun {
  /** The run's name (`options.name`, default 'run'), as in `history.meta.name`. */
  readonly name: string;
  readonly history: History;
  readonly control: RunControl;
  /** Resolves with the history when the run ends (completed, stopped, aborted or diverged). */
  readonly done: Promise<History>;
}

/**
 * Creates pause/resume/stop controls for `start()`/`fit()`.
 *
 * @example
 * ```ts
 * import { train } from 'saddlelab';
 * const control = train.createRunControl();
 * control.pause(); console.log(control.state); // paused
 * ```
 */
export function createRunControl(): RunControl {
  let state: RunState = 'idle';
  let wake: (() => void) | undefined;
  const release = () => {
    wake?.();
    wake = undefined;
  };
  return {
    get state() {
      return state;
    },
    pause() {
      if (state === 'running' || state === 'idle') state = 'paused';
    },
    resume() {
      if (state === 'paused') state = 'running';
      release();
    },
    stop() {
      if (state !== 'done') state = 'stopped';
      release();
    },
    whenRunnable() {
      return state === 'paused' ? new Promise<void>((r) => (wake = r)) : Promise.resolve();
    },
    setState(s) {
      state = s;
      if (s !== 'paused') release();
    },
  };
}

const FIT_KEYS = ['steps', 'backend', 'signal', 'control', 'yieldEveryMs', 'log', 'onStart', 'onStep', 'onRecord', 'onEnd'] as const;

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

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
  const yieldEveryMs = options.yieldEveryMs === undefined ? 10 : requirePositive('yieldEveryMs', options.yieldEveryMs);
  if (options.record) checkRecordOptions(options.record);
  const recordAt = options.record === false ? () => false : schedule(pickSchedule(options.record ?? {}));
  const log = options.log === false ? () => {} : options.log ?? ((line: string) => console.log(line));
  const trainer = createTrainer(model, data, options, FIT_KEYS);
  const { history } = trainer;
  const control = options.control ?? createRunControl();
  // Inside the saddlelab kernel a kernel interrupt aborts the run (docs/kernel.md, "Interrupts").
  const signal = options.signal ?? getKernel().currentSignal();
  const unsubscribe = history.subscribe({ onStep: options.onStep, onRecord: options.onRecord, onEnd: options.onEnd });

  // Named by the last step done, as history.end.step is.
  let cancelled = false;
  const where = () => (trainer.step === 0 ? 'before its first step' : `after step ${trainer.step - 1}`);
  const loop = async (): Promise<[StopReason, string?]> => {
    const info = await useBackend(options.backend);
    history.meta.backend = trainer.engine === 'js64' ? 'js64' : info.name;
    log(
      `[saddlelab] ${history.meta.name}: ` +
        (trainer.engine === 'js64' ? `engine js64 (float64 JS step; records on ${describeBackend(info)})` : `${describeBackend(info)}, engine ${trainer.engine}`),
    );
    if (cancelled) return ['stopped', `[saddlelab] training stopped before its first step: onStart failed`];
    control.setState('running');
    let lastYield = Date.now();
    for (let t = 0; t <= steps; t++) {
      if (signal?.aborted) return ['aborted', `[saddlelab] training aborted ${where()}`];
      if (control.state === 'stopped') return ['stopped', `[saddlelab] training stopped ${where()}`];
      if (control.state === 'paused') {
        await Promise.race([control.whenRunnable(), abortPromise(signal)]);
        lastYield = Date.now();
        t--;
        continue;
      }
      const recordNow = recordAt(t, steps);
      if (t === steps) {
        // The final state: its loss and (on schedule) a record, without another update.
        if (recordNow && options.record !== false) trainer.record();
        break;
      }
      const stepInfo = await trainer.next(recordNow);
      if (!stepInfo) {
        return ['diverged', `[saddlelab] the loss became non-finite at step ${t}; training stopped. The history keeps steps 0–${t - 1}; ` +
          `the model's weights are no longer finite. Lower lr (or c of the adaptive step) or the init scale.`];
      }
      if (Date.now() - lastYield >= yieldEveryMs) {
        await nextTick();
        lastYield = Date.now();
      }
    }
    return ['completed'];
  };

  const done = loop().then(
    ([reason, message]) => {
      for (const w of history.warnings) log(w);
      if (message) log(message);
      control.setState(reason === 'completed' ? 'done' : 'stopped');
      history.finish(reason, message);
      unsubscribe();
      trainer.dispose();
      return history;
    },
    (err) => {
      unsubscribe();
      trainer.dispose();
      control.setState('stopped');
      throw err;
    },
  );
  const run: TrainingRun = { name: history.meta.name, history, control, done };
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
 * import { train } from 'saddlelab';
 * // In the cell after an interrupted `await train.fit(…)`:
 * const run = train.lastRun();
 * console.log(run?.history.end?.reason, run?.history.length); // aborted 1234
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

function abortPromise(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return new Promise(() => {});
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
}
