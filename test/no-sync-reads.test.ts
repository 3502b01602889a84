/**
 * Every read from a tensor in src/ is asynchronous (`await t.data()`): tfjs's WebGPU backend
 * has no synchronous read in Node (its `readSync` copies through an OffscreenCanvas, which
 * Node lacks), and on any GPU a synchronous read stalls the queue. The code of every file in
 * src/ is parsed, so comments (a doc example for the CPU may still show `dataSync`) and
 * strings are not code; identifiers are.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const SRC = join(__dirname, '..', 'src');
const SYNC_READS = new Set(['dataSync', 'arraySync', 'bufferSync']);

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** `line:column name` of every synchronous read in the code of `text`. */
function syncReads(name: string, text: string): string[] {
  const file = ts.createSourceFile(name, text, ts.ScriptTarget.ES2020, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node) && SYNC_READS.has(node.text)) {
      const { line, character } = file.getLineAndCharacterOfPosition(node.getStart(file));
      found.push(`${line + 1}:${character + 1} ${node.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

it('finds a synchronous read in code, and none in a comment or a string', () => {
  expect(syncReads('a.ts', 'const v = t.dataSync();\nconst w = 1;\nu.arraySync();')).toEqual(['1:13 dataSync', '3:3 arraySync']);
  expect(syncReads('b.ts', "/**\n * console.log(t.dataSync()[0]); // on the cpu backend\n */\n// m.arraySync()\nconst s = 'dataSync';")).toEqual([]);
});

it('src/ reads no tensor synchronously (dataSync, arraySync, bufferSync)', () => {
  const files = tsFiles(SRC);
  expect(files.length).toBeGreaterThan(50);
  const found = files.flatMap((f) => syncReads(f, readFileSync(f, 'utf8')).map((hit) => `src/${relative(SRC, f)}:${hit}`));
  expect(found).toEqual([]);
});
