/**
 * The real-scheduler round trip: a single-node Slurm cluster started here (slurm-cluster.ts), the
 * job-array script of `saddlelab sweep --emit slurm` submitted with `sbatch --wait`, the shard
 * folders merged with `--merge`, and the table compared with a local run of the same spec.
 * The array tasks run the built command line (bin/saddlelab.js → dist/), as a user's would.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweep } from '../../src/sweep/sweep';
import type { SweepRow } from '../../src/sweep/point';
import { itOutside } from '../outside';
import { ensureSlurm, startCluster, type SlurmCluster } from './slurm-cluster';

const root = join(__dirname, '../..');
const bin = join(root, 'bin', 'saddlelab.js');
const built = existsSync(join(root, 'dist', 'sweep', 'worker.js'));
const skip = built ? ensureSlurm() : 'dist/ is not built (npm run build); the Slurm tasks run the built command line';

const spec = {
  name: 'slurm-round-trip',
  base: { model: { widths: [6, 6] }, data: { circleToy: {} }, train: { steps: 150, lr: { adaptive: 0.5 }, record: { every: 50 } } },
  grid: { 'model.init.scale': [0.05, 0.1, 0.2] },
  seeds: 2,
};

let cluster: SlurmCluster | undefined;
afterAll(async () => {
  await cluster?.stop();
});

itOutside('the Slurm round trip', skip)(
  'sbatch runs the emitted job array; the merged shards equal a local run of the same spec',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saddlelab-slurm-sweep-'));
    const specPath = join(dir, 'spec.json');
    writeFileSync(specPath, JSON.stringify(spec));
    const out = join(dir, 'runs');
    cluster = await startCluster();

    const emit = spawnSync(process.execPath, [bin, 'sweep', '--spec', specPath, '--out', out, '--emit', 'slurm', '--shards', '3'], { encoding: 'utf8', cwd: dir });
    expect(emit.status).toBe(0);
    const script = join(dir, 'job.sh');
    writeFileSync(script, emit.stdout);

    const submit = spawnSync('sbatch', ['--wait', '--parsable', script], { env: cluster.env, encoding: 'utf8', cwd: dir, timeout: 600_000 });
    const taskLogs = existsSync(join(out, 'slurm')) ? readdirSync(join(out, 'slurm')) : [];
    const context = () => `sbatch: ${submit.status} ${submit.stderr}\ntask logs: ${taskLogs.map((f) => `${f}:\n${readFileSync(join(out, 'slurm', f), 'utf8')}`).join('\n')}\n${cluster!.logs()}`;
    if (submit.status !== 0) throw new Error(`the job array failed:\n${context()}`);
    const jobId = submit.stdout.trim();
    // One log per array task, each having run its own shard.
    expect(taskLogs.sort()).toEqual([0, 1, 2].map((i) => `${jobId}_${i}.out`));
    for (const i of [0, 1, 2]) expect(readFileSync(join(out, 'slurm', `${jobId}_${i}.out`), 'utf8')).toMatch(new RegExp(`sweep slurm-round-trip shard ${i}/3: 2 points of 6`));

    const merge = spawnSync(process.execPath, [bin, 'sweep', '--merge', out, '--spec', specPath, '--out', join(dir, 'table')], { encoding: 'utf8' });
    expect(merge.stderr).toMatch(/merged 6 rows from 1 folder: 6 done, 0 failed, 0 missing/);
    expect(merge.status).toBe(0);
    const merged = JSON.parse(readFileSync(join(dir, 'table.json'), 'utf8')).rows as SweepRow[];

    // The same spec run here, with the same threads per process as a task of --cpus-per-task=1.
    const local = await sweep(spec, { out: join(dir, 'local'), workers: 2, threads: 1, log: false, workerScript: join(root, 'dist/sweep/worker.js') });
    const strip = (rows: SweepRow[]) => rows.map(({ seconds: _s, ...r }) => r);
    expect(strip(merged)).toEqual(strip(local.rows));
    expect(merged.every((r) => r.status === 'done')).toBe(true);
  },
  900_000,
);
