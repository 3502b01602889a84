/**
 * Backend choice: every backend that
 * loads computes the same gradients as the pure-JS cpu backend; asking for one
 * that cannot load is a `[saddlelab]` error naming the field;
 * SADDLELAB_BACKEND overrides the default order.
 */
import * as tf from '@tensorflow/tfjs';
import { BACKENDS, currentBackend, describeBackend, useBackend, type BackendName } from '../../src/backend';
import { itOutside } from '../outside';
import { NATIVE_MISSING, gpuBuildPresent, nativeBuilt, nativeMissing } from './native';

const built = nativeBuilt();

/**
 * MSE gradients of a bias-free ReLU MLP (3 → 6 → 5 → 2, `Z_ℓ = W_ℓ relu(Z_ℓ−1)`) on fixed
 * data, on the active backend. Written out here rather than through src/train so
 * that this test checks the backends alone.
 */
function gradients(): Float32Array[] {
  const dims = [3, 6, 5, 2];
  const n = 9;
  const ws = dims.slice(1).map((d, l) => tf.variable(tf.tensor2d(Float32Array.from({ length: d * dims[l] }, (_, i) => 0.6 * Math.sin(2.3 * i + l)), [d, dims[l]])));
  const x = tf.tensor2d(Float32Array.from({ length: n * 3 }, (_, i) => Math.sin(1.7 * i + 0.3)), [n, 3]);
  const y = tf.tensor2d(Float32Array.from({ length: n * 2 }, (_, i) => Math.cos(0.9 * i)), [n, 2]);
  const { grads } = tf.variableGrads(() => {
    let z = tf.matMul(x, ws[0], false, true);
    for (let l = 1; l < ws.length; l++) z = tf.matMul(tf.relu(z), ws[l], false, true);
    return tf.div(tf.sum(tf.square(tf.sub(z, y))), 2 * n) as tf.Scalar;
  }, ws);
  const out = ws.map((w) => grads[w.name].dataSync() as Float32Array);
  tf.dispose([...Object.values(grads), x, y, ...ws]);
  return out;
}

function maxRelDiff(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((ga, l) => {
    let scale = 0;
    for (const v of b[l]) scale = Math.max(scale, Math.abs(v));
    for (let i = 0; i < ga.length; i++) worst = Math.max(worst, Math.abs(ga[i] - b[l][i]) / scale);
  });
  return worst;
}

describe('backend selection', () => {
  const saved = process.env.SADDLELAB_BACKEND;
  afterEach(() => {
    if (saved === undefined) delete process.env.SADDLELAB_BACKEND;
    else process.env.SADDLELAB_BACKEND = saved;
  });

  // First in the file: useBackend caches its choice, and the override must win over an empty cache.
  test('SADDLELAB_BACKEND overrides the default order', async () => {
    process.env.SADDLELAB_BACKEND = 'cpu';
    const info = await useBackend();
    expect(info).toMatchObject({ name: 'cpu', tfName: 'cpu', reason: 'SADDLELAB_BACKEND' });
    expect(tf.getBackend()).toBe('cpu');
    process.env.SADDLELAB_BACKEND = 'wasm';
    expect((await useBackend()).name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  test('an unknown SADDLELAB_BACKEND value is an error naming the variable', async () => {
    process.env.SADDLELAB_BACKEND = 'tpu';
    await expect(useBackend()).rejects.toThrow(/^\[saddlelab\] SADDLELAB_BACKEND must be one of 'gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'; got "tpu"/);
  });

  test('an unknown backend option is an error naming the field', async () => {
    await expect(useBackend('tpu' as BackendName)).rejects.toMatchObject({ field: 'backend', message: expect.stringMatching(/^\[saddlelab\] backend must be one of/) });
  });

  // The GPU backend is the one that cannot load on a machine without an NVIDIA device and the
  // tfjs-node-gpu build; where both are present the case has no unloadable backend to ask for.
  const gpu = gpuBuildPresent();
  (gpu ? test.skip : test)(
    `asking for a backend that cannot load is an error, not a silent fallback${gpu ? ' (skipped: the GPU backend can load here)' : ''}`,
    async () => {
      delete process.env.SADDLELAB_BACKEND;
      const before = tf.getBackend();
      await expect(useBackend('gpu')).rejects.toMatchObject({
        field: 'backend',
        message: expect.stringMatching(/^\[saddlelab\] backend 'gpu' cannot be loaded: .+Accepted: gpu, webgpu, tensorflow, wasm, cpu/),
      });
      expect(tf.getBackend()).toBe(before);
      if (!built) {
        await expect(useBackend('tensorflow')).rejects.toThrow(/^\[saddlelab\] backend 'tensorflow' cannot be loaded: @tensorflow\/tfjs-node is not installed \(run `npm run build:native`/);
      }
    },
  );
});

describe('every backend that loads gives the cpu gradients', () => {
  let reference: Float32Array[];
  beforeAll(async () => {
    await useBackend('cpu');
    reference = gradients();
  });

  for (const name of BACKENDS.filter((b) => b !== 'cpu')) {
    // Decided when the file loads, so jest reports an absent backend as skipped, saying why.
    const absent =
      name === 'tensorflow' && !built
        ? NATIVE_MISSING
        : name === 'gpu' && !gpuBuildPresent()
          ? 'skipped: no NVIDIA GPU with the tfjs-node-gpu build here'
          : name === 'webgpu'
            ? 'skipped: read synchronously here; test/train/webgpu.test.ts checks the webgpu backend'
            : undefined;
    // A missing native build is an outside check (a failure under SADDLELAB_STRICT=1); a missing GPU only skips.
    const maybe = name === 'tensorflow' ? itOutside('native TensorFlow: gradients', nativeMissing()) : absent ? test.skip : test;
    maybe(absent ? `${name} (${absent})` : name, async () => {
      await useBackend(name);
      expect(describeBackend(currentBackend()!)).toMatch(new RegExp(`^backend: ${name} \\(option`));
      const g = gradients();
      const diff = maxRelDiff(g, reference);
      // eslint-disable-next-line no-console
      console.log(`[saddlelab test] ${name} vs cpu gradients: max relative difference ${diff.toExponential(2)}`);
      // float32 with a different summation order: agreement to a few ulps of the largest entry.
      expect(diff).toBeLessThan(1e-5);
      expect(g.every((a) => a.some((v) => v !== 0))).toBe(true);
    });
  }
});
