/**
 * The widget messages on the wire, for both ends of the channel: `encodeMessage`
 * turns a typed message (state.ts `KernelMessage`, `BrowserMessage`) into the
 * comm data ipywidgets 2.1.0 sends, typed arrays split out as binary buffers;
 * the decoders check what arrives (untyped JSON and buffers) and give back a
 * typed message, or null for anything else. Pure (no Node, no DOM): the kernel
 * side imports it, the browser bundle too, so both read one wire format.
 */
import { isRecord, joinBuffers, splitBuffers, toFloat64, type BufferPath, type JsonObject } from './codec';
import { BROWSER_KEYS, BROWSER_VALUE_OK, RUN_PHASES } from './contract';
import type { AppendMessage, BrowserKey, BrowserMessage, BrowserState, ControlMessage, KernelCustom, KernelMessage, ProgressState, RunPhase } from './state';

/** Comm data and its binary buffers, as a comm sends them. */
export interface Wire {
  data: JsonObject;
  buffers: ArrayBufferView[];
}

/**
 * For the `default` of an exhaustive `switch`: a value of type `never`, which
 * the compiler proves unreachable; a case added to a union and not handled
 * makes the call fail to compile.
 */
export function unreachable(value: never): never {
  throw new Error(`[saddlelab] unexpected message ${JSON.stringify(value)}`);
}

/**
 * The comm data of a message: `update`/`echo_update` as `{method, state,
 * buffer_paths}`, `custom` as `{method, content: {…, buffer_paths}}`.
 *
 * @example
 * ```ts
 * import { encodeMessage } from './wire';
 * const w = encodeMessage({ method: 'update', state: { title: 't', cursor: 3 } });
 * console.log(w.data, w.buffers.length); // { method: 'update', state: { title: 't', cursor: 3 }, buffer_paths: [] } 0
 * ```
 */
export function encodeMessage(message: KernelMessage | BrowserMessage): Wire {
  switch (message.method) {
    case 'update':
    case 'echo_update': {
      const s = splitBuffers(message.state);
      return { data: { method: message.method, state: s.state, buffer_paths: s.buffer_paths }, buffers: s.buffers };
    }
    case 'custom': {
      const s = splitBuffers(message.content);
      return { data: { method: 'custom', content: { ...s.state, buffer_paths: s.buffer_paths } }, buffers: s.buffers };
    }
    case 'request_state':
      return { data: { method: 'request_state' }, buffers: [] };
    default:
      return unreachable(message);
  }
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isIndex = (v: unknown): v is number => Number.isInteger(v) && isNumber(v) && v >= 0;
const isPair = (v: unknown): v is [number, number] => Array.isArray(v) && v.length === 2 && isNumber(v[0]) && isNumber(v[1]);
const isPhase = (v: unknown): v is RunPhase => RUN_PHASES.some((p) => p === v);
/** A number that JSON may have turned into null (non-finite numbers travel as null). */
const numberOrNaN = (v: unknown): number | undefined => (typeof v === 'number' ? v : v === null ? NaN : undefined);
const pathsOf = (v: unknown): BufferPath[] => (Array.isArray(v) ? v.filter((p): p is BufferPath => Array.isArray(p) && p.every((k) => typeof k === 'string' || typeof k === 'number')) : []);

/** The values of the browser-set keys in `state` that have their declared types (contract.ts BROWSER_VALUE_OK); others are dropped. */
function browserStateOf(state: Record<string, unknown>): Partial<BrowserState> {
  const out: Partial<BrowserState> = {};
  const take = <K extends BrowserKey>(key: K) => {
    const value = state[key];
    if (Object.prototype.hasOwnProperty.call(state, key) && BROWSER_VALUE_OK[key](value)) out[key] = value;
  };
  for (const key of BROWSER_KEYS) take(key);
  return out;
}

function controlOf(content: unknown): ControlMessage | null {
  return isRecord(content) && content.type === 'control' && content.action === 'stop' ? { type: 'control', action: 'stop' } : null;
}

/**
 * What the kernel makes of a browser's comm data: a typed message, or null
 * (an unknown method, a malformed custom message). An `update` keeps only the
 * browser-set keys whose values have their declared types.
 *
 * @example
 * ```ts
 * import { decodeBrowserMessage } from './wire';
 * console.log(decodeBrowserMessage({ method: 'update', state: { log_y: false, title: 'x', cursor: 'no' } })); // { method: 'update', state: { log_y: false } }
 * ```
 */
export function decodeBrowserMessage(data: Record<string, unknown>): BrowserMessage | null {
  switch (data.method) {
    case 'update':
      return isRecord(data.state) ? { method: 'update', state: browserStateOf(data.state) } : null;
    case 'request_state':
      return { method: 'request_state' };
    case 'custom': {
      const content = controlOf(data.content);
      return content ? { method: 'custom', content } : null;
    }
    default:
      return null;
  }
}

/** Every method the kernel sends: a record over `KernelMessage['method']`, so a method added there and not here fails to compile. */
const KERNEL_METHODS: { readonly [M in KernelMessage['method']]: true } = { update: true, echo_update: true, custom: true };
const isKernelMethod = (v: unknown): v is KernelMessage['method'] => typeof v === 'string' && Object.prototype.hasOwnProperty.call(KERNEL_METHODS, v);

/** The method of a kernel message's comm data, or null when it is none the kernel sends. */
export function kernelMethodOf(data: unknown): KernelMessage['method'] | null {
  return isRecord(data) && isKernelMethod(data.method) ? data.method : null;
}

function progressOf(v: unknown): ProgressState | null | undefined {
  if (v === null) return null;
  if (!isRecord(v) || !isPhase(v.phase)) return undefined;
  const step = numberOrNaN(v.step);
  const stepsPerSecond = numberOrNaN(v.stepsPerSecond);
  const total = v.total === null || isNumber(v.total) ? v.total : undefined;
  const etaSeconds = v.etaSeconds === null || isNumber(v.etaSeconds) ? v.etaSeconds : undefined;
  if (step === undefined || stepsPerSecond === undefined || total === undefined || etaSeconds === undefined) return undefined;
  return { step, total, stepsPerSecond, etaSeconds, phase: v.phase };
}

function appendOf(c: Record<string, unknown>): AppendMessage | null {
  const { run, from, recordFrom, escapes, plateaus } = c;
  if (!isIndex(run) || !isIndex(from) || !isIndex(recordFrom)) return null;
  if (!Array.isArray(escapes) || !escapes.every(isNumber) || !Array.isArray(plateaus) || !plateaus.every(isPair)) return null;
  const progress = progressOf(c.progress);
  if (progress === undefined) return null;
  const activations = c.recordActivations === null || c.recordActivations === undefined ? null : toFloat64(c.recordActivations);
  return {
    type: 'append',
    run,
    from,
    steps: toFloat64(c.steps),
    loss: toFloat64(c.loss),
    recordFrom,
    recordSteps: toFloat64(c.recordSteps),
    recordWeights: toFloat64(c.recordWeights),
    recordActivations: activations,
    escapes,
    plateaus,
    progress,
  };
}

/**
 * What the browser makes of a kernel `custom` message's content and buffers:
 * a typed message (binary fields as Float64Arrays), or null when it is none
 * the kernel sends or does not hold what its type promises.
 *
 * @example
 * ```ts
 * import { decodeKernelCustom, encodeMessage } from './wire';
 * const w = encodeMessage({ method: 'custom', content: { type: 'append', run: 0, from: 2, steps: Float64Array.of(2), loss: Float64Array.of(0.5), recordFrom: 0,
 *   recordSteps: new Float64Array(0), recordWeights: new Float64Array(0), recordActivations: null, escapes: [], plateaus: [], progress: null } });
 * console.log(decodeKernelCustom(w.data.content, w.buffers)?.loss); // Float64Array(1) [0.5]
 * ```
 */
export function decodeKernelCustom(content: unknown, buffers: ArrayLike<unknown>): KernelCustom | null {
  if (!isRecord(content)) return null;
  const c = joinBuffers(content, pathsOf(content.buffer_paths), buffers);
  switch (c.type) {
    case 'append':
      return appendOf(c);
    default:
      return null;
  }
}
