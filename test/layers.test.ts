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

/** The module specifiers a file imports: import/export … from, import type, require() and import(). */
function specifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2020, true);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0]) &&
      ((ts.isIdentifier(node.expression) && node.expression.text === 'require') || node.expression.kind === ts.SyntaxKind.ImportKeyword)) {
      out.push(node.arguments[0].text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** Module → the src modules it imports (relative specifiers only; type-only imports included). */
let built: Map<string, string[]> | undefined;
function graph(): Map<string, string[]> {
  if (built) return built;
  const files = walk(SRC);
  const known = new Set(files);
  const out = new Map<string, string[]>();
  for (const file of files) {
    const deps = specifiers(file)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => {
        const base = resolve(dirname(file), spec);
        return [`${base}.ts`, join(base, 'index.ts')].find((c) => known.has(c));
      })
      .filter((d): d is string => d !== undefined);
    out.set(file, deps);
  }
  return (built = out);
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
