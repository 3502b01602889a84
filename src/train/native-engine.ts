/**
 * The native engine behind `createTrainer(model, data, { engine: 'native' })`,
 * and behind the default `auto` on native TensorFlow (issue 6): one full-batch
 * GD step as ~7L TensorFlow ops run on tensor handles through tfjs-node's
 * binding, below the tfjs engine. Through tfjs the same step is ~90 kernels on
 * a 6-layer network, each with ~30 µs of engine bookkeeping, and autodiff
 * builds ReLU's gradient from seven ops; here it is `MatMul`, `Relu`, `L2Loss`,
 * `ReluGrad`, `Mul` and `Sub` only. The maths and its float32 roundings are
 * those of the tfjs step (test/train/native-engine.test.ts compares them).
 *
 * The weights stay the model's tfjs variables: each step reads their handles
 * and assigns the updated ones, so `model.predict`, records and widgets see
 * them as with the tfjs engine.
 */
import type * as tf from '@tensorflow/tfjs';
import { activeNodeBackend, type OpAttr, type TfBinding } from '../backend/node-kernel';
import { SaddlelabError } from '../errors';
import type { StepResult } from './js64-engine';
import type { Mlp } from './mlp';
import type { StepSize } from './trainer';

export interface NativeEngine {
  /** One GD step; `undefined` when the loss or the step size is not finite (no update then). */
  step(lr: StepSize): StepResult | undefined;
}

/** True when the active tfjs backend is native TensorFlow, where {@link createNativeEngine} can run. */
export function nativeEngineAvailable(): boolean {
  return activeNodeBackend() !== undefined;
}

/** The attributes of the step's ops (the binding's enum values), built once per engine. */
function opAttrs(b: TfBinding, L: number) {
  const T = { name: 'T', type: b.TF_ATTR_TYPE, value: b.TF_FLOAT };
  const mm = (ta: boolean, tb: boolean): OpAttr[] => [T, { name: 'transpose_a', type: b.TF_ATTR_BOOL, value: ta }, { name: 'transpose_b', type: b.TF_ATTR_BOOL, value: tb }];
  return { T: [T], matMulABt: mm(false, true), matMulAB: mm(false, false), matMulAtB: mm(true, false), addN: [{ name: 'N', type: b.TF_ATTR_INT, value: L }, T] };
}

/** Creates the engine for `model` on the targets `x`, `y` (full batch, MSE; the trainer checks). */
export function createNativeEngine(model: Mlp, x: tf.Tensor2D, y: tf.Tensor2D): NativeEngine {
  const L = model.depth;
  const n = x.shape[0];
  const relu = model.activation === 'relu';
  let cached: ReturnType<typeof opAttrs> | undefined;

  return {
    step(lrOption) {
      const be = activeNodeBackend();
      if (!be) {
        throw new SaddlelabError(
          "[saddlelab] engine 'native' needs the native TensorFlow backend, and another backend is active. " +
            "Accepted: useBackend('tensorflow') (build it with `npm run build:native`), or engine 'tfjs' / 'auto'.",
          'engine',
        );
      }
      const b = be.binding;
      const A = (cached ??= opAttrs(b, L));
      // Every handle made here is freed in `finally`, except the new weights handed to tfjs.
      const made: number[] = [];
      const op = (name: string, attrs: OpAttr[], inputs: number[]): number => {
        const id = b.executeOp(name, attrs, inputs, 1)[0].id;
        made.push(id);
        return id;
      };
      const scalar = (v: number): number => {
        const id = b.createTensor([], b.TF_FLOAT, new Float32Array([v]));
        made.push(id);
        return id;
      };
      try {
        const [xId, yId, ...W] = be.getInputTensorIds([x, y, ...model.weights]);
        // ‖θ‖² = 2·Σ L2Loss(W_ℓ), before the update (as the tfjs step and the adaptive step use it).
        const normSq = 2 * b.tensorDataSync(op('AddN', A.addN, W.map((w) => op('L2Loss', A.T, [w]))))[0];
        const lr = typeof lrOption === 'number' ? lrOption : lrOption.adaptive * Math.pow(normSq, (2 - L) / 2);
        // Forward: Z_ℓ = A_{ℓ−1} W_ℓᵀ, A_ℓ = relu(Z_ℓ) (A_0 = X, rows are samples).
        const acts = [xId];
        let z = xId;
        for (let l = 0; l < L; l++) {
          z = op('MatMul', A.matMulABt, [acts[l], W[l]]);
          if (l < L - 1) acts.push(relu ? op('Relu', A.T, [z]) : z);
        }
        // C = ‖Z_L − Y‖²/(2n) = L2Loss(Z_L − Y)/n; its gradient in Z_L is (Z_L − Y)/n.
        const r = op('Sub', A.T, [z, yId]);
        const loss = b.tensorDataSync(op('L2Loss', A.T, [r]))[0] / n;
        if (!Number.isFinite(loss) || !Number.isFinite(lr)) return undefined;
        let g = op('Mul', A.T, [r, scalar(1 / n)]);
        const lrId = scalar(lr);
        const next: number[] = [];
        for (let l = L - 1; l >= 0; l--) {
          const dW = op('MatMul', A.matMulAtB, [g, acts[l]]);
          if (l > 0) {
            const h = op('MatMul', A.matMulAB, [g, W[l]]);
            g = relu ? op('ReluGrad', A.T, [h, acts[l]]) : h;
          }
          next[l] = op('Sub', A.T, [W[l], op('Mul', A.T, [dW, lrId])]);
        }
        next.forEach((id, l) => {
          made.splice(made.indexOf(id), 1);
          const t = be.createOutputTensor({ id, shape: model.weights[l].shape, dtype: b.TF_FLOAT });
          model.weights[l].assign(t as tf.Tensor2D);
          t.dispose();
        });
        return { loss, normSq, lr };
      } finally {
        for (const id of made) b.deleteTensor(id);
      }
    },
  };
}
