/**
 * The record of one training run: the loss and parameter norm at every step
 * (thinned by powers of two past `maxPoints`, so a 10⁶-step run stays bounded),
 * and the scheduled spectrum records. Subscribers get live updates; the same
 * object loads from and saves to a versioned JSON format (docs/history-format.md).
 */
import { SaddlelabError, fail, requireKnownKeys, requireObject, requireOneOf, requirePositiveInt } from '../errors';

/** One scheduled measurement of the network's spectra (docs/history-format.md). */
export interface SpectrumRecord {
  /** Step index (0 = before the first update). */
  step: number;
  /** Loss at this step, on the full data set. */
  loss: number;
  /** ‖θ‖, the Euclidean norm of all weights together. */
  paramNorm: number;
  /** Top-k singular values of each weight matrix `W_ℓ`, ℓ = 1..L, descending. */
  weights: Float64Array[];
  /** Top-k singular values of each hidden activation `Z_ℓσ`, ℓ = 1..L−1 (when recorded). */
  activations?: Float64Array[];
  /** ReLU cut ratio `‖Z_ℓσ − Z_ℓ‖²/‖Z_ℓ‖²` of each hidden layer (when recorded). */
  reluCut?: number[];
}

/** What one step reports to `onStep`: the loss, ‖θ‖ and step size at the weights before its update. */
export interface StepInfo {
  step: number;
  loss: number;
  paramNorm: number;
  /** The step size used for this update. */
  lr: number;
}

/** Why a run ended. */
export type StopReason = 'completed' | 'stopped' | 'aborted' | 'diverged';

/** What a history tells its subscribers (widgets, the CLI's progress). */
export interface HistoryListener {
  onStep?: (info: StepInfo) => void | Promise<void>;
  onRecord?: (record: SpectrumRecord) => void | Promise<void>;
  onEnd?: (reason: StopReason, message?: string) => void | Promise<void>;
}

export const HISTORY_FORMAT = 'saddlelab.history';
export const HISTORY_VERSION = 1;

export interface HistoryMeta {
  name: string;
  activation: 'relu' | 'linear';
  /** `[dIn, ...widths, dOut]`. */
  dims: number[];
  /** Number of weight matrices L. */
  depth: number;
  backend?: string;
  seed?: number;
  /** The options the run was started with (JSON-safe). */
  config: Record<string, unknown>;
}

export interface HistoryEnd {
  reason: StopReason;
  message?: string;
  /** Last step whose loss is in the history. */
  step: number;
}

/** JSON form (version 1). Series are plain arrays; records keep their typed arrays as arrays. */
export interface HistoryJSON {
  format: typeof HISTORY_FORMAT;
  version: number;
  meta: HistoryMeta;
  /** Steps kept: every `stride`-th step. */
  stride: number;
  steps: number[];
  loss: number[];
  paramNorm: number[];
  records: Array<{ step: number; loss: number; paramNorm: number; weights: number[][]; activations?: number[][]; reluCut?: number[] }>;
  warnings: string[];
  end?: HistoryEnd;
}

export interface HistoryOptions {
  /** Most loss points kept; past it every other point is dropped and the stride doubles (default 2¹⁸). */
  maxPoints?: number;
  /** Most spectrum records kept; past it every other one is dropped, keeping the first (default 4096). */
  maxRecords?: number;
}

/** A record with its spectra converted by `convert` (typed arrays ↔ JSON arrays). */
function mapSpectra<A, B>(
  r: { step: number; loss: number; paramNorm: number; weights: A[]; activations?: A[]; reluCut?: number[] },
  convert: (s: A) => B,
): { step: number; loss: number; paramNorm: number; weights: B[]; activations?: B[]; reluCut?: number[] } {
  return {
    step: r.step,
    loss: r.loss,
    paramNorm: r.paramNorm,
    weights: r.weights.map(convert),
    ...(r.activations ? { activations: r.activations.map(convert) } : {}),
    ...(r.reluCut ? { reluCut: [...r.reluCut] } : {}),
  };
}

/** A growable Float64Array. */
class Series {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
  /** Keeps entries 0, 2, 4, … */
  halve(): void {
    let j = 0;
    for (let i = 0; i < this.length; i += 2) this.data[j++] = this.data[i];
    this.length = j;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/** What every history's meta must hold, so plots and phase detection can trust it. */
function checkMeta(value: unknown): void {
  const meta = requireObject('meta', value);
  if (typeof meta.name !== 'string') fail('meta.name', 'a string', meta.name);
  requireOneOf('meta.activation', meta.activation, ['relu', 'linear'] as const);
  const dims = meta.dims;
  if (!Array.isArray(dims) || dims.length < 2) fail('meta.dims', 'an array [d_in, ...widths, d_out] of at least 2 positive integers', dims);
  dims.forEach((d, i) => requirePositiveInt(`meta.dims[${i}]`, d));
  if (meta.depth !== dims.length - 1) fail('meta.depth', `dims.length − 1 = ${dims.length - 1}`, meta.depth);
  requireObject('meta.config', meta.config);
}

/**
 * A training history. Create one with `createHistory` (the training loop does)
 * or `loadHistory` (from JSON).
 *
 * @example
 * ```ts
 * import { train } from 'saddlelab';
 * const h = train.createHistory({ name: 'demo', activation: 'relu', dims: [2, 4, 1], depth: 2, config: {} });
 * h.addStep({ step: 0, loss: 1, paramNorm: 0.1, lr: 0.1 });
 * console.log(h.length, h.loss()[0]); // 1 1
 * ```
 */
export class History {
  readonly meta: HistoryMeta;
  readonly records: SpectrumRecord[] = [];
  readonly warnings: string[] = [];
  end?: HistoryEnd;
  private readonly stepSeries = new Series();
  private readonly lossSeries = new Series();
  private readonly normSeries = new Series();
  private stride = 1;
  private lastStep = -1;
  private lastLoss = NaN;
  private readonly subscribers = new Set<HistoryListener>();
  private readonly maxPoints: number;
  private readonly maxRecords: number;

  constructor(meta: HistoryMeta, options: HistoryOptions = {}) {
    checkMeta(meta);
    requireKnownKeys('history', requireObject('history', options), ['maxPoints', 'maxRecords']);
    this.meta = meta;
    this.maxPoints = Math.max(16, options.maxPoints === undefined ? 1 << 18 : requirePositiveInt('history.maxPoints', options.maxPoints));
    this.maxRecords = Math.max(16, options.maxRecords === undefined ? 4096 : requirePositiveInt('history.maxRecords', options.maxRecords));
  }

  /** Steps stored (after thinning). */
  get length(): number {
    return this.stepSeries.length;
  }
  /** Index of the last step seen, stored or not. */
  get latestStep(): number {
    return this.lastStep;
  }
  /** Loss of the last step seen. */
  get latestLoss(): number {
    return this.lastLoss;
  }
  /** Every `stride`-th step is kept. */
  get keptEvery(): number {
    return this.stride;
  }
  steps(): Float64Array {
    return this.stepSeries.view();
  }
  loss(): Float64Array {
    return this.lossSeries.view();
  }
  paramNorm(): Float64Array {
    return this.normSeries.view();
  }

  /** Adds a step and tells subscribers. Steps must increase. */
  addStep(info: StepInfo): void {
    if (info.step <= this.lastStep) fail('step', `an integer > ${this.lastStep} (steps increase)`, info.step);
    this.lastStep = info.step;
    this.lastLoss = info.loss;
    if (info.step % this.stride === 0) {
      this.stepSeries.push(info.step);
      this.lossSeries.push(info.loss);
      this.normSeries.push(info.paramNorm);
      if (this.stepSeries.length > this.maxPoints) {
        for (const s of [this.stepSeries, this.lossSeries, this.normSeries]) s.halve();
        this.stride *= 2;
      }
    }
    for (const s of this.subscribers) s.onStep?.(info);
  }

  addRecord(record: SpectrumRecord): void {
    this.records.push(record);
    if (this.records.length > this.maxRecords) {
      const kept = this.records.filter((_, i) => i % 2 === 0);
      this.records.length = 0;
      this.records.push(...kept);
    }
    for (const s of this.subscribers) s.onRecord?.(record);
  }

  /** Adds a warning once (repeats are ignored). */
  warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  finish(reason: StopReason, message?: string): void {
    this.end = { reason, message, step: this.lastStep };
    for (const s of this.subscribers) s.onEnd?.(reason, message);
  }

  /** Live updates; returns the unsubscribe function. */
  subscribe(callbacks: HistoryListener): () => void {
    this.subscribers.add(callbacks);
    return () => this.subscribers.delete(callbacks);
  }

  toJSON(): HistoryJSON {
    return {
      format: HISTORY_FORMAT,
      version: HISTORY_VERSION,
      meta: this.meta,
      stride: this.stride,
      steps: Array.from(this.steps()),
      loss: Array.from(this.loss()),
      paramNorm: Array.from(this.paramNorm()),
      records: this.records.map((r) => mapSpectra(r, (s) => Array.from(s))),
      warnings: [...this.warnings],
      ...(this.end ? { end: this.end } : {}),
    };
  }

  /**
   * A history continued from a checkpoint (src/train/checkpoint.ts): `json` as `toJSON()`
   * gave it, the bounds it was made with, and its last step seen (kept or thinned away).
   * Its end is dropped: the run goes on. @internal
   */
  static restore(json: HistoryJSON, options: HistoryOptions, latest: { step: number; loss: number }): History {
    const h = History.fromJSON(json, options);
    h.lastStep = latest.step;
    h.lastLoss = latest.loss;
    h.end = undefined;
    return h;
  }

  /** Rebuilds a history from `toJSON()` output (or its parsed file); `options` are the bounds for what it keeps from then on. */
  static fromJSON(json: unknown, options?: HistoryOptions): History {
    const j = requireObject('history', json) as unknown as HistoryJSON;
    if (j.format !== HISTORY_FORMAT) fail('history.format', `'${HISTORY_FORMAT}'`, j.format);
    if (j.version !== HISTORY_VERSION) fail('history.version', `${HISTORY_VERSION} (this saddlelab reads version ${HISTORY_VERSION})`, j.version);
    for (const key of ['steps', 'loss', 'paramNorm', 'records', 'warnings'] as const) {
      if (!Array.isArray(j[key])) fail(`history.${key}`, 'an array', j[key]);
    }
    if (j.loss.length !== j.steps.length || j.paramNorm.length !== j.steps.length) {
      throw new SaddlelabError(`[saddlelab] history.loss, history.paramNorm and history.steps must have equal lengths; got ${j.loss.length}, ${j.paramNorm.length}, ${j.steps.length}`, 'history.loss');
    }
    const h = new History(requireObject('history.meta', j.meta) as unknown as HistoryMeta, options ?? { maxPoints: Math.max(1 << 18, j.steps.length) });
    h.stride = j.stride ?? 1;
    j.steps.forEach((s, i) => {
      h.stepSeries.push(s);
      h.lossSeries.push(j.loss[i]);
      h.normSeries.push(j.paramNorm[i]);
    });
    h.lastStep = j.end?.step ?? (j.steps.length ? j.steps[j.steps.length - 1] : -1);
    h.lastLoss = j.loss.length ? j.loss[j.loss.length - 1] : NaN;
    for (const r of j.records) h.records.push(mapSpectra(r, (s) => Float64Array.from(s)));
    h.warnings.push(...j.warnings);
    if (j.end) h.end = j.end;
    return h;
  }
}

/** Creates an empty history (the training loop does this for you). */
export function createHistory(meta: HistoryMeta, options?: HistoryOptions): History {
  return new History(meta, options);
}

/**
 * Loads a history from its JSON object or string (docs/history-format.md).
 *
 * @example
 * ```ts
 * import { train } from 'saddlelab';
 * const h = train.createHistory({ name: 'demo', activation: 'relu', dims: [2, 4, 1], depth: 2, config: {} });
 * h.addStep({ step: 0, loss: 1, paramNorm: 0.1, lr: 0.1 });
 * console.log(train.loadHistory(JSON.stringify(h.toJSON())).latestLoss); // 1
 * ```
 */
export function loadHistory(json: unknown): History {
  if (typeof json !== 'string') return History.fromJSON(json);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    throw new SaddlelabError(
      `[saddlelab] history must be the JSON text of history.toJSON() (docs/history-format.md); got text that is not valid JSON (${(e as Error).message})`,
      'history',
    );
  }
  return History.fromJSON(parsed);
}
