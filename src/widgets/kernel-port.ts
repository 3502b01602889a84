/**
 * The part of the kernel API (src/kernel/types.ts, issue 3) the widgets use.
 * Type-only imports: the widgets load the kernel module at run time only
 * through `defaultKernel()`, so unit tests pass a fake kernel and the widgets
 * still load in a stock tslab kernel or plain Node (static figures).
 */
import type { Comm, CommMsg, KernelApi, MimeBundle } from '../kernel/types';

export type { MimeBundle };
export type WidgetCommMsg = CommMsg;
/** A comm as the widgets use it (the target name is not needed). */
export type WidgetComm = Omit<Comm, 'targetName'>;
/** The kernel API subset the widgets use; `registerWidget` is optional so fakes may leave it out. */
export type WidgetKernel = Pick<KernelApi, 'live' | 'display' | 'updateDisplay'> &
  Partial<Pick<KernelApi, 'registerWidget'>> & {
    openComm(...args: Parameters<KernelApi['openComm']>): WidgetComm;
  };

/**
 * The kernel of this process: the saddlelab kernel extension's `getKernel()`
 * when it is there, otherwise a static stand-in whose `live` is false.
 *
 * @example
 * ```ts
 * import { defaultKernel } from './kernel-port';
 * console.log(typeof defaultKernel().live); // boolean
 * ```
 */
export function defaultKernel(): WidgetKernel {
  try {
    // A plain require keeps src/widgets free of a compile-time dependency on src/kernel.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const mod = require('../kernel') as { getKernel?: () => WidgetKernel };
    if (typeof mod.getKernel === 'function') return mod.getKernel();
  } catch {
    // No kernel module (or it failed to load): static output only.
  }
  return staticKernel;
}

const staticKernel: WidgetKernel = {
  live: false,
  openComm() {
    throw new Error('[saddlelab] kernel comms are not available here; live widgets need the saddlelab kernel (npx saddlelab install)');
  },
  display(bundle) {
    console.log(String(bundle['text/plain'] ?? ''));
  },
  updateDisplay() {
    // Nowhere to update outside a kernel.
  },
};
