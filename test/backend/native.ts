/**
 * Shared by the tests of native TensorFlow: whether the offline native build
 * exists, and `describe`/`it` that jest reports as *skipped* (with the reason
 * in the test's name) when it does not, decided when the file loads. The
 * README's test command builds it first, so in CI these tests run.
 */
import { existsSync } from 'node:fs';
import { nativeSearchPaths } from '../../src/backend/backend';

export function nativeBuilt(): boolean {
  try {
    require.resolve('@tensorflow/tfjs-node', { paths: nativeSearchPaths() });
    return true;
  } catch {
    return false;
  }
}

/** True where the GPU backend could load: an NVIDIA device and the tfjs-node-gpu build. */
export function gpuBuildPresent(): boolean {
  if (!existsSync('/dev/nvidia0') && !existsSync('/dev/nvidiactl')) return false;
  try {
    require.resolve('@tensorflow/tfjs-node-gpu', { paths: nativeSearchPaths() });
    return true;
  } catch {
    return false;
  }
}

export const NATIVE_MISSING = 'skipped: the native backend is not built (run `npm run build:native`)';

/** `describe` where the native backend is built, else `describe.skip` naming why. */
export function describeNative(name: string, fn: () => void): void {
  if (nativeBuilt()) describe(name, fn);
  else describe.skip(`${name} (${NATIVE_MISSING})`, fn);
}

/** `it` where the native backend is built, else `it.skip` naming why. */
export function itNative(name: string, fn: () => unknown, timeout?: number): void {
  if (nativeBuilt()) it(name, fn as jest.ProvidesCallback, timeout);
  else it.skip(`${name} (${NATIVE_MISSING})`, fn as jest.ProvidesCallback, timeout);
}
