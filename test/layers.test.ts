/**
 * The layers point one way (docs/architecture.md): errors ← data ← backend ←
 * spectrum ← train, each folder importing only the ones below it (and the kernel
 * registry, a leaf below them all), and no module
 * of src/ imports itself back through a cycle (type-only imports included: a
 * cycle of types is a sign that a type sits one floor too high).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

const SRC = resolve(__dirname, '..', 'src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

/** Module → the src modules it imports (relative specifiers only; `import type` and `require` included). */
function graph(): Map<string, string[]> {
  const files = walk(SRC);
  const known = new Set(files);
  const out = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const deps = info.importedFiles
      .map((f) => f.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => {
        const base = resolve(dirname(file), spec);
        return [`${base}.ts`, join(base, 'index.ts')].find((c) => known.has(c));
      })
      .filter((d): d is string => d !== undefined);
    out.set(file, deps);
  }
  return out;
}

const name = (file: string) => relative(SRC, file);

it('no module of src/ is part of an import cycle', () => {
  const g = graph();
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const d of g.get(f) ?? []) {
      if (state.get(d) === 'open') cycles.push([...stack.slice(stack.indexOf(d)), d].map(name).join(' → '));
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of g.keys()) if (!state.has(f)) visit(f);
  expect(cycles).toEqual([]);
});

it('data, backend, spectrum and train import only the layers below them', () => {
  // src/kernel/ is a leaf that imports only errors, so train can read the kernel's interrupt signal.
  const ORDER = ['errors.ts', 'kernel', 'data', 'backend', 'spectrum', 'train'];
  const checked = ORDER.slice(2);
  const layer = (file: string) => ORDER.indexOf(name(file).split('/')[0]);
  const wrong: string[] = [];
  for (const [file, deps] of graph()) {
    const mine = layer(file);
    if (!checked.includes(ORDER[mine])) continue;
    for (const d of deps) {
      const theirs = layer(d);
      if (theirs < 0 || theirs > mine) wrong.push(`${name(file)} imports ${name(d)}`);
    }
  }
  expect(wrong).toEqual([]);
});
