/**
 * The `StepEngine` contract (src/train/types.ts), the same cases through every engine:
 * a step whose loss or step size is not finite returns `undefined` and updates nothing,
 * so a diverging run keeps the weights of its last finite step (on the webgpu engine,
 * those on the device). Engines that cannot run here are skipped, saying why: native
 * TensorFlow needs its offline build, the webgpu engine a Vulkan driver for Dawn
 * (`eval "$(bash scripts/setup-swiftshader.sh)"` sets up SwiftShader's).
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend, type BackendName } from '../../src/backend';
import type { Dataset } from '../../src/data/dataset';
import { webgpuDevice } from '../../src/backend/webgpu-device';
import { createStepEngine } from '../../src/train/engines';
import { mlp, type Mlp } from '../../src/train/mlp';
import type { EngineName, StepEngine, StepResult, StepSize } from '../../src/train/types';
import { NATIVE_MISSING, nativeBuilt } from '../backend/native';
import { toy } from './toy';
import { webgpuSkipReason } from './webgpu';

const ENGINES: { engine: EngineName; backend: BackendName; skip?: string }[] = [
  { engine: 'tfjs', backend: 'cpu' },
  { engine: 'js64', backend: 'cpu' },
  { engine: 'native', backend: 'tensorflow', skip: nativeBuilt() ? undefined : NATIVE_MISSING },
  { engine: 'webgpu', backend: 'cpu', skip: webgpuSkipReason() },
];

/** The weights the engine steps: on its device (webgpu), its float64 copies (js64, once built), else the model's variables. */
async function weightsOf(engine: StepEngine, model: Mlp): Promise<ArrayLike<number>[]> {
  return (await engine.readWeights?.()) ?? engine.exportWeights?.() ?? (await model.getWeights());
}

/** Steps `engine` until a step returns undefined (at most `limit` steps); the weights around that step. */
async function stepUntilNotFinite(engine: StepEngine, model: Mlp, limit: number) {
  const finite: StepResult[] = [];
  for (let t = 0; t < limit; t++) {
    const before = await weightsOf(engine, model);
    const result = await engine.step();
    if (!result) return { finite, before, after: await weightsOf(engine, model) };
    finite.push(result);
  }
  throw new Error(`none of ${limit} steps returned undefined; the last ones: ${JSON.stringify(finite.slice(-3))}`);
}

const asArrays = (ws: ArrayLike<number>[]) => ws.map((w) => Array.from(w));

/** The trainer's set-up of an engine (src/train/trainer.ts), on full batches. */
function engineFor(engine: EngineName, model: Mlp, data: Dataset, lr: StepSize) {
  const x = tf.tensor2d(data.x, [data.n, data.dIn]);
  const y = tf.tensor2d(data.y, [data.n, data.dOut]);
  const e = createStepEngine(engine, { model, data, x, y, loss: 'mse', lr });
  return { engine: e, dispose: () => (e.dispose(), tf.dispose([x, y])) };
}

describe.each(ENGINES)('engine $engine', ({ engine, backend, skip }) => {
  const test = skip ? it.skip : it;
  const title = (s: string) => (skip ? `${s} (${skip})` : s);

  beforeAll(async () => {
    if (skip) return;
    await useBackend(backend);
    // The engine takes the process's device: SwiftShader's here, which is used only when asked for.
    if (engine === 'webgpu') await webgpuDevice({ allowSoftware: true });
  });

  test(title('a run that diverges: the step whose loss is not finite returns undefined and leaves the weights as they were, and so does the next'), async () => {
    // A linear net with lr 5 overflows within a few steps, in float32 and in float64.
    const model = mlp({ inputDim: 3, widths: [8, 8], outputDim: 2, activation: 'linear', init: { scale: 1, seed: 1 } });
    const { engine: e, dispose } = engineFor(engine, model, toy(), 5);
    const { finite, before, after } = await stepUntilNotFinite(e, model, 200);
    expect(finite.length).toBeGreaterThan(0);
    expect(finite.every((r) => Number.isFinite(r.loss) && Number.isFinite(r.lr))).toBe(true);
    expect(asArrays(after)).toEqual(asArrays(before));
    expect(await e.step()).toBeUndefined();
    expect(asArrays(await weightsOf(e, model))).toEqual(asArrays(before));
    dispose();
    model.dispose();
  });

  test(title('weights that are all zero under the adaptive step: η = c·‖θ‖^(2−L) is not finite, so the first step returns undefined and updates nothing'), async () => {
    // An init std of 1e-50 is 0 in float32; with L = 4 the step size is c/‖θ‖², infinite at θ = 0.
    const model = mlp({ inputDim: 3, widths: [8, 8, 8], outputDim: 2, activation: 'linear', init: { scale: 1e-50, seed: 1 } });
    const initial = asArrays(await model.getWeights());
    expect(initial.every((w) => w.every((v) => v === 0))).toBe(true);
    const { engine: e, dispose } = engineFor(engine, model, toy(), { adaptive: 0.1 });
    const { finite, after } = await stepUntilNotFinite(e, model, 1);
    expect(finite).toEqual([]);
    expect(asArrays(after)).toEqual(initial);
    dispose();
    model.dispose();
  });
});
