/**
 * Spectrum records (docs/history-format.md): the top-k singular values of every
 * W_ℓ, and optionally of every hidden activation Z_ℓσ with the ReLU cut ratio
 * ‖Z_ℓσ − Z_ℓ‖²/‖Z_ℓ‖², on the full data set.
 */
import * as tf from '@tensorflow/tfjs';
import { requireKnownKeys, requirePositiveInt } from '../errors';
import { createNativeSvd, nativeGramSpectra, nativeSvdAvailable } from '../backend/native-svd';
import { activeNodeBackend } from '../backend/node-kernel';
import { gramSingularValues, singularValues, type SvdProvider } from '../spectrum/svd';
import type { Mlp } from './mlp';
import { SCHEDULE_KEYS, type ScheduleOptions } from './schedule';
import type { SpectrumRecord } from './types';

export interface RecordOptions extends ScheduleOptions {
  /** How many singular values to keep per layer (default 10). */
  topK?: number;
  /** Also record the activations' spectra and ReLU cut ratios (costs a forward pass and n×w SVDs; default false). */
  activations?: boolean;
  /** Singular-value routine (default: `defaultSvd()`). */
  svd?: SvdProvider;
}

const nativeGramSingularValues = createNativeSvd({ method: 'gram' });

export const RECORD_KEYS = [...SCHEDULE_KEYS, 'topK', 'activations', 'svd'] as const;

export interface Recorder {
  /**
   * A record of the current weights. With `scalars` the caller supplies the loss and
   * parameter norm at these weights (the trainer does: its step computes both at the same
   * weights), which saves a forward pass over the whole data set per record. Every read
   * from the tensors is asynchronous, so it runs on every backend, WebGPU included.
   */
  take(step: number, scalars?: { loss: number; paramNorm: number }): Promise<SpectrumRecord>;
}

/**
 * With the native backend: the float64 Gram route inside TensorFlow (record cost,
 * 7.8 ms for a 200×784 matrix against 25 ms for float64 Svd, 4.3 against 14 ms at 200×200).
 * Its error on s_i is about 1e-16·(s₁/s_i)² relative, below the float32 weights' own
 * uncertainty (~1e-7·s₁) for every value it can resolve; see docs/precision.md.
 * Else ml-matrix, through the float64 Gram matrix for tall activation matrices
 * (n ≫ width: 0.3 s against 1.1 s for 2000×200).
 */
export function defaultSvd(): SvdProvider {
  if (nativeSvdAvailable()) return nativeGramSingularValues;
  return (m, rows, cols, k) => (Math.max(rows, cols) >= 4 * Math.min(rows, cols) ? gramSingularValues : singularValues)(m, rows, cols, k);
}

/** Validates record options (shared by the trainer and fit). */
export function checkRecordOptions(options: RecordOptions): void {
  requireKnownKeys('record', options, RECORD_KEYS);
  if (options.topK !== undefined) requirePositiveInt('record.topK', options.topK);
}

/** Reads a tensor asynchronously and disposes it. */
async function read(t: tf.Tensor): Promise<Float32Array> {
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}

/** Creates the recorder the trainer calls on its schedule. */
export function createRecorder(
  model: Mlp,
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  loss: (pred: tf.Tensor2D, target: tf.Tensor2D) => tf.Scalar,
  options: RecordOptions,
): Recorder {
  checkRecordOptions(options);
  const topK = options.topK ?? 10;
  const relu = model.activation === 'relu';
  const lossAndNorm = async () => {
    const t = tf.tidy(() => {
      const normSq = tf.addN(model.weights.map((w) => tf.sum(tf.square(w))));
      return tf.stack([loss(model.predict(x), y), normSq]);
    });
    const [lossValue, normSq] = await read(t);
    return { loss: lossValue, paramNorm: Math.sqrt(normSq) };
  };
  return {
    async take(step, scalars) {
      // Chosen per record: the native backend may load after the trainer is made.
      const svd = options.svd ?? defaultSvd();
      // The default route on native TensorFlow, batched and straight from the tensors' handles.
      const spectra = async (ms: tf.Tensor2D[]): Promise<Float64Array[]> =>
        !options.svd && activeNodeBackend() && nativeSvdAvailable()
          ? nativeGramSpectra(ms, topK)
          : Promise.all(ms.map(async (m) => svd((await m.data()) as Float32Array, m.shape[0], m.shape[1], topK)));
      const weights = await spectra(model.weights);
      const record: SpectrumRecord = { step, ...(scalars ?? (await lossAndNorm())), weights };
      if (options.activations) {
        const pre = model.preActivations(x);
        const hidden = pre.slice(0, -1);
        const acts = relu ? hidden.map((z) => tf.relu(z)) : hidden;
        try {
          record.activations = await spectra(acts);
          // ‖relu(Z) − Z‖² = ‖relu(−Z)‖²: the part of Z the ReLU cuts away; one read for every layer.
          const sums = hidden.length ? await read(tf.tidy(() => tf.stack(hidden.flatMap((z) => [tf.sum(tf.square(tf.relu(tf.neg(z)))), tf.sum(tf.square(z))])))) : [];
          record.reluCut = hidden.map((_, l) => (sums[2 * l + 1] > 0 ? sums[2 * l] / sums[2 * l + 1] : 0));
        } finally {
          if (relu) tf.dispose(acts);
          pre.forEach((t) => t.dispose());
        }
      }
      return record;
    },
  };
}
