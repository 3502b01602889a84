/**
 * The layers point one way (docs/architecture.md): errors ← host ← data ← backend ← spectrum ←
 * train ← sweep ← widgets ← index.ts ← cli, kernel. Each folder imports only the ones below it,
 * no two folders import each other through any path, and no module of src/ imports itself back
 * through a cycle (type-only imports included: a cycle of types is a sign that a type sits one
 * floor too high).
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

/** The cycles of a directed graph (depth-first search), each as its nodes named by `label`, joined by arrows. */
function cyclesOf<T>(edges: Map<T, Iterable<T>>, label: (node: T) => string): string[] {
  const cycles: string[] = [];
  const state = new Map<T, 'open' | 'done'>();
  const stack: T[] = [];
  const visit = (f: T) => {
    state.set(f, 'open');
    stack.push(f);
    for (const d of edges.get(f) ?? []) {
      if (state.get(d) === 'open') cycles.push([...stack.slice(stack.indexOf(d)), d].map(label).join(' → '));
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of edges.keys()) if (!state.has(f)) visit(f);
  return cycles;
}

it('no module of src/ is part of an import cycle', () => {
  expect(cyclesOf(graph(), name)).toEqual([]);
});

/**
 * The layers, bottom first, as docs/architecture.md draws them: each folder (or top-level file)
 * imports only those before it. cli and kernel are both on top, beside each other: neither
 * imports the other, and nothing imports them.
 */
const LAYERS: string[][] = [['errors.ts'], ['host'], ['data'], ['backend'], ['spectrum'], ['train'], ['sweep'], ['widgets'], ['index.ts'], ['cli', 'kernel']];
const rank = (file: string) => LAYERS.findIndex((layer) => layer.includes(name(file).split('/')[0]));
const folder = (file: string) => name(file).split('/')[0];

it('every folder and top-level file of src/ has a place in the layers', () => {
  const placed = new Set(LAYERS.flat());
  expect([...new Set([...graph().keys()].map(folder))].filter((f) => !placed.has(f))).toEqual([]);
});

/** Imports that point up or sideways between folders. */
function upward(g: Map<string, string[]>): string[] {
  const wrong: string[] = [];
  for (const [file, deps] of g) for (const d of deps) if (folder(d) !== folder(file) && rank(d) >= rank(file)) wrong.push(`${name(file)} imports ${name(d)}`);
  return wrong;
}

/** Cycles in the graph of folders. */
function folderCycles(g: Map<string, string[]>): string[] {
  const edges = new Map<string, Set<string>>();
  for (const [file, deps] of g) for (const d of deps) if (folder(d) !== folder(file)) edges.set(folder(file), (edges.get(folder(file)) ?? new Set()).add(folder(d)));
  return cyclesOf(edges, (f) => f);
}

it('every folder imports only the layers below it (nothing imports the kernel or the CLI)', () => {
  expect(upward(graph())).toEqual([]);
});

it('no cycle between folders (a type two folders share lives in the lower one)', () => {
  expect(folderCycles(graph())).toEqual([]);
});

it('the checks catch what they look for: an upward import, a sideways one, a cycle between folders', () => {
  const f = (p: string) => join(SRC, p);
  const bad = new Map([
    [f('train/fit.ts'), [f('widgets/widget.ts')]],
    [f('cli/train.ts'), [f('kernel/launcher.ts')]],
    [f('sweep/sweep.ts'), [f('cli/config.ts')]],
    [f('cli/config.ts'), [f('train/fit.ts')]],
    [f('cli/sweep.ts'), [f('sweep/sweep.ts')]],
  ]);
  expect(upward(bad)).toEqual(['train/fit.ts imports widgets/widget.ts', 'cli/train.ts imports kernel/launcher.ts', 'sweep/sweep.ts imports cli/config.ts']);
  expect(folderCycles(bad)).toEqual(['cli → sweep → cli']);
});
