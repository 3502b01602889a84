/**
 * A network built before any `await useBackend()` gets the native backend, not tfjs's
 * cpu fallback (the way a user's own cell calls `train.mlp` then `createTrainer`).
 * This file must not choose a backend before its test: the engine starts untouched.
 */
import * as tf from '@tensorflow/tfjs';
import { currentBackend, ensureBackend, useBackend } from '../../src/backend/backend';
import { mlp } from '../../src/train/mlp';
import { itNative } from './native';

itNative('mlp() before useBackend() trains on native TensorFlow; useBackend() then keeps it', async () => {
  expect((tf.engine() as unknown as { backendName: string | null }).backendName ?? null).toBeNull();
  const net = mlp({ inputDim: 2, widths: [3], outputDim: 1 });
  expect(tf.getBackend()).toBe('tensorflow');
  expect(currentBackend()).toMatchObject({ name: 'tensorflow', reason: 'default order' });
  await expect(useBackend()).resolves.toMatchObject({ name: 'tensorflow' });
  net.dispose();
});

it('does not switch away from a backend that is already active', async () => {
  await tf.setBackend('cpu');
  const before = currentBackend();
  ensureBackend();
  expect(currentBackend()).toBe(before);
  expect(tf.getBackend()).toBe('cpu');
});
