/**
 * The kernel's adapter to other projects' internals, the one door to them: tslab's modules
 * under tslab/dist and its TypeScript (tslab.ts), and Node's private module internals
 * (node-module.ts), which the code cache (code-cache.ts) and the `import 'saddlelab'`
 * fallback (self-import.ts) use. The rest of src/kernel/ imports this module only.
 *
 * `checkAdapter()` runs at the kernel's start-up, before any of it is used: a missing Node
 * internal turns its feature off, a missing tslab module makes cells fail with the reason,
 * and either is said in the kernel's log at once (docs/kernel.md, "The fence around tslab").
 */
import { checkNodeInternals } from './node-module';

export { provideToCopies } from './node-module';
import { checkTslab } from './tslab';

export { hasOwnCopy, installSelfImport } from './self-import';
export {
  forwardPackage,
  loadTslab,
  loadTslabCompiler,
  packageHome,
  preloadTypescript,
  resilientConverter,
  SUPPORTED_TSLAB,
  tslabVersion,
  typescriptVersion,
} from './tslab';
export type {
  CompletionInfo,
  ConsoleInterface,
  Converter,
  ConverterOptions,
  ConverterSet,
  DisplayHook,
  Executor,
  IsCompleteResult,
  TslabCompiler,
  TslabRuntime,
  TsSys,
} from './tslab';
export type { CachedModule } from './code-cache';

/**
 * What is missing of the internals the kernel uses, as [saddlelab] lines for its log (empty
 * when everything is there). Loads nothing: the kernel still answers at once.
 *
 * @example
 * ```ts
 * for (const line of checkAdapter()) console.error(line); // nothing with tslab 1.0.22 on Node 20
 * ```
 */
export function checkAdapter(): string[] {
  const node = checkNodeInternals().map(
    (name) => `[saddlelab] Node ${process.version} lacks ${name}; the kernel runs without the code cache, without importing its own saddlelab from folders that have none, and without live widgets from a folder's own copy of saddlelab`,
  );
  return [...node, ...checkTslab()];
}
