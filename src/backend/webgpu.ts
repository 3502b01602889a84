/**
 * The `webgpu` backend: tfjs's WebGPU backend (`@tensorflow/tfjs-backend-webgpu`, an
 * optional dependency) on the process's Dawn device (src/backend/webgpu-device.ts), the
 * device the `webgpu` step engine runs on too. tfjs's own start-up asks the browser's
 * `navigator.gpu` for an adapter and a device of its own; here it is handed saddlelab's,
 * so tensors (`predict`, a record's tfjs fallback) and the engine share one GPU. tfjs's
 * WebGPU code also reads WebGPU's global constants (`GPUBufferUsage`, `GPUMapMode`, …) and
 * `navigator.gpu`, which Node lacks: they are installed from Dawn's binding when this
 * backend loads, and only then. Every read of its tensors must be asynchronous: its
 * synchronous read copies through an OffscreenCanvas, which Node has none of.
 */
import * as tf from '@tensorflow/tfjs';
import { globalsOfDawn, webgpuDevice, type WebGpuDevice } from './webgpu-device';

let registered: WebGpuDevice | undefined;

/** WebGPU's globals that tfjs's WebGPU code reads, from Dawn, where Node has none. */
function installGlobals(gpu: GPU): void {
  const g = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(globalsOfDawn())) if (!(name in g)) g[name] = value;
  const nav = (g.navigator ??= {}) as { gpu?: GPU };
  if (!nav.gpu) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
}

/**
 * Registers tfjs's WebGPU backend on saddlelab's device (once) and returns the device;
 * `useBackend('webgpu')` then activates it. Throws what {@link webgpuDevice} throws.
 */
export async function registerWebgpuBackend(): Promise<WebGpuDevice> {
  const gpu = await webgpuDevice();
  if (registered?.device === gpu.device) return gpu;
  // Loaded before navigator.gpu exists, so that its own start-up (a second device) registers nothing.
  const mod = require('@tensorflow/tfjs-backend-webgpu') as { WebGPUBackend: new (device: GPUDevice, info?: unknown) => tf.KernelBackend };
  installGlobals(gpu.gpu);
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new mod.WebGPUBackend(gpu.device, gpu.info), 3);
  registered = gpu;
  return gpu;
}
