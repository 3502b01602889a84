/**
 * One gradient step at a time: the part of training a notebook can drive in a
 * visible `for` loop. `fit()` (fit.ts) wraps it with scheduling, pausing,
 * aborting and yielding to the event loop.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset';
import { ensureBackend } from '../backend/backend';
import { createRng } from '../data/random';
import {
  SaddlelabError,
  fail,
  requireKnownKeys,
  requireNonNegativeInt,
  requireObject,
  requireOneOf,
  requirePositive,
  requirePositiveInt,
} from '../errors';
import { runRegistry } from '../kernel/runs';
import { createHistory, type History, type HistoryOptions } from './history';
import type { Mlp } from './mlp';
import { lossOf, type LossName } from './loss';
import { checkPrecision } from './precision';
import { pickSchedule, schedule } from './schedule';
import { createJs64Engine, type StepResult } from './js64-engine';
import { createNativeEngine, nativeEngineAdvised } from './native-engine';
import { createRecorder, type RecordOptions } from './recorder';
import type { SpectrumRecord, StepInfo } from './types';


/** How a trainer runs its steps (see {@link TrainerOptions.engine}). */
export type Engine = 'auto' | 'tfjs' | 'native' | 'js64';

/** A constant step, or the paper's adaptive step `η = c·‖θ‖^(2−L)`. */
export type StepSize = number | { adaptive: number };

export interface TrainerOptions {
  /** Step size (default 0.01). `{ adaptive: c }` gives `η_t = c·‖θ_t‖^(2−L)` (PAPER.md, "Step size"). */
  lr?: StepSize;
  /** `mse`: C = ‖Y − Y*‖²/(2N) (default); `cross-entropy`: softmax cross-entropy, mean over samples. */
  loss?: LossName;
  /** Mini-batch size; default (or ≥ n): full-batch gradient descent. */
  batchSize?: number;
  /** Seed of the mini-batch order (default 0). */
  seed?: number;
  /** Spectrum recording: schedule and what to record; `false` records nothing but losses. */
  record?: RecordOptions | false;
  /** Name of the run, shown in histories and plots. */
  name?: string;
  /** Bounds on what the history keeps. */
  history?: HistoryOptions;
  /** The options as given, stored in the history (JSON-safe). */
  config?: Record<string, unknown>;
  /**
   * How the step runs. `auto` (default): `native` when the active backend is native
   * TensorFlow on the CPU and the run is full-batch `mse`, else `tfjs`. `tfjs`: tfjs ops and
   * autodiff on the active backend. `native`: the step as one TensorFlow graph run in one
   * session call (src/train/native-engine.ts), 1.1–8× the tfjs step on native TensorFlow
   * (bench C1–C5).
   * `js64`: a float64 pure-JS step (src/train/js64-engine.ts), free of float32 underflow
   * in the step. `native` and `js64`: full batch and `mse` only.
   */
  engine?: Engine;
}

export interface Trainer {
  /** The run's name (`options.name`, default 'run'), as in `history.meta.name`. */
  readonly name: string;
  readonly model: Mlp;
  readonly history: History;
  /** Index of the next step (0 before any update). */
  readonly step: number;
  /** The engine the next step runs on (`auto` resolved against the active backend). */
  readonly engine: 'tfjs' | 'native' | 'js64';
  /**
   * Computes the loss at the current weights, records it (and a spectrum record
   * when `recordNow` is true, or, when it is left out, when the `record` schedule
   * says so), then applies one update. Returns the step's info, or
   * `undefined` when the loss was not finite (nothing is recorded or updated then).
   */
  next(recordNow?: boolean): Promise<StepInfo | undefined>;
  /** Takes a spectrum record of the current weights (labelled with the current step). */
  record(): SpectrumRecord;
  /** Frees the tensors the trainer holds (not the model). */
  dispose(): void;
}

const TRAINER_KEYS = ['lr', 'loss', 'batchSize', 'seed', 'record', 'name', 'history', 'config', 'engine'] as const;

interface Resolved {
  lr: StepSize;
  loss: LossName;
  batchSize: number;
  seed: number;
  record: RecordOptions | false;
  name: string;
  engine: Engine;
}

function resolve(options: TrainerOptions, n: number, extraKeys: readonly string[]): Resolved {
  requireObject('options', options);
  requireKnownKeys('options', options, [...TRAINER_KEYS, ...extraKeys]);
  const lr = options.lr ?? 0.01;
  if (typeof lr === 'object' && lr !== null) {
    requireKnownKeys('lr', lr, ['adaptive']);
    requirePositive('lr.adaptive', lr.adaptive);
  } else {
    requirePositive('lr', lr);
  }
  const loss = requireOneOf('loss', options.loss ?? 'mse', ['mse', 'cross-entropy'] as const);
  const batchSize = options.batchSize === undefined ? n : Math.min(n, requirePositiveInt('batchSize', options.batchSize));
  const seed = options.seed === undefined ? 0 : requireNonNegativeInt('seed', options.seed);
  const engine = requireOneOf('engine', options.engine ?? 'auto', ['auto', 'tfjs', 'native', 'js64'] as const);
  if ((engine === 'js64' || engine === 'native') && batchSize < n) fail('batchSize', `no batchSize (full batch) with engine '${engine}'`, options.batchSize);
  if ((engine === 'js64' || engine === 'native') && loss !== 'mse') fail('loss', `'mse' with engine '${engine}'`, loss);
  return { lr, loss, batchSize, seed, record: options.record ?? {}, name: options.name ?? 'run', engine };
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
 * for (let t = 0; t < 100; t++) await trainer.next();
 * console.log(trainer.history.latestLoss);
 * ```
 */
export function createTrainer(model: Mlp, data: Dataset, options: TrainerOptions = {}, extraKeys: readonly string[] = []): Trainer {
  checkData(model, data);
  const opts = resolve(options, data.n, extraKeys);
  const history = createHistory(
    { name: opts.name, activation: model.activation, dims: model.dims, depth: model.depth, seed: opts.seed, config: options.config ?? {} },
    options.history,
  );
  ensureBackend();
  const x = tf.tensor2d(data.x, [data.n, data.dIn]);
  const y = tf.tensor2d(data.y, [data.n, data.dOut]);
  const L = model.depth;
  const fullBatch = opts.batchSize >= data.n;
  const rng = createRng(opts.seed);
  let order = new Int32Array(0);
  let cursor = 0;
  const nextBatch = (): tf.Tensor1D => {
    if (cursor + opts.batchSize > order.length) {
      // A fresh seeded permutation each epoch; a short last batch is skipped.
      order = rng.permutation(data.n);
      cursor = 0;
    }
    const idx = tf.tensor1d(order.subarray(cursor, cursor + opts.batchSize), 'int32');
    cursor += opts.batchSize;
    return idx;
  };
  const recordAt = opts.record === false ? () => false : schedule(pickSchedule(opts.record));
  const recorder = opts.record === false ? undefined : createRecorder(model, x, y, (p, t) => lossOf(opts.loss, p, t), opts.record);
  let step = 0;
  // float32 checks are for the tfjs step; the js64 step computes in float64.
  let precisionChecked = opts.engine === 'js64';
  const js64 = opts.engine === 'js64' ? createJs64Engine(model, data) : undefined;
  const native = opts.engine === 'native' || (opts.engine === 'auto' && fullBatch && opts.loss === 'mse') ? createNativeEngine(model, x, y) : undefined;
  // `auto` decides per step: fit() picks its backend after creating the trainer.
  const engineNow = (): 'tfjs' | 'native' | 'js64' =>
    js64 ? 'js64' : opts.engine === 'native' || (native && nativeEngineAdvised()) ? 'native' : 'tfjs';
  const tfjsStep = async (): Promise<StepResult> => {
    const stats = tf.tidy(() => {
      const idx = fullBatch ? undefined : nextBatch();
      const xb = idx ? tf.gather(x, idx) : x;
      const yb = idx ? tf.gather(y, idx) : y;
      const normSq = tf.addN(model.weights.map((w) => tf.sum(tf.square(w))));
      const { value, grads } = tf.variableGrads(() => lossOf(opts.loss, model.predict(xb), yb), model.weights);
      const lr = typeof opts.lr === 'number' ? tf.scalar(opts.lr) : tf.mul(opts.lr.adaptive, tf.pow(normSq, (2 - L) / 2));
      for (const w of model.weights) w.assign(tf.sub(w, tf.mul(lr, grads[w.name])));
      return tf.stack([value, normSq, lr]);
    });
    const [loss, normSq, lr] = await stats.data();
    stats.dispose();
    return { loss, normSq, lr };
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
    get step() {
      return step;
    },
    get engine() {
      return engineNow();
    },
    record() {
      if (!recorder) throw new SaddlelabError('[saddlelab] record is false for this trainer; pass record: {} to take spectrum records', 'record');
      return keep(recorder.take(step));
    },
    async next(recordNow = recordAt(step, Infinity)) {
      if (!precisionChecked) {
        precisionChecked = true;
        for (const w of checkPrecision(model, x, y, opts.loss, opts.lr)) history.warn(w);
      }
      // Full batch: the step computes the loss and norm at the weights the record is taken of,
      // so the record needs no forward pass of its own (issue 6, record cost). Minibatch: the
      // step's loss is a batch loss, so the record computes the full-data loss itself.
      if (recordNow && recorder && !fullBatch) trainer.record();
      const pending = recordNow && recorder && fullBatch ? recorder.take(step, { loss: NaN, paramNorm: NaN }) : undefined;
      const result = js64 ? js64.step(opts.lr) : native && engineNow() === 'native' ? native.step(opts.lr) : await tfjsStep();
      if (!result || !Number.isFinite(result.loss)) return undefined;
      const { loss, normSq, lr } = result;
      const info: StepInfo = { step, loss, paramNorm: Math.sqrt(normSq), lr };
      if (pending) keep({ ...pending, loss, paramNorm: info.paramNorm });
      history.addStep(info);
      step++;
      return info;
    },
    dispose() {
      native?.dispose();
      x.dispose();
      y.dispose();
    },
  };
  runRegistry.add(trainer); // train.runs(), train.lastRun(): reachable after its cell is interrupted
  return trainer;
}
