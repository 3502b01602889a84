/**
 * One kernel API per process, on `globalThis[Symbol.for('saddlelab.kernel')]`,
 * so two copies of saddlelab loaded in one kernel (say the notebook folder's and
 * the kernel's own) share the same comms and widgets.
 */
import { fail, requireObject, SaddlelabError } from '../errors';
import { stockTslabDisplay } from './tslab';
import type { KernelApi, MimeBundle } from './types';

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

const NO_COMMS = '[saddlelab] Jupyter comms need the saddlelab kernel: run `npx saddlelab install` and pick "TypeScript (saddlelab)"';

/** The stand-in outside the saddlelab kernel: rich output through stock tslab if there, text otherwise; no comms. */
const staticKernel: KernelApi = {
  live: false,
  openComm() {
    throw new SaddlelabError(NO_COMMS, 'kernel');
  },
  registerTarget() {
    throw new SaddlelabError(NO_COMMS, 'kernel');
  },
  registerWidget: () => () => {},
  display(bundle: MimeBundle, options) {
    const write = stockTslabDisplay();
    const transient = options?.displayId ? { display_id: options.displayId } : {};
    if (write) write({ data: bundle, metadata: options?.metadata ?? {}, transient }, false);
    else if (typeof bundle['text/plain'] === 'string') console.log(bundle['text/plain']);
  },
  updateDisplay(displayId, bundle, options) {
    const write = stockTslabDisplay();
    if (write) write({ data: bundle, metadata: options?.metadata ?? {}, transient: { display_id: displayId } }, true);
  },
  currentSignal: () => undefined,
};

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
