/**
 * The native engine behind `createTrainer(model, data, { engine: 'native' })`,
 * and behind the default `auto` on native TensorFlow: one full-batch
 * GD step as one TensorFlow graph, run in one session call through tfjs-node's
 * binding (src/backend/native-graph.ts). Through tfjs the same step is ~90
 * eager kernels on a 6-layer network, each with ~30 µs of engine bookkeeping
 * on top of TensorFlow's own dispatch; here it is ~7L ops (`MatMul`, `Relu`,
 * `ReluGrad`, `L2Loss`, `Mul`, `Sub`) that TensorFlow's graph executor runs
 * after its optimizer. The maths and its float32 roundings are those of the
 * tfjs step (test/train/engines.test.ts compares them).
 *
 * The weights stay the model's tfjs variables: each step feeds their handles
 * and assigns the updated ones, so `model.predict`, records and widgets see
 * them as with the tfjs engine.
 */
import type * as tf from '@tensorflow/tfjs';
import { loadNativeGraph, type GraphBuilder, type NativeGraph } from '../../backend/native-graph';
import { activeNodeBackend, type TensorInfo, type TfBinding } from '../../backend/node-kernel';
import { SaddlelabError } from '../../errors';
import { stepSizeRule } from '../step-size';
import type { StepEngine } from '../types';
import type { EngineContext } from './context';

/**
 * True when `auto` picks the native engine: native TensorFlow on the CPU. On a GPU
 * (tfjs-node-gpu) the binding's session calls take and return host tensors, so each
 * step would copy the weights from the GPU and back; there `auto` keeps the tfjs
 * step, whose eager ops stay on the device (untried: no GPU here; docs/native.md).
 */
export function nativeEngineAdvised(): boolean {
  const be = activeNodeBackend();
  return be !== undefined && !be.isUsingGpuDevice;
}

/**
 * The step's graph. Inputs: x [n, d₀], y [n, d_L], the weights W_ℓ [d_ℓ, d_ℓ₋₁],
 * and the step size as lr = lr_scale·(‖θ‖²)^lr_power (power 0 for a fixed lr,
 * (2 − L)/2 for the adaptive one). Outputs: [L2Loss(Z_L − Y), Σ L2Loss(W_ℓ), lr],
 * then the updated weights.
 */
function buildStep(g: GraphBuilder, shapes: number[][], n: number, relu: boolean): void {
  const L = shapes.length;
  const x = g.input('x', [n, shapes[0][1]]);
  const y = g.input('y', [n, shapes[L - 1][0]]);
  const W = shapes.map((s, l) => g.input(`w${l}`, s));
  const lrScale = g.input('lr_scale', []);
  const lrPower = g.input('lr_power', []);
  // ‖θ‖² = 2·Σ L2Loss(W_ℓ), before the update (as the tfjs step and the adaptive step use it).
  const sumSq = g.op('AddN', W.map((w) => g.op('L2Loss', [w])), { N: L });
  const lr = g.op('Mul', [lrScale, g.op('Pow', [g.op('Mul', [sumSq, g.scalar(2)]), lrPower])]);
  // Forward: Z_ℓ = A_{ℓ−1} W_ℓᵀ, A_ℓ = relu(Z_ℓ) (A_0 = X, rows are samples).
  const acts = [x];
  let z = x;
  for (let l = 0; l < L; l++) {
    z = g.op('MatMul', [acts[l], W[l]], { transpose_a: false, transpose_b: true });
    if (l < L - 1) acts.push(relu ? g.op('Relu', [z]) : z);
  }
  // C = ‖Z_L − Y‖²/(2n) = L2Loss(Z_L − Y)/n; its gradient in Z_L is (Z_L − Y)/n.
  const r = g.op('Sub', [z, y]);
  g.output(g.op('Pack', [g.op('L2Loss', [r]), sumSq, lr], { N: 3, axis: 0 }));
  let grad = g.op('Mul', [r, g.scalar(1 / n)]);
  const next: string[] = [];
  for (let l = L - 1; l >= 0; l--) {
    const dW = g.op('MatMul', [grad, acts[l]], { transpose_a: true, transpose_b: false });
    if (l > 0) {
      const h = g.op('MatMul', [grad, W[l]], { transpose_a: false, transpose_b: false });
      grad = relu ? g.op('ReluGrad', [h, acts[l]]) : h;
    }
    next[l] = g.op('Sub', [W[l], g.op('Mul', [dW, lr])]);
  }
  next.forEach((w) => g.output(w));
}

/**
 * Creates the engine (full batch, MSE; the trainer checks). The session is built on
 * the first step, when the backend is known (fit() picks it after creating the
 * trainer), and rebuilt if the backend changes; `dispose()` frees it.
 */
export function createNativeEngine({ model, x, y, lr: lrOption }: EngineContext): StepEngine {
  const n = x.shape[0];
  const { scale, power } = stepSizeRule(lrOption, model.depth);
  let session: { binding: TfBinding; graph: NativeGraph } | undefined;

  return {
    name: 'native',
    async step() {
      const be = activeNodeBackend();
      if (!be) {
        throw new SaddlelabError(
          "[saddlelab] engine 'native' needs the native TensorFlow backend, and another backend is active. " +
            "Accepted: useBackend('tensorflow') (build it with `npm run build:native`), or engine 'tfjs' / 'auto'.",
          'engine',
        );
      }
      const b = be.binding;
      if (session?.binding !== b) {
        session?.graph.dispose();
        const shapes = model.weights.map((w) => w.shape as number[]);
        try {
          session = { binding: b, graph: loadNativeGraph(b, (g) => buildStep(g, shapes, n, model.activation === 'relu')) };
        } catch (e) {
          session = undefined;
          throw new SaddlelabError(
            `[saddlelab] engine 'native' could not load its TensorFlow graph (${e instanceof Error ? e.message : String(e)}). ` +
              "Accepted: engine 'tfjs' runs the same step through tfjs ops.",
            'engine',
          );
        }
      }
      const scalars = [scale, power].map((v) => b.createTensor([], b.TF_FLOAT, new Float32Array([v])));
      let outs: TensorInfo[] = [];
      try {
        outs = session.graph.run([...be.getInputTensorIds([x, y, ...model.weights]), ...scalars]);
        const [l2, sumSq, lr32] = b.tensorDataSync(outs[0].id);
        const loss = l2 / n;
        const lr = power === 0 ? scale : lr32;
        if (!Number.isFinite(loss) || !Number.isFinite(lr)) return undefined;
        const weights = outs.splice(1);
        weights.forEach((info, l) => {
          const t = be.createOutputTensor(info);
          model.weights[l].assign(t as tf.Tensor2D);
          t.dispose();
        });
        return { loss, normSq: 2 * sumSq, lr };
      } finally {
        for (const id of [...scalars, ...outs.map((o) => o.id)]) b.deleteTensor(id);
      }
    },
    dispose() {
      session?.graph.dispose();
      session = undefined;
    },
  };
}
