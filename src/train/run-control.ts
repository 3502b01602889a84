/** Pause, resume and stop for trainers and runs (the `RunControl` of src/train/types.ts). */
import type { RunControl, RunState } from './types';

/**
 * Creates pause/resume/stop controls. A trainer makes its own unless
 * `options.control` is given; pass one to share it with a dashboard.
 *
 * @example
 * ```ts
 * import { train } from 'saddlelab';
 * const control = train.createRunControl();
 * control.pause(); console.log(control.state); // paused
 * ```
 */
export function createRunControl(): RunControl {
  let current: RunState = 'idle';
  let waiting: (() => void)[] = [];
  const listeners = new Set<(state: RunState) => void>();
  const set = (next: RunState) => {
    if (next === current) return;
    current = next;
    for (const l of listeners) l(next);
  };
  const release = () => {
    const wake = waiting;
    waiting = [];
    for (const w of wake) w();
  };
  return {
    get state() {
      return current;
    },
    pause() {
      if (current === 'running' || current === 'idle') set('paused');
    },
    resume() {
      if (current === 'paused') set('running');
      release();
    },
    stop() {
      if (current !== 'done') set('stopped');
      release();
    },
    whenRunnable() {
      return current === 'paused' ? new Promise<void>((r) => waiting.push(r)) : Promise.resolve();
    },
    setState(s) {
      set(s);
      if (s !== 'paused') release();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
