/**
 * The part of tfjs-node's `NodeJSKernelBackend` (and its native binding) that
 * saddlelab calls below the tfjs engine: native ReLU's gradient and the native
 * training step run TensorFlow ops on tensor handles directly, which saves the
 * engine's ~30 µs of bookkeeping per op (issue 6).
 */
import * as tf from '@tensorflow/tfjs';

export type OpAttr = { name: string; type: number; value: unknown };

export interface TfBinding {
  TF_FLOAT: number;
  TF_ATTR_TYPE: number;
  TF_ATTR_BOOL: number;
  TF_ATTR_INT: number;
  createTensor(shape: number[], dtype: number, values: Float32Array): number;
  executeOp(name: string, attrs: OpAttr[], inputs: number[], numOutputs: number): { id: number; shape: number[]; dtype: number }[];
  tensorDataSync(id: number): Float32Array;
  deleteTensor(id: number): void;
  getNumOfTensors(): number;
}

export interface NodeKernelBackend {
  binding: TfBinding;
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: tf.Tensor[]): tf.Tensor;
  /** Handles of tfjs tensors (writes pending values into TensorFlow first). */
  getInputTensorIds(tensors: tf.Tensor[]): number[];
  /** A tfjs tensor that owns the given TensorFlow handle. */
  createOutputTensor(metadata: { id: number; shape: number[]; dtype: number }): tf.Tensor;
}

/** The active backend when it is tfjs-node's (CPU or GPU build), else undefined. */
export function activeNodeBackend(): NodeKernelBackend | undefined {
  const b = tf.backend() as Partial<NodeKernelBackend>;
  return typeof b.executeSingleOutput === 'function' &&
    typeof b.getInputTensorIds === 'function' &&
    typeof b.createOutputTensor === 'function' &&
    typeof b.binding?.executeOp === 'function'
    ? (b as NodeKernelBackend)
    : undefined;
}
