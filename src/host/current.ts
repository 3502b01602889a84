/**
 * The host of this copy of saddlelab: the one a host process provided with `provideHost` (the
 * saddlelab kernel does at start-up), else the plain-Node default. An explicit, typed seam in
 * place of a global that the kernel wrote and the library read: tests provide their own host
 * and take it back, and the library never names the kernel.
 *
 * A notebook folder may load a second copy of saddlelab (its own `node_modules`) beside the
 * kernel's; the kernel provides its host to every copy of this module it sees loaded (the
 * `HOST_MODULE` mark; src/kernel/adapter), so both copies share its comms and widgets.
 */
import { fail, requireObject } from '../errors';
import { createNodeHost } from './node-host';
import type { Host } from './types';

/** This module's mark, by which a host process finds every loaded copy of it (its major version: what `provideHost` takes). */
export const HOST_MODULE = 'saddlelab.host/1';

let provided: Host | undefined;
const fallback: Host = createNodeHost();

/**
 * Makes `host` the one the library uses (the saddlelab kernel calls this once);
 * `undefined` goes back to the plain-Node default.
 *
 * @example
 * ```ts
 * import { createNodeHost } from './node-host';
 * const shown: unknown[] = [];
 * provideHost({ ...createNodeHost(), display: (bundle) => void shown.push(bundle) });
 * currentHost().display({ 'text/plain': 'hi' });
 * provideHost(undefined);
 * console.log(shown); // [ { 'text/plain': 'hi' } ]
 * ```
 */
export function provideHost(host: Host | undefined): void {
  if (host !== undefined) {
    requireObject('host', host);
    for (const method of ['openComm', 'registerTarget', 'registerWidget', 'display', 'updateDisplay', 'currentSignal', 'progress'] as const) {
      if (typeof host[method] !== 'function') fail(`host.${method}`, 'a function', host[method]);
    }
  }
  provided = host;
}

/**
 * The host this code runs in: the saddlelab kernel's, or the plain-Node default (`live: false`)
 * in stock tslab, a script or a test.
 *
 * @example
 * ```ts
 * import { host } from 'saddlelab';
 * const h = host.currentHost();
 * h.display({ 'text/plain': 'hello', 'text/html': '<b>hello</b>' }); // prints hello in plain Node
 * console.log(h.live); // false
 * ```
 */
export function currentHost(): Host {
  return provided ?? fallback;
}
