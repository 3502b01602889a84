/**
 * The WebGPU device saddlelab computes on: Dawn's Node binding (the `webgpu` npm
 * package, an optional dependency whose binaries ship inside it) asked for an
 * adapter, which is a hardware GPU or a software one (SwiftShader, lavapipe:
 * Vulkan on the CPU). A software adapter is used only when asked for
 * (`allowSoftware`, or `SADDLELAB_WEBGPU_SOFTWARE=1`: the tests run the engine
 * on SwiftShader so); choosing WebGPU by default needs a hardware one
 * (docs/gpu.md). One device per process, shared by the step engine and tfjs's
 * WebGPU backend, so tensors and the engine's buffers live on the same GPU.
 */
/// <reference types="@webgpu/types" />
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SaddlelabError, fail, requireKnownKeys, requireObject } from '../errors';

/** What the adapter says of itself, and whether it is the CPU pretending to be a GPU. */
export interface WebGpuAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** SwiftShader, lavapipe/llvmpipe or an adapter Dawn marks as a fallback: the CPU. */
  software: boolean;
}

export interface WebGpuDevice {
  device: GPUDevice;
  info: WebGpuAdapterInfo;
  /** Dawn's `navigator.gpu` the device came from. */
  gpu: GPU;
}

export interface WebGpuDeviceOptions {
  /** Accept a software adapter (default: `SADDLELAB_WEBGPU_SOFTWARE=1`, else false). */
  allowSoftware?: boolean;
}

interface Dawn {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

let dawn: Dawn | undefined;
// Dawn's instance must outlive its devices: once collected, their events are no longer processed
// (seen as a hung event loop or a crash of SwiftShader's threads). Kept for the process's life.
let instance: GPU | undefined;
let pending: Promise<WebGpuDevice> | undefined;
let current: WebGpuDevice | undefined;

/**
 * Dawn's Node addon. The `webgpu` package is an ES module that only loads this file
 * (and patches buffer unmapping at device destruction, which saddlelab does not rely
 * on), so it is required directly: saddlelab is CommonJS.
 */
function loadDawn(): Dawn {
  if (dawn) return dawn;
  let root: string;
  try {
    root = dirname(require.resolve('webgpu/package.json'));
  } catch {
    throw new Error("the optional dependency 'webgpu' (Dawn for Node) is not installed; npm install webgpu");
  }
  const arch = process.platform === 'darwin' ? 'universal' : process.arch;
  const addon = join(root, 'dist', `${process.platform}-${arch}`, 'dawn.node');
  if (!existsSync(addon)) throw new Error(`Dawn has no build for ${process.platform}-${arch} (${addon} is missing)`);
  dawn = require(addon) as Dawn;
  return dawn;
}

/** True for adapters that run on the CPU (SwiftShader, lavapipe, llvmpipe, Dawn's fallback adapters). */
export function isSoftwareAdapter(info: Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean }): boolean {
  if (info.isFallbackAdapter) return true;
  const text = `${info.vendor ?? ''} ${info.architecture ?? ''} ${info.device ?? ''} ${info.description ?? ''}`.toLowerCase();
  return /swiftshader|lavapipe|llvmpipe|softpipe|warp|basic render/.test(text);
}

function describe(info: WebGpuAdapterInfo): string {
  return [info.vendor, info.architecture, info.description || info.device].filter(Boolean).join(' ');
}

/**
 * One line: `nvidia hopper NVIDIA H200 (hardware)`.
 *
 * @example
 * ```ts
 * import { backend } from 'saddlelab';
 * console.log(backend.describeAdapter({ vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader', software: true }));
 * ```
 */
export function describeAdapter(info: WebGpuAdapterInfo): string {
  const given = requireObject('info', info);
  if (typeof given.vendor !== 'string' || typeof given.software !== 'boolean') fail('info', 'a WebGpuAdapterInfo (what webgpuDevice() returns as info)', info);
  return `${describe(info)} (${info.software ? 'software: the CPU' : 'hardware'})`;
}

async function open(allowSoftware: boolean): Promise<WebGpuDevice> {
  const { create } = loadDawn();
  instance ??= create([]);
  const adapter = await instance.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new Error('Dawn found no WebGPU adapter (no Vulkan, Metal or D3D12 driver it can use; on Linux: libvulkan1 and the GPU driver\'s Vulkan ICD)');
  }
  // Dawn's adapters carry `info` (newer than these type definitions) with Dawn's own isFallbackAdapter.
  const raw = (adapter as unknown as { info: GPUAdapterInfo & { isFallbackAdapter?: boolean } }).info;
  const info: WebGpuAdapterInfo = {
    vendor: raw.vendor ?? '',
    architecture: raw.architecture ?? '',
    device: raw.device ?? '',
    description: raw.description ?? '',
    software: isSoftwareAdapter(raw),
  };
  if (info.software && !allowSoftware) {
    throw new Error(`the only WebGPU adapter is software (${describe(info)}): that is the CPU; set SADDLELAB_WEBGPU_SOFTWARE=1 to use it anyway`);
  }
  // The largest buffers: the data set and a full-data pass's activations (paper scale: 10,000 × 1000 floats).
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
    },
  });
  device.lost.then((lost) => {
    if (current?.device === device) current = undefined;
    if (lost.reason !== 'destroyed') process.stderr.write(`[saddlelab] the WebGPU device was lost: ${lost.message}\n`);
  });
  return { device, info, gpu: instance };
}

/** WebGPU's global constants and classes from Dawn's binding (`GPUBufferUsage`, `GPUMapMode`, …). */
export function globalsOfDawn(): Record<string, unknown> {
  return loadDawn().globals;
}

/**
 * The process's WebGPU device, opened on first use. A software adapter is refused
 * unless `allowSoftware` (or `SADDLELAB_WEBGPU_SOFTWARE=1`) says otherwise.
 *
 * @example
 * ```ts
 * import { backend } from 'saddlelab';
 * const { info } = await backend.webgpuDevice({ allowSoftware: true });
 * console.log(backend.describeAdapter(info)); // … (vendor, architecture and driver; on SwiftShader: google swiftshader SwiftShader driver 5.0.0, software)
 * ```
 */
export async function webgpuDevice(options: WebGpuDeviceOptions = {}): Promise<WebGpuDevice> {
  requireKnownKeys('options', requireObject('options', options), ['allowSoftware']);
  if (options.allowSoftware !== undefined && typeof options.allowSoftware !== 'boolean') fail('options.allowSoftware', 'true or false', options.allowSoftware);
  const allowSoftware = options.allowSoftware ?? process.env.SADDLELAB_WEBGPU_SOFTWARE === '1';
  if (current) {
    if (current.info.software && !allowSoftware) {
      throw new SaddlelabError(`[saddlelab] backend 'webgpu': the open WebGPU adapter is software (${describe(current.info)}); pass allowSoftware to use it`, 'backend');
    }
    return current;
  }
  pending ??= open(allowSoftware).finally(() => (pending = undefined));
  try {
    current = await pending;
  } catch (e) {
    throw new SaddlelabError(`[saddlelab] backend 'webgpu' cannot be used: ${(e as Error).message}`, 'backend');
  }
  return current;
}

/** The open device, if one was opened (the engine uses the one the backend chose). */
export function openWebgpuDevice(): WebGpuDevice | undefined {
  return current;
}

/**
 * Whether Dawn finds a hardware GPU adapter here: what the default backend order asks before
 * it picks WebGPU. Never true for a software adapter; false (not an error) without Dawn.
 *
 * @example
 * ```ts
 * import { backend } from 'saddlelab';
 * console.log(await backend.hardwareWebgpuAvailable()); // … (true where Dawn finds a hardware GPU; false on a machine without one)
 * ```
 */
export async function hardwareWebgpuAvailable(): Promise<boolean> {
  try {
    const { info } = await webgpuDevice({ allowSoftware: false });
    return !info.software;
  } catch {
    return false;
  }
}
