// Builds the browser widget extension (widgets/labextension) and src/ to dist/: esbuild transpiles every file to CommonJS (one file per
// source file, so `require('saddlelab')` and the kernel launcher share modules),
// and tsc emits the .d.ts files that tslab needs to type-check cells.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

// The widget extension first: it also generates src/widgets/version.ts, which src/ imports.
execFileSync(process.execPath, ['scripts/build-widgets.mjs'], { stdio: 'inherit' });
await build({
  entryPoints: walk('src'),
  outdir: 'dist',
  outbase: 'src',
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
// The reports' script (Plotly and the figure code, inlined in every HTML report).
execFileSync(process.execPath, ['scripts/build-report.mjs'], { stdio: 'inherit' });
console.error('[saddlelab] built dist/');
