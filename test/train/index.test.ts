/**
 * src/train/index.ts names where every training concept lives (docs/architecture.md,
 * "Training": the hops from src/index.ts). The map is only useful while it is complete.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const TRAIN = join(__dirname, '..', '..', 'src', 'train');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [relative(TRAIN, p)] : [];
  });
}

it("the header of src/train/index.ts names every file of src/train", () => {
  const text = readFileSync(join(TRAIN, 'index.ts'), 'utf8');
  const header = text.slice(0, text.indexOf('*/'));
  const named = (f: string) => new RegExp(`(^|[\\s(/])${f.split('/').pop()!.replace('.', '\\.')}\\b`).test(header);
  const missing = files(TRAIN).filter((f) => f !== 'index.ts' && !named(f));
  expect(missing).toEqual([]);
});
