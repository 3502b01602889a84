/**
 * The float64 engine (`engine: 'js64'`): the step runs in src/backend/js64.ts on
 * float64 copies of the weights, with no tfjs kernel launches; after every step
 * the weights are written back to the model's tfjs variables, so `model.predict`,
 * spectrum records and widgets see them as with the other engines. Its point is
 * float64: no underflow of tiny initializations in the step (docs/precision.md).
 * On the paper's toy sizes it is the fastest engine; from about 10⁵ multiply-adds
 * per sample pass dense BLAS wins (`npm run bench`, docs/native.md). It runs every
 * option (mini-batches from the trainer's sampler, MSE or cross-entropy), so it is
 * also the float64 reference the float32 engines are tested against.
 */
import * as tf from '@tensorflow/tfjs';
import { createJs64Mlp } from '../../backend/js64';
import { stepSizeAt } from '../step';
import type { StepEngine } from '../types';
import type { EngineContext } from './context';

export function createJs64Engine({ model, data, lr: lrOption, loss: lossName, batches, weights64 }: EngineContext): StepEngine {
  const dims = model.dims;
  const L = model.depth;
  // Made at the first step: the model's weights are read asynchronously (unless a checkpoint gave float64 ones).
  let net: ReturnType<typeof createJs64Mlp> | undefined;
  const build = async () =>
    createJs64Mlp({
      dims: [...dims],
      weights: weights64 ?? (await model.getWeights()),
      x: data.x,
      y: data.y,
      n: data.n,
      activation: model.activation,
      loss: lossName,
      batchSize: batches?.batchSize,
    });
  const writeBack = (W: readonly Float64Array[]) =>
    tf.tidy(() => model.weights.forEach((w, l) => w.assign(tf.tensor2d(Float32Array.from(W[l]), [dims[l + 1], dims[l]]))));
  return {
    name: 'js64',
    async step() {
      net ??= await build();
      const W = net.weights;
      let normSq = 0;
      for (const w of W) for (let i = 0; i < w.length; i++) normSq += w[i] * w[i];
      const lr = stepSizeAt(lrOption, normSq, L);
      const { loss, grads } = net.gradients(batches?.next());
      if (!Number.isFinite(loss) || !Number.isFinite(lr)) return undefined;
      for (let l = 0; l < L; l++) {
        const [w, g] = [W[l], grads[l]];
        for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
      }
      writeBack(W);
      return { loss, normSq, lr };
    },
    dispose() {},
    // Before the first step the float64 weights are those given, or the model's float32 ones (undefined: the trainer reads them).
    exportWeights: () => (net?.weights ?? weights64)?.map((w) => w.slice()),
  };
}
