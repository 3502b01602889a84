/**
 * Axis ranges fitted to the data and ticks a reader can read, on linear and
 * log axes: on a log axis spanning a decade or less, ticks at 1–9 × 10^k (or
 * finer) labelled with their full value ("0.6", "0.7"), never bare digits; on
 * wider ones, 1-2-5 or decades. Shared by every renderer, and by the live view
 * after a zoom.
 */
import type { Tick } from './types';

/** Fewest and most ticks an axis aims for. */
const MIN_TICKS = 3;
const MAX_TICKS = 10;

/**
 * A range covering `values` (finite ones; positive ones on a log axis), padded
 * by `pad` of its span on each side (in decades on a log axis); null when no
 * value qualifies. A single value gets a span of ±10 % (±1 around 0).
 *
 * @example
 * ```ts
 * import { fitRange } from './axes';
 * console.log(fitRange([0.5, 2], 'log', 0)); // [0.5, 2]
 * ```
 */
export function fitRange(values: Iterable<number>, type: 'linear' | 'log', pad = 0.04): [number, number] | null {
  return fitExtent(extentOf(values, type), type, pad);
}

/**
 * The smallest and largest of `values` that an axis of `type` shows (finite;
 * positive on a log axis), or null when none is: what fitRange pads. A live
 * view keeps it per series and widens it by each append's points.
 *
 * @example
 * ```ts
 * import { extentOf } from './axes';
 * console.log(extentOf([0, 0.5, NaN, 2], 'log'), extentOf([], 'linear')); // [0.5, 2] null
 * ```
 */
export function extentOf(values: Iterable<number>, type: 'linear' | 'log'): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (type === 'log' && v <= 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo > hi ? null : [lo, hi];
}

/**
 * fitRange's range from an extent (extentOf).
 *
 * @example
 * ```ts
 * import { fitExtent } from './axes';
 * console.log(fitExtent([2, 2], 'linear', 0.04)); // [1.8, 2.2]
 * ```
 */
export function fitExtent(extent: [number, number] | null, type: 'linear' | 'log', pad = 0.04): [number, number] | null {
  if (!extent) return null;
  const [lo, hi] = extent;
  if (type === 'log') {
    let a = Math.log10(lo);
    let b = Math.log10(hi);
    if (a === b) (a -= 0.05, b += 0.05);
    else if (pad === 0) return [lo, hi];
    const d = (b - a) * pad;
    return [10 ** (a - d), 10 ** (b + d)];
  }
  if (lo === hi) return lo === 0 ? [-1, 1] : [lo - Math.abs(lo) * 0.1, hi + Math.abs(hi) * 0.1];
  const d = (hi - lo) * pad;
  return [lo - d, hi + d];
}

const HEADROOM = [1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8, 10];

/** The 1-2-5 number nearest above `v` (> 0). */
function nice(v: number): number {
  const k = Math.floor(Math.log10(v));
  const m = [1, 2, 5, 10].find((g) => g * 10 ** k >= v * (1 - 1e-12)) ?? 10;
  return m * 10 ** k;
}

/**
 * A range with room to grow, for a run still in progress: a step axis ends at
 * the next of 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8 × 10^k (at
 * most 20 % empty); a value axis is widened outward to a grid of about a
 * twentieth of its span (in decades on a log axis). So a live plot's axes
 * change now and then, not at every update (each change is a relayout of
 * every panel).
 *
 * @example
 * ```ts
 * import { roomy } from './axes';
 * console.log(roomy([0, 1030], 'linear', true), roomy([0.33, 0.87], 'linear', false)); // [0, 1250] [0.3, 0.9]
 * ```
 */
export function roomy(range: [number, number] | null, type: 'linear' | 'log', stepAxis: boolean): [number, number] | null {
  if (!range) return range;
  const [lo, hi] = range;
  const round = (v: number) => Number(v.toPrecision(12));
  if (stepAxis) {
    if (!(hi > 0)) return range;
    const k = Math.floor(Math.log10(hi));
    const m = HEADROOM.find((g) => g * 10 ** k >= hi * (1 - 1e-12)) ?? 10;
    return [lo, round(m * 10 ** k)];
  }
  const [a, b] = type === 'log' ? [Math.log10(lo), Math.log10(hi)] : [lo, hi];
  if (!(b > a)) return range;
  const g = nice((b - a) / 20);
  const out: [number, number] = [Math.floor(a / g + 1e-9) * g, Math.ceil(b / g - 1e-9) * g];
  return type === 'log' ? [round(10 ** out[0]), round(10 ** out[1])] : [round(out[0]), round(out[1])];
}

/** The union of ranges (null ones ignored). */
export function unionRange(ranges: Array<[number, number] | null>): [number, number] | null {
  let out: [number, number] | null = null;
  for (const r of ranges) if (r) out = out ? [Math.min(out[0], r[0]), Math.max(out[1], r[1])] : [r[0], r[1]];
  return out;
}

/** Linear ticks at a 1-2-5 step inside [lo, hi] (about 4–8 of them); `integer` keeps the step ≥ 1. */
function linearTickValues(lo: number, hi: number, integer: boolean): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  let step = 10 ** Math.floor(Math.log10(span / 5));
  for (const m of [1, 2, 5, 10]) {
    if (span / (step * m) <= 7) {
      step *= m;
      break;
    }
  }
  if (integer) step = Math.max(1, Math.round(step));
  const out: number[] = [];
  // Rounded to the step's precision, so 0.1 + 0.2 prints as 0.3.
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toFixed(Math.min(20, digits))));
  return out;
}

/** Log ticks inside [lo, hi]: decades (thinned), 1-2-5, every digit, or linear steps when a range is narrower than one digit. */
function logTickValues(lo: number, hi: number, integer: boolean): number[] {
  const a = Math.log10(lo);
  const b = Math.log10(hi);
  const inside = (v: number) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9) && (!integer || Number.isInteger(v));
  const decades: number[] = [];
  for (let k = Math.ceil(a - 1e-9); k <= Math.floor(b + 1e-9); k++) decades.push(k);
  if (decades.length >= 4) {
    const every = Math.ceil(decades.length / MAX_TICKS);
    return decades.filter((k) => k % every === 0).map((k) => 10 ** k);
  }
  for (const mantissas of [[1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const out: number[] = [];
    for (let k = Math.floor(a) - 1; k <= Math.ceil(b); k++) for (const m of mantissas) if (inside(m * 10 ** k)) out.push(Number((m * 10 ** k).toPrecision(12)));
    if (out.length >= MIN_TICKS) return out;
  }
  // Narrower than the gap between two digits (0.55 to 0.6): evenly spaced values read best.
  return linearTickValues(lo, hi, integer).filter((v) => v > 0);
}

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/** `10⁻³`, `2×10⁻³`. */
function power(v: number, digits: number): string {
  const k = Math.floor(Math.log10(Math.abs(v)) + 1e-12);
  const m = Number((v / 10 ** k).toPrecision(digits));
  const exp = String(k).replace(/./g, (c) => SUPERSCRIPT[c] ?? c);
  return m === 1 ? `10${exp}` : m === -1 ? `−10${exp}` : `${String(m).replace('-', '−')}×10${exp}`;
}

function plain(v: number, digits: number): string {
  return String(Number(v.toPrecision(digits))).replace('-', '−');
}

/**
 * Labels for tick values: plain decimals ("0.002", "50") when every tick lies
 * in [10⁻³, 10⁴), else powers of ten ("10⁻⁵", "2×10⁻⁵"); with the fewest
 * significant digits that keep neighbouring labels distinct.
 *
 * @example
 * ```ts
 * import { formatTicks } from './axes';
 * console.log(formatTicks([0.6, 0.7, 0.8])); // ['0.6', '0.7', '0.8']
 * console.log(formatTicks([1e-6, 1e-4, 1e-2])); // ['10⁻⁶', '10⁻⁴', '10⁻²']
 * ```
 */
export function formatTicks(values: number[]): string[] {
  const nonzero = values.filter((v) => v !== 0).map(Math.abs);
  const usePower = nonzero.some((v) => v < 1e-3 || v >= 1e4);
  const fmt = (v: number, d: number) => (v === 0 ? '0' : usePower ? power(v, d) : plain(v, d));
  for (let d = 1; d <= 8; d++) {
    const labels = values.map((v) => fmt(v, d));
    if (new Set(labels).size === labels.length && values.every((v) => v === 0 || Math.abs(Number(v.toPrecision(d)) - v) <= Math.abs(v) * 1e-9)) return labels;
  }
  return values.map((v) => fmt(v, 8));
}

/**
 * Readable ticks for an axis showing `range`.
 *
 * @example
 * ```ts
 * import { axisTicks } from './axes';
 * console.log(axisTicks('log', [0.55, 2.1]).map((t) => t.label)); // ['0.6', '0.7', '0.8', '0.9', '1', '2']
 * ```
 */
export function axisTicks(type: 'linear' | 'log', range: [number, number] | null, integer = false): Tick[] {
  if (!range) return [];
  const [lo, hi] = range[0] <= range[1] ? range : [range[1], range[0]];
  if (type === 'log' && !(lo > 0)) return [];
  if (integer && Math.floor(hi) - Math.ceil(lo) <= 12) {
    // A dozen layers or indices: every one gets its tick.
    const every: number[] = [];
    for (let v = Math.max(type === 'log' ? 1 : -Infinity, Math.ceil(lo)); v <= Math.floor(hi); v++) every.push(v);
    if (every.length) return every.map((value) => ({ value, label: String(value) }));
  }
  const values = type === 'log' ? logTickValues(lo, hi, integer) : linearTickValues(lo, hi, integer);
  const labels = formatTicks(values);
  return values.map((value, i) => ({ value, label: labels[i] }));
}

/**
 * A one-value label: four significant digits, plain or as a power of ten like
 * the tick labels (for readouts and hover text).
 *
 * @example
 * ```ts
 * import { formatValue } from './axes';
 * console.log(formatValue(0.0341234), formatValue(2.5e-7)); // 0.03412 2.5×10⁻⁷
 * ```
 */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a < 1e-3 || a >= 1e5 ? power(v, 4) : plain(v, 4);
}
