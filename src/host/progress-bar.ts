/**
 * A progress reporter drawn as a bar: one display, updated in place (its display id) at most
 * every `intervalMs`, with steps done, steps/s, time left and the loss; "paused" (no rate, no
 * time left) while the run is paused; its last update says how the run ended. The saddlelab kernel's host reports the progress of `train.fit` /
 * `train.start` with it (in the cell); training itself only calls the reporter.
 */
import { requireObject, requirePositiveInt } from '../errors';
import type { Host, ProgressReporter } from './types';

export interface ProgressOptions {
  /** The run's name. */
  name: string;
  /** Steps the run will do. */
  total: number;
  /** Least time between updates, in ms (default 250). */
  intervalMs?: number;
  /** The clock (tests pass their own). */
  now?: () => number;
}

let counter = 0;

const pad = (n: number) => String(Math.floor(n)).padStart(2, '0');
/** Seconds as m:ss, or h:mm:ss past an hour. */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}:${pad((s % 3600) / 60)}:${pad(s % 60)}` : `${Math.floor(s / 60)}:${pad(s % 60)}`;
}

const fmtLoss = (v: number) => (!Number.isFinite(v) ? String(v) : v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4) ? v.toExponential(3) : v.toPrecision(4));
const fmtRate = (r: number) => (!Number.isFinite(r) || r <= 0 ? '–' : r >= 100 ? r.toFixed(0) : r.toPrecision(3));
const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

/**
 * Shows a progress bar for a run with `host`'s displays (a display with an id, updated in place).
 *
 * @example
 * ```ts
 * const shown: string[] = [];
 * const screen = { display: (b: Record<string, unknown>) => void shown.push(String(b['text/plain'])), updateDisplay: (_id: string, b: Record<string, unknown>) => void shown.push(String(b['text/plain'])) };
 * const bar = createProgressBar(screen, { name: 'run', total: 2000 });
 * bar.step(0, 1.5); // … once per step; shown at most every 250 ms
 * bar.finish({ reason: 'completed' });
 * console.log(shown.length, shown[2].split(' · ').pop()); // 3 completed
 * ```
 */
export function createProgressBar(host: Pick<Host, 'display' | 'updateDisplay'>, options: ProgressOptions): ProgressReporter {
  requireObject('options', options);
  requirePositiveInt('options.total', options.total);
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? 250;
  const { total, name } = options;
  const id = `saddlelab-progress-${process.pid}-${++counter}`;
  const t0 = now();
  let last = -Infinity;
  let done = 0;
  let loss = NaN;
  // Steps/s over the last few seconds (a window of update points), so a pause or a slow start fades out.
  const window: Array<[number, number]> = [[t0, 0]];
  let detail = '';

  let isPaused = false;
  const bundle = (status: string, final: boolean) => {
    const t = now();
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const [t1, s1] = window[0];
    // Paused: no rate and no time left (the run is not moving).
    const rate = isPaused && !final ? NaN : final ? done / Math.max(1e-9, (t - t0) / 1000) : (done - s1) / Math.max(1e-9, (t - t1) / 1000);
    const eta = final || isPaused ? '' : ` · ${clock((total - done) / rate)} left`;
    const width = 24;
    const filled = Math.round(frac * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const stats = `${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} steps · ${fmtRate(rate)} steps/s${eta} · ${clock((t - t0) / 1000)} elapsed · loss ${fmtLoss(loss)}`;
    const plain = `${name} ${bar} ${Math.floor(frac * 100)}% ${stats}${status ? ` · ${status}` : ''}${detail ? `\n${detail}` : ''}`;
    const color = isPaused ? '#999' : status && !/^completed/.test(status) ? '#c0392b' : '#2e86c1';
    const html =
      `<div style="font-family: var(--jp-code-font-family, monospace); font-size: 12px; line-height: 1.5">` +
      `<div><b>${escape(name)}</b> <span style="display: inline-block; width: 240px; height: 10px; background: #ddd; vertical-align: middle">` +
      `<span style="display: block; width: ${(frac * 100).toFixed(1)}%; height: 100%; background: ${color}"></span></span> ${Math.floor(frac * 100)}%</div>` +
      `<div>${escape(stats)}${status ? ` · <b>${escape(status)}</b>` : ''}</div>` +
      (detail ? `<div style="opacity: 0.7">${escape(detail)}</div>` : '') +
      `</div>`;
    return { 'text/plain': plain, 'text/html': html };
  };

  host.display(bundle('starting', false), { displayId: id });
  return {
    detail(text) {
      detail = text;
      host.updateDisplay(id, bundle('starting', false));
    },
    step(step, value) {
      // Steps done: step `step` (0-based) was the `step + 1`-th update (docs/history-format.md, "Steps and updates").
      done = step + 1;
      loss = value;
      const t = now();
      if (t - last < interval) return;
      last = t;
      window.push([t, done]);
      while (window.length > 2 && t - window[1][0] > 3000) window.shift();
      host.updateDisplay(id, bundle('', false));
    },
    paused(on) {
      isPaused = on;
      // Steps/s after a resume counts from the resume, not across the pause.
      if (!on) window.splice(0, window.length, [now(), done]);
      host.updateDisplay(id, bundle(on ? 'paused' : '', false));
    },
    finish(end) {
      const status = !end ? 'ended' : end.reason === 'completed' ? 'completed' : `${end.reason}${end.message ? `: ${end.message.replace(/^\[saddlelab\] /, '')}` : ''}`;
      host.updateDisplay(id, bundle(status, true));
    },
  };
}
