/**
 * A sweep's progress in a live kernel: one line in the cell, updated in place as points finish
 * (display_data, then update_display_data on its display id), instead of a line per point. Its
 * last text says that it was one line updated in place, so a saved report reads right.
 */
import type { KernelApi } from '../kernel/types';

export interface StatusLine {
  /** Shows `text` in place of the line's last text. */
  update(text: string): void;
  /** The final text; the line says it was updated in place. */
  done(text: string): void;
}

let counter = 0;

/**
 * A status line in the current cell of `kernel`.
 *
 * @example
 * ```ts
 * import { kernel } from 'saddlelab';
 * import { createStatusLine } from './status-line';
 * const line = createStatusLine(kernel.getKernel());
 * line.update('[saddlelab] sweep: 1/8');
 * line.done('[saddlelab] sweep: 8/8 in 3 s');
 * ```
 */
export function createStatusLine(kernel: Pick<KernelApi, 'display' | 'updateDisplay'>): StatusLine {
  const id = `saddlelab-status-${process.pid}-${++counter}`;
  let shown = false;
  const show = (text: string) => {
    const bundle = { 'text/plain': text };
    if (shown) kernel.updateDisplay(id, bundle);
    else kernel.display(bundle, { displayId: id });
    shown = true;
  };
  return {
    update: show,
    done: (text) => show(`${text} (progress shown on this one line, updated in place)`),
  };
}
