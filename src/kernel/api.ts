/**
 * The saddlelab kernel as the library's host (src/host/types.ts): comms (the comm manager) and
 * displays, everything through one `send` seam (the server sends it on iopub; tests record it),
 * the interrupt signal, and a progress bar in the cell (src/host/progress-bar.ts).
 */
import { createProgressBar, type Host, type MimeBundle } from '../host';
import { createCommManager, type CommManager, type Send } from './comms';

export interface LiveKernelOptions {
  /** The outgoing seam: comm messages, display_data, update_display_data. */
  send: Send;
  /** The comm manager to use (default: one on `send`). */
  comms?: CommManager;
  /** The interrupt signal of the current cell (default: none). */
  currentSignal?: () => AbortSignal | undefined;
  /** The kernel's log: where problems with incoming comm messages, and `host.log` lines, go. */
  log?: (line: string) => void;
}

/** The kernel's host, with its comm manager (to deliver the frontend's comm messages). */
export type LiveKernel = Host & { readonly comms: CommManager };

/**
 * The kernel's host on `send`.
 *
 * @example
 * ```ts
 * const sent: unknown[] = [];
 * const k = createLiveKernel({ send: (type, content) => void sent.push([type, content]) });
 * k.display({ 'text/plain': 'hi' }, { displayId: 'd' });
 * console.log(sent[0]); // [ 'display_data', { data: { 'text/plain': 'hi' }, metadata: {}, transient: { display_id: 'd' } } ]
 * ```
 */
export function createLiveKernel(options: LiveKernelOptions): LiveKernel {
  const { send } = options;
  const comms = options.comms ?? createCommManager({ send, log: options.log });
  const display = (type: 'display_data' | 'update_display_data', data: MimeBundle, metadata: Record<string, unknown> = {}, displayId?: string) =>
    send(type, { data, metadata, transient: displayId ? { display_id: displayId } : {} });
  const host: LiveKernel = {
    live: true,
    comms,
    openComm: (target, data, metadata, buffers) => comms.open(target, data, metadata, buffers),
    registerTarget: (target, onOpen) => comms.registerTarget(target, onOpen),
    registerWidget: (widget) => comms.registerWidget(widget),
    display: (bundle, o) => display('display_data', bundle, o?.metadata, o?.displayId),
    updateDisplay: (id, bundle, o) => display('update_display_data', bundle, o?.metadata, id),
    currentSignal: () => options.currentSignal?.(),
    progress: (run) => createProgressBar(host, run),
    ...(options.log ? { log: options.log } : {}),
  };
  return host;
}
