/**
 * The part of the kernel API (src/kernel/types.ts, issue 3) the widgets use,
 * as a structural type: the widgets depend on this shape, not on the kernel
 * module, so unit tests pass a fake kernel and the widgets still load in a
 * stock tslab kernel or plain Node (where they fall back to static figures).
 */
export type MimeBundle = Record<string, unknown>;

export interface WidgetCommMsg {
  commId: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  buffers: Uint8Array[];
  header: Record<string, unknown>;
}

export interface WidgetComm {
  readonly commId: string;
  readonly closed: boolean;
  send(data: Record<string, unknown>, metadata?: Record<string, unknown>, buffers?: ArrayBufferView[]): void;
  close(data?: Record<string, unknown>): void;
  onMsg(handler: (msg: WidgetCommMsg) => void): () => void;
  onClose(handler: (msg: WidgetCommMsg | undefined) => void): () => void;
}

export interface WidgetKernel {
  readonly live: boolean;
  openComm(targetName: string, data?: Record<string, unknown>, metadata?: Record<string, unknown>, buffers?: ArrayBufferView[]): WidgetComm;
  display(bundle: MimeBundle, options?: { displayId?: string; metadata?: Record<string, unknown> }): void;
  updateDisplay(displayId: string, bundle: MimeBundle, options?: { metadata?: Record<string, unknown> }): void;
  /** Lists the widget for the control comm's `request_states` (the saddlelab kernel has it). */
  registerWidget?(widget: { readonly commId: string; getState(): { state: Record<string, unknown>; buffer_paths: Array<Array<string | number>>; buffers: ArrayBufferView[] } }): () => void;
}

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
