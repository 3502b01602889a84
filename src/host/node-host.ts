/**
 * The plain-Node host (`live: false`): where no saddlelab kernel runs (a script, a test, stock
 * tslab). Displays go through stock tslab's display hook when a stock tslab kernel is running
 * the cell, else their text on stdout; comms throw a [saddlelab] error saying how to get the
 * kernel; there is no interrupt signal and no progress bar (a run logs lines instead).
 */
import { SaddlelabError, fail } from '../errors';
import type { Host, MimeBundle } from './types';

/** Writes a display (`update`: an update of `displayId`). */
export type DisplayWriter = (bundle: MimeBundle, metadata: Record<string, unknown>, displayId: string | undefined, update: boolean) => void;

type StockDisplayHook = (data: { data: MimeBundle; metadata: Record<string, unknown>; transient: Record<string, unknown> }, update: boolean) => void;

/**
 * Stock tslab's display hook, when this process is a stock tslab kernel running a cell (saddlelab
 * loaded there without its own kernel). That kernel's tslab may be another copy than
 * saddlelab's dependency (a global tslab), so every loaded tslab/dist/jupyter.js is asked.
 * Loads nothing. (tslab's public `display` has no display ids, so its module's hook is read.)
 */
function stockTslabDisplay(): StockDisplayHook | undefined {
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!mod || !/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file)) continue;
    const hook = (mod.exports as { lastWriteDisplayData?: unknown }).lastWriteDisplayData;
    if (typeof hook === 'function') return hook as StockDisplayHook;
  }
  return undefined;
}

/** Stock tslab's display hook when one is loaded, else the bundle's text/plain on stdout (updates dropped). */
export const defaultDisplayWriter: DisplayWriter = (bundle, metadata, displayId, update) => {
  const write = stockTslabDisplay();
  if (write) write({ data: bundle, metadata, transient: displayId ? { display_id: displayId } : {} }, update);
  else if (!update && typeof bundle['text/plain'] === 'string') console.log(bundle['text/plain']);
};

const NO_COMMS = '[saddlelab] Jupyter comms need the saddlelab kernel: run `npx saddlelab install` and pick "TypeScript (saddlelab)"';

/**
 * The plain-Node host, writing displays with `write`.
 *
 * @example
 * ```ts
 * const host = createNodeHost();
 * host.display({ 'text/plain': 'hello' }); // prints hello in plain Node
 * console.log(host.live, host.progress({ name: 'run', total: 10 })); // false undefined
 * ```
 */
export function createNodeHost(write: DisplayWriter = defaultDisplayWriter): Host {
  if (typeof write !== 'function') fail('write', 'a function (bundle, metadata, displayId, update) => void', write);
  return {
    live: false,
    openComm() {
      throw new SaddlelabError(NO_COMMS, 'kernel');
    },
    registerTarget() {
      throw new SaddlelabError(NO_COMMS, 'kernel');
    },
    registerWidget: () => () => {},
    display: (bundle, o) => write(bundle, o?.metadata ?? {}, o?.displayId, false),
    updateDisplay: (id, bundle, o) => write(bundle, o?.metadata ?? {}, id, true),
    currentSignal: () => undefined,
    progress: () => undefined,
  };
}
