/**
 * The part of the kernel API (src/kernel/types.ts) the widgets use. The
 * kernel folder is a leaf (it imports only errors), so the widgets import it
 * directly; `getKernel()` returns the saddlelab kernel when this process is
 * one, else the kernel's own static stand-in (`live: false`: text and rich
 * output through stock tslab, no comms). Unit tests pass a fake kernel.
 */
import { getKernel } from '../kernel/registry';
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
 * The kernel of this process: the saddlelab kernel extension's API, or the
 * static stand-in whose `live` is false.
 *
 * @example
 * ```ts
 * import { defaultKernel } from './kernel-port';
 * console.log(typeof defaultKernel().live); // boolean
 * ```
 */
export function defaultKernel(): WidgetKernel {
  return getKernel();
}
