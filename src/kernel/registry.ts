/**
 * One kernel API per process, on `globalThis[Symbol.for('saddlelab.kernel')]`,
 * so two copies of saddlelab loaded in one kernel (say the notebook folder's and
 * the kernel's own) share the same comms and widgets.
 */
import { fail, requireObject } from '../errors';
import { createStaticKernel } from './api';
import type { KernelApi } from './types';

export const REGISTRY_KEY = Symbol.for('saddlelab.kernel');

type Global = Record<symbol, KernelApi | undefined>;

/** Makes `api` the process's kernel (the launcher does this once). */
export function registerKernel(api: KernelApi): void {
  requireObject('api', api);
  for (const method of ['openComm', 'registerTarget', 'display', 'updateDisplay'] as const) {
    if (typeof api[method] !== 'function') fail(`api.${method}`, 'a function', api[method]);
  }
  (globalThis as unknown as Global)[REGISTRY_KEY] = api;
}

/** The stand-in outside the saddlelab kernel. */
const staticKernel: KernelApi = createStaticKernel();

/**
 * The kernel this code runs in: the saddlelab kernel's API, or a static stand-in
 * (`live: false`) in stock tslab or plain Node.
 *
 * @example
 * ```ts
 * import { kernel } from 'saddlelab';
 * const k = kernel.getKernel();
 * k.display({ 'text/plain': 'hello', 'text/html': '<b>hello</b>' });
 * ```
 */
export function getKernel(): KernelApi {
  return (globalThis as unknown as Global)[REGISTRY_KEY] ?? staticKernel;
}
