/**
 * The ReLU whose gradient is TensorFlow's `ReluGrad` op: same values
 * and gradients as tfjs's own `relu`, the fast op really runs on the native
 * backend, and other backends get plain `tf.relu`.
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';
import { relu } from '../../src/backend/native-relu';
import { itOutside } from '../outside';
import { NATIVE_MISSING, nativeBuilt, nativeMissing } from './native';

/** Entries with exact zeros and negative zeros, where the two gradients could disagree. */
function input(): tf.Tensor2D {
  const v = Float32Array.from({ length: 12 * 7 }, (_, i) => (i % 5 === 0 ? 0 : i % 7 === 0 ? -0 : Math.sin(3.7 * i) * (1 + i)));
  return tf.tensor2d(v, [12, 7]);
}

/** Value and gradient of Σ relu(x) ⊙ dy, with the given relu. */
function valueAndGrad(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor2D, dy: tf.Tensor2D): { value: Float32Array; grad: Float32Array } {
  return tf.tidy(() => {
    const value = f(x).dataSync() as Float32Array;
    const grad = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(a), dy)))(x).dataSync() as Float32Array;
    return { value: Float32Array.from(value), grad: Float32Array.from(grad) };
  });
}

/** tfjs kernels the gradient runs, plus the TensorFlow ops it runs directly (not seen by tf.profile). */
async function opsOfGrad(x: tf.Tensor2D): Promise<{ kernels: string[]; direct: string[] }> {
  const backend = tf.backend() as { executeSingleOutput?: (name: string, ...rest: unknown[]) => unknown };
  const spy = backend.executeSingleOutput ? jest.spyOn(backend as Required<typeof backend>, 'executeSingleOutput') : undefined;
  try {
    const info = await tf.profile(() => {
      tf.dispose(tf.grad((a: tf.Tensor) => tf.sum(relu(a)))(x));
    });
    return { kernels: info.kernels.map((k) => k.name), direct: spy ? spy.mock.calls.map((c) => c[0]) : [] };
  } finally {
    spy?.mockRestore();
  }
}

describe.each(['cpu', 'tensorflow'] as const)('relu on the %s backend', (name) => {
  const skip = name === 'tensorflow' && !nativeBuilt();
  const maybe = name === 'tensorflow' ? itOutside('native TensorFlow: relu', nativeMissing()) : it;
  beforeAll(async () => {
    if (!skip) await useBackend(name);
  });

  maybe(`gives the same values and gradients as tf.relu, zeros included${skip ? ` (${NATIVE_MISSING})` : ''}`, () => {
    const x = input();
    const dy = tf.tensor2d(Float32Array.from({ length: 84 }, (_, i) => Math.cos(i) + 2), [12, 7]);
    const ours = valueAndGrad(relu, x, dy);
    const stock = valueAndGrad((a) => tf.relu(a), x, dy);
    expect(Array.from(ours.value)).toEqual(Array.from(stock.value));
    expect(Array.from(ours.grad)).toEqual(Array.from(stock.grad));
    // The gradient is dy where x > 0 and 0 elsewhere (x = 0 and −0 included).
    const xs = x.dataSync();
    const dys = dy.dataSync();
    ours.grad.forEach((g, i) => expect(g).toBe(xs[i] > 0 ? dys[i] : 0));
    tf.dispose([x, dy]);
  });

  maybe((name === 'tensorflow' ? 'differentiates with one ReluGrad op and no step() chain' : 'differentiates with tfjs’s own kernels') + (skip ? ` (${NATIVE_MISSING})` : ''), async () => {
    const x = input();
    const before = tf.memory().numTensors;
    const { kernels, direct } = await opsOfGrad(x);
    expect(tf.memory().numTensors).toBe(before);
    if (name === 'tensorflow') {
      expect(direct).toContain('ReluGrad');
      expect(kernels).not.toContain('Step');
    } else {
      expect(direct).toEqual([]);
      expect(kernels).toContain('Step');
    }
    x.dispose();
  });
});
