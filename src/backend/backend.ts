/**
 * Chooses the TensorFlow.js backend. Default order: WebGPU when Dawn finds a hardware
 * GPU adapter (never a software one), then native TensorFlow (GPU build when a GPU is
 * usable, else CPU build) if it is installed and loads, else wasm, else the pure-JS
 * cpu backend. `SADDLELAB_BACKEND` or the `backend` option
 * overrides the order; a backend that was asked for and cannot load is an error,
 * never a silent fallback.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SaddlelabError, fail, requireObject, requireOneOf } from '../errors';
import { hardwareWebgpuAvailable } from './webgpu-device';
import { registerWebgpuBackend } from './webgpu';

export const BACKENDS = ['gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const;
/**
 * `gpu`: @tensorflow/tfjs-node-gpu; `webgpu`: WebGPU on Dawn (tfjs's WebGPU backend and the
 * `webgpu` step engine on one device, src/backend/webgpu.ts); `tensorflow`: @tensorflow/tfjs-node;
 * `wasm`; `cpu` (pure JS).
 */
export type BackendName = (typeof BACKENDS)[number];

/** What was loaded, reported on every run. */
export interface BackendInfo {
  /** The saddlelab name of the backend. */
  name: BackendName;
  /** tfjs's own name for it (`tensorflow`, `wasm`, `cpu`). */
  tfName: string;
  /** Why this one was chosen: `option`, `SADDLELAB_BACKEND` or `default order`. */
  reason: string;
  /** Backends tried before it in the default order, with why each failed. */
  skipped: string[];
}

let current: BackendInfo | undefined;

/** Package root (the folder holding package.json), from dist/backend or src/backend. */
export function packageRoot(): string {
  return join(__dirname, '..', '..');
}

/**
 * Where `@tensorflow/tfjs-node(-gpu)` is looked for: a regular install, then the
 * offline build of scripts/build-native.mjs in `.native/addon/node_modules`
 * (kept out of package.json so `npm install` never runs its download script).
 */
export function nativeSearchPaths(): string[] {
  return [packageRoot(), join(packageRoot(), '.native', 'addon')];
}

function requireNative(pkg: string): unknown {
  let resolved: string;
  try {
    resolved = require.resolve(pkg, { paths: nativeSearchPaths() });
  } catch {
    throw new Error(`${pkg} is not installed (run \`npm run build:native\` to build it offline)`);
  }
  // TensorFlow's C++ start-up banner (CPU features) would land in every notebook's first
  // training cell; keep warnings and errors unless the user chose a level.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '1';
  // oneDNN's matmul and element-wise kernels: 15–25 % less CPU time per training step at the
  // paper's width than TensorFlow's Eigen kernels (docs/native.md, "Where the time goes");
  // TF_ENABLE_ONEDNN_OPTS=0 turns them off. Read once, when TensorFlow loads.
  process.env.TF_ENABLE_ONEDNN_OPTS ??= '1';
  return require(resolved);
}

function gpuPresent(): boolean {
  return existsSync('/dev/nvidia0') || existsSync('/dev/nvidiactl');
}

/** Whether a GPU may be there for Dawn: on Linux a device file of NVIDIA's or of the kernel's DRM; elsewhere always. */
function graphicsDevicePresent(): boolean {
  if (process.platform !== 'linux') return true;
  return gpuPresent() || existsSync('/dev/dri/renderD128');
}

async function load(name: BackendName): Promise<string> {
  switch (name) {
    case 'gpu':
      if (!gpuPresent()) throw new Error('no NVIDIA GPU device is visible (/dev/nvidia0)');
      requireNative('@tensorflow/tfjs-node-gpu');
      break;
    case 'tensorflow':
      requireNative('@tensorflow/tfjs-node');
      break;
    case 'wasm': {
      const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
      // In Node the .wasm files are read from disk; point tfjs at the package's dist folder.
      const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
      wasm.setWasmPaths(dist + '/');
      break;
    }
    case 'webgpu':
      await registerWebgpuBackend();
      break;
    case 'cpu':
      break;
  }
  const tfName = name === 'gpu' || name === 'tensorflow' ? 'tensorflow' : name;
  const ok = await tf.setBackend(tfName);
  if (!ok) throw new Error(`tf.setBackend('${tfName}') failed`);
  await tf.ready();
  return tfName;
}

/**
 * Loads and activates a backend. With no argument it uses `SADDLELAB_BACKEND`
 * or the default order; the result is cached, so later calls are free.
 *
 * @example
 * ```ts
 * import { backend } from 'saddlelab';
 * const info = await backend.useBackend('cpu');
 * console.log(info.name, info.reason); // cpu option
 * ```
 */
export async function useBackend(requested?: BackendName): Promise<BackendInfo> {
  const fromEnv = process.env.SADDLELAB_BACKEND;
  if (requested !== undefined) requireOneOf('backend', requested, BACKENDS);
  else if (fromEnv) requireOneOf('SADDLELAB_BACKEND', fromEnv, BACKENDS);
  const explicit = (requested ?? (fromEnv || undefined)) as BackendName | undefined;
  if (current && (explicit === undefined || explicit === current.name)) {
    if (tf.getBackend() !== current.tfName) await tf.setBackend(current.tfName);
    return current;
  }
  if (explicit) {
    try {
      const tfName = await load(explicit);
      current = { name: explicit, tfName, reason: requested ? 'option' : 'SADDLELAB_BACKEND', skipped: [] };
      return current;
    } catch (e) {
      throw new SaddlelabError(
        `[saddlelab] backend '${explicit}' cannot be loaded: ${(e as Error).message}. ` +
          `Accepted: ${BACKENDS.join(', ')}; leave backend unset to use the first that loads.`,
        'backend',
      );
    }
  }
  const skipped: string[] = [];
  const order: BackendName[] = ['tensorflow', 'wasm', 'cpu'];
  if (gpuPresent()) order.unshift('gpu');
  // WebGPU only on a hardware adapter: SwiftShader or lavapipe would be the CPU, slower than native TensorFlow.
  if (graphicsDevicePresent()) {
    if (await hardwareWebgpuAvailable()) order.unshift('webgpu');
    else skipped.push('webgpu: Dawn found no hardware GPU adapter');
  }
  for (const name of order) {
    try {
      const tfName = await load(name);
      current = { name, tfName, reason: 'default order', skipped };
      return current;
    } catch (e) {
      skipped.push(`${name}: ${(e as Error).message}`);
    }
  }
  throw new SaddlelabError(`[saddlelab] no backend could be loaded: ${skipped.join('; ')}`, 'backend');
}

/**
 * Chooses the native backend synchronously when nothing has chosen a backend yet, so a
 * network built before any `await useBackend()` (a user's own cell calling `train.mlp` and
 * `createTrainer`) gets native TensorFlow rather than tfjs's cpu fallback and its "install
 * tfjs-node" banner. It does nothing when a backend is already active (chosen by
 * `useBackend`, by `tf.setBackend`, or by a first tensor), when `SADDLELAB_BACKEND` names
 * another backend, or when the native build is missing: `useBackend()` then decides, as before.
 *
 * @example
 * ```ts
 * import { backend } from 'saddlelab';
 * backend.ensureBackend(); // native TensorFlow where it is built, unless a backend was chosen already
 * console.log(backend.currentBackend()?.name);
 * ```
 */
export function ensureBackend(): void {
  const engine = tf.engine() as unknown as { backendName: string | null };
  if (current || engine.backendName) return;
  const fromEnv = process.env.SADDLELAB_BACKEND;
  if (fromEnv && fromEnv !== 'tensorflow' && fromEnv !== 'gpu') return;
  // With a GPU, WebGPU may come first, and only the asynchronous useBackend() can ask Dawn.
  if (!fromEnv && gpuPresent()) return;
  const order: BackendName[] = fromEnv ? [fromEnv as BackendName] : gpuPresent() ? ['gpu', 'tensorflow'] : ['tensorflow'];
  for (const name of order) {
    try {
      if (name === 'gpu' && !gpuPresent()) continue;
      requireNative(name === 'gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node');
      // The tensorflow backend initializes synchronously: setBackend takes effect before it returns.
      void tf.setBackend('tensorflow');
      if (engine.backendName !== 'tensorflow') return;
      current = { name, tfName: 'tensorflow', reason: fromEnv ? 'SADDLELAB_BACKEND' : 'default order', skipped: [] };
      return;
    } catch {
      // Not built here: useBackend() reports why when it runs.
    }
  }
}

/** The backend in use, if one was chosen. */
export function currentBackend(): BackendInfo | undefined {
  return current;
}

/** One-line description for logs: `backend: wasm (default order; skipped tensorflow: ...)`. */
export function describeBackend(info: BackendInfo): string {
  const given = requireObject('info', info);
  if (typeof given.name !== 'string' || typeof given.reason !== 'string' || !Array.isArray(given.skipped)) {
    fail('info', 'a BackendInfo { name, reason, skipped } (what useBackend() returns)', info);
  }
  const skipped = info.skipped.length ? `; skipped ${info.skipped.join('; ')}` : '';
  return `backend: ${info.name} (${info.reason}${skipped})`;
}
