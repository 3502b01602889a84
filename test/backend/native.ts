/**
 * Shared by the backend tests: whether the offline native build exists, with
 * the one message every skipped native test prints (the README's test command
 * builds it first, so in CI these tests run).
 */
import { nativeSearchPaths } from '../../src/backend/backend';

export function nativeBuilt(): boolean {
  try {
    require.resolve('@tensorflow/tfjs-node', { paths: nativeSearchPaths() });
    return true;
  } catch {
    return false;
  }
}

export function reportSkip(what: string): void {
  // eslint-disable-next-line no-console
  console.log(`[saddlelab test] SKIPPED ${what}: the native backend is not built (run \`npm run build:native\`)`);
}
