/**
 * The part of the host (src/host/types.ts) the widgets use: the saddlelab kernel's when this
 * process is one, else the plain-Node host (`live: false`: text and rich output through stock
 * tslab, no comms). Unit tests pass a fake.
 */
import { currentHost, type Comm, type Host, type MimeBundle } from '../host';

export type { MimeBundle };
/** A comm as the widgets use it (the target name is not needed). */
export type WidgetComm = Omit<Comm, 'targetName'>;
/** The host subset the widgets use; `registerWidget` is optional so fakes may leave it out. */
export type WidgetKernel = Pick<Host, 'live' | 'display' | 'updateDisplay'> &
  Partial<Pick<Host, 'registerWidget'>> & {
    openComm(...args: Parameters<Host['openComm']>): WidgetComm;
  };

/**
 * The host of this process: the saddlelab kernel's, or the plain-Node one whose `live` is false.
 *
 * @example
 * ```ts
 * import { defaultKernel } from './kernel-port';
 * console.log(typeof defaultKernel().live); // boolean
 * ```
 */
export function defaultKernel(): WidgetKernel {
  return currentHost();
}
