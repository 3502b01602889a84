/**
 * The step engines behind one {@link StepEngine} interface, one module each:
 * `tfjs` (src/train/step.ts: the reference step, tfjs ops and autodiff, every option,
 * every backend), `native` (the same step as one TensorFlow graph in one session call,
 * on native TensorFlow), `js64` (float64 JavaScript) and `webgpu` (the step as a few
 * WGSL dispatches on Dawn). `auto` picks per step, since a run's backend may be chosen after its
 * trainer is made: `webgpu` on the `webgpu` backend, `native` on native
 * TensorFlow on the CPU, else `tfjs`.
 */
import { requireOneOf } from '../../errors';
import type { Engine, EngineName, StepEngine } from '../types';
import type { EngineContext } from './context';
import { createTfjsEngine } from '../step';
import { createJs64Engine } from './js64';
import { createNativeEngine, nativeEngineAdvised } from './native';
import { createWebgpuEngine } from './webgpu';
import { currentBackend } from '../../backend/backend';

export type { EngineContext } from './context';

export const ENGINES = ['auto', 'tfjs', 'native', 'js64', 'webgpu'] as const;

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
  if (engine === 'webgpu') return createWebgpuEngine(ctx);
  const tfjs = createTfjsEngine(ctx);
  const native = createNativeEngine(ctx);
  let webgpu: StepEngine | undefined;
  const current = (): StepEngine =>
    currentBackend()?.name === 'webgpu' ? (webgpu ??= createWebgpuEngine(ctx)) : nativeEngineAdvised() ? native : tfjs;
  // The optional members are the current engine's: a getter each, since the backend may change before the first step.
  return {
    get name(): EngineName {
      return current().name;
    },
    get lag() {
      return current().lag;
    },
    get submit() {
      return current().submit;
    },
    get record() {
      return current().record;
    },
    get recordsSupport() {
      return current().recordsSupport;
    },
    get readWeights() {
      return current().readWeights;
    },
    get sync() {
      return current().sync;
    },
    get profile() {
      return current().profile;
    },
    step: () => current().step(),
    dispose() {
      native.dispose();
      tfjs.dispose();
      webgpu?.dispose();
    },
  };
}
