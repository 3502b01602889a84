/**
 * Training: models, the one loop, the step and what a run keeps. Where each concept
 * lives, one file each, so that any of them is two hops from src/index.ts (here, then
 * its file) and their parts three (docs/architecture.md, "Training"):
 *
 *   trainer.ts      the loop: createTrainer; next(), the one place a run yields,
 *                   waits while paused and stops; run(), the loop over it
 *   fit.ts          fit and start: trainer.run() with a backend, the host's
 *                   interrupt and progress reporter, the runs registry
 *   run-registry.ts the runs and trainers of this process (runs(), lastRun())
 *   config.ts       a run as JSON { model, data, train }: the CLI's and sweeps'
 *   step.ts         the step, top to bottom: the loss, the step-size rule, the
 *                   reference (tfjs) update
 *   engines/        the same step elsewhere: index.ts picks one (auto) from what
 *                   context.ts gives them all; native.ts, js64.ts, webgpu.ts (its
 *                   WGSL in webgpu-kernels.ts, webgpu-program.ts, webgpu-records.ts)
 *   types.ts        the vocabulary: StepEngine, StepSize, LossName, RunControl, …
 *   mlp.ts          the bias-free networks          batches.ts     mini-batches
 *   history.ts      what a run keeps                recorder.ts    spectrum records
 *   schedule.ts     when records are taken          run-control.ts pause/resume/stop
 *   checkpoint.ts   continuing a run exactly        precision.ts   float32 warnings
 *   phases.ts       plateaus and escapes with their confidence: the run's noise
 *                   (noise.ts), the piecewise-linear fit it sets (changepoints.ts),
 *                   the pace of the loss (pace.ts), each escape's confidence
 *                   (confidence.ts), ranks against the random bulk (ranks.ts)
 */
export { mlp, initStd } from './mlp';
export type { Mlp, MlpOptions, InitOptions } from './mlp';
export { createTrainer } from './trainer';
export type { Trainer, TrainerOptions } from './trainer';
export { lossOf } from './step';
export { fit, start, runs, lastRun } from './fit';
export type { FitOptions, RunEntry } from './fit';
export { createRunControl } from './run-control';
export type { CheckpointOptions } from './checkpoint';
export { History, createHistory, loadHistory, HISTORY_FORMAT, HISTORY_VERSION } from './history';
export type { HistoryMeta, HistoryJSON, HistoryEnd, HistoryOptions } from './history';
export { schedule } from './schedule';
export type { Schedule, ScheduleOptions } from './schedule';
export type { RecordOptions } from './recorder';
export { checkPrecision } from './precision';
export { detectPhases } from './phases';
export type { Phases, Plateau, PhaseOptions, RankPoint } from './phases';
export type {
  Activation,
  Engine,
  EngineName,
  LossName,
  RunControl,
  RunState,
  SpectrumRecord,
  StepInfo,
  StepResult,
  StepSize,
  StopReason,
  TrainCallbacks,
  TrainingRun,
} from './types';
