/**
 * Dotted field paths into a JSON config (`model.init.scale`, `model.widths.0`), the canonical
 * JSON form of a config and the stable id of a sweep point: a hash of that form, so the same
 * run has the same id whatever the key order of the spec, the shard or the machine.
 *
 * @example
 * ```ts
 * import { canonicalJson, pointId, setPath } from './paths';
 * const c = setPath({ model: { widths: [4] } }, 'model.init.scale', 0.1, 'grid');
 * console.log(canonicalJson(c)); // {"model":{"init":{"scale":0.1},"widths":[4]}}
 * console.log(pointId('train', c).length); // 16
 * ```
 */
import { createHash } from 'node:crypto';
import { SaddlelabError, fail } from '../errors';

/** Plain JSON data: what a spec and a point's config are made of. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const SEGMENT = /^[A-Za-z_$][\w$-]*$|^\d+$/;

/** Splits and checks a dotted path; `field` names it in errors. */
export function splitPath(path: unknown, field: string): string[] {
  if (typeof path !== 'string' || path === '') fail(field, 'a dotted field path such as "model.init.scale"', path);
  const parts = path.split('.');
  parts.forEach((p) => {
    if (!SEGMENT.test(p)) fail(field, `a dotted field path of names and array indices (such as "model.widths.0"); "${p}" is neither`, path);
  });
  return parts;
}

/** A deep copy of JSON data; anything else (functions, typed arrays, NaN) is an error naming `field`. */
export function cloneJson(value: unknown, field: string): Json {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(field, 'JSON data (finite numbers, strings, booleans, null, arrays, objects)', value);
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => cloneJson(v, `${field}[${i}]`));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined) out[k] = cloneJson(v, `${field}.${k}`);
    return out;
  }
  return fail(field, 'JSON data (finite numbers, strings, booleans, null, arrays, plain objects)', value);
}

/**
 * Returns a copy of `config` with the field at `path` set to `value`. Missing objects on the way
 * are created; stepping into a number, string or array with a name (or an object with an index)
 * is an error naming `field`, so a path that cannot mean what it says never silently does nothing.
 */
export function setPath(config: Json, path: string, value: Json, field: string): Json {
  const parts = splitPath(path, field);
  const root = cloneJson(config, 'config');
  let node: Json = root;
  parts.forEach((key, i) => {
    const last = i === parts.length - 1;
    const where = parts.slice(0, i).join('.') || 'the config';
    if (Array.isArray(node)) {
      const k = Number(key);
      if (!/^\d+$/.test(key) || k >= node.length) {
        throw new SaddlelabError(`[saddlelab] ${field}: ${where} is an array of ${node.length}; "${key}" must be an index below ${node.length}`, field);
      }
      if (last) node[k] = value;
      else node = node[k];
    } else if (node !== null && typeof node === 'object') {
      if (/^\d+$/.test(key)) throw new SaddlelabError(`[saddlelab] ${field}: ${where} is an object; "${key}" is an array index`, field);
      if (last) node[key] = value;
      else {
        if (node[key] === undefined) node[key] = {};
        node = node[key];
      }
    } else {
      throw new SaddlelabError(`[saddlelab] ${field}: ${where} is ${JSON.stringify(node)}, which has no field "${key}"; sweep ${where} itself instead`, field);
    }
  });
  return root;
}

/** The value at `path`, or undefined. */
export function getPath(config: Json, path: string): Json | undefined {
  let node: Json | undefined = config;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = Array.isArray(node) ? node[Number(key)] : node[key];
  }
  return node;
}

/** JSON with object keys sorted at every level: equal configs give equal strings. */
export function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(',')}}`;
  }
  // JSON.stringify writes -0 as 0 and every other finite number in its shortest round-trip form.
  return JSON.stringify(value);
}

/** The stable id of a run: 16 hex digits of the SHA-256 of its kind and canonical config. */
export function pointId(kind: string, config: Json): string {
  return createHash('sha256').update(`${kind}\n${canonicalJson(config)}`).digest('hex').slice(0, 16);
}
