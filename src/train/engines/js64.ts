/**
 * The float64 engine behind `createTrainer(model, data, { engine: 'js64' })`
 * (issue 6, "Small networks"): the step runs in src/backend/js64.ts on float64
 * copies of the weights, with no tfjs kernel launches; after every step the
 * weights are written back to the model's tfjs variables, so `model.predict`,
 * spectrum records and widgets see them as with the tfjs engine. Its point is
 * float64 (no underflow of tiny initializations in the step); on the paper's toy
 * sizes (bench C1) it runs at ~0.65× the native engine and 3.4× the tfjs step,
 * and from about 10⁵ multiply-adds per sample pass dense BLAS wins (`npm run bench`).
 */
import * as tf from '@tensorflow/tfjs';
import { createJs64Mlp } from '../backend/js64';
import type { Dataset } from '../data/dataset';
import type { Mlp } from './mlp';

/** One full-batch step: loss, ‖θ‖² and step size at the weights before the update. */
export interface StepResult {
  loss: number;
  normSq: number;
  lr: number;
}

export interface Js64Engine {
  /** One GD step with `lr` (a number, or `c` of the adaptive step); `undefined` when the loss is not finite (no update then). */
  step(lr: number | { adaptive: number }): StepResult | undefined;
}

/** Creates the engine from the model's current weights; full batch, MSE only (the trainer checks). */
export function createJs64Engine(model: Mlp, data: Dataset): Js64Engine {
  const dims = model.dims;
  const L = model.depth;
  const net = createJs64Mlp({ dims: [...dims], weights: model.getWeights(), x: data.x, y: data.y, n: data.n, activation: model.activation });
  const W = net.weights;
  const writeBack = () =>
    tf.tidy(() => model.weights.forEach((w, l) => w.assign(tf.tensor2d(Float32Array.from(W[l]), [dims[l + 1], dims[l]]))));
  return {
    step(lrOption) {
      let normSq = 0;
      for (const w of W) for (let i = 0; i < w.length; i++) normSq += w[i] * w[i];
      const lr = typeof lrOption === 'number' ? lrOption : lrOption.adaptive * Math.pow(normSq, (2 - L) / 2);
      const { loss, grads } = net.gradients();
      if (!Number.isFinite(loss) || !Number.isFinite(lr)) return undefined;
      for (let l = 0; l < L; l++) {
        const [w, g] = [W[l], grads[l]];
        for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
      }
      writeBack();
      return { loss, normSq, lr };
    },
  };
}
