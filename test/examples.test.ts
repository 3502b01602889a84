/**
 * Every `@example` in src/ runs, as written, and prints what it says it prints. An example is
 * TypeScript, transpiled by TypeScript itself; `import … from 'saddlelab'` gets src/index.ts,
 * a relative import the module beside the example, and the example may call its own module's
 * exports by name. A comment after a `console.log(…);` states its output, which is checked:
 * whitespace and quote style aside, exactly; `…` stands for any text (after digits: more
 * digits), and a closing parenthetical is an explanation, not output. Examples that need the
 * native backend or the built dist/ skip, saying why, where those are missing.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { format } from 'node:util';
import * as ts from 'typescript';
import { nativeBuilt, NATIVE_MISSING } from './backend/native';
import { webgpuSkipReason } from './train/webgpu';

const ROOT = resolve(__dirname, '..');
const SRC = join(ROOT, 'src');

interface Example {
  file: string;
  /** 1-based line of the `@example` tag. */
  line: number;
  code: string;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

/** The examples of one file: the ```ts fence after each `@example` in a doc comment. */
export function examplesOf(file: string, text: string): Example[] {
  const out: Example[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\*\s*@example\b/.test(lines[i])) continue;
    const start = lines.findIndex((l, j) => j > i && /^\s*\*\s*```ts\s*$/.test(l));
    const end = lines.findIndex((l, j) => j > start && /^\s*\*\s*```\s*$/.test(l));
    if (start < 0 || end < 0) throw new Error(`${relative(ROOT, file)}:${i + 1}: an @example without a \`\`\`ts fence`);
    out.push({ file, line: i + 1, code: lines.slice(start + 1, end).map((l) => l.replace(/^\s*\* ?/, '')).join('\n') });
  }
  return out;
}

const EXAMPLES = walk(SRC).flatMap((f) => examplesOf(f, readFileSync(f, 'utf8')));

/** A stated output as a regular expression over the normalized printed text. */
function expectation(stated: string): RegExp {
  const norm = normalize(stated);
  const pattern = norm
    .split(/(\d…|…|\.\.\.)/)
    .map((part) => (part === '…' || part === '...' ? '.*?' : /^\d…$/.test(part) ? `${part[0]}\\d*` : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`);
}
const normalize = (s: string) => s.replace(/\s+/g, '').replace(/"/g, "'");

/** Whether `printed` is what `stated` says, allowing a closing parenthetical that explains. */
function matches(printed: string, stated: string): boolean {
  const text = normalize(printed);
  if (expectation(stated).test(text)) return true;
  const bare = stated.replace(/\s*\([^()]*\)\s*$/, '');
  return bare !== stated && expectation(bare).test(text);
}

/** Rewrites `console.log(…); // stated` lines to `__check(n, …)`, so each output is tied to its statement. */
function instrument(code: string): { code: string; stated: Map<number, string> } {
  const stated = new Map<number, string>();
  const lines = code.split('\n').map((l, n) => {
    const m = /^(.*?)console\.log\((.*)\);\s*\/\/\s?(.+)$/.exec(l);
    if (!m) return l;
    stated.set(n, m[3].trim());
    return `${m[1]}__check(${n}, ${m[2]});`;
  });
  return { code: lines.join('\n'), stated };
}

/**
 * Examples that start worker threads or processes run against the built dist/: a worker is a
 * file beside its module (compiler-worker.js, worker.js), which src/ does not hold.
 */
const needsDist = (example: Example) => /startCompiler\(|createWorkerPool\(|sweep\.run\((?![^)]*workers: 0)/.test(example.code);
const distOf = (file: string) => join(ROOT, 'dist', relative(SRC, file)).replace(/\.ts$/, '.js');

/** Whether `command` is on the PATH. */
const onPath = (command: string) => (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, command)));

/** Why an example cannot run here, or undefined. */
function missing(example: Example): string | undefined {
  if (/useBackend\('tensorflow'\)|nativeGramSpectra|createNativeSvd|nativeSingularValues/.test(example.code) && !nativeBuilt()) return NATIVE_MISSING;
  if (needsDist(example) && !existsSync(distOf(example.file))) return 'skipped: it starts workers, which run from the built dist/ (npm run build)';
  if (/webgpuDevice\(/.test(example.code) && webgpuSkipReason()) return webgpuSkipReason();
  if (/writeReport\(/.test(example.code) && !existsSync(join(ROOT, '.venv', 'bin', 'jupyter')) && !onPath('jupyter')) return 'skipped: it runs jupyter nbconvert, which is not installed (bash scripts/setup.sh)';
  return undefined;
}

/** The example's statements, without imports and comments: an example that only shows code in comments runs nothing. */
const statements = (code: string) => code.split('\n').filter((l) => l.trim() && !/^\s*(\/\/|import\s)/.test(l));

async function run(example: Example): Promise<{ printed: string[]; checked: Array<{ line: number; printed: string; stated: string }> }> {
  const { code, stated } = instrument(example.code);
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true } }).outputText;
  const dist = needsDist(example);
  const file = dist ? distOf(example.file) : example.file;
  const own = require(file) as Record<string, unknown>;
  const load = (spec: string) => {
    if (spec === 'saddlelab') return require(dist ? join(ROOT, 'dist', 'index.js') : join(SRC, 'index.ts'));
    if (spec.startsWith('.')) return require(resolve(dirname(file), spec));
    return require(spec);
  };
  // The module's own exports, for examples that call them by name (those not imported or declared by the example).
  const declared = new Set([...code.matchAll(/\b(?:const|let|function|class)\s+\{?([\w\s,]+)\}?/g)].flatMap((m) => m[1].split(',').map((s) => s.trim())));
  const names = Object.keys(own).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && !declared.has(n) && new RegExp(`\\b${n}\\b`).test(code));
  const printed: string[] = [];
  const checked: Array<{ line: number; printed: string; stated: string }> = [];
  const log = (...args: unknown[]) => void printed.push(format(...args));
  const check = (line: number, ...args: unknown[]) => {
    const text = format(...args);
    printed.push(text);
    checked.push({ line, printed: text, stated: stated.get(line)! });
  };
  const sandboxConsole = { ...console, log, info: log, table: log, error: log, warn: log };
  const body = `const { ${names.join(', ')} } = __own;\nreturn (async () => {\n${js}\n})();`;
  const fn = new Function('require', 'exports', 'console', '__check', '__own', body) as (...a: unknown[]) => Promise<void>;
  await fn(load, {}, sandboxConsole, check, own);
  return { printed, checked };
}

// Examples write files relative to the working folder ('runs/…'): give them a folder of their own.
const cwd = process.cwd();
beforeAll(() => process.chdir(mkdtempSync(join(tmpdir(), 'saddlelab-examples-'))));
afterAll(() => process.chdir(cwd));

it('finds the examples (every export has one)', () => {
  expect(EXAMPLES.length).toBeGreaterThan(100);
});

describe.each(EXAMPLES.map((e) => [`${relative(ROOT, e.file)}:${e.line}`, e] as const))('%s', (_where, example) => {
  const why = missing(example);
  (why ? it.skip : it)(why ? `runs (${why})` : 'runs, and prints what it states', async () => {
    expect(statements(example.code)).not.toEqual([]);
    const { checked } = await run(example);
    for (const c of checked) {
      if (!matches(c.printed, c.stated)) throw new Error(`line ${c.line + 1} printed\n  ${c.printed}\nbut its comment states\n  ${c.stated}`);
    }
  }, 120_000);
});

it('the checker itself: exact values, ellipses, explanations; and a wrong value fails', () => {
  expect(matches('[ 4, 3 ]', '[4, 3]')).toBe(true);
  expect(matches("[ 'a', 'toy' ]", "[..., 'toy']")).toBe(true);
  expect(matches('{ rate: 0.35, lo: 0.18119, hi: 0.5671 }', '{ rate: 0.35, lo: 0.181…, hi: 0.567… }')).toBe(true);
  expect(matches('258', '258 (big-endian int16)')).toBe(true);
  expect(matches('[ 4, 2 ]', '[4, 3]')).toBe(false);
  expect(matches('0.182', '0.181…')).toBe(false);
  expect(instrument("const a = 1;\nconsole.log(a, 'x'); // 1 x").stated).toEqual(new Map([[1, '1 x']]));
  expect(existsSync(EXAMPLES[0].file)).toBe(true);
});
