/**
 * The default order: native TensorFlow when it is built and loads,
 * else wasm. A file of its own, so that nothing chose a backend before it.
 */
import * as tf from '@tensorflow/tfjs';
import { describeBackend, useBackend } from '../../src/backend';
import { nativeBuilt } from './native';

test('the default order picks the native backend when it is built, else wasm', async () => {
  delete process.env.SADDLELAB_BACKEND;
  const built = nativeBuilt();
  const info = await useBackend();
  expect(info.reason).toBe('default order');
  expect(info.name).toBe(built ? 'tensorflow' : 'wasm');
  expect(tf.getBackend()).toBe(info.tfName);
  expect(describeBackend(info)).toMatch(new RegExp(`^backend: ${info.name} \\(default order`));
  if (!built) expect(info.skipped[0]).toMatch(/^tensorflow: @tensorflow\/tfjs-node is not installed/);
  // Asking again without an override returns the same choice.
  expect(await useBackend()).toBe(info);
});
