/**
 * Types shared by the training loop, the history and its subscribers (widgets,
 * CLI). Type-only: safe to `import type` from anywhere.
 */
import type { TrainingRun } from './fit';

/** One scheduled measurement of the network's spectra (issue 2, "Recording"). */
export interface SpectrumRecord {
  /** Step index (0 = before the first update). */
  step: number;
  /** Loss at this step. */
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

/** What one step reports to `onStep`. */
export interface StepInfo {
  step: number;
  loss: number;
  paramNorm: number;
  /** The step size used for this update. */
  lr: number;
}

/** Why a run ended. */
export type StopReason = 'completed' | 'stopped' | 'aborted' | 'diverged';

/** Run state as seen by controls (the dashboard's pause/resume/stop). */
export type RunState = 'idle' | 'running' | 'paused' | 'stopped' | 'done';

/**
 * Callbacks shaped like tfjs-vis's `fitCallbacks`: plain functions the loop
 * calls. Widgets subscribe through these; training knows nothing of them.
 */
export interface TrainCallbacks {
  /** Called by `start()`/`fit()` once the run exists, before its first step (a live widget binds to it here). */
  onStart?: (run: TrainingRun) => void;
  onStep?: (info: StepInfo) => void | Promise<void>;
  onRecord?: (record: SpectrumRecord) => void | Promise<void>;
  onEnd?: (reason: StopReason, message?: string) => void | Promise<void>;
}
