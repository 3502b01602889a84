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
  let state: RunState = 'idle';
  let waiting: (() => void)[] = [];
  const release = () => {
    const wake = waiting;
    waiting = [];
    for (const w of wake) w();
  };
  return {
    get state() {
      return state;
    },
    pause() {
      if (state === 'running' || state === 'idle') state = 'paused';
    },
    resume() {
      if (state === 'paused') state = 'running';
      release();
    },
    stop() {
      if (state !== 'done') state = 'stopped';
      release();
    },
    whenRunnable() {
      return state === 'paused' ? new Promise<void>((r) => waiting.push(r)) : Promise.resolve();
    },
    setState(s) {
      state = s;
      if (s !== 'paused') release();
    },
  };
}
