/**
 * The tfjs engine: one step as tfjs ops and autodiff on the active backend
 * (`tf.variableGrads` inside one `tf.tidy`). It runs every option (mini-batches,
 * cross-entropy) on every backend, and is the reference the other engines are
 * tested against (test/train/engines.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { lossOf } from '../loss';
import { stepSizeRule } from '../step-size';
import type { StepEngine } from '../types';
import type { EngineContext } from './context';

export function createTfjsEngine(ctx: EngineContext): StepEngine {
  const { model, x, y, batches } = ctx;
  const { scale, power } = stepSizeRule(ctx.lr, model.depth);
  return {
    name: 'tfjs',
    async step() {
      const { stats, lr, grads } = tf.tidy(() => {
        const idx = batches ? tf.tensor1d(batches.next(), 'int32') : undefined;
        const xb = idx ? tf.gather(x, idx) : x;
        const yb = idx ? tf.gather(y, idx) : y;
        const normSq = tf.addN(model.weights.map((w) => tf.sum(tf.square(w))));
        const { value, grads } = tf.variableGrads(() => lossOf(ctx.loss, model.predict(xb), yb), model.weights);
        // η = scale·(‖θ‖²)^power (src/train/step-size.ts).
        const lr = power === 0 ? tf.scalar(scale) : tf.mul(scale, tf.pow(normSq, power));
        return { stats: tf.stack([value, normSq, lr]), lr, grads: model.weights.map((w) => grads[w.name]) };
      });
      // The read every step makes anyway, before the update: a step whose loss or η is not finite changes nothing.
      const [loss, normSq, eta] = await stats.data();
      const finite = Number.isFinite(loss) && Number.isFinite(eta);
      if (finite) tf.tidy(() => model.weights.forEach((w, l) => w.assign(tf.sub(w, tf.mul(lr, grads[l])))));
      tf.dispose([stats, lr, ...grads]);
      return finite ? { loss, normSq, lr: eta } : undefined;
    },
    dispose() {},
  };
}
