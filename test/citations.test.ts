/**
 * The repository cites only what a reader of it has: docs/paper.md and the
 * paper's own sections, never notes kept outside the repository or the numbers
 * of a tracker the reader does not have.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..');
const SELF = relative(ROOT, __filename);

/** What must not be cited: files beside the repository, and issue numbers. */
const FORBIDDEN: Array<[string, RegExp]> = [
  ['the paper notes outside the repository (cite docs/paper.md)', /(^|[^\w/.-])PAPER\.md/],
  ['the conventions outside the repository', /CONVENTIONS\.md/],
  ['a folder beside the repository', /\.\.\/shared\b/],
  ['an issue number', /\bissues? #?\d/i],
];

it('no tracked file cites files outside the repository or issue numbers', () => {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  expect(files.length).toBeGreaterThan(50);
  const found: string[] = [];
  for (const file of files) {
    if (file === SELF || /\.(png|jpg|gif|wasm|woff2?|ttf|ico)$/.test(file)) continue;
    let text: string;
    try {
      text = readFileSync(join(ROOT, file), 'utf8');
    } catch {
      continue; // a submodule or a file deleted in the work tree
    }
    text.split('\n').forEach((line, i) => {
      for (const [what, re] of FORBIDDEN) if (re.test(line)) found.push(`${file}:${i + 1}: ${what}: ${line.trim().slice(0, 120)}`);
    });
  }
  expect(found).toEqual([]);
});

it('the check sees what it is meant to see', () => {
  const hits = (line: string) => FORBIDDEN.filter(([, re]) => re.test(line)).map(([what]) => what);
  expect(hits('see PAPER.md, "Setup"')).toHaveLength(1);
  expect(hits('see docs/paper.md, "Setup"')).toEqual([]);
  expect(hits('(issue 7)')).toHaveLength(1);
  expect(hits('Issues #12 and 13')).toHaveLength(1);
  expect(hits('a known issue with tslab')).toEqual([]);
  expect(hits('read ../shared/notes')).toHaveLength(1);
});
