/**
 * A single-node Slurm cluster for the tests: munged, slurmctld and slurmd run in the foreground
 * as children of the test process, with their key, config, state, spool and logs in a temporary
 * folder and free ports, so nothing of the machine's own Slurm (if any) is touched. Debian's
 * `slurm-wlm` and `munge` are installed with apt when missing and the test runs as root.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, hostname, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';

const DAEMONS = { munged: '/usr/sbin/munged', slurmctld: '/usr/sbin/slurmctld', slurmd: '/usr/sbin/slurmd' };
const CLIENTS = ['sbatch', 'sinfo', 'squeue'];

const onPath = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const installed = () => Object.values(DAEMONS).every((d) => existsSync(d)) && CLIENTS.every(onPath);

/**
 * Makes sure Slurm and MUNGE are installed (apt, as root) and returns undefined, or returns why
 * they cannot be (the test then skips, saying so).
 */
export function ensureSlurm(): string | undefined {
  if (process.platform !== 'linux') return `Slurm needs Linux (this is ${process.platform})`;
  if (installed()) return undefined;
  if (process.getuid?.() !== 0) return 'slurm-wlm and munge are not installed, and installing them needs root (apt-get)';
  if (!onPath('apt-get')) return 'slurm-wlm and munge are not installed, and there is no apt-get to install them';
  process.stderr.write('[saddlelab test] installing Debian\'s slurm-wlm and munge for the scheduler round trip\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args: string[]) => spawnSync('apt-get', args, { env, encoding: 'utf8', timeout: 600_000 });
  let r = run(['install', '-y', '-qq', '--no-install-recommends', 'slurm-wlm', 'munge']);
  if (r.status !== 0) {
    run(['update', '-qq']);
    r = run(['install', '-y', '-qq', '--no-install-recommends', 'slurm-wlm', 'munge']);
  }
  if (r.status !== 0 || !installed()) return `apt-get could not install slurm-wlm and munge: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-2).join(' ')}`;
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface SlurmCluster {
  /** Environment for sbatch/squeue/sinfo (SLURM_CONF points at the cluster's config). */
  env: NodeJS.ProcessEnv;
  dir: string;
  /** The daemons' logs, for failure messages. */
  logs(): string;
  /** Stops every daemon this cluster started; safe to call twice. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts munged, slurmctld and slurmd; resolves once the node is idle. */
export async function startCluster(): Promise<SlurmCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'saddlelab-slurm-'));
  chmodSync(dir, 0o755);
  for (const d of ['munge', 'state', 'spool', 'log']) mkdirSync(join(dir, d));
  const key = join(dir, 'munge', 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o400 });
  const socket = join(dir, 'munge', 'munge.socket');
  const node = hostname().split('.')[0];
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
  const conf = join(dir, 'slurm.conf');
  writeFileSync(
    conf,
    [
      'ClusterName=saddlelab-test',
      `SlurmctldHost=${node}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      'CredType=cred/munge',
      `AuthInfo=socket=${socket}`,
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      // No cgroups in a container: track processes by their parent pids, bind nothing.
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SchedulerType=sched/backfill',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_CPU',
      'MpiDefault=none',
      'ReturnToService=2',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      `NodeName=${node} NodeAddr=127.0.0.1 CPUs=${cpus().length} RealMemory=${Math.floor(totalmem() / 2 ** 20 / 2)} State=UNKNOWN`,
      `PartitionName=test Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n'),
  );
  const env = { ...process.env, SLURM_CONF: conf };
  const children: ChildProcess[] = [];
  const start = (cmd: string, args: string[]) => {
    const c = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr?.on('data', (d) => (err += d));
    c.on('exit', (code, signal) => {
      if (!stopping) err += `\n(${cmd} exited: ${signal ?? code})`;
    });
    children.push(c);
    return () => err;
  };
  let stopping = false;
  // Ends the daemons even if the test process dies without running afterAll.
  const killAll = () => children.forEach((c) => c.exitCode === null && c.signalCode === null && c.kill('SIGKILL'));
  process.once('exit', killAll);

  const errs = [
    start(DAEMONS.munged, ['-F', '--force', `--key-file=${key}`, `--socket=${socket}`, `--pid-file=${join(dir, 'munge', 'munged.pid')}`, `--log-file=${join(dir, 'log', 'munged.log')}`, `--seed-file=${join(dir, 'munge', 'seed')}`]),
  ];
  for (let i = 0; i < 100 && !existsSync(socket); i++) await sleep(100);
  errs.push(start(DAEMONS.slurmctld, ['-D', '-i', '-f', conf]));
  await sleep(1000);
  errs.push(start(DAEMONS.slurmd, ['-D', '-f', conf]));

  const logs = () =>
    ['munged.log', 'slurmctld.log', 'slurmd.log']
      .map((f) => join(dir, 'log', f))
      .filter(existsSync)
      .map((f) => `--- ${f}\n${readFileSync(f, 'utf8').split('\n').slice(-15).join('\n')}`)
      .concat(errs.map((e) => e()).filter(Boolean))
      .join('\n');

  const stop = async () => {
    if (stopping) return;
    stopping = true;
    for (const c of [...children].reverse()) {
      if (c.exitCode !== null || c.signalCode !== null) continue;
      c.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const exited = await Promise.race([new Promise((r) => c.once('exit', () => r(true))), new Promise((r) => (timer = setTimeout(() => r(false), 10_000)))]);
      clearTimeout(timer);
      if (!exited) {
        c.kill('SIGKILL');
        await new Promise((r) => c.once('exit', r));
      }
    }
    process.removeListener('exit', killAll);
    rmSync(dir, { recursive: true, force: true });
  };

  // Ready when the node reports idle.
  for (let i = 0; i < 120; i++) {
    const s = spawnSync('sinfo', ['-h', '-o', '%T'], { env, encoding: 'utf8' });
    if (s.status === 0 && /idle/.test(s.stdout)) return { env, dir, logs, stop };
    await sleep(500);
  }
  const why = logs();
  await stop();
  throw new Error(`the test's Slurm cluster did not come up within 60 s:\n${why}`);
}
