/**
 * A sweep's progress in a live kernel: one line in the cell, updated in place as points finish
 * (display_data, then update_display_data on its display id), instead of a line per point. Its
 * last text says that it was one line updated in place, so a saved report reads right.
 */
import type { Host } from '../host';

export interface StatusLine {
  /** Shows `text` in place of the line's last text. */
  update(text: string): void;
  /** The final text; the line says it was updated in place. */
  done(text: string): void;
}

let counter = 0;

/**
 * A status line in the current cell of `host`.
 *
 * @example
 * ```ts
 * import { host } from 'saddlelab';
 * import { createStatusLine } from './status-line';
 * const line = createStatusLine(host.currentHost());
 * line.update('[saddlelab] sweep: 1/8');
 * line.done('[saddlelab] sweep: 8/8 in 3 s');
 * ```
 */
export function createStatusLine(host: Pick<Host, 'display' | 'updateDisplay'>): StatusLine {
  const id = `saddlelab-status-${process.pid}-${++counter}`;
  let shown = false;
  const show = (text: string) => {
    const bundle = { 'text/plain': text };
    if (shown) host.updateDisplay(id, bundle);
    else host.display(bundle, { displayId: id });
    shown = true;
  };
  return {
    update: show,
    done: (text) => show(`${text} (progress shown on this one line, updated in place)`),
  };
}
