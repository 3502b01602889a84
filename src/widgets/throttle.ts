/**
 * When a live widget sends: at most once per `interval`, batching every change
 * in between (a training step marks the widget dirty; the update goes out at
 * once if the last one is `interval` old, else when the interval has passed).
 */

/** A rate limit on one widget's updates (createThrottle). */
export interface Throttle {
  /** Something changed: run now if the last run is an interval old, else once it is (one timer at most). */
  poke(): void;
  /** `run` calls this when it runs (also when called directly): the pending timer goes, the interval restarts. */
  ran(): void;
  /** Drops the pending timer. */
  cancel(): void;
}

/**
 * Calls `run` at most once per `intervalMs` after `poke()`s.
 *
 * @example
 * ```ts
 * import { createThrottle } from './throttle';
 * let runs = 0;
 * const t = createThrottle(1000, () => { t.ran(); runs++; });
 * t.poke(); t.poke(); t.poke(); // the first runs now, the others wait for the interval
 * t.cancel();
 * console.log(runs); // 1
 * ```
 */
export function createThrottle(intervalMs: number, run: () => void): Throttle {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cancel = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  return {
    poke() {
      const now = Date.now();
      if (now - last >= intervalMs) run();
      else timer ??= setTimeout(run, intervalMs - (now - last));
    },
    ran() {
      cancel();
      // Keep the cadence: a run that comes late (a training loop yields only every ~10 ms) starts its
      // interval at its slot, not at the late time, or the rate drifts to ~9/s; on average still ≤ 1 per interval.
      const now = Date.now();
      const slot = last + intervalMs;
      last = now >= slot && now - slot < intervalMs ? slot : now;
    },
    cancel,
  };
}
