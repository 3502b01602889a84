/**
 * The step engines behind one {@link StepEngine} interface, one module each:
 * `tfjs` (tfjs ops and autodiff, every option, every backend), `native` (the
 * step as one TensorFlow graph in one session call, on native TensorFlow) and
 * `js64` (float64 JavaScript). `auto` picks per step, since a run's backend may
 * be chosen after its trainer is made: `native` on native TensorFlow on the CPU
 * where it applies, else `tfjs`.
 */
import { fail, requireOneOf } from '../../errors';
import type { Engine, EngineName, StepEngine } from '../types';
import type { EngineContext } from './context';
import { createJs64Engine } from './js64';
import { createNativeEngine, nativeEngineAdvised } from './native';
import { createTfjsEngine } from './tfjs';

export type { EngineContext } from './context';

export const ENGINES = ['auto', 'tfjs', 'native', 'js64'] as const;

/** What each engine runs besides full-batch MSE (`tfjs` runs everything). */
const LIMITS: Record<'native' | 'js64', { miniBatch: boolean; losses: readonly string[] }> = {
  native: { miniBatch: false, losses: ['mse'] },
  js64: { miniBatch: false, losses: ['mse'] },
};

/** Validates `engine` against the run's options; returns it. */
export function checkEngine(value: unknown, run: { miniBatch: boolean; loss: string; batchSize?: number }): Engine {
  const engine = requireOneOf('engine', value ?? 'auto', ENGINES);
  if (engine === 'native' || engine === 'js64') {
    const limits = LIMITS[engine];
    if (run.miniBatch && !limits.miniBatch) fail('batchSize', `no batchSize (full batch) with engine '${engine}'`, run.batchSize);
    if (!limits.losses.includes(run.loss)) fail('loss', `${limits.losses.map((l) => `'${l}'`).join(' or ')} with engine '${engine}'`, run.loss);
  }
  return engine;
}

/** True when the native engine runs this context's options. */
function nativeApplies(ctx: EngineContext): boolean {
  return (LIMITS.native.miniBatch || !ctx.batches) && LIMITS.native.losses.includes(ctx.loss);
}

/**
 * Creates the engine `engine` names (checked by {@link checkEngine}). For `auto` the
 * result's `name` says which engine the next step runs on.
 */
export function createStepEngine(engine: Engine, ctx: EngineContext): StepEngine {
  if (engine === 'tfjs') return createTfjsEngine(ctx);
  if (engine === 'native') return createNativeEngine(ctx);
  if (engine === 'js64') return createJs64Engine(ctx);
  const tfjs = createTfjsEngine(ctx);
  const native = nativeApplies(ctx) ? createNativeEngine(ctx) : undefined;
  const current = (): StepEngine => (native && nativeEngineAdvised() ? native : tfjs);
  return {
    get name(): EngineName {
      return current().name;
    },
    step: () => current().step(),
    dispose() {
      native?.dispose();
      tfjs.dispose();
    },
  };
}
