/**
 * The command line: `train` writes a history that loads back, `escape` prints the
 * solver's answer, and bad input exits non-zero with a `[saddlelab]` message.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS, main } from '../../src/cli';
import { loadHistory } from '../../src/train/history';

const dir = mkdtempSync(join(tmpdir(), 'saddlelab-cli-'));

/** Runs the CLI in-process, capturing stdout and stderr. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const spyOut = jest.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  const spyErr = jest.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  try {
    const code = await main(argv);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    spyOut.mockRestore();
    spyErr.mockRestore();
  }
}

function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

beforeAll(() => {
  process.env.SADDLELAB_BACKEND = 'cpu';
});

it('train: runs a config with inline data and writes a history that loads back', async () => {
  const config = file('run.json', {
    model: { widths: [6, 6], activation: 'relu', init: { scale: 0.3, seed: 2 } },
    data: { x: [[1, 0], [0, 1], [1, 1], [-1, 0.5]], y: [[1], [-1], [0.5], [0.2]] },
    train: { steps: 40, lr: 0.05, record: { every: 10 } },
  });
  const out = join(dir, 'history.json');
  const r = await cli('train', '--config', config, '--out', out);
  expect(r.code).toBe(0);
  expect(r.err).toMatch(/\[saddlelab\] .*backend: cpu/);
  expect(r.err).toMatch(/step 40\/40/);
  const h = loadHistory(readFileSync(out, 'utf8'));
  expect(h.length).toBe(40);
  expect(h.records.map((x) => x.step)).toEqual([0, 10, 20, 30, 40]);
  expect(h.meta.dims).toEqual([2, 6, 6, 1]);
  expect((h.meta.config as { train: { steps: number } }).train.steps).toBe(40);
});

it('train: data from a file, initial weights as arrays', async () => {
  const data = file('data.json', { x: [[1, 2], [3, 4], [5, 6]], y: [[1], [2], [3]] });
  const config = file('run2.json', {
    model: { widths: [1], activation: 'linear', init: { weights: [[[0.1, 0.1]], [[0.2]]] } },
    data: { file: data },
    train: { steps: 5, lr: 0.001, record: false },
  });
  const r = await cli('train', '--config', config, '--out', join(dir, 'h2.json'), '--quiet');
  expect(r.code).toBe(0);
  const h = loadHistory(readFileSync(join(dir, 'h2.json'), 'utf8'));
  // Step 0's loss is the initial one: predictions 0.02·(x1 + x2) against y, C = Σ(ŷ − y)²/(2N).
  const pred = [[1, 2], [3, 4], [5, 6]].map(([a, b]) => 0.02 * (a + b));
  const expected = pred.reduce((acc, p, i) => acc + (p - (i + 1)) ** 2, 0) / 6;
  expect(h.loss()[0]).toBeCloseTo(expected, 5);
});

it('escape: prints the best speed, per-layer singular values and how many starts reached it', async () => {
  const X = Array.from({ length: 8 }, (_, k) => [Math.cos((2 * Math.PI * k) / 8), Math.sin((2 * Math.PI * k) / 8)]);
  const G = X.map((_, k) => [k % 2 === 0 ? -1 : 1]);
  const input = file('problem.json', { X, G, depth: 3, width: 4, starts: 8, seed: 1 });
  const r = await cli('escape', '--input', input);
  expect(r.code).toBe(0);
  const out = JSON.parse(r.out);
  expect(out.speed).toBeGreaterThan(0.41);
  expect(out.layerSingularValues).toHaveLength(3);
  expect(out.starts).toBe(8);
  expect(out.reachedBest).toBeGreaterThanOrEqual(1);
});

it.each([
  [['train'], /--config is required/],
  [['train', '--config'], /--config needs a value/],
  [['train', '--bogus', '1'], /unknown option --bogus; accepted: --config, --out, --backend, --checkpoint, --checkpoint-every, --resume, --quiet, --help/],
  [['train', '--config', '/nonexistent.json', '--out', '/tmp/x.json'], /config: cannot read \/nonexistent.json/],
  [['escape'], /--input is required/],
  [['frobnicate'], /unknown command 'frobnicate'/],
])('bad input %j exits 1 with a [saddlelab] message', async (argv, message) => {
  const r = await cli(...(argv as string[]));
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/^\[saddlelab\]/);
  expect(r.err).toMatch(message as RegExp);
});

it.each([
  ['invalid JSON', '{ nope', /config: .* is not valid JSON/],
  ['a negative width', { model: { widths: [-2] }, data: { x: [[1]], y: [[1]] }, train: { steps: 1 } }, /widths\[0\] must be a positive integer; got -2/],
  ['a non-finite step', { model: { widths: [2] }, data: { x: [[1]], y: [[1]] }, train: { steps: 1, lr: -1 } }, /lr must be a finite number > 0; got -1/],
  ['mismatched rows', { model: { widths: [2] }, data: { x: [[1], [2]], y: [[1]] }, train: { steps: 1 } }, /data.x and data.y must have the same number of rows; got 2 and 1/],
  ['an unknown backend', { model: { widths: [2] }, data: { x: [[1]], y: [[1]] }, train: { steps: 1, backend: 'tpu' } }, /backend must be one of 'gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'; got "tpu"/],
  ['an unknown data generator', { model: { widths: [2] }, data: { cifar: {} }, train: { steps: 1 } }, /data must be one of/],
  ['a typo in an option', { model: { widths: [2] }, data: { x: [[1]], y: [[1]] }, train: { steps: 1, lr_: 1 } }, /options.lr_ must be one of the known options/],
])('train with %s exits 1 naming the field', async (_what, config, message) => {
  const r = await cli('train', '--config', file('bad.json', config), '--out', join(dir, 'never.json'));
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/^\[saddlelab\]/);
  expect(r.err).toMatch(message as RegExp);
});

/** Each command's string options and switches, from its own table (src/cli/<command>.ts). */
const FLAGS = Object.fromEntries(
  COMMANDS.map((c) => {
    const entries = Object.entries(c.options);
    return [c.name, { valued: entries.filter(([, o]) => o.type === 'string').map(([n]) => n), all: [...entries.map(([n]) => n), 'help'] }];
  }),
);

/**
 * The sweep enumerates the commands' option tables. For every command:
 * an unknown flag and a stray argument are errors listing what is accepted; every valued flag
 * without a value is an error naming it; every valued flag has a bad-value case below (a new
 * flag without one fails the coverage test).
 */
/** A valid two-point sweep spec, for the sweep command's bad-value cases. */
const SWEEP = { base: { model: { widths: [2] }, data: { x: [[1]], y: [[1]] }, train: { steps: 1 } }, grid: { 'train.lr': [0.1, 0.2] } };

const BAD_VALUES: Record<string, { argv: () => string[]; message: RegExp; built?: true }> = {
  'train --config': { argv: () => ['train', '--config', file('notjson.json', '{ nope'), '--out', join(dir, 'n.json')], message: /config: .* is not valid JSON/ },
  'train --out': { argv: () => ['train', '--config', file('ok.json', { model: { widths: [2] }, data: { x: [[1]], y: [[1]] }, train: { steps: 1 } }), '--out', '/no/such/folder/h.json'], message: /--out: the folder \/no\/such\/folder does not exist/ },
  'train --backend': {
    argv: () => ['train', '--config', file('ok.json', { model: { widths: [2] }, data: { x: [[1]], y: [[1]] }, train: { steps: 1 } }), '--out', join(dir, 'n.json'), '--backend', 'tpu'],
    message: /backend must be one of 'gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'; got "tpu"/,
  },
  'train --checkpoint': {
    argv: () => ['train', '--config', file('ok.json', { model: { widths: [2] }, data: { x: [[1]], y: [[1]] }, train: { steps: 1 } }), '--out', join(dir, 'n.json'), '--checkpoint', mkdtempSync(join(dir, 'empty-')), '--resume'],
    message: /checkpoint.resume: .* holds no checkpoint/,
  },
  'train --checkpoint-every': {
    argv: () => ['train', '--config', file('ok.json', { model: { widths: [2] }, data: { x: [[1]], y: [[1]] }, train: { steps: 1 } }), '--out', join(dir, 'n.json'), '--checkpoint', join(dir, 'ck'), '--checkpoint-every', '0'],
    message: /--checkpoint-every must be a finite number > 0; got 0/,
  },
  'escape --input': { argv: () => ['escape', '--input', file('arr.json', [1, 2])], message: /^\[saddlelab\] input must be/ },
  'demo --steps': { argv: () => ['demo', '--steps', 'many'], message: /--steps must be a positive integer; got "many"/ },
  'demo --backend': { argv: () => ['demo', '--backend', 'tpu', '--steps', '1'], message: /backend must be one of .*got "tpu"/ },
  'sweep --spec': { argv: () => ['sweep', '--spec', file('notjson.json', '{ nope'), '--out', join(dir, 'sw')], message: /spec: .* is not valid JSON/ },
  'sweep --out': { argv: () => ['sweep', '--spec', file('sw.json', SWEEP), '--out', join(file('a-file', 'x'), 'sub')], message: /out: cannot create the sweep folder/ },
  'sweep --workers': { argv: () => ['sweep', '--spec', file('sw.json', SWEEP), '--out', join(dir, 'sw'), '--workers', 'many'], message: /--workers must be an integer >= 0; got "many"/ },
  'sweep --threads': { argv: () => ['sweep', '--spec', file('sw.json', SWEEP), '--out', join(dir, 'sw'), '--threads', '0'], message: /--threads must be an integer >= 1; got "0"/ },
  'sweep --shard': { argv: () => ['sweep', '--spec', file('sw.json', SWEEP), '--list', '--shard', '3/2'], message: /--shard.index must be an integer from 0 to count − 1 = 1; got 3/ },
  'sweep --emit': { argv: () => ['sweep', '--spec', file('sw.json', SWEEP), '--out', join(dir, 'sw'), '--emit', 'pbs'], message: /--emit must be one of 'slurm'; got "pbs"/ },
  'sweep --shards': { argv: () => ['sweep', '--spec', file('sw.json', SWEEP), '--out', join(dir, 'sw'), '--emit', 'slurm', '--shards', '9'], message: /shards must be at most the number of points \(2\)/ },
  'sweep --cpus': { argv: () => ['sweep', '--spec', file('sw.json', SWEEP), '--out', join(dir, 'sw'), '--emit', 'slurm', '--cpus', '-1'], message: /--cpus must be an integer >= 1; got "-1"/ },
  'install --prefix': { argv: () => ['install', '--prefix', file('a-file', 'x')], message: /--prefix: cannot write the kernelspec/, built: true },
  'uninstall --prefix': { argv: () => ['uninstall', '--prefix', '--user'], message: /--prefix needs a value/ },
  'report --out': { argv: () => ['report', file('run.ipynb', { cells: [] }), '--out', 'report.txt'], message: /--out must be a path ending in \.html; got 'report\.txt'/ },
};

const commandCases = Object.entries(FLAGS).flatMap(([command, { valued, all }]) => [
  [`${command}: unknown flag`, [command, '--bogus'], new RegExp(`unknown option --bogus; accepted: ${all.map((f) => `--${f}`).join(', ')}`)],
  [`${command}: stray argument`, [command, 'stray'], /unexpected argument 'stray'/],
  ...valued.map((f) => [`${command}: --${f} without a value`, [command, `--${f}`], new RegExp(`--${f} needs a value`)]),
]) as Array<[string, string[], RegExp]>;

it.each(commandCases)('%s exits 1 with a [saddlelab] message', async (_what, argv, message) => {
  const r = await cli(...argv);
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/^\[saddlelab\]/);
  expect(r.err).toMatch(message);
});

// install needs the built launcher (dist/), so it runs through the installed binary.
it.each(Object.entries(BAD_VALUES))('%s with a bad value exits 1 naming it', async (_key, { argv, message, built }) => {
  const viaBin = (args: string[]) => {
    const p = spawnSync(process.execPath, [join(__dirname, '../../bin/saddlelab.js'), ...args], { encoding: 'utf8' });
    return { code: p.status, out: p.stdout, err: p.stderr };
  };
  const r = built ? viaBin(argv()) : await cli(...argv());
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/^\[saddlelab\]/);
  expect(r.err).toMatch(message);
});

it('every valued flag of every command has a bad-value case, and the top-level help lists every command', async () => {
  const flags = Object.entries(FLAGS).flatMap(([c, { valued }]) => valued.map((f) => `${c} --${f}`));
  expect(flags.filter((k) => !(k in BAD_VALUES))).toEqual([]);
  expect(Object.keys(BAD_VALUES).filter((k) => !flags.includes(k))).toEqual([]);
  const help = await cli('--help');
  expect(help.code).toBe(0);
  const listed = [...help.out.matchAll(/^ {2}(\w+)/gm)].map((m) => m[1]);
  expect(listed).toEqual(COMMANDS.map((c) => c.name));
});

describe.each(COMMANDS.map((c) => [c.name, c] as const))('%s --help', (name, command) => {
  it.each(['--help', '-h'])('%s prints the usage, every option with its default, an example and the exit codes, and exits 0', async (flag) => {
    const r = await cli(name, flag);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toBe(command.help());
    expect(r.out).toMatch(new RegExp(`^saddlelab ${name}: `));
    expect(r.out).toMatch(new RegExp(`usage:\n  saddlelab ${name} `));
    for (const [option, spec] of Object.entries(command.options)) {
      const line = r.out.split('\n').find((l) => l.includes(`--${option}${spec.type === 'string' ? ' ' : ''}`) && l.includes(spec.description));
      expect(line).toBeDefined();
      if (spec.default !== undefined) expect(line).toContain(`[default: ${spec.default}]`);
    }
    expect(r.out).toMatch(new RegExp(`examples?:\n  (npx )?saddlelab ${name}\\b`));
    expect(r.out).toMatch(/exit codes:\n {2}0 +\S/);
    expect(r.out).toMatch(/^ {2}1 +bad options/m);
  });

  it('help wins over missing required options, but not over an unknown one', async () => {
    expect((await cli(name, '--help')).code).toBe(0);
    const r = await cli(name, '--help', '--bogus');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^\[saddlelab\] unknown option --bogus/);
  });
});

it('a switch given a value, and a short option that does not exist, are errors naming them', async () => {
  const quiet = await cli('train', '--quiet=yes');
  expect(quiet.code).toBe(1);
  expect(quiet.err).toMatch(/^\[saddlelab\] --quiet takes no value; got --quiet=yes/);
  const short = await cli('sweep', '-x');
  expect(short.code).toBe(1);
  expect(short.err).toMatch(/^\[saddlelab\] unknown option -x; accepted: --spec, /);
});

const bin = join(__dirname, '../../bin/saddlelab.js');
(existsSync(join(__dirname, '../../dist/cli/index.js')) ? it : it.skip)('the installed binary runs (dist/) and exits non-zero on bad input', () => {
  const help = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
  expect(help).toMatch(/usage: saddlelab <command>/);
  const bad = spawnSync(process.execPath, [bin, 'escape', '--input', file('e.json', { X: [[1]], G: [[0]] })], { encoding: 'utf8' });
  expect(bad.status).toBe(1);
  expect(bad.stderr).toMatch(/^\[saddlelab\] G must be a matrix with a non-zero entry/);
});
