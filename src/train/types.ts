/**
 * The training vocabulary in one place: what a step is given and returns, the
 * engines that run it, and the run-control types that dashboards act on.
 * Type-only: safe to `import type` from anywhere; it imports nothing but types
 * from the history (which owns the records it stores) and the activation type
 * of the backend layer, so it closes no import cycle.
 */
import type { History, HistoryListener, SpectrumRecord, StepInfo, StopReason } from './history';

export type { Activation } from '../backend/activation';
export type { HistoryListener, SpectrumRecord, StepInfo, StopReason };

/** `mse`: C = ‖Y − Y⋆‖²/(2N), so that G = ∇C(0) = −Y⋆/N with Y⋆ the targets (docs/paper.md, "Setup"); `cross-entropy`: softmax CE, mean over samples. */
export type LossName = 'mse' | 'cross-entropy';

/**
 * A constant step size, or the paper's adaptive step `η = c·‖θ‖^(2−L)`
 * (docs/paper.md, "Setup"), which rescales time so that the plateau near the origin,
 * where gradients scale like ‖θ‖^(L−1), does not take forever. Checked and evaluated in
 * src/train/step.ts.
 */
export type StepSize = number | { adaptive: number };

/** How a trainer runs its steps: `auto` picks one of the others (see `TrainerOptions.engine`). */
export type Engine = 'auto' | 'tfjs' | 'native' | 'js64' | 'webgpu';

/** An engine that runs steps (`auto` resolved). */
export type EngineName = Exclude<Engine, 'auto'>;

/** One step's scalars, at the weights before its update. */
export interface StepResult {
  /** Loss of the step's batch (the whole data set in full-batch GD). */
  loss: number;
  /** ‖θ‖². */
  normSq: number;
  /** The step size the update used. */
  lr: number;
}

/**
 * One gradient step on the model's weights, however it is computed (src/train/engines/).
 * Every engine leaves the updated weights in the model's tfjs variables, so records,
 * widgets and `predict` do not care which one ran.
 */
export interface StepEngine {
  readonly name: EngineName;
  /**
   * Computes the loss at the current weights on the next batch and applies one update.
   * `undefined` when the loss or the step size is not finite: then nothing is updated.
   */
  step(): Promise<StepResult | undefined>;
  /** Frees what the engine holds (sessions, tensors), not the model. */
  dispose(): void;
  /**
   * The weights the engine steps, where they are not the model's float32 variables (the
   * js64 engine's float64 copies): what a checkpoint must keep to continue exactly;
   * `undefined` when the model's variables hold them (the trainer then reads those).
   */
  exportWeights?(): Float64Array[] | undefined;
  /**
   * Engines that read their results back a few steps late (webgpu): how many steps may be
   * submitted ahead of the oldest result still to come. Absent or 0: `step()` only.
   */
  readonly lag?: number;
  /**
   * Queues one step and resolves as soon as it is submitted, with the promise of its result
   * (`step()` is `(await submit()).result`). Results resolve in submission order.
   */
  submit?(): Promise<{ result: Promise<StepResult | undefined> }>;
  /**
   * A spectrum record computed by the engine itself, queued after the steps already submitted
   * (so it sees the weights they leave); resolves once queued.
   */
  record?(options: { topK: number; fullLoss: boolean }): Promise<{ result: Promise<EngineRecord> }>;
  /** Whether `record` takes records with these options (else the trainer takes them with tfjs). */
  recordsSupport?(options: { topK?: number; activations?: boolean; svd?: unknown }): boolean;
  /** Engines whose weights live elsewhere than the model's variables (webgpu): reads them. */
  readWeights?(): Promise<Float32Array[]>;
  /** Engines whose weights live elsewhere: writes them into the model's variables. */
  sync?(): Promise<void>;
  /** Host-side counters for benchmarks (`npm run gpu-check`): steps, milliseconds spent submitting, waiting, … */
  profile?(): Record<string, number>;
}

/** A record an engine computed: the top-k singular values of each W_ℓ, with the full-data loss and ‖θ‖² when asked. */
export interface EngineRecord {
  loss?: number;
  normSq?: number;
  weights: Float64Array[];
}

/** Run state as seen by controls (a dashboard's pause/resume/stop). */
export type RunState = 'idle' | 'running' | 'paused' | 'stopped' | 'done';

/** Pause, resume and stop for a trainer or a run (`train.createRunControl()` makes one). */
export interface RunControl {
  readonly state: RunState;
  /** Pauses before the next step (a running `trainer.next()` finishes its step first). */
  pause(): void;
  resume(): void;
  /** The next `trainer.next()` returns `undefined` without stepping, and the run ends as `stopped`. */
  stop(): void;
  /** Resolves when not paused (immediately when running). @internal */
  whenRunnable(): Promise<void>;
  /** Used by the trainer and the loop. @internal */
  setState(state: RunState): void;
  /** Calls `listener` with the new state whenever it changes (a progress bar shows "paused"); returns the unsubscribe function. */
  onChange?(listener: (state: RunState) => void): () => void;
}

/** A training in progress, as `train.start()` returns it. */
export interface TrainingRun {
  /** The run's name (`history.meta.name`). */
  readonly name: string;
  readonly history: History;
  readonly control: RunControl;
  /** Resolves with the history when the run ends (completed, stopped, aborted or diverged). */
  readonly done: Promise<History>;
}

/**
 * Callbacks shaped like tfjs-vis's `fitCallbacks`: plain functions the loop
 * calls. Widgets subscribe through these; training knows nothing of them.
 */
export interface TrainCallbacks extends HistoryListener {
  /** Called by `start()`/`fit()` once the run exists, before its first step (a live widget binds to it here). */
  onStart?: (run: TrainingRun) => void;
}
