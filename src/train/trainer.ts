/**
 * The training loop, one step at a time: the part of training a notebook can drive in
 * a visible `for` loop. `next()` is the one place a run yields to the event loop, waits
 * while paused and stops (stopped, aborted, finished); `run()` is the loop over it that
 * `fit()` (fit.ts) calls, with an engine's steps kept in flight. The step itself runs on
 * one of the engines (step.ts, the reference, and src/train/engines/).
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset';
import { ensureBackend } from '../backend/backend';
import { SaddlelabError, fail, requireKnownKeys, requireNonNegativeInt, requireObject, requireOneOf, requirePositive, requirePositiveInt } from '../errors';
import { currentHost } from '../host';
import { runRegistry } from './run-registry';
import { createBatchSampler } from './batches';
import { checkCheckpointOptions, dataDigest, openCheckpoint, writeCheckpoint, type CheckpointOptions, type RunFingerprint } from './checkpoint';
import { checkEngine, createStepEngine } from './engines';
import { History, createHistory, type HistoryOptions } from './history';
import type { Mlp } from './mlp';
import { checkPrecision } from './precision';
import { createRecorder, checkRecordOptions, type RecordOptions } from './recorder';
import { createRunControl } from './run-control';
import { pickSchedule, schedule } from './schedule';
import { checkStepSize, lossOf } from './step';
import type { Engine, EngineName, LossName, RunControl, SpectrumRecord, StepInfo, StepResult, StepSize, StopReason } from './types';

export interface TrainerOptions {
  /** Step size (default 0.01). `{ adaptive: c }` gives `η_t = c·‖θ_t‖^(2−L)` (docs/paper.md, "Setup"). */
  lr?: StepSize;
  /** `mse`: C = ‖Y − Y*‖²/(2N) (default); `cross-entropy`: softmax cross-entropy, mean over samples. */
  loss?: LossName;
  /** Mini-batch size; default (or ≥ n): full-batch gradient descent. Batches: docs/native.md, "Mini-batches". */
  batchSize?: number;
  /** Seed of the mini-batch order (default 0). */
  seed?: number;
  /** Spectrum recording: schedule and what to record; `false` records nothing but losses. */
  record?: RecordOptions | false;
  /**
   * The planned number of updates, when known (`fit` passes its `steps`): the record
   * schedule's "last step" (the final state is recorded), see {@link Trainer.isRecordStep}.
   */
  steps?: number;
  /** The run's name, shown in histories and plots (default: `run-1`, `run-2`, … in the order unnamed runs are made in this process). */
  name?: string;
  /** Bounds on what the history keeps. */
  history?: HistoryOptions;
  /** The options as given, stored in the history (JSON-safe). */
  config?: Record<string, unknown>;
  /** Pause/resume/stop shared with a dashboard (default: the trainer's own, `trainer.control`). */
  control?: RunControl;
  /**
   * Aborts the run: `next()` returns `undefined`, and `finish()` ends the run as 'aborted'.
   * Default: the host's signal of the cell that is running (a kernel interrupt stops a
   * hand-written `for (…) await trainer.next()` loop too), read at every step.
   */
  signal?: AbortSignal;
  /** Longest stretch `next()` runs without yielding to the event loop, in ms (default 10). */
  yieldEveryMs?: number;
  /**
   * Checkpoints in a folder: written every `everySeconds` (default 120) while training and when
   * the run ends (`finish()`, so also when it is stopped, aborted or interrupted); with
   * `resume: true` the trainer continues the run checkpointed there, exactly (docs/checkpoints.md).
   */
  checkpoint?: CheckpointOptions;
  /**
   * How the step runs (each runs every option). `auto` (default): `native` when the active
   * backend is native TensorFlow on the CPU, else `tfjs`. `tfjs`: tfjs ops and autodiff on
   * the active backend. `native`: the step as one TensorFlow graph run in one session call
   * (src/train/engines/native.ts), on native TensorFlow only. `js64`: a float64 pure-JS step
   * (src/train/engines/js64.ts), free of float32 underflow in the step; fast on small
   * networks only. Speeds: `npm run bench`, docs/native.md.
   */
  engine?: Engine;
}

export interface Trainer {
  /** The run's name (`history.meta.name`). */
  readonly name: string;
  readonly model: Mlp;
  readonly history: History;
  /** Pause/resume/stop: `next()` waits while paused and returns `undefined` once stopped. */
  readonly control: RunControl;
  /** Index of the next step (0 before any update). */
  readonly step: number;
  /** The engine the next step runs on (`auto` resolved against the active backend). */
  readonly engine: EngineName;
  /**
   * The steps `run()` keeps in flight: an engine that reads its results back late (webgpu)
   * runs them while the oldest result comes back; 0 for the others. For benchmarks; a loop
   * needs it only to overlap `next()` calls itself, which run, and reach the history, in call order.
   */
  readonly lag: number;
  /** The engine's host-side counters, where it keeps them (webgpu: for `npm run gpu-check`); else undefined. */
  profile(): Record<string, number> | undefined;
  /**
   * Yields to the event loop every `yieldEveryMs` and waits while `control` is paused; once
   * it is stopped, the `signal` aborted or the trainer finished, returns `undefined` without
   * stepping. Otherwise computes the loss at the current weights, records it (and a spectrum
   * record when `recordNow` is true, or, when it is left out, when the `record` schedule says
   * so), then applies one update and returns the step's info. A non-finite loss or step size
   * ends the run (`history.end.reason` 'diverged', with a `[saddlelab]` message) and returns
   * `undefined`. The result is read back before `next()` resolves: on an engine that reads
   * results late (webgpu), `run()` keeps steps in flight instead.
   */
  next(recordNow?: boolean): Promise<StepInfo | undefined>;
  /**
   * Runs `next()` up to step `until` (default: the `steps` option), then, as `next()` would
   * before a step, yields, waits while paused and checks for a stop, and takes the final
   * state's record when the schedule says so. On an engine that reads results back late
   * (webgpu), `lag` steps run while the oldest result comes back. Resolves with `true` when
   * every step ran, `false` when the run was stopped, aborted or diverged first; the caller
   * then calls `finish()`, as after a `next()` loop.
   */
  run(until?: number): Promise<boolean>;
  /** Whether the record schedule takes a record at `step` (the final step is `options.steps`). */
  isRecordStep(step: number): boolean;
  /** Takes a spectrum record of the current weights (labelled with the current step); reads asynchronously. */
  record(): Promise<SpectrumRecord>;
  /** Writes a checkpoint now (the trainer needs the `checkpoint` option); resolves with its folder. */
  checkpoint(): Promise<string>;
  /**
   * Ends the run: writes `history.end` (`reason` defaults to 'aborted' when the `signal`
   * aborted, 'stopped' when the control was stopped, else 'completed'; a `[saddlelab]`
   * message says where a stopped or aborted run ended) and sets the control's state to
   * 'done' (completed) or 'stopped'.
   * Later calls do nothing. `history.end` is written at once; the promise resolves with the
   * history once the final checkpoint (with the `checkpoint` option) is written, since the
   * weights are read asynchronously.
   */
  finish(reason?: StopReason, message?: string): Promise<History>;
  /** Finishes the run if it is not finished, and frees the tensors and sessions the trainer holds (not the model). */
  dispose(): Promise<void>;
}

const TRAINER_KEYS = ['lr', 'loss', 'batchSize', 'seed', 'record', 'steps', 'name', 'history', 'config', 'control', 'signal', 'yieldEveryMs', 'checkpoint', 'engine'] as const;

interface Resolved {
  lr: StepSize;
  loss: LossName;
  batchSize: number;
  seed: number;
  record: RecordOptions | false;
  steps?: number;
  name: string;
  engine: Engine;
  yieldEveryMs: number;
  checkpoint?: Required<CheckpointOptions>;
}

function resolve(options: TrainerOptions, n: number, extraKeys: readonly string[]): Resolved {
  requireObject('options', options);
  requireKnownKeys('options', options, [...TRAINER_KEYS, ...extraKeys]);
  const lr = checkStepSize(options.lr ?? 0.01);
  const loss = requireOneOf('loss', options.loss ?? 'mse', ['mse', 'cross-entropy'] as const);
  const batchSize = options.batchSize === undefined ? n : Math.min(n, requirePositiveInt('batchSize', options.batchSize));
  const seed = options.seed === undefined ? 0 : requireNonNegativeInt('seed', options.seed);
  const steps = options.steps === undefined ? undefined : requirePositiveInt('steps', options.steps);
  const record = options.record ?? {};
  if (record !== false) checkRecordOptions(record);
  const engine = checkEngine(options.engine);
  if (options.control !== undefined) {
    const c = requireObject('control', options.control);
    if (typeof c.pause !== 'function' || typeof c.whenRunnable !== 'function') fail('control', 'a RunControl from train.createRunControl()', options.control);
  }
  if (options.signal !== undefined) {
    const s = requireObject('signal', options.signal);
    if (typeof s.aborted !== 'boolean' || typeof s.addEventListener !== 'function') fail('signal', 'an AbortSignal', options.signal);
  }
  // The default yields often enough for a dashboard's buttons and interrupts, rarely enough to cost nothing measurable.
  const yieldEveryMs = options.yieldEveryMs === undefined ? 10 : requirePositive('yieldEveryMs', options.yieldEveryMs);
  const checkpoint = options.checkpoint === undefined ? undefined : checkCheckpointOptions(options.checkpoint);
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) fail('name', 'a non-empty string', options.name);
  const name = options.name ?? nextRunName();
  return { lr, loss, batchSize, seed, record, steps, name, engine, yieldEveryMs, checkpoint };
}

/** Unnamed runs, numbered in this process (shared by every loaded copy of saddlelab, like the kernel registry). */
const RUN_COUNTER = Symbol.for('saddlelab.unnamedRuns');

/** `run-1`, `run-2`, …: a name that tells unnamed runs apart in `train.runs()`, legends and file names. */
function nextRunName(): string {
  const g = globalThis as unknown as Record<symbol, number | undefined>;
  g[RUN_COUNTER] = (g[RUN_COUNTER] ?? 0) + 1;
  return `run-${g[RUN_COUNTER]}`;
}

function checkData(model: Mlp, data: Dataset): void {
  requireObject('data', data);
  const [dIn, dOut] = [model.dims[0], model.dims[model.dims.length - 1]];
  if (data.dIn !== dIn) throw new SaddlelabError(`[saddlelab] data.dIn must equal the model's inputDim (${dIn}); got ${data.dIn}`, 'data.dIn');
  if (data.dOut !== dOut) throw new SaddlelabError(`[saddlelab] data.dOut must equal the model's outputDim (${dOut}); got ${data.dOut}`, 'data.dOut');
  requirePositiveInt('data.n', data.n);
  if (!(data.x instanceof Float32Array) || data.x.length !== data.n * dIn) fail('data.x', `a Float32Array of length n·dIn = ${data.n * dIn}`, data.x);
  if (!(data.y instanceof Float32Array) || data.y.length !== data.n * dOut) fail('data.y', `a Float32Array of length n·dOut = ${data.n * dOut}`, data.y);
}

/**
 * Creates a trainer for `model` on `data`.
 *
 * @example
 * ```ts
 * import { train, data } from 'saddlelab';
 * const ds = data.linearTeacher({ singularValues: [10, 20, 30, 40, 50], n: 100, seed: 0 });
 * const net = train.mlp({ inputDim: 5, widths: [50, 50, 50], outputDim: 5, activation: 'linear', init: { gamma: 1.5 } });
 * const trainer = train.createTrainer(net, ds, { lr: 5e-4 });
 * for (let t = 0; t < 100; t++) if (!(await trainer.next())) break;
 * await trainer.finish();
 * console.log(trainer.history.latestLoss);
 * ```
 */
export function createTrainer(model: Mlp, data: Dataset, options: TrainerOptions = {}, extraKeys: readonly string[] = []): Trainer {
  checkData(model, data);
  const opts = resolve(options, data.n, extraKeys);
  const ckpt = opts.checkpoint;
  const fingerprint: RunFingerprint | undefined = ckpt && {
    dims: model.dims,
    activation: model.activation,
    loss: opts.loss,
    lr: opts.lr,
    batchSize: opts.batchSize >= data.n ? null : opts.batchSize,
    seed: opts.seed,
    engine: opts.engine,
    data: dataDigest(data),
  };
  const saved = ckpt && fingerprint ? openCheckpoint(ckpt, fingerprint) : undefined;
  const history = saved
    ? History.restore(saved.json.history.json, saved.json.history.options, saved.json.history.latest)
    : createHistory(
        { name: opts.name, activation: model.activation, dims: model.dims, depth: model.depth, seed: opts.seed, config: options.config ?? {} },
        options.history,
      );
  const control = options.control ?? createRunControl();
  const host = currentHost();
  const signalNow = () => options.signal ?? host.currentSignal();
  ensureBackend();
  if (saved) {
    // The checkpoint's weights into the model (float32; a js64 run continues from its float64 ones).
    const w = saved.weights;
    tf.tidy(() => model.weights.forEach((v, l) => v.assign(tf.tensor2d(Float32Array.from(w[l]), v.shape as [number, number]))));
  }
  const x = tf.tensor2d(data.x, [data.n, data.dIn]);
  const y = tf.tensor2d(data.y, [data.n, data.dOut]);
  const fullBatch = opts.batchSize >= data.n;
  const batches = fullBatch ? undefined : createBatchSampler(data.n, opts.batchSize, opts.seed, saved?.json.batches);
  const weights64 = saved?.weights[0] instanceof Float64Array ? (saved.weights as Float64Array[]) : undefined;
  const engine = createStepEngine(opts.engine, { model, data, x, y, loss: opts.loss, lr: opts.lr, batches, weights64 });
  const last = opts.steps ?? Infinity;
  const recordAt = opts.record === false ? () => false : schedule(pickSchedule(opts.record));
  const recorder = opts.record === false ? undefined : createRecorder(model, x, y, (p, t) => lossOf(opts.loss, p, t), opts.record);
  let step = saved?.json.step ?? 0;
  let finished = false;
  let lastLr: number | null = saved?.json.stepSize.last ?? null;
  let lastSave = Date.now();
  // float32 checks are for the float32 steps, at the start of a run; the js64 step computes in float64.
  let precisionChecked = opts.engine === 'js64' || saved !== undefined;

  const save = async (): Promise<string> => {
    if (!ckpt || !fingerprint) throw new SaddlelabError('[saddlelab] checkpoint: this trainer has no checkpoint option; pass checkpoint: { dir } to write checkpoints', 'checkpoint');
    writeCheckpoint(
      ckpt.dir,
      {
        step,
        savedAt: new Date().toISOString(),
        fingerprint,
        ...(batches ? { batches: batches.state() } : {}),
        stepSize: { lr: opts.lr, last: lastLr },
        history: { json: history.toJSON(), options: options.history ?? {}, latest: { step: history.latestStep, loss: history.latestLoss } },
      },
      engine.exportWeights?.() ?? (await model.getWeights()),
    );
    lastSave = Date.now();
    return ckpt.dir;
  };

  // Named by the last step done, as history.end.step is.
  const where = () => (step === 0 ? 'before its first step' : `after step ${step - 1}`);
  // Engines whose weights live on a device (webgpu): the model reads them from there while it trains.
  model.setWeightSource(async () => (engine.readWeights ? engine.readWeights() : undefined));
  const deviceRecords = () => opts.record !== false && !!engine.record && !!engine.recordsSupport?.(opts.record);
  /** Queues a record of the weights after the steps already issued; resolves once queued, with a promise of it. */
  const queueRecord = async (at: number, scalars?: { loss: number; paramNorm: number }): Promise<{ result: Promise<SpectrumRecord> }> => {
    if (!recorder || opts.record === false) throw new SaddlelabError('[saddlelab] record is false for this trainer; pass record: {} to take spectrum records', 'record');
    if (deviceRecords()) {
      const { result } = await engine.record!({ topK: opts.record.topK ?? 10, fullLoss: !scalars });
      return { result: result.then((r) => ({ step: at, loss: scalars?.loss ?? r.loss!, paramNorm: scalars?.paramNorm ?? Math.sqrt(r.normSq!), weights: r.weights })) };
    }
    await engine.sync?.();
    return { result: Promise.resolve(await recorder.take(at, scalars)) };
  };
  // The one place a run yields, waits and stops: before every step, and before run()'s final record.
  // A hand-written `for (…) await trainer.next()` loop only awaits promises that resolve at once
  // (on the CPU engines), so without a yield the event loop would not run while it trains: a
  // dashboard's Pause and Stop (comm messages) and a kernel interrupt would wait for the loop's end.
  let lastYield = Date.now();
  // Whether the last step asked for was refused because the signal had aborted (what finish() reports).
  let interrupted = false;
  const ended = () => {
    if (finished || control.state === 'stopped') return true;
    interrupted = signalNow()?.aborted === true;
    return interrupted;
  };
  const turn = async (): Promise<boolean> => {
    if (Date.now() - lastYield >= opts.yieldEveryMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      lastYield = Date.now();
    }
    if (control.state === 'paused') {
      await Promise.race([control.whenRunnable(), whenAborted(signalNow())]);
      lastYield = Date.now();
    }
    return !ended();
  };

  // next() calls pass turn() (gate), run their steps (issue) and add them to the history (settle),
  // each in call order: a step may be issued while earlier ones are still to settle (webgpu).
  interface Issued {
    t: number;
    record?: Promise<SpectrumRecord>;
    /** The record takes the step's loss and ‖θ‖ (full batch: the same weights). */
    fromStep: boolean;
    result: Promise<StepResult | undefined>;
  }
  let gateTail: Promise<unknown> = Promise.resolve();
  let issueTail: Promise<unknown> = Promise.resolve();
  let settleTail: Promise<unknown> = Promise.resolve();
  let settling = false;
  const issue = async (recordNow: boolean | undefined, settledBefore: Promise<unknown>): Promise<Issued | undefined> => {
    if (ended()) return undefined;
    if (control.state !== 'running') control.setState('running');
    if (!precisionChecked) {
      precisionChecked = true;
      for (const w of await checkPrecision(model, x, y, opts.loss, opts.lr)) history.warn(w);
    }
    if (ckpt && Date.now() - lastSave >= ckpt.everySeconds * 1000) {
      await settledBefore; // the checkpoint holds the weights and the history of the same steps
      if (!finished) await save();
    }
    const t = step;
    const recordHere = (recordNow ?? recordAt(t, last)) && recorder !== undefined;
    // Full batch: the step computes the loss and norm at the weights the record is taken of,
    // so the record needs no forward pass of its own. Mini-batch: the step's loss is a
    // batch loss, so the record computes the full-data loss itself.
    const record = recordHere ? (await queueRecord(t, fullBatch ? { loss: NaN, paramNorm: NaN } : undefined)).result : undefined;
    const result = engine.submit ? (await engine.submit()).result : engine.step();
    step = t + 1;
    return { t, record, fromStep: fullBatch, result };
  };
  const settle = async (issued: Issued | undefined): Promise<StepInfo | undefined> => {
    if (!issued || finished) return undefined;
    const result = await issued.result;
    if (finished) return undefined; // a step after one that diverged: the engine did not update
    // From here the history's listeners run (onStep, onRecord, onEnd): finish() or record() called
    // from one must not wait for this very settle.
    settling = true;
    if (!result) {
      const t = issued.t;
      step = t;
      if (issued.record && !issued.fromStep) keep(await issued.record); // taken before the step: still true
      await end(
        'diverged',
        `[saddlelab] the loss became non-finite at step ${t}; training stopped. ` +
          (t === 0 ? 'The history keeps no step' : `The history keeps steps 0–${t - 1}`) +
          "; the model's weights may no longer be finite. Lower lr (or c of the adaptive step) or the init scale.",
      );
      return undefined;
    }
    const { loss, normSq, lr } = result;
    const info: StepInfo = { step: issued.t, loss, paramNorm: Math.sqrt(normSq), lr };
    if (issued.record) {
      const r = await issued.record;
      keep(issued.fromStep ? { ...r, loss, paramNorm: info.paramNorm } : r);
    }
    history.addStep(info);
    lastLr = lr;
    return info;
  };
  const end = async (reason?: StopReason, message?: string): Promise<History> => {
    if (finished) return history;
    finished = true;
    const why: StopReason = reason ?? (interrupted || signalNow()?.aborted ? 'aborted' : control.state === 'stopped' ? 'stopped' : 'completed');
    const text = message ?? (why === 'stopped' || why === 'aborted' ? `[saddlelab] training ${why} ${where()}` : undefined);
    control.setState(why === 'completed' ? 'done' : 'stopped');
    history.finish(why, text);
    // The model's variables get the final weights (engines whose weights live elsewhere).
    await engine.sync?.();
    if (ckpt) await save();
    return history;
  };
  const keep = (r: SpectrumRecord): SpectrumRecord => {
    r.weights.forEach((s, l) => {
      if (s[0] === 0) history.warn(`[saddlelab] W${l + 1} became exactly zero by step ${r.step}: float32 underflow (docs/precision.md)`);
    });
    history.addRecord(r);
    return r;
  };
  const trainer: Trainer = {
    name: opts.name,
    model,
    history,
    control,
    get step() {
      return step;
    },
    get engine() {
      return engine.name;
    },
    get lag() {
      return engine.lag ?? 0;
    },
    profile: () => engine.profile?.(),
    isRecordStep: (s) => recordAt(s, last),
    async record() {
      if (!settling) await settleTail;
      return keep(await (await queueRecord(step)).result);
    },
    checkpoint: save,
    async next(recordNow) {
      // A call waiting here (paused) is in neither chain below: finish() and record() do not wait for it.
      const go = gateTail.then(turn);
      gateTail = go.catch(() => undefined);
      if (!(await go)) return undefined;
      const settledBefore = settleTail;
      const issued = issueTail.then(() => issue(recordNow, settledBefore));
      issueTail = issued.catch(() => undefined);
      const settled = settleTail.then(async () => {
        try {
          return await settle(await issued);
        } finally {
          settling = false;
        }
      });
      settleTail = settled.catch(() => undefined);
      return settled;
    },
    async run(until = opts.steps) {
      if (until === undefined) throw new SaddlelabError('[saddlelab] run: pass the step to run to, or the steps option to createTrainer', 'steps');
      requireNonNegativeInt('until', until);
      // Up to `lag` calls ahead of the oldest result (webgpu reads its results back late).
      const lag = engine.lag ?? 0;
      const inFlight: Promise<StepInfo | undefined>[] = [];
      let going = true;
      for (let t = step; going && t < until; t++) {
        inFlight.push(trainer.next());
        if (inFlight.length > lag) going = (await inFlight.shift()) !== undefined;
      }
      const rest = await Promise.all(inFlight); // every call awaited: an engine's error reaches the caller
      if (!going || rest.includes(undefined) || !(await turn())) return false;
      // The final state: its loss is the last step's; its record (on schedule) needs no update.
      if (step === until && recordAt(until, last)) await trainer.record();
      return true;
    },
    async finish(reason, message) {
      // Steps still in flight are added first (unless called from inside one's callbacks).
      if (!settling) await settleTail;
      return end(reason, message);
    },
    async dispose() {
      await trainer.finish();
      model.setWeightSource(undefined);
      engine.dispose();
      x.dispose();
      y.dispose();
    },
  };
  runRegistry.add(trainer); // train.runs(), train.lastRun(): reachable after its cell is interrupted
  return trainer;
}

/** Resolves when `signal` aborts (never without one). */
function whenAborted(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return new Promise(() => {});
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
}
