/**
 * Whether this process can run the webgpu engine's tests: Dawn is installed and a Vulkan
 * driver is set up for it, SwiftShader's (scripts/setup-swiftshader.sh, which `npm test`
 * runs) or a GPU's. Decided when a test file loads, so jest reports the tests as skipped,
 * saying why, where there is none. The loader reads LD_LIBRARY_PATH when the process
 * starts, so the set-up must come before jest, not from inside it.
 */
import { existsSync } from 'node:fs';

export function webgpuSkipReason(): string | undefined {
  try {
    require.resolve('webgpu/package.json');
  } catch {
    return "skipped: the optional dependency 'webgpu' (Dawn) is not installed";
  }
  const icd = process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES;
  if (process.env.SADDLELAB_WEBGPU_TESTS === '1') return undefined;
  if (!icd || !icd.split(':').some((f) => existsSync(f))) {
    return 'skipped: no Vulkan driver set up for Dawn (bash scripts/setup-swiftshader.sh prints the variables; npm test sets them)';
  }
  return undefined;
}
