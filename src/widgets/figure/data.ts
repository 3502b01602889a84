/**
 * The numbers the figure description derives from a widget state: a loss
 * smoothed over a window of steps, the spectrum values of one layer, and the
 * layer law of Theorem 3.1 at one record. Pure functions on typed arrays.
 */
import type { PlotState, SpectrumState } from '../state';

/**
 * A centred moving average of `y` over a window of `window` x units (steps):
 * point j averages every point with x in [x_j − window/2, x_j + window/2]. On
 * a log axis (`geometric`) it averages log y, so a loss spanning decades is
 * smoothed as it is read. Points are not assumed evenly spaced (a thinned
 * history is not). Non-finite values, and non-positive ones when geometric,
 * are left out of every average; a point with nothing to average is NaN.
 *
 * @example
 * ```ts
 * import { smoothSeries } from './data';
 * const y = smoothSeries(Float64Array.of(0, 1, 2, 3), Float64Array.of(1, 3, 1, 3), 2, false);
 * console.log(Array.from(y)); // [2, 1.6666666666666667, 2.3333333333333335, 2]
 * ```
 */
export function smoothSeries(x: Float64Array, y: Float64Array, window: number, geometric: boolean): Float64Array {
  const n = Math.min(x.length, y.length);
  const out = new Float64Array(n);
  if (!(window > 0)) {
    out.set(y.subarray(0, n));
    return out;
  }
  const ok = (v: number) => Number.isFinite(v) && (!geometric || v > 0);
  const value = (v: number) => (geometric ? Math.log(v) : v);
  const half = window / 2;
  let lo = 0;
  let hi = 0;
  let sum = 0;
  let count = 0;
  for (let j = 0; j < n; j++) {
    while (hi < n && x[hi] <= x[j] + half) {
      if (ok(y[hi])) (sum += value(y[hi]), count++);
      hi++;
    }
    while (x[lo] < x[j] - half) {
      if (ok(y[lo])) (sum -= value(y[lo]), count--);
      lo++;
    }
    const mean = count ? sum / count : NaN;
    out[j] = geometric ? Math.exp(mean) : mean;
  }
  return out;
}

/** The singular values a panel shows: of the weights, or of the activations when recorded and asked for. */
export interface SpectrumSource {
  sp: SpectrumState;
  values: Float64Array;
  layers: number;
  /** 'W' or 'Z' (panel titles W_ℓ, Z_ℓ). */
  symbol: 'W' | 'Z';
}

export function spectrumSource(state: Pick<PlotState, 'spectrum' | 'source'>): SpectrumSource | null {
  const sp = state.spectrum;
  if (!sp || !sp.k || !sp.steps.length) return null;
  if (state.source === 'activations' && sp.activations) return { sp, values: sp.activations, layers: sp.actLayers, symbol: 'Z' };
  return { sp, values: sp.weights, layers: sp.layers, symbol: 'W' };
}

/** s_{i+1} of layer `l` (1-based) at record `r`. */
export function valueAt(src: SpectrumSource, r: number, l: number, i: number): number {
  return src.values[(r * src.layers + (l - 1)) * src.sp.k + i];
}

/** The layers shown: the selection when it names existing layers, else all. */
export function shownLayers(selected: number[], layers: number): number[] {
  const sel = selected.filter((l) => l >= 1 && l <= layers);
  return sel.length ? sel : Array.from({ length: layers }, (_, l) => l + 1);
}

/** The index of the last record at or before `step` (the first record when none is; the last when `step` is null); -1 without records. */
export function recordIndexAt(steps: Float64Array, step: number | null): number {
  if (!steps.length) return -1;
  if (step === null) return steps.length - 1;
  let r = 0;
  for (let j = 0; j < steps.length; j++) if (steps[j] <= step) r = j;
  return r;
}

/**
 * The quantities of Theorem 3.1 per layer at record `r`: `s1/s2` and the
 * energy outside s1, `Σ_{i≥2} s_i² / Σ_i s_i²`, over the recorded top-k values
 * (so a lower bound of the true energy when k is below the rank).
 *
 * @example
 * ```ts
 * import { lawAt } from './data';
 * const sp = { steps: Float64Array.of(5), layers: 1, k: 2, weights: Float64Array.of(2, 1), activations: null, actLayers: 0 };
 * const law = lawAt({ sp, values: sp.weights, layers: 1, symbol: 'W' }, 0);
 * console.log(law.ratio[0], law.energy[0]); // 2 0.2
 * ```
 */
export function lawAt(src: SpectrumSource, r: number): { step: number; layers: Float64Array; ratio: Float64Array; energy: Float64Array } {
  const n = src.layers;
  const law = { step: src.sp.steps[r], layers: new Float64Array(n), ratio: new Float64Array(n), energy: new Float64Array(n) };
  for (let l = 1; l <= n; l++) {
    let total = 0;
    let count = 0;
    for (let i = 0; i < src.sp.k; i++) {
      const v = valueAt(src, r, l, i);
      if (Number.isFinite(v)) (total += v * v, count++);
    }
    const s1 = valueAt(src, r, l, 0);
    const s2 = valueAt(src, r, l, 1);
    law.layers[l - 1] = l;
    law.ratio[l - 1] = count > 1 && s2 > 0 ? s1 / s2 : NaN;
    law.energy[l - 1] = total > 0 ? (total - s1 * s1) / total : NaN;
  }
  return law;
}

/** The points of (x, y) an axis pair can show: finite, and positive on a log axis. */
export function drawable(x: ArrayLike<number>, y: ArrayLike<number>, logX: boolean, logY: boolean): { x: Float64Array; y: Float64Array } {
  const n = Math.min(x.length, y.length);
  let m = 0;
  const ok = (j: number) => Number.isFinite(x[j]) && Number.isFinite(y[j]) && (!logX || x[j] > 0) && (!logY || y[j] > 0);
  for (let j = 0; j < n; j++) if (ok(j)) m++;
  const xs = new Float64Array(m);
  const ys = new Float64Array(m);
  for (let j = 0, o = 0; j < n; j++) if (ok(j)) (xs[o] = x[j], ys[o] = y[j], o++);
  return { x: xs, y: ys };
}
