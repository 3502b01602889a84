/**
 * The kernel API (`kernel.getKernel()`) in its two forms, each made in one place:
 * - live: comms (the comm manager) and displays, everything through one `send` seam; the
 *   saddlelab kernel's server sends it on iopub, tests record it;
 * - static (`live: false`), outside the saddlelab kernel: display only, through stock tslab's
 *   display hook when one is loaded (else `text/plain` on stdout); comms throw a [saddlelab]
 *   error saying how to get the kernel.
 */
import { SaddlelabError } from '../errors';
import { createCommManager, type CommManager, type Send } from './comms';
import { stockTslabDisplay } from './tslab';
import type { KernelApi, MimeBundle } from './types';

export interface LiveKernelOptions {
  /** The outgoing seam: comm messages, display_data, update_display_data. */
  send: Send;
  /** The comm manager to use (default: one on `send`). */
  comms?: CommManager;
  /** The interrupt signal of the current cell (default: none). */
  currentSignal?: () => AbortSignal | undefined;
  /** The kernel's log: where problems with incoming comm messages, and `api.log` lines, go. */
  log?: (line: string) => void;
}

/** The live kernel API, with its comm manager (to deliver the frontend's comm messages). */
export type LiveKernel = KernelApi & { readonly comms: CommManager };

/**
 * The live kernel API on `send`.
 *
 * @example
 * ```ts
 * const sent: unknown[] = [];
 * const k = createLiveKernel({ send: (type, content) => sent.push([type, content]) });
 * k.display({ 'text/plain': 'hi' }, { displayId: 'd' }); // sent: display_data with transient.display_id 'd'
 * ```
 */
export function createLiveKernel(options: LiveKernelOptions): LiveKernel {
  const { send } = options;
  const comms = options.comms ?? createCommManager({ send, log: options.log });
  const display = (type: 'display_data' | 'update_display_data', data: MimeBundle, metadata: Record<string, unknown> = {}, displayId?: string) =>
    send(type, { data, metadata, transient: displayId ? { display_id: displayId } : {} });
  return {
    live: true,
    comms,
    openComm: (target, data, metadata, buffers) => comms.open(target, data, metadata, buffers),
    registerTarget: (target, onOpen) => comms.registerTarget(target, onOpen),
    registerWidget: (widget) => comms.registerWidget(widget),
    display: (bundle, o) => display('display_data', bundle, o?.metadata, o?.displayId),
    updateDisplay: (id, bundle, o) => display('update_display_data', bundle, o?.metadata, id),
    currentSignal: () => options.currentSignal?.(),
    ...(options.log ? { log: options.log } : {}),
  };
}

/** Writes a display outside the saddlelab kernel (`update`: an update of `displayId`). */
export type DisplayWriter = (bundle: MimeBundle, metadata: Record<string, unknown>, displayId: string | undefined, update: boolean) => void;

/** Stock tslab's display hook when loaded, else the bundle's text/plain on stdout (updates dropped). */
export const defaultDisplayWriter: DisplayWriter = (bundle, metadata, displayId, update) => {
  const write = stockTslabDisplay();
  if (write) write({ data: bundle, metadata, transient: displayId ? { display_id: displayId } : {} }, update);
  else if (!update && typeof bundle['text/plain'] === 'string') console.log(bundle['text/plain']);
};

const NO_COMMS = '[saddlelab] Jupyter comms need the saddlelab kernel: run `npx saddlelab install` and pick "TypeScript (saddlelab)"';

/**
 * The static kernel API (`live: false`).
 *
 * @example
 * ```ts
 * const k = createStaticKernel();
 * k.display({ 'text/plain': 'hello' }); // prints hello in plain Node
 * ```
 */
export function createStaticKernel(write: DisplayWriter = defaultDisplayWriter): KernelApi {
  return {
    live: false,
    openComm() {
      throw new SaddlelabError(NO_COMMS, 'kernel');
    },
    registerTarget() {
      throw new SaddlelabError(NO_COMMS, 'kernel');
    },
    registerWidget: () => () => {},
    display: (bundle, o) => write(bundle, o?.metadata ?? {}, o?.displayId, false),
    updateDisplay: (id, bundle, o) => write(bundle, o?.metadata ?? {}, id, true),
    currentSignal: () => undefined,
  };
}
