/** The costs the training loop minimizes. */
import * as tf from '@tensorflow/tfjs';
import { fail, requireOneOf } from '../errors';

/** `mse`: C = ‖Y − Y⋆‖²/(2N), so that G = ∇C(0) = −Y⋆/N with Y⋆ the targets (docs/paper.md, "Setup"); `cross-entropy`: softmax CE, mean over samples. */
export type LossName = 'mse' | 'cross-entropy';

/**
 * The scalar loss of predictions (`[n, dOut]`) against targets.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { train } from 'saddlelab';
 * console.log((await train.lossOf('mse', tf.zeros([2, 1]), tf.ones([2, 1])).data())[0]); // 0.5
 * ```
 */
export function lossOf(name: LossName, pred: tf.Tensor2D, target: tf.Tensor2D): tf.Scalar {
  requireOneOf('loss', name, ['mse', 'cross-entropy'] as const);
  for (const [field, t] of [['pred', pred], ['target', target]] as const) {
    if (!(t instanceof tf.Tensor) || t.rank !== 2) fail(field, 'a 2-D tensor [n, d_out]', t);
  }
  if (pred.shape[0] !== target.shape[0] || pred.shape[1] !== target.shape[1]) fail('target', `a tensor of pred's shape [${pred.shape}]`, `shape [${target.shape}]`);
  return tf.tidy(() =>
    name === 'mse'
      ? (tf.div(tf.sum(tf.square(tf.sub(pred, target))), 2 * pred.shape[0]) as tf.Scalar)
      : (tf.losses.softmaxCrossEntropy(target, pred) as tf.Scalar),
  );
}
