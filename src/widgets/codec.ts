/**
 * Splits typed arrays out of a JSON-like value into binary buffers, as the
 * ipywidgets protocol wants them (`buffer_paths` + raw buffers), so numeric
 * series never travel as JSON arrays.
 */

export type BufferPath = Array<string | number>;

export interface Split {
  state: Record<string, unknown>;
  buffer_paths: BufferPath[];
  buffers: ArrayBufferView[];
}

/**
 * A copy of `value` with every ArrayBufferView removed, and where each one was.
 *
 * @example
 * ```ts
 * import { splitBuffers } from './codec';
 * const s = splitBuffers({ a: 1, runs: [{ loss: Float64Array.of(1, 2) }] });
 * console.log(s.buffer_paths, s.state); // [['runs', 0, 'loss']] { a: 1, runs: [ {} ] }
 * ```
 */
export function splitBuffers(value: Record<string, unknown>): Split {
  const buffer_paths: BufferPath[] = [];
  const buffers: ArrayBufferView[] = [];
  const walk = (v: unknown, path: BufferPath): unknown => {
    if (ArrayBuffer.isView(v)) {
      buffer_paths.push(path);
      buffers.push(v);
      return undefined;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i]));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const w = walk(x, [...path, k]);
        if (w !== undefined || !ArrayBuffer.isView(x)) out[k] = w;
      }
      return out;
    }
    return typeof v === 'number' && !Number.isFinite(v) ? null : v;
  };
  return { state: walk(value, []) as Record<string, unknown>, buffer_paths, buffers };
}

/**
 * Puts buffers back at their paths as Float64Arrays (the kernel-side inverse,
 * used for messages from the browser and by the tests).
 */
export function joinBuffers(state: Record<string, unknown>, paths: BufferPath[], buffers: ArrayBufferView[]): Record<string, unknown> {
  const out = structuredClone(state);
  paths.forEach((path, i) => {
    let obj = out as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) obj = obj[key] as Record<string | number, unknown>;
    const b = buffers[i];
    const bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength).slice();
    obj[path[path.length - 1]] = new Float64Array(bytes.buffer);
  });
  return out;
}
