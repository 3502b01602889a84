/**
 * Shared by the tests of native TensorFlow: whether the offline native build
 * exists, and `describe`/`it` that jest reports as *skipped* (with the reason
 * in the test's name) when it does not, decided when the file loads; under
 * SADDLELAB_STRICT=1 a missing build fails instead (test/outside.ts). The
 * README's test command builds it first, so in CI these tests run.
 */
import { existsSync } from 'node:fs';
import { nativeSearchPaths } from '../../src/backend/backend';
import { describeOutside, itOutside } from '../outside';

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
const WHY = 'the native backend is not built (`npm run build:native` says why: it needs a C++ compiler, make and the tensorflow-cpu wheel)';

/** Why a native test cannot run here ('' where it can), for {@link describeOutside}/{@link itOutside}. */
export function nativeMissing(): string {
  return nativeBuilt() ? '' : WHY;
}

/** `describe` where the native backend is built, else `describe.skip` naming why (a failure under SADDLELAB_STRICT=1). */
export function describeNative(name: string, fn: () => void): void {
  if (nativeBuilt()) describe(name, fn);
  else describeOutside(`native TensorFlow: ${name}`, WHY)(`${name} (${NATIVE_MISSING})`, fn);
}

/** `it` where the native backend is built, else `it.skip` naming why (a failure under SADDLELAB_STRICT=1). */
export function itNative(name: string, fn: () => unknown, timeout?: number): void {
  if (nativeBuilt()) it(name, fn as jest.ProvidesCallback, timeout);
  else itOutside(`native TensorFlow: ${name}`, WHY)(`${name} (${NATIVE_MISSING})`, fn as jest.ProvidesCallback, timeout);
}
