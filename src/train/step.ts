/**
 * The gradient step, top to bottom, in tfjs ops and autodiff (docs/paper.md, "Setup"):
 *
 *   1. the batch      every sample (gradient descent), or the sampler's next rows;
 *   2. the loss       C(θ) = ‖f_θ(X) − Y⋆‖²/(2N), or softmax cross-entropy, and its gradient ∇C;
 *   3. the step size  η = c, or the adaptive η = c·‖θ‖^(2−L), at θ before the update;
 *   4. the read-back  C, ‖θ‖² and η, the only numbers that leave the backend;
 *   5. the update     θ ← θ − η·∇C, only when C and η are finite.
 *
 * This is the `tfjs` engine: every option on every backend, and the reference the other
 * engines (src/train/engines/: the same step as one TensorFlow graph, in float64 JS, or as
 * WGSL on a GPU) are tested against (test/train/engines.test.ts, webgpu.test.ts). The loss
 * and the step-size rule are written here once, and the engines, the recorder and the
 * precision check read them from here.
 */
import * as tf from '@tensorflow/tfjs';
import { fail, requireKnownKeys, requireOneOf, requirePositive } from '../errors';
import type { EngineContext } from './engines/context';
import type { LossName, StepEngine, StepSize } from './types';

// ── 2. The loss ─────────────────────────────────────────────────────────────────────────

/**
 * The scalar loss of predictions (`[n, dOut]`) against targets.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { train } from 'saddlelab';
 * console.log((await train.lossOf('mse', tf.zeros([2, 1]), tf.ones([2, 1])).data())[0]); // 0.5
 * ```
 */
export function lossOf(name: LossName, pred: tf.Tensor2D, target: tf.Tensor2D): tf.Scalar {
  requireOneOf('loss', name, ['mse', 'cross-entropy'] as const);
  for (const [field, t] of [['pred', pred], ['target', target]] as const) {
    if (!(t instanceof tf.Tensor) || t.rank !== 2) fail(field, 'a 2-D tensor [n, d_out]', t);
  }
  if (pred.shape[0] !== target.shape[0] || pred.shape[1] !== target.shape[1]) fail('target', `a tensor of pred's shape [${pred.shape}]`, `shape [${target.shape}]`);
  return tf.tidy(() =>
    name === 'mse'
      ? (tf.div(tf.sum(tf.square(tf.sub(pred, target))), 2 * pred.shape[0]) as tf.Scalar)
      : (tf.losses.softmaxCrossEntropy(target, pred) as tf.Scalar),
  );
}

// ── 3. The step size ────────────────────────────────────────────────────────────────────
// Every engine evaluates the same form, η = scale·(‖θ‖²)^power: power = (2 − L)/2 for the
// adaptive step, whose plateau near the origin (gradients ~ ‖θ‖^(L−1)) would otherwise take
// forever; power = 0 (η = scale) for a constant one. This step in tfjs ops, the native engine
// inside its graph, the webgpu engine on the device, the float64 engine and the precision check in JS.

/** `η = scale·(‖θ‖²)^power`: the rule's two numbers for a network of depth `L`. */
export interface StepSizeRule {
  scale: number;
  power: number;
}

/**
 * Validates a step-size option (`lr`): a finite number > 0, or `{ adaptive: c }` with c > 0.
 *
 * @example
 * ```ts
 * checkStepSize({ adaptive: 0.5 }); // accepted
 * try { checkStepSize(-1); } catch (e) { console.log((e as Error).message); } // [saddlelab] lr must be a finite number > 0; got -1
 * ```
 */
export function checkStepSize(lr: unknown, field = 'lr'): StepSize {
  if (typeof lr === 'object' && lr !== null && !Array.isArray(lr)) {
    requireKnownKeys(field, lr, ['adaptive']);
    requirePositive(`${field}.adaptive`, (lr as { adaptive?: unknown }).adaptive);
    return lr as StepSize;
  }
  return requirePositive(field, lr);
}

/** The rule's scale and power for depth `L` (the option is checked already). */
export function stepSizeRule(lr: StepSize, L: number): StepSizeRule {
  return typeof lr === 'number' ? { scale: lr, power: 0 } : { scale: lr.adaptive, power: (2 - L) / 2 };
}

/** `η` at `‖θ‖² = normSq`, in float64. */
export function stepSizeAt(lr: StepSize, normSq: number, L: number): number {
  const { scale, power } = stepSizeRule(lr, L);
  return power === 0 ? scale : scale * Math.pow(normSq, power);
}

// ── The step: 1 to 5 ────────────────────────────────────────────────────────────────────

/** The `tfjs` engine: the step above on the model's tfjs variables (`StepEngine`, src/train/types.ts). */
export function createTfjsEngine(ctx: EngineContext): StepEngine {
  const { model, x, y, batches } = ctx;
  const { scale, power } = stepSizeRule(ctx.lr, model.depth);
  return {
    name: 'tfjs',
    async step() {
      const { stats, lr, grads } = tf.tidy(() => {
        // 1. The batch.
        const idx = batches ? tf.tensor1d(batches.next(), 'int32') : undefined;
        const xb = idx ? tf.gather(x, idx) : x;
        const yb = idx ? tf.gather(y, idx) : y;
        // 2. The loss and its gradient in every W_ℓ.
        const { value, grads } = tf.variableGrads(() => lossOf(ctx.loss, model.predict(xb), yb), model.weights);
        // 3. The step size, from ‖θ‖² before the update.
        const normSq = tf.addN(model.weights.map((w) => tf.sum(tf.square(w))));
        const lr = power === 0 ? tf.scalar(scale) : tf.mul(scale, tf.pow(normSq, power));
        return { stats: tf.stack([value, normSq, lr]), lr, grads: model.weights.map((w) => grads[w.name]) };
      });
      // 4. The read every step makes anyway, before the update: a step whose loss or η is not
      // finite returns undefined and changes nothing, as every engine's does.
      const [loss, normSq, eta] = await stats.data();
      const finite = Number.isFinite(loss) && Number.isFinite(eta);
      // 5. The update.
      if (finite) tf.tidy(() => model.weights.forEach((w, l) => w.assign(tf.sub(w, tf.mul(lr, grads[l])))));
      tf.dispose([stats, lr, ...grads]);
      return finite ? { loss, normSq, lr: eta } : undefined;
    },
    dispose() {},
  };
}
