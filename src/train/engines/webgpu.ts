/**
 * The webgpu engine (`engine: 'webgpu'`, and `auto` on the `webgpu` backend): the whole
 * step in a few WGSL dispatches (src/train/engines/webgpu-kernels.ts) recorded into one
 * command buffer on Dawn directly, with nothing uploaded per step:
 *
 *   forward   L tiled products, ReLU fused (the first gathers the batch's rows of X);
 *   loss      one workgroup: ‖θ‖² from the previous update's partial sums, η = c·(‖θ‖²)^p on
 *             the device, the loss, and η·∂C/∂Z_L; sets a sticky flag if either is not finite;
 *   backward  per layer, G_ℓ₋₁ = (G_ℓ W_ℓ) ⊙ [A_ℓ₋₁ > 0], then W_ℓ −= G_ℓᵀ A_ℓ₋₁ with the
 *             tile's Σ W² for the next step's ‖θ‖² (no update once the flag is set).
 *
 * The mini-batches are the trainer's sampler's (src/train/batches.ts): a copy of it draws a
 * chunk of steps' indices ahead, uploaded once per chunk; the device advances its slot each
 * step, and the trainer's own sampler advances with the steps, so checkpoints keep its state.
 * Each step's loss, ‖θ‖² and η are copied into one of a ring of small mappable buffers and
 * read with `mapAsync` while the next steps run (`submit()`, `lag`); `step()` waits for its own.
 * The weights live in the engine's buffers; `readWeights()` reads them and `sync()` writes them
 * into the model's tfjs variables (the trainer does at checkpoints and at the run's end).
 * Records run on the device too (src/train/engines/webgpu-records.ts).
 */
/// <reference types="@webgpu/types" />
import { openWebgpuDevice, webgpuDevice } from '../../backend/webgpu-device';
import { createBatchSampler } from '../batches';
import { stepSizeRule } from '../step';
import type { StepEngine, StepResult } from '../types';
import type { EngineContext } from './context';
import * as tf from '@tensorflow/tfjs';
import { LOSS_MODE, STATE, lossKernel } from './webgpu-kernels';
import { MAP_READ, USAGE, createProgram, encode, matmul, partialsOf, readBack, type Dispatch, type Program } from './webgpu-program';
import { createDeviceRecorder, deviceRecordSupports, type DeviceRecord, type DeviceRecordOptions, type DeviceRecorder } from './webgpu-records';

/** Steps whose results may be in flight at once; the ring holds one more. */
export const WEBGPU_LAG = 4;
/** Steps of mini-batch indices uploaded at once. */
const CHUNK = 256;

export interface WebgpuEngine extends StepEngine {
  /** The dispatches of one step, by label (for counts and profiles). */
  stepDispatches(): Promise<string[]>;
}

export function createWebgpuEngine(ctx: EngineContext): WebgpuEngine {
  const { model, data, batches } = ctx;
  const dims = model.dims;
  const L = model.depth;
  const relu = model.activation === 'relu';
  const crossEntropy = ctx.loss === 'cross-entropy';
  const n = data.n;
  const m = batches ? batches.batchSize : n;
  const { scale, power } = stepSizeRule(ctx.lr, L);

  interface Built {
    device: GPUDevice;
    program: Program;
    W: GPUBuffer[];
    state: GPUBuffer;
    partials: GPUBuffer;
    idx?: GPUBuffer;
    steps: Dispatch[];
    recorder: DeviceRecorder;
  }
  let built: Built | undefined;
  let building: Promise<Built> | undefined;
  // Draws ahead of the trainer's sampler: a copy of it, continued chunk by chunk.
  let ahead = batches && createBatchSampler(n, m, 0, batches.state());
  let issued = 0;
  // Host-side counters for benchmarks (gpu-check): what a step costs the CPU, and how long it waited for the GPU.
  const counters = { steps: 0, submitMs: 0, ringWaitMs: 0, resultMs: 0, uploads: 0, uploadBytes: 0, records: 0, recordMs: 0 };
  const ring: { buffer: GPUBuffer; busy?: Promise<unknown> }[] = [];
  let disposed = false;

  async function build(): Promise<Built> {
    const { device } = openWebgpuDevice() ?? (await webgpuDevice());
    const program = createProgram(device);
    // The variables themselves: model.getWeights() reads from this engine once a trainer runs it.
    const weights = await Promise.all(model.weights.map(async (w) => (await w.data()) as Float32Array));
    let normSq = 0;
    for (const w of weights) for (const v of w) normSq += v * v;
    const W = weights.map((w) => program.storage(w.byteLength, w));
    const X = program.storage(data.x.byteLength, data.x);
    const Y = program.storage(data.y.byteLength, data.y);
    const state = program.storage(STATE.words * 4, new Uint32Array(STATE.words));
    // One partial sum per workgroup of every update; before the first update, ‖θ‖² itself.
    const P = dims.slice(1).reduce((s, d, l) => s + partialsOf(d, dims[l]), 0);
    const partials0 = new Float32Array(P);
    partials0[0] = normSq;
    const partials = program.storage(P * 4, partials0);
    const idx = batches ? program.storage(CHUNK * m * 4) : undefined;
    const width = Math.max(...dims);
    const acts = dims.slice(1, L).map((d) => program.storage(m * d * 4));
    const z = program.storage(m * dims[L] * 4);
    const grads = [program.storage(m * width * 4), program.storage(m * width * 4)];
    const gather: Record<string, GPUBuffer> = batches ? { state, idx: idx! } : {};

    const steps: Dispatch[] = [];
    for (let l = 1; l <= L; l++) {
      const out = l < L ? acts[l - 1] : z;
      const first = l === 1;
      steps.push(
        matmul(
          program,
          { transA: false, transB: true, gatherA: first && !!batches, epilogue: l < L && relu ? 'relu' : 'store' },
          { M: m, N: dims[l], K: dims[l - 1], lda: dims[l - 1], ldb: dims[l - 1], ldc: dims[l], batch: m },
          { a: first ? X : acts[l - 2], b: W[l - 1], c: out, ...(first ? gather : {}) },
          `forward W${l}`,
        ),
      );
    }
    const lossDims = program.uniform([m, dims[L], P, LOSS_MODE.step, crossEntropy ? 1 : 0, scale, power, CHUNK], [5, 6]);
    steps.push(program.dispatch(lossKernel(!!batches), { dims: lossDims, z, y: Y, g: grads[L % 2], partials, state, ...(batches ? { idx: idx! } : {}) }, 1, 1, 'loss'));
    let partialBase = P;
    for (let l = L; l >= 1; l--) {
      const g = grads[l % 2];
      if (l > 1) {
        steps.push(
          matmul(
            program,
            { transA: false, transB: false, epilogue: relu ? 'mask' : 'store' },
            { M: m, N: dims[l - 1], K: dims[l], lda: dims[l], ldb: dims[l - 1], ldc: dims[l - 1] },
            { a: g, b: W[l - 1], c: grads[(l - 1) % 2], ...(relu ? { mask: acts[l - 2] } : {}) },
            `backward W${l}`,
          ),
        );
      }
      partialBase -= partialsOf(dims[l], dims[l - 1]);
      const first = l === 1;
      steps.push(
        matmul(
          program,
          { transA: true, transB: false, gatherB: first && !!batches, slotField: 'cur', epilogue: 'update' },
          { M: dims[l], N: dims[l - 1], K: m, lda: dims[l], ldb: dims[l - 1], ldc: dims[l - 1], batch: m, partialBase },
          { a: g, b: first ? X : acts[l - 2], c: W[l - 1], state, partials, ...(first && batches ? { idx: idx! } : {}) },
          `update W${l}`,
        ),
      );
    }
    for (let i = 0; i <= WEBGPU_LAG; i++) ring.push({ buffer: device.createBuffer({ size: 16, usage: USAGE.MAP_READ | USAGE.COPY_DST }) });
    const recorder = createDeviceRecorder({ program, dims, relu, crossEntropy, n, X, Y, W, state, partials, P });
    return { device, program, W, state, partials, idx, steps, recorder };
  }

  const ready = async (): Promise<Built> => {
    if (built) return built;
    building ??= build();
    built = await building;
    return built;
  };

  async function submit(): Promise<{ result: Promise<StepResult | undefined> }> {
    const b = await ready();
    if (disposed) throw new Error('[saddlelab] engine webgpu: used after dispose()');
    const slot = ring[issued % ring.length];
    // Back-pressure: the ring's buffer must be read and unmapped before it is copied into again.
    if (slot.busy) {
      const w0 = performance.now();
      await slot.busy;
      counters.ringWaitMs += performance.now() - w0;
    }
    const t0 = performance.now();
    if (batches) {
      batches.next(); // the trainer's sampler keeps step with the device (checkpoints save its state)
      if (issued % CHUNK === 0) {
        const chunk = new Uint32Array(CHUNK * m);
        for (let s = 0; s < CHUNK; s++) chunk.set(ahead!.next(), s * m);
        // Ordered after the steps already submitted: they have read the previous chunk by then.
        b.device.queue.writeBuffer(b.idx!, 0, chunk);
        counters.uploads++;
        counters.uploadBytes += chunk.byteLength;
      }
    }
    issued++;
    const encoder = b.device.createCommandEncoder();
    encode(encoder, b.steps);
    encoder.copyBufferToBuffer(b.state, 0, slot.buffer, 0, 16);
    b.device.queue.submit([encoder.finish()]);
    counters.steps++;
    counters.submitMs += performance.now() - t0;
    const result = slot.buffer.mapAsync(MAP_READ).then(() => {
      counters.resultMs += performance.now() - t0;
      const words = slot.buffer.getMappedRange().slice(0);
      slot.buffer.unmap();
      const f = new Float32Array(words);
      // The device's own verdict: set, this step's update (and every later one) did nothing.
      if (new Uint32Array(words)[STATE.diverged] !== 0) return undefined;
      return { loss: f[STATE.loss], normSq: f[STATE.normSq], lr: f[STATE.lr] };
    });
    slot.busy = result.then(() => undefined, () => undefined);
    return { result };
  }

  const readWeights = async (): Promise<Float32Array[]> => {
    const b = await ready();
    return Promise.all(b.W.map(async (w, l) => new Float32Array(await readBack(b.device, w, 0, dims[l + 1] * dims[l] * 4))));
  };

  return {
    name: 'webgpu',
    lag: WEBGPU_LAG,
    submit,
    async step() {
      return (await submit()).result;
    },
    async record(options: DeviceRecordOptions): Promise<{ result: Promise<DeviceRecord> }> {
      const b = await ready();
      const t0 = performance.now();
      const result = b.recorder.record(options);
      void result.then(() => {
        counters.records++;
        counters.recordMs += performance.now() - t0;
      }, () => undefined);
      return { result };
    },
    recordsSupport: deviceRecordSupports,
    readWeights,
    async sync() {
      const ws = await readWeights();
      tf.tidy(() => model.weights.forEach((v, l) => v.assign(tf.tensor2d(ws[l], [dims[l + 1], dims[l]]))));
    },
    async stepDispatches() {
      return (await ready()).steps.map((d) => d.label);
    },
    profile: () => ({ ...counters, dispatchesPerStep: built?.steps.length ?? 0 }),
    dispose() {
      disposed = true;
      ahead = undefined;
      if (built) {
        built.program.destroy();
        built.recorder.dispose();
        for (const r of ring) r.buffer.destroy();
      }
    },
  };
}
