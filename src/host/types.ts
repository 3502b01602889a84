/**
 * What the library asks of whoever hosts it, type-only: displays (updated in place by id),
 * comms to a frontend, the abort signal of the cell running now, and a progress reporter for
 * a run. The saddlelab kernel implements it (src/kernel/api.ts), plain Node has a default
 * (node-host.ts), tests pass their own. The library reaches it through `currentHost()`
 * (current.ts) or an option, never through the kernel: training and widgets work the same in
 * a notebook, a script and a test.
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

/** How a run ended, as a progress reporter shows it. */
export interface RunEnd {
  reason: string;
  message?: string;
}

/** A run's progress, reported by the host (a bar updated in place in the saddlelab kernel). */
export interface ProgressReporter {
  /** Sets the second line (backend and engine, known once the backend is loaded). */
  detail(text: string): void;
  /** Step `step` (0-based) is done with this loss; the reporter decides how often it shows. */
  step(step: number, loss: number): void;
  /** The run was paused (`true`: shown at once as "paused", with no rate and no time left) or resumed. */
  paused(on: boolean): void;
  /** The run ended: the final report. */
  finish(end: RunEnd | undefined): void;
}

export interface Host {
  /** True where displays update in place and comms reach a frontend (the saddlelab kernel); false in stock tslab or plain Node. */
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
  /** A reporter for a run of `total` steps, or undefined where progress goes as lines (plain Node: the run logs to stderr). */
  progress(run: { name: string; total: number }): ProgressReporter | undefined;
  /** The kernel's own log (its real stderr: the Jupyter server's console), never a cell's output; absent outside the saddlelab kernel. */
  log?(line: string): void;
}
