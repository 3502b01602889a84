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
