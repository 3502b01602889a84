/** What every step engine is built from (src/train/engines/). */
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/dataset';
import type { BatchSampler } from '../batches';
import type { Mlp } from '../mlp';
import type { LossName, StepSize } from '../types';

export interface EngineContext {
  model: Mlp;
  /** The data set as given (the float64 engine copies it). */
  data: Dataset;
  /** The whole data set as tensors on the active backend (`[n, dIn]`, `[n, dOut]`). */
  x: tf.Tensor2D;
  y: tf.Tensor2D;
  loss: LossName;
  lr: StepSize;
  /** Mini-batches to draw from; `undefined` for full-batch gradient descent. */
  batches?: BatchSampler;
  /** float64 weights to start from instead of the model's (a js64 run resumed from a checkpoint). */
  weights64?: Float64Array[];
}
