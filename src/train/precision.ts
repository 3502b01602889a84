/**
 * float32 pitfalls of small initializations: tfjs
 * has no float64, and native TensorFlow flushes subnormals to zero. In a deep
 * bias-free network the gradient of a layer scales like σ^(L−1), so it can
 * underflow to exactly zero; and a constant step can make updates smaller than
 * the float32 spacing of the weights, so they are rounded away. Both stall
 * training silently; this check turns them into warnings (docs/precision.md).
 */
import * as tf from '@tensorflow/tfjs';
import type { Mlp } from './mlp';
import { requireOneOf } from '../errors';
import { checkStepSize, lossOf, stepSizeAt } from './step';
import type { LossName, StepSize } from './types';

/** float32 unit roundoff 2^-24: an update smaller than this times |w| is lost. */
const F32_EPS = 5.96e-8;

/**
 * Resolves with warnings about the model at its current weights: layers whose
 * weights or gradients are exactly zero, and layers whose updates are below
 * float32 resolution. The statistics are read with one asynchronous read.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { train } from 'saddlelab';
 * const net = train.mlp({ inputDim: 2, widths: [4, 4, 4, 4, 4], outputDim: 1, init: { scale: 1e-9 } });
 * console.log(await train.checkPrecision(net, tf.ones([3, 2]), tf.ones([3, 1]), 'mse', 0.1));
 * ```
 */
export async function checkPrecision(model: Mlp, x: tf.Tensor2D, y: tf.Tensor2D, loss: LossName, lr: StepSize): Promise<string[]> {
  checkStepSize(lr);
  requireOneOf('loss', loss, ['mse', 'cross-entropy'] as const);
  const warnings: string[] = [];
  const stats = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => lossOf(loss, model.predict(x), y), model.weights);
    const normSq = tf.addN(model.weights.map((w) => tf.sum(tf.square(w))));
    const perLayer = model.weights.map((w) => [tf.sum(tf.square(w)), tf.sum(tf.square(grads[w.name])), tf.max(tf.abs(w)), tf.max(tf.abs(grads[w.name]))]);
    return tf.stack([value, normSq, ...perLayer.flat()]);
  });
  const v = await stats.data();
  stats.dispose();
  const [lossValue, normSq] = [v[0], v[1]];
  const eta = stepSizeAt(lr, normSq, model.depth);
  const where = `at step 0 (depth ${model.depth}${model.initScale !== undefined ? `, init std ${model.initScale.toPrecision(3)}` : ''})`;
  model.weights.forEach((_, l) => {
    const [wSq, gSq, wMax, gMax] = [v[2 + 4 * l], v[3 + 4 * l], v[4 + 4 * l], v[5 + 4 * l]];
    const name = `W${l + 1}`;
    if (wSq === 0) {
      warnings.push(`[saddlelab] ${name} is exactly zero ${where}: float32 underflow; use a larger init scale (docs/precision.md)`);
    } else if (gSq === 0 && lossValue > 0) {
      warnings.push(
        `[saddlelab] the gradient of ${name} is exactly zero ${where}: float32 underflow of a product of small weights ` +
          `(or every ReLU dead); use a larger init scale (docs/precision.md)`,
      );
    } else if (Number.isFinite(eta) && eta * gMax < F32_EPS * wMax) {
      warnings.push(
        `[saddlelab] updates of ${name} (step ${eta.toPrecision(3)} × max|grad| ${gMax.toPrecision(3)}) are below float32 ` +
          `resolution of its weights (max|w| ${wMax.toPrecision(3)}) ${where}: training would stall; use the adaptive step ` +
          `{ adaptive: c } or a larger init scale (docs/precision.md)`,
      );
    }
  });
  return warnings;
}
