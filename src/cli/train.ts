/**
 * `saddlelab train --config run.json --out history.json [--checkpoint DIR [--resume]
 * [--checkpoint-every SECONDS]] [--quiet]`
 *
 * With `--checkpoint`, SIGINT and SIGTERM stop the run after the step in progress,
 * write a checkpoint and the history so far, and exit with 130 or 143; `--resume`
 * continues from the checkpoint (docs/checkpoints.md).
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { useBackend } from '../backend';
import { fit } from '../train/fit';
import { mlp } from '../train/mlp';
import { createRunControl } from '../train/run-control';
import { SaddlelabError, requirePositive } from '../errors';
import { parseArgs } from './args';
import { FLAGS } from './flags';
import { configDir, readJson, runFromConfig } from './config';

const USAGE = 'saddlelab train --config run.json --out history.json [--checkpoint DIR [--resume] [--checkpoint-every SECONDS]] [--quiet]';

export async function trainCommand(argv: string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, FLAGS.train.valued, FLAGS.train.switches);
  if (positional.length) throw new SaddlelabError(`[saddlelab] unexpected argument '${positional[0]}'; usage: ${USAGE}`, 'argv');
  if (typeof flags.config !== 'string') throw new SaddlelabError('[saddlelab] --config is required: a JSON file with { model, data, train }', 'config');
  if (typeof flags.out !== 'string') throw new SaddlelabError('[saddlelab] --out is required: where to write the history JSON', 'out');
  if (flags.resume && typeof flags.checkpoint !== 'string') throw new SaddlelabError('[saddlelab] --resume needs --checkpoint DIR: the folder to continue from', 'resume');
  if (flags['checkpoint-every'] !== undefined && typeof flags.checkpoint !== 'string') {
    throw new SaddlelabError('[saddlelab] --checkpoint-every needs --checkpoint DIR', 'checkpoint-every');
  }
  const every = flags['checkpoint-every'] === undefined ? undefined : requirePositive('--checkpoint-every', Number(flags['checkpoint-every']));
  // Checked before training, so a long run does not end in an unwritable path.
  const outDir = dirname(resolve(flags.out));
  if (!existsSync(outDir) || !statSync(outDir).isDirectory()) throw new SaddlelabError(`[saddlelab] --out: the folder ${outDir} does not exist`, 'out');
  const run = runFromConfig(readJson(flags.config, 'config'), configDir(flags.config));
  // Choose the backend before the weights exist, so they are created on it.
  await useBackend(run.train.backend);
  const model = mlp(run.model);
  const total = run.train.steps;
  let lastPrint = 0;
  let started = Date.now();
  let firstStep: number | undefined;
  const progress = (step: number, loss: number) => {
    const now = Date.now();
    if (firstStep === undefined) [firstStep, started] = [step, now];
    if (flags.quiet || (now - lastPrint < 1000 && step < total - 1)) return;
    lastPrint = now;
    const rate = (step + 1 - firstStep) / Math.max(1e-3, (now - started) / 1000);
    process.stderr.write(`[saddlelab] step ${step + 1}/${total}  loss ${loss.toExponential(4)}  ${rate.toFixed(1)} steps/s  eta ${((total - step - 1) / rate).toFixed(0)} s\n`);
  };
  // SIGINT/SIGTERM: stop after the step in progress; the run's end writes the checkpoint.
  const control = createRunControl();
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) return;
    signalled = sig;
    process.stderr.write(`[saddlelab] ${sig}: stopping after the step in progress${flags.checkpoint ? `, checkpoint to ${flags.checkpoint}` : ''}\n`);
    control.stop();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  for (const s of signals) process.on(s, onSignal);
  try {
    const history = await fit(model, run.data, {
      ...run.train,
      control,
      ...(typeof flags.checkpoint === 'string' ? { checkpoint: { dir: flags.checkpoint, resume: flags.resume === true, ...(every ? { everySeconds: every } : {}) } } : {}),
      log: (line) => process.stderr.write(line + '\n'),
      onStep: (s) => progress(s.step, s.loss),
    });
    writeFileSync(flags.out, JSON.stringify(history.toJSON()));
    process.stderr.write(
      `[saddlelab] wrote ${flags.out} (${history.length} steps, ${history.records.length} records, end: ${history.end?.reason})` +
        (flags.checkpoint ? `; checkpoint in ${flags.checkpoint}` : '') +
        '\n',
    );
    if (signalled) return signalled === 'SIGINT' ? 130 : 143;
    return history.end?.reason === 'diverged' ? 2 : 0;
  } finally {
    for (const s of signals) process.off(s, onSignal);
    model.dispose();
  }
}
