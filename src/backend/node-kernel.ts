/**
 * The part of tfjs-node's `NodeJSKernelBackend` (and its native binding) that
 * saddlelab calls below the tfjs engine: native ReLU's gradient and the float64
 * Gram spectra run TensorFlow ops on tensor handles directly, which saves the
 * engine's ~30 µs of bookkeeping per op, and the native training step runs as
 * one graph through the binding's SavedModel session calls (docs/native.md).
 */
import * as tf from '@tensorflow/tfjs';

export type OpAttr = { name: string; type: number; value: unknown };

/** A TensorFlow tensor handle as the binding returns it. */
export type TensorInfo = { id: number; shape: number[]; dtype: number };

export interface TfBinding {
  TF_FLOAT: number;
  TF_INT32: number;
  TF_ATTR_TYPE: number;
  TF_ATTR_BOOL: number;
  TF_ATTR_INT: number;
  createTensor(shape: number[], dtype: number, values: Float32Array | Int32Array): number;
  executeOp(name: string, attrs: OpAttr[], inputs: number[], numOutputs: number): TensorInfo[];
  tensorDataSync(id: number): Float32Array;
  deleteTensor(id: number): void;
  getNumOfTensors(): number;
  loadSavedModel(exportDir: string, tags: string): number;
  /** Feeds `inputIds` to the comma-separated `name:index` inputs and fetches the outputs. */
  runSavedModel(session: number, inputIds: number[], inputNames: string, outputNames: string): TensorInfo[];
  deleteSavedModel(session: number): void;
  getNumOfSavedModels(): number;
}

export interface NodeKernelBackend {
  binding: TfBinding;
  /** True when TensorFlow found a GPU (tfjs-node-gpu), where tensors are created on it. */
  isUsingGpuDevice: boolean;
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: tf.Tensor[]): tf.Tensor;
  /** Handles of tfjs tensors (writes pending values into TensorFlow first). */
  getInputTensorIds(tensors: tf.Tensor[]): number[];
  /** A tfjs tensor that owns the given TensorFlow handle. */
  createOutputTensor(metadata: TensorInfo): tf.Tensor;
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
