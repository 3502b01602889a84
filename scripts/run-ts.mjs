// Runs a TypeScript script of this repo: esbuild bundles it (dependencies stay external) and node runs it.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

const [entry, ...args] = process.argv.slice(2);
// Output two folders below the repo root, so code that finds the package root from __dirname works.
mkdirSync('.cache/run-ts', { recursive: true });
const out = join(resolve('.cache/run-ts'), basename(entry).replace(/\.ts$/, '.cjs'));
await build({ entryPoints: [entry], outfile: out, bundle: true, platform: 'node', format: 'cjs', packages: 'external', logLevel: 'warning', absWorkingDir: resolve('.') });
const r = spawnSync(process.execPath, [out, ...args], { stdio: 'inherit', env: { ...process.env, NODE_PATH: resolve('node_modules') } });
process.exit(r.status ?? 1);
