/**
 * What the webgpu engine records into its command buffers: compute pipelines
 * compiled once per device and kernel (SwiftShader takes seconds per pipeline; a
 * GPU driver caches them too), buffers, and dispatches whose bind groups and
 * uniforms are made once, when the engine is built. A step then costs the host
 * one `setPipeline`/`setBindGroup`/`dispatchWorkgroups` per kernel and one submit,
 * with no upload (docs/gpu.md, "Why Dawn directly").
 */
/// <reference types="@webgpu/types" />
import { matmulKernel, type Kernel, type MatmulSpec } from './webgpu-kernels';

/** WebGPU's usage and map-mode flags (fixed by the specification; Dawn's Node binding has no globals here). */
export const USAGE = { MAP_READ: 1, COPY_SRC: 4, COPY_DST: 8, UNIFORM: 64, STORAGE: 128 } as const;
export const MAP_READ = 1;

/** A binding: a whole buffer, or a range of one (offsets are multiples of 256 bytes). */
export type Resource = GPUBuffer | { buffer: GPUBuffer; offset: number; size: number };

export interface Dispatch {
  pipeline: GPUComputePipeline;
  group: GPUBindGroup;
  x: number;
  y: number;
  /** What it computes, for counts and profiles. */
  label: string;
}

const pipelines = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

/** The pipeline of `kernel` on `device`, compiled on first use and kept for the device's life. */
export function pipelineFor(device: GPUDevice, kernel: Kernel): GPUComputePipeline {
  let cache = pipelines.get(device);
  if (!cache) pipelines.set(device, (cache = new Map()));
  let p = cache.get(kernel.code);
  if (!p) {
    p = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code: kernel.code }), entryPoint: 'main' } });
    cache.set(kernel.code, p);
  }
  return p;
}

/** Number of pipelines compiled on `device` so far (tests keep it small: SwiftShader compiles slowly). */
export function pipelineCount(device: GPUDevice): number {
  return pipelines.get(device)?.size ?? 0;
}

export interface Program {
  readonly device: GPUDevice;
  /** A storage buffer of `bytes` (rounded up to 16), optionally filled; usable as copy source and target. */
  storage(bytes: number, data?: ArrayBufferView): GPUBuffer;
  /** A uniform buffer holding `words` (u32 or f32 values, by their JS type: integers as u32 unless listed in `floats`). */
  uniform(words: number[], floats?: readonly number[]): GPUBuffer;
  /** A dispatch of `kernel` over `x`×`y` workgroups with the named resources bound. */
  dispatch(kernel: Kernel, resources: Record<string, Resource>, x: number, y: number, label: string): Dispatch;
  /** Frees every buffer made through this program. */
  destroy(): void;
}

export function createProgram(device: GPUDevice): Program {
  const owned: GPUBuffer[] = [];
  const make = (size: number, usage: number) => {
    const b = device.createBuffer({ size: Math.max(16, Math.ceil(size / 16) * 16), usage });
    owned.push(b);
    return b;
  };
  return {
    device,
    storage(bytes, data) {
      const b = make(bytes, USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST);
      if (data) device.queue.writeBuffer(b, 0, data.buffer, data.byteOffset, data.byteLength);
      return b;
    },
    uniform(words, floats = []) {
      const buf = new ArrayBuffer(Math.max(16, Math.ceil((words.length * 4) / 16) * 16));
      const u = new Uint32Array(buf);
      const f = new Float32Array(buf);
      words.forEach((w, i) => (floats.includes(i) ? (f[i] = w) : (u[i] = w)));
      const b = make(buf.byteLength, USAGE.UNIFORM | USAGE.COPY_DST);
      device.queue.writeBuffer(b, 0, buf);
      return b;
    },
    dispatch(kernel, resources, x, y, label) {
      const pipeline = pipelineFor(device, kernel);
      const entries = kernel.bindings.map((name, binding) => {
        const r = resources[name];
        if (!r) throw new Error(`webgpu engine: kernel ${label} needs '${name}'`);
        return { binding, resource: 'buffer' in r ? r : { buffer: r } };
      });
      const group = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
      return { pipeline, group, x, y, label };
    },
    destroy() {
      for (const b of owned) b.destroy();
      owned.length = 0;
    },
  };
}

/** Records `dispatches` into one compute pass of `encoder`. */
export function encode(encoder: GPUCommandEncoder, dispatches: readonly Dispatch[]): void {
  const pass = encoder.beginComputePass();
  for (const d of dispatches) {
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.group);
    pass.dispatchWorkgroups(d.x, d.y);
  }
  pass.end();
}

/** Copies `bytes` of `source` from `offset` into a new mappable buffer, submits, and resolves with the bytes. */
export async function readBack(device: GPUDevice, source: GPUBuffer, offset: number, bytes: number): Promise<ArrayBuffer> {
  const size = Math.ceil(bytes / 4) * 4;
  const staging = device.createBuffer({ size, usage: USAGE.MAP_READ | USAGE.COPY_DST });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(source, offset, staging, 0, size);
  device.queue.submit([encoder.finish()]);
  try {
    await staging.mapAsync(MAP_READ);
    return staging.getMappedRange().slice(0, bytes);
  } finally {
    staging.destroy();
  }
}

/** Output tiles of 64 where they give enough workgroups to fill a large GPU, else 32. */
export function tileFor(M: number, N: number): 32 | 64 {
  return Math.ceil(M / 64) * Math.ceil(N / 64) >= 256 ? 64 : 32;
}

/** One product C = op(A)·op(B) with its dims uniform, for `Program.dispatch`. */
export function matmul(
  program: Program,
  spec: Omit<MatmulSpec, 'tile'>,
  dims: { M: number; N: number; K: number; lda: number; ldb: number; ldc: number; batch?: number; partialBase?: number },
  resources: Record<string, Resource>,
  label: string,
): Dispatch {
  const tile = tileFor(dims.M, dims.N);
  const uniform = program.uniform([dims.M, dims.N, dims.K, dims.lda, dims.ldb, dims.ldc, dims.batch ?? 0, dims.partialBase ?? 0]);
  return program.dispatch(matmulKernel({ ...spec, tile }), { dims: uniform, ...resources }, Math.ceil(dims.N / tile), Math.ceil(dims.M / tile), label);
}

/** Workgroups an update of an `M × N` weight matrix uses: its partial sums of squares. */
export const partialsOf = (M: number, N: number) => Math.ceil(M / tileFor(M, N)) * Math.ceil(N / tileFor(M, N));
