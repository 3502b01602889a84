/**
 * The kernel-side API of saddlelab's Jupyter kernel extension, type-only.
 * `getKernel()` (src/kernel/index.ts) returns a `KernelApi`.
 */

export type MimeBundle = Record<string, unknown>;

/** A comm message as the kernel received it. */
export interface CommMsg {
  commId: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  buffers: Uint8Array[];
  header: Record<string, unknown>;
}

/** One end of a Jupyter comm. */
export interface Comm {
  readonly commId: string;
  readonly targetName: string;
  readonly closed: boolean;
  send(data: Record<string, unknown>, metadata?: Record<string, unknown>, buffers?: ArrayBufferView[]): void;
  close(data?: Record<string, unknown>): void;
  /** Returns the unsubscribe function. */
  onMsg(handler: (msg: CommMsg) => void): () => void;
  onClose(handler: (msg: CommMsg | undefined) => void): () => void;
}

export interface DisplayOptions {
  displayId?: string;
  metadata?: Record<string, unknown>;
}

/** A live widget, as the control comm's `request_states` needs it (ipywidgets protocol 2.1.0). */
export interface StatefulWidget {
  readonly commId: string;
  getState(): { state: Record<string, unknown>; buffer_paths: Array<Array<string | number>>; buffers: ArrayBufferView[] };
}

export interface KernelApi {
  /** True inside the saddlelab kernel; false in stock tslab or plain Node. */
  readonly live: boolean;
  openComm(targetName: string, data?: Record<string, unknown>, metadata?: Record<string, unknown>, buffers?: ArrayBufferView[]): Comm;
  /** Comms the frontend opens on `targetName` go to `onOpen`; returns the unregister function. */
  registerTarget(targetName: string, onOpen: (comm: Comm, msg: CommMsg) => void): () => void;
  /** `display_data` (with a transient `display_id` when given). */
  display(bundle: MimeBundle, options?: DisplayOptions): void;
  /** `update_display_data` for an earlier `display(…, { displayId })`. */
  updateDisplay(displayId: string, bundle: MimeBundle, options?: { metadata?: Record<string, unknown> }): void;
  /** Aborted when the kernel is interrupted during the current cell. */
  currentSignal(): AbortSignal | undefined;
  /** Lists a widget for `request_states` until it closes; returns the unregister function. */
  registerWidget(widget: StatefulWidget): () => void;
  /** The kernel's own log (its real stderr: the Jupyter server's console), never a cell's output; absent outside the saddlelab kernel. */
  log?(line: string): void;
}
