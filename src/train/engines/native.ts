/**
 * The native engine behind `engine: 'native'`, and behind the default `auto` on
 * native TensorFlow on the CPU: one gradient step (full batch or mini-batch, MSE
 * or softmax cross-entropy) as one TensorFlow graph, run in one session call
 * through tfjs-node's binding (src/backend/native-graph.ts). Through tfjs the
 * same step is ~90 eager kernels on a 6-layer network, each with ~30 µs of
 * engine bookkeeping on top of TensorFlow's own dispatch; here it is ~7L ops
 * (`MatMul`, `Relu`, `ReluGrad`, `L2Loss` or `SoftmaxCrossEntropyWithLogits`,
 * `Mul`, `Sub`, and `GatherV2` for a batch) that TensorFlow's graph executor runs
 * after its optimizer. The maths and its float32 roundings are those of the tfjs
 * step (test/train/engines.test.ts compares them).
 *
 * Per step the host sends the batch's indices (b int32) and reads back three
 * floats (loss, ‖θ‖², η): the data stay in TensorFlow and the batch is gathered
 * inside the graph. The weights stay the model's tfjs variables: each step feeds
 * their handles and assigns the updated ones, so `model.predict`, records and
 * widgets see them as with the tfjs engine.
 */
import type * as tf from '@tensorflow/tfjs';
import { loadNativeGraph, type GraphBuilder, type NativeGraph } from '../../backend/native-graph';
import { activeNodeBackend, type TensorInfo, type TfBinding } from '../../backend/node-kernel';
import { SaddlelabError } from '../../errors';
import { stepSizeRule } from '../step';
import type { LossName, StepEngine } from '../types';
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
 * The step's graph. Inputs: x [n, d₀], y [n, d_L], the weights W_ℓ [d_ℓ, d_ℓ₋₁], the
 * step size as lr = lr_scale·(‖θ‖²)^lr_power (power 0 for a fixed lr, (2 − L)/2 for the
 * adaptive one; src/train/step.ts), and with mini-batches the batch's row indices
 * idx [b]. Outputs: [the batch's summed loss, Σ L2Loss(W_ℓ), lr], then the updated weights.
 */
function buildStep(g: GraphBuilder, shapes: number[][], n: number, relu: boolean, loss: LossName, batch: number | undefined): void {
  const L = shapes.length;
  const x = g.input('x', [n, shapes[0][1]]);
  const y = g.input('y', [n, shapes[L - 1][0]]);
  const W = shapes.map((s, l) => g.input(`w${l}`, s));
  const lrScale = g.input('lr_scale', []);
  const lrPower = g.input('lr_power', []);
  let [xb, yb, m] = [x, y, n];
  if (batch !== undefined) {
    // The batch's rows, gathered inside TensorFlow: the data never leave it.
    const idx = g.input('idx', [batch], 'int32');
    const axis = g.constant([0], [], 'int32');
    const gather = (t: string) => g.op('GatherV2', [t, idx, axis], { T: null, Tparams: 'float32', Tindices: 'int32', Taxis: 'int32', batch_dims: 0 });
    [xb, yb, m] = [gather(x), gather(y), batch];
  }
  // ‖θ‖² = 2·Σ L2Loss(W_ℓ), before the update (as the tfjs step and the adaptive step use it).
  const sumSq = g.op('AddN', W.map((w) => g.op('L2Loss', [w])), { N: L });
  const lr = g.op('Mul', [lrScale, g.op('Pow', [g.op('Mul', [sumSq, g.scalar(2)]), lrPower])]);
  // Forward: Z_ℓ = A_{ℓ−1} W_ℓᵀ, A_ℓ = relu(Z_ℓ) (A_0 = X, rows are samples).
  const acts = [xb];
  let z = xb;
  for (let l = 0; l < L; l++) {
    z = g.op('MatMul', [acts[l], W[l]], { transpose_a: false, transpose_b: true });
    if (l < L - 1) acts.push(relu ? g.op('Relu', [z]) : z);
  }
  let total: string;
  let grad: string;
  if (loss === 'mse') {
    // C = ‖Z_L − Y‖²/(2m) = L2Loss(Z_L − Y)/m; its gradient in Z_L is (Z_L − Y)/m.
    const r = g.op('Sub', [z, yb]);
    total = g.op('L2Loss', [r]);
    grad = g.op('Mul', [r, g.scalar(1 / m)]);
  } else {
    // C = mean over the batch of −Σ_k y_k log softmax(Z_L)_k; TensorFlow's op returns each
    // sample's loss and its gradient in Z_L (softmax·Σy − y), which the mean divides by m.
    const ce = g.op('SoftmaxCrossEntropyWithLogits', [z, yb]);
    total = g.op('Sum', [ce, g.constant([0], [1], 'int32')], { Tidx: 'int32', keep_dims: false });
    grad = g.op('Mul', [`${ce}:1`, g.scalar(1 / m)]);
  }
  g.output(g.op('Pack', [total, sumSq, lr], { N: 3, axis: 0 }));
  // The step size multiplies the output gradient (m × d_L), not each ∂C/∂W_ℓ: backpropagation is
  // linear in it (ReLU's gate depends on the activations only), so every product below is
  // η·∂C/∂W_ℓ, and the update W_ℓ − η·∂C/∂W_ℓ is one pass over the weights instead of two.
  grad = g.op('Mul', [grad, lr]);
  const next: string[] = [];
  for (let l = L - 1; l >= 0; l--) {
    const dW = g.op('MatMul', [grad, acts[l]], { transpose_a: true, transpose_b: false });
    if (l > 0) {
      const h = g.op('MatMul', [grad, W[l]], { transpose_a: false, transpose_b: false });
      grad = relu ? g.op('ReluGrad', [h, acts[l]]) : h;
    }
    next[l] = g.op('Sub', [W[l], dW]);
  }
  next.forEach((w) => g.output(w));
}

/**
 * Creates the engine. The session is built on the first step, when the backend is known
 * (fit() picks it after creating the trainer), and rebuilt if the backend changes;
 * `dispose()` frees it.
 */
export function createNativeEngine({ model, x, y, lr: lrOption, loss: lossName, batches }: EngineContext): StepEngine {
  const n = x.shape[0];
  const m = batches ? batches.batchSize : n;
  const { scale, power } = stepSizeRule(lrOption, model.depth);
  // The step size's two numbers and the batch buffer are fed every step; made once per session.
  let session: { binding: TfBinding; graph: NativeGraph; scalars: number[] } | undefined;
  const idx = new Int32Array(m);
  const free = () => {
    if (!session) return;
    session.graph.dispose();
    for (const id of session.scalars) session.binding.deleteTensor(id);
    session = undefined;
  };

  return {
    name: 'native',
    async step() {
      const be = activeNodeBackend();
      if (!be) {
        throw new SaddlelabError(
          "[saddlelab] engine 'native' needs the native TensorFlow backend, and another backend is active. " +
            "Accepted: backend.useBackend('tensorflow') (build it with `npm run build:native`), or engine 'tfjs' / 'auto'.",
          'engine',
        );
      }
      const b = be.binding;
      if (session?.binding !== b) {
        free();
        const shapes = model.weights.map((w) => w.shape as number[]);
        let graph: NativeGraph;
        try {
          graph = loadNativeGraph(b, (g) => buildStep(g, shapes, n, model.activation === 'relu', lossName, batches ? m : undefined));
        } catch (e) {
          throw new SaddlelabError(
            `[saddlelab] engine 'native' could not load its TensorFlow graph (${e instanceof Error ? e.message : String(e)}). ` +
              "Accepted: engine 'tfjs' runs the same step through tfjs ops.",
            'engine',
          );
        }
        session = { binding: b, graph, scalars: [scale, power].map((v) => b.createTensor([], b.TF_FLOAT, new Float32Array([v]))) };
      }
      const fed: number[] = [];
      if (batches) {
        idx.set(batches.next());
        fed.push(b.createTensor([m], b.TF_INT32, idx));
      }
      let outs: TensorInfo[] = [];
      try {
        outs = session.graph.run([...be.getInputTensorIds([x, y, ...model.weights]), ...session.scalars, ...fed]);
        const [total, sumSq, lr32] = b.tensorDataSync(outs[0].id);
        const loss = total / m;
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
        for (const id of [...fed, ...outs.map((o) => o.id)]) b.deleteTensor(id);
      }
    },
    dispose: free,
  };
}
