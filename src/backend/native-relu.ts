/**
 * ReLU whose gradient is one TensorFlow `ReluGrad` op on the native backend.
 *
 * tfjs differentiates `relu` as `dy * step(x)`, and tfjs-node builds `step` from
 * seven ops (IsNan, Greater, Fill twice, Select twice, Cast) before the multiply:
 * 4.2 ms on a 2000×200 activation against 0.27 ms for `ReluGrad`
 * (bench/run.mjs at C3). On other backends this is plain `tf.relu`.
 */
import * as tf from '@tensorflow/tfjs';
import { activeNodeBackend } from './node-kernel';

let nativeRelu: ((x: tf.Tensor) => tf.Tensor) | undefined;

function makeNativeRelu(): (x: tf.Tensor) => tf.Tensor {
  const f = (x: tf.Tensor, save: tf.GradSaveFunc) => {
    const y = tf.relu(x);
    save([y]);
    return {
      value: y,
      // ReluGrad(dy, features) = dy where features > 0, else 0; y > 0 exactly where x > 0.
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => {
        const b = activeNodeBackend();
        if (!b || dy.dtype !== 'float32') return tf.mul(dy, tf.step(saved));
        return b.executeSingleOutput('ReluGrad', [{ name: 'T', type: b.binding.TF_ATTR_TYPE, value: b.binding.TF_FLOAT }], [dy, saved]);
      },
    };
  };
  // tfjs types customGrad's parameter as a union of its arguments; it calls f(x, save).
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;
}

/** `relu(x)`; on native TensorFlow with float32 input its gradient runs as one `ReluGrad` op. */
export function relu<T extends tf.Tensor>(x: T): T {
  if (x.dtype !== 'float32' || !activeNodeBackend()) return tf.relu(x);
  nativeRelu ??= makeNativeRelu();
  return nativeRelu(x) as T;
}
