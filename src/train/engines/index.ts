/**
 * The step engines behind one {@link StepEngine} interface, one module each:
 * `tfjs` (tfjs ops and autodiff, every option, every backend), `native` (the
 * step as one TensorFlow graph in one session call, on native TensorFlow) and
 * `js64` (float64 JavaScript). `auto` picks per step, since a run's backend may
 * be chosen after its trainer is made: `native` on native TensorFlow on the CPU,
 * else `tfjs`.
 */
import { requireOneOf } from '../../errors';
import type { Engine, EngineName, StepEngine } from '../types';
import type { EngineContext } from './context';
import { createJs64Engine } from './js64';
import { createNativeEngine, nativeEngineAdvised } from './native';
import { createTfjsEngine } from './tfjs';

export type { EngineContext } from './context';

export const ENGINES = ['auto', 'tfjs', 'native', 'js64'] as const;

/**
 * Validates the `engine` option (every engine runs every option: mini-batches, MSE, cross-entropy).
 * Unset, `SADDLELAB_ENGINE` gives the default (else `auto`), as `SADDLELAB_BACKEND` does for the
 * backend: the tutorial tests run the same notebooks on another engine's rounding so.
 *
 * @example
 * ```ts
 * process.env.SADDLELAB_ENGINE = 'js64';
 * checkEngine(undefined); // 'js64'
 * checkEngine('tfjs');    // 'tfjs': the option wins
 * ```
 */
export function checkEngine(value: unknown): Engine {
  const fromEnv = process.env.SADDLELAB_ENGINE;
  if (value === undefined && fromEnv) return requireOneOf('SADDLELAB_ENGINE', fromEnv, ENGINES);
  return requireOneOf('engine', value ?? 'auto', ENGINES);
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
  const native = createNativeEngine(ctx);
  const current = (): StepEngine => (nativeEngineAdvised() ? native : tfjs);
  return {
    get name(): EngineName {
      return current().name;
    },
    step: () => current().step(),
    dispose() {
      native.dispose();
      tfjs.dispose();
    },
  };
}
