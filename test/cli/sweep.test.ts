/**
 * `saddlelab sweep`: --list, shards run one by one and merged into the table of the whole sweep,
 * --merge reporting missing points, and --emit slurm's job-array script.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli';

const dir = mkdtempSync(join(tmpdir(), 'saddlelab-cli-sweep-'));

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

const specPath = join(dir, 'scale.json');
writeFileSync(
  specPath,
  JSON.stringify({
    base: { model: { widths: [4, 4] }, data: { circleToy: {} }, train: { steps: 40, lr: { adaptive: 0.5 }, record: { every: 20 }, backend: 'cpu' } },
    grid: { 'model.init.scale': [0.1, 0.3] },
    seeds: 2,
  }),
);

it('--list prints one JSON line per point (of a shard, with --shard), named after the spec file', async () => {
  const all = await cli('sweep', '--spec', specPath, '--list');
  expect(all.code).toBe(0);
  const points = all.out.trim().split('\n').map((l) => JSON.parse(l));
  expect(points.map((p) => p.index)).toEqual([0, 1, 2, 3]);
  expect(points[3]).toEqual({ index: 3, id: expect.stringMatching(/^[0-9a-f]{16}$/), params: { 'model.init.scale': 0.3, seed: 1 } });
  const shard = await cli('sweep', '--spec', specPath, '--list', '--shard', '1/2');
  expect(shard.out.trim().split('\n').map((l) => JSON.parse(l).index)).toEqual([1, 3]);
  expect(shard.err).toMatch(/2 points in shard 1\/2 of 4/);
});

it('shards run separately, merged, give the table of the whole sweep; a missing shard is reported (exit 2)', async () => {
  const whole = await cli('sweep', '--spec', specPath, '--out', join(dir, 'whole'), '--workers', '0');
  expect(whole.code).toBe(0);
  expect(whole.err).toMatch(/sweep scale: 4 points, 0 done before, 4 to run in this process/);
  const wholeTable = JSON.parse(readFileSync(join(dir, 'whole', 'table.json'), 'utf8'));

  for (const i of [0, 1]) {
    const r = await cli('sweep', '--spec', specPath, '--out', join(dir, `shard${i}`), '--workers', '0', '--shard', `${i}/2`, '--quiet');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    // A shard does not write the table: it holds only part of the sweep.
    expect(existsSync(join(dir, `shard${i}`, 'table.csv'))).toBe(false);
  }
  const partial = await cli('sweep', '--merge', join(dir, 'shard0'), '--spec', specPath, '--out', join(dir, 'partial'));
  expect(partial.code).toBe(2);
  expect(partial.err).toMatch(/merged 2 rows from 1 folder: 2 done, 0 failed, 2 missing/);

  const merged = await cli('sweep', '--merge', join(dir, 'shard0'), join(dir, 'shard1'), '--spec', specPath, '--out', join(dir, 'merged'));
  expect(merged.code).toBe(0);
  expect(merged.err).toMatch(/merged 4 rows from 2 folders: 4 done, 0 failed, 0 missing/);
  const table = JSON.parse(readFileSync(join(dir, 'merged.json'), 'utf8'));
  const strip = (rows: Array<Record<string, unknown>>) => rows.map(({ seconds: _s, ...r }) => r);
  expect(strip(table.rows)).toEqual(strip(wholeTable.rows));
  const csv = readFileSync(join(dir, 'merged.csv'), 'utf8').split('\n');
  expect(csv[0]).toBe('id,index,status,model.init.scale,seed,depth,lastStep,endReason,finalLoss,minLoss,time,escapes,escapeTimes,firstEscape,firstEscapeTime,finalRank,seconds,backend,error');
  expect(csv).toHaveLength(4 + 2);
});

it('--emit slurm writes a job array with one task per shard, each running its shard into the sweep folder', async () => {
  const out = join(dir, 'cluster');
  const r = await cli('sweep', '--spec', specPath, '--out', out, '--emit', 'slurm', '--shards', '2', '--cpus', '2');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^#!\/bin\/bash\n/);
  expect(r.out).toMatch(/^#SBATCH --array=0-1$/m);
  expect(r.out).toMatch(/^#SBATCH --cpus-per-task=2$/m);
  expect(r.out).toMatch(/^#SBATCH --job-name=saddlelab-scale$/m);
  expect(r.out).toContain(`#SBATCH --output=${join(out, 'slurm', '%A_%a.out')}`);
  expect(r.out).toMatch(new RegExp(`sweep --spec '${specPath}' --out '${out}' --shard "\\$SLURM_ARRAY_TASK_ID/2"$`, 'm'));
  // Slurm fails a task whose log folder is missing, so emitting creates it.
  expect(existsSync(join(out, 'slurm'))).toBe(true);
  expect(r.err).toMatch(/4 points in 2 tasks/);
  const all = await cli('sweep', '--spec', specPath, '--out', out, '--emit', 'slurm');
  expect(all.out).toMatch(/^#SBATCH --array=0-3$/m);
});

it.each([
  [['sweep', '--merge'], /--merge needs one or more sweep folders/],
  [['sweep', '--merge', '/no/such/folder'], /dirs\[0\] must be a sweep folder/],
  [['sweep', '--merge', dir, '--shard', '0/2'], /--shard does not go with --merge/],
  [['sweep', '--spec', specPath], /--out is required/],
  [['sweep', '--spec', specPath, '--out', join(dir, 'x'), '--shards', '2'], /--shards goes with --emit slurm only/],
  [['sweep', '--spec', specPath, '--out', join(dir, 'x'), '--emit', 'slurm', '--shard', '0/2'], /--shard does not go with --emit/],
])('%j exits 1 with a [saddlelab] message', async (argv, message) => {
  const r = await cli(...(argv as string[]));
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/^\[saddlelab\]/);
  expect(r.err).toMatch(message as RegExp);
});
