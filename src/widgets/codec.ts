/**
 * Splits typed arrays out of a JSON-like value into binary buffers, as the
 * ipywidgets protocol wants them (`buffer_paths` + raw buffers), so numeric
 * series never travel as JSON arrays; and puts them back. Pure (no Node, no
 * DOM): the kernel side and the browser bundle share it through wire.ts.
 */

export type BufferPath = Array<string | number>;

/** A JSON value (what a comm message's data holds once its buffers are split out). */
export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export interface Split {
  state: JsonObject;
  buffer_paths: BufferPath[];
  buffers: ArrayBufferView[];
}

/** A plain object (not an array, not a typed array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
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
export function splitBuffers(value: object): Split {
  const buffer_paths: BufferPath[] = [];
  const buffers: ArrayBufferView[] = [];
  const entries = (v: object, path: BufferPath): JsonObject => {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) {
      const w = walk(x, [...path, k]);
      if (w !== undefined) out[k] = w;
    }
    return out;
  };
  // undefined: a buffer (taken out, its path noted) or nothing JSON holds (left out).
  const walk = (v: unknown, path: BufferPath): Json | undefined => {
    if (ArrayBuffer.isView(v)) {
      buffer_paths.push(path);
      buffers.push(v);
      return undefined;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i]) ?? null);
    if (typeof v === 'number') return Number.isFinite(v) ? v : null;
    if (typeof v === 'string' || typeof v === 'boolean' || v === null) return v;
    if (typeof v === 'object') return entries(v, path);
    return undefined;
  };
  return { state: entries(value, []), buffer_paths, buffers };
}

/**
 * A Float64Array copy of a received buffer (a DataView at any byte offset, an
 * ArrayBuffer, a typed array) or of a JSON array of numbers; empty for
 * anything else. Copied, since a DataView's offset need not be 8-aligned.
 *
 * @example
 * ```ts
 * import { toFloat64 } from './codec';
 * console.log(toFloat64(new DataView(Float64Array.of(1, 2).buffer)), toFloat64([3])); // Float64Array(2) [1, 2] Float64Array(1) [3]
 * ```
 */
export function toFloat64(value: unknown): Float64Array {
  if (value instanceof Float64Array) return value;
  if (ArrayBuffer.isView(value)) return new Float64Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  if (value instanceof ArrayBuffer) return new Float64Array(value.slice(0));
  if (Array.isArray(value)) return Float64Array.from(value, (v) => (typeof v === 'number' ? v : NaN));
  return new Float64Array(0);
}

/**
 * A copy of `json` with each buffer put back at its path as a Float64Array
 * (the inverse of splitBuffers; paths that lead nowhere are skipped).
 *
 * @example
 * ```ts
 * import { joinBuffers, splitBuffers } from './codec';
 * const s = splitBuffers({ runs: [{ loss: Float64Array.of(1, 2) }] });
 * const joined = joinBuffers(s.state, s.buffer_paths, s.buffers);
 * console.log(s.state, Reflect.get(Reflect.get(joined, 'runs')[0], 'loss')); // { runs: [ {} ] } Float64Array(2) [1, 2]
 * ```
 */
export function joinBuffers(json: Record<string, unknown>, paths: BufferPath[], buffers: ArrayLike<unknown>): Record<string, unknown> {
  const out = structuredClone(json);
  paths.forEach((path, i) => {
    let node: unknown = out;
    for (const key of path.slice(0, -1)) node = Array.isArray(node) ? node[Number(key)] : isRecord(node) ? node[String(key)] : undefined;
    const last = path[path.length - 1];
    const value = toFloat64(buffers[i]);
    if (Array.isArray(node)) node[Number(last)] = value;
    else if (isRecord(node)) node[String(last)] = value;
  });
  return out;
}
