/**
 * The live widgets of one kernel, for the kernel extension's answer to the
 * control comm's `request_states` (ipywidgets protocol 2.1.0): it lists every
 * open widget and sends each one's `getState()` in `update_states`.
 *
 * Keyed by the kernel object (a WeakMap), not a process-wide list, so a fake
 * kernel in a test gets its own registry.
 */
import { fail } from '../errors';
import type { WidgetKernel } from './kernel-port';

/** What the kernel needs from a widget to answer `request_states`. */
export interface RegisteredWidget {
  /** The widget's comm id, which is its model id. */
  readonly commId: string;
  /** Full state; binary fields removed from `state` and listed in `buffer_paths` with `buffers` in the same order. */
  getState(): { state: Record<string, unknown>; buffer_paths: Array<Array<string | number>>; buffers: ArrayBufferView[] };
}

export interface WidgetRegistry {
  add(widget: RegisteredWidget): void;
  remove(widget: RegisteredWidget): void;
  /** The open widgets, oldest first. */
  list(): RegisteredWidget[];
  /** `{ [commId]: { model_name, model_module, model_module_version, state } }`-ready entries. */
  get(commId: string): RegisteredWidget | undefined;
}

const registries = new WeakMap<object, WidgetRegistry>();

/**
 * The registry of `kernel`'s widgets (created on first use).
 *
 * @example
 * ```ts
 * import { widgetRegistry } from './registry';
 * const kernel = {};
 * console.log(widgetRegistry(kernel).list().length); // 0
 * ```
 */
export function widgetRegistry(kernel: WidgetKernel | object): WidgetRegistry {
  if ((typeof kernel !== 'object' && typeof kernel !== 'function') || kernel === null) fail('kernel', 'a kernel object (kernel.getKernel())', kernel);
  let r = registries.get(kernel);
  if (!r) {
    r = createWidgetRegistry();
    registries.set(kernel, r);
  }
  return r;
}

/** A fresh, empty registry. */
export function createWidgetRegistry(): WidgetRegistry {
  const widgets = new Map<string, RegisteredWidget>();
  return {
    add: (w) => void widgets.set(w.commId, w),
    remove: (w) => void widgets.delete(w.commId),
    list: () => [...widgets.values()],
    get: (id) => widgets.get(id),
  };
}
