// Builds the script of saddlelab's HTML reports (widgets/src/report-page.ts, with Plotly and the
// widgets' figure code) into one self-contained file, dist/report-page.js, that
// src/widgets/report.ts inlines once per report: no request leaves a report opened from disk.
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await build({
  entryPoints: [join(root, 'widgets/src/report-page.ts')],
  outfile: join(root, 'dist/report-page.js'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
});
// Inlined raw into a <script> element (by report.ts, and by the nbconvert template's include_js): no `</script` inside.
const out = join(root, 'dist/report-page.js');
writeFileSync(out, readFileSync(out, 'utf8').replace(/<\/script/gi, '<\\/script'));
console.error('[saddlelab] built dist/report-page.js');
