/**
 * Spectrum records of the webgpu engine, computed where the weights are: the top-k
 * singular values of every W_ℓ by block subspace (orthogonal) iteration made of the
 * engine's tiled products, V ← orth(W_ℓᵀ W_ℓ V) with p = k + 6 columns, then the
 * Rayleigh–Ritz values of the p×p matrix (W_ℓV)ᵀ(W_ℓV), diagonalized on the device;
 * only the k values per layer (and the record's loss and ‖θ‖²) come back. The subspace's
 * angle to the top-k singular subspace shrinks like (s_{p+1}/s_k)^{2q} after q iterations
 * and the Ritz values' error like its square. Each record starts from the previous
 * record's vectors (the weights move little between records), so 30 iterations the first
 * time and 10 after (docs/gpu.md, "Records"). A mini-batch run's record also needs the
 * loss on the whole data set: a forward pass over all n rows on the device.
 */
/// <reference types="@webgpu/types" />
import { createRng } from '../../data/random';
import { LOSS_MODE, STATE, lossKernel, orthonormalizeKernel, ritzKernel } from './webgpu-kernels';
import { encode, matmul, readBack, type Dispatch, type Program } from './webgpu-program';

export interface DeviceRecordOptions {
  /** Singular values per layer. */
  topK: number;
  /** Also compute the loss on the whole data set (mini-batch runs; a full-batch step has it). */
  fullLoss: boolean;
}

export interface DeviceRecord {
  /** The full-data loss and ‖θ‖², when `fullLoss` was asked. */
  loss?: number;
  normSq?: number;
  /** Top-k singular values of each W_ℓ, descending (min(k, rank bound) of them). */
  weights: Float64Array[];
}

export interface DeviceRecorder {
  /** Queues a record after the steps already submitted; resolves once queued, with a promise of its values. */
  record(options: DeviceRecordOptions): Promise<DeviceRecord>;
  dispose(): void;
}

/** Columns of the subspace iteration at most (its kernel's workgroup memory). */
const MAX_COLUMNS = 32;
const OVERSAMPLE = 6;
export const FIRST_ITERATIONS = 30;
export const WARM_ITERATIONS = 10;

/** Whether records with these options run on the device (else the trainer takes them with tfjs). */
export function deviceRecordSupports(options: { topK?: number; activations?: boolean; svd?: unknown }): boolean {
  return !options.activations && !options.svd && (options.topK ?? 10) + OVERSAMPLE <= MAX_COLUMNS;
}

interface Setup {
  program: Program;
  dims: number[];
  relu: boolean;
  crossEntropy: boolean;
  n: number;
  X: GPUBuffer;
  Y: GPUBuffer;
  W: GPUBuffer[];
  state: GPUBuffer;
  partials: GPUBuffer;
  P: number;
}

/** Float offsets aligned to 64 (256 bytes, WebGPU's storage binding offset alignment). */
const align = (floats: number) => Math.ceil(floats / 64) * 64;

export function createDeviceRecorder(s: Setup): DeviceRecorder {
  const { program, dims } = s;
  const device = program.device;
  const L = dims.length - 1;
  let forward: Dispatch[] | undefined;
  const plans = new Map<number, { iterate: Dispatch[]; orth: Dispatch; finish: Dispatch[]; out: GPUBuffer; ks: number[]; records: number }>();

  // The loss on all n rows at the current weights, into the state's record fields.
  function fullForward(): Dispatch[] {
    if (forward) return forward;
    const hidden = Math.max(1, ...dims.slice(1, L));
    const acts = [program.storage(s.n * hidden * 4), program.storage(s.n * hidden * 4)];
    const z = program.storage(s.n * dims[L] * 4);
    forward = [];
    for (let l = 1; l <= L; l++) {
      forward.push(
        matmul(
          program,
          { transA: false, transB: true, epilogue: l < L && s.relu ? 'relu' : 'store' },
          { M: s.n, N: dims[l], K: dims[l - 1], lda: dims[l - 1], ldb: dims[l - 1], ldc: dims[l] },
          { a: l === 1 ? s.X : acts[l % 2], b: s.W[l - 1], c: l < L ? acts[(l + 1) % 2] : z },
          `record forward W${l}`,
        ),
      );
    }
    const lossDims = program.uniform([s.n, dims[L], s.P, LOSS_MODE.record, s.crossEntropy ? 1 : 0, 0, 0, 1], [5, 6]);
    forward.push(program.dispatch(lossKernel(false), { dims: lossDims, z, y: s.Y, g: program.storage(16), partials: s.partials, state: s.state }, 1, 1, 'record loss'));
    return forward;
  }

  function plan(topK: number) {
    const existing = plans.get(topK);
    if (existing) return existing;
    const p = Math.min(MAX_COLUMNS, topK + OVERSAMPLE);
    const ks = dims.slice(1).map((d, l) => Math.min(topK, d, dims[l]));
    const vOff: number[] = [];
    const uOff: number[] = [];
    let vSize = 0;
    let uSize = 0;
    for (let l = 0; l < L; l++) {
      vOff.push(vSize);
      uOff.push(uSize);
      vSize += align(dims[l] * p);
      uSize += align(dims[l + 1] * p);
    }
    // A seeded random start (the same every run), orthonormalized before the first product.
    const rng = createRng(0x5eed);
    const v0 = new Float32Array(vSize);
    for (let i = 0; i < vSize; i++) v0[i] = rng.normal();
    const V = program.storage(vSize * 4, v0);
    const U = program.storage(uSize * 4);
    const vRange = (l: number) => ({ buffer: V, offset: vOff[l] * 4, size: dims[l] * p * 4 });
    const uRange = (l: number) => ({ buffer: U, offset: uOff[l] * 4, size: dims[l + 1] * p * 4 });
    const kOff = ks.map((_, l) => ks.slice(0, l).reduce((a, b) => a + b, 0));
    const entries = (rows: (l: number) => number, offsets: number[]) =>
      program.storage(L * 16, new Uint32Array(dims.slice(1).flatMap((_, l) => [rows(l), offsets[l], kOff[l], ks[l]])));
    const orth = program.dispatch(orthonormalizeKernel(p), { dims: entries((l) => dims[l], vOff), v: V }, L, 1, 'record orthonormalize');
    const iterate: Dispatch[] = [];
    const products: Dispatch[] = [];
    for (let l = 0; l < L; l++) {
      const [r, c] = [dims[l + 1], dims[l]];
      products.push(matmul(program, { transA: false, transB: false, epilogue: 'store' }, { M: r, N: p, K: c, lda: c, ldb: p, ldc: p }, { a: s.W[l], b: vRange(l), c: uRange(l) }, `record W${l + 1}·V`));
      iterate.push(products[l]);
      iterate.push(matmul(program, { transA: true, transB: false, epilogue: 'store' }, { M: c, N: p, K: r, lda: c, ldb: p, ldc: p }, { a: s.W[l], b: uRange(l), c: vRange(l) }, `record W${l + 1}ᵀ·U`));
    }
    iterate.push(orth);
    // Rayleigh–Ritz: B = UᵀU = Vᵀ WᵀW V per layer, diagonalized on the device.
    const bOff = dims.slice(1).map((_, l) => l * align(p * p));
    const B = program.storage(L * align(p * p) * 4);
    const grams = dims.slice(1).map((r, l) =>
      matmul(program, { transA: true, transB: false, epilogue: 'store' }, { M: p, N: p, K: r, lda: p, ldb: p, ldc: p }, { a: uRange(l), b: uRange(l), c: { buffer: B, offset: bOff[l] * 4, size: p * p * 4 } }, `record U${l + 1}ᵀU${l + 1}`),
    );
    const total = ks.reduce((a, b) => a + b, 0);
    const out = program.storage(total * 4 + 8);
    const ritz = program.dispatch(ritzKernel(p), { dims: entries(() => p, bOff), b: B, out }, L, 1, 'record Ritz values');
    const made = { iterate, orth, finish: [...products, ...grams, ritz], out, ks, records: 0 };
    plans.set(topK, made);
    return made;
  }

  return {
    async record({ topK, fullLoss }) {
      const pl = plan(topK);
      const iterations = pl.records++ === 0 ? FIRST_ITERATIONS : WARM_ITERATIONS;
      const dispatches = [...(fullLoss ? fullForward() : []), pl.orth];
      for (let i = 0; i < iterations; i++) dispatches.push(...pl.iterate);
      dispatches.push(...pl.finish);
      const encoder = device.createCommandEncoder();
      encode(encoder, dispatches);
      const total = pl.ks.reduce((a, b) => a + b, 0);
      encoder.copyBufferToBuffer(s.state, STATE.recordLoss * 4, pl.out, total * 4, 8);
      device.queue.submit([encoder.finish()]);
      const values = new Float32Array(await readBack(device, pl.out, 0, total * 4 + 8));
      let at = 0;
      const weights = pl.ks.map((k) => Float64Array.from(values.subarray(at, (at += k))));
      return fullLoss ? { loss: values[total], normSq: values[total + 1], weights } : { weights };
    },
    dispose() {},
  };
}
