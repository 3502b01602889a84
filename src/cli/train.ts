/**
 * `saddlelab train`: one run from a JSON config. With `--checkpoint`, SIGINT and SIGTERM stop
 * the run after the step in progress, write a checkpoint and the history so far, and exit with
 * 130 or 143; `--resume` continues from the checkpoint (docs/checkpoints.md).
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SaddlelabError, requirePositive } from '../errors';
import { defineCommand } from './command';

export const trainCommand = defineCommand({
  name: 'train',
  summary: 'train one network from a JSON config (progress on stderr)',
  usage: ['--config FILE --out FILE [--backend NAME] [--checkpoint DIR [--resume] [--checkpoint-every SECONDS]] [--quiet]'],
  description: 'The config holds { model, data, train }: the options of train.mlp, a data set and train.fit (README, "Command line").',
  options: {
    config: { type: 'string', value: 'FILE', description: 'the run: a JSON file with { model, data, train } (required)' },
    out: { type: 'string', value: 'FILE', description: 'where to write the history JSON (required; its folder must exist)' },
    backend: {
      type: 'string',
      value: 'NAME',
      default: "the config's train.backend, else the first that loads",
      description: 'the TensorFlow.js backend: gpu, webgpu, tensorflow, wasm or cpu (docs/gpu.md)',
    },
    checkpoint: { type: 'string', value: 'DIR', description: 'write checkpoints to this folder, and on SIGINT/SIGTERM' },
    'checkpoint-every': { type: 'string', value: 'SECONDS', default: '120', description: 'seconds between checkpoints (with --checkpoint)' },
    resume: { type: 'boolean', description: 'continue from the checkpoint in --checkpoint DIR' },
    quiet: { type: 'boolean', description: 'no progress lines on stderr' },
  },
  examples: [
    'saddlelab train --config run.json --out history.json --checkpoint ck',
    'saddlelab train --config run.json --out history.json --backend webgpu',
    'saddlelab train --config run.json --out history.json --checkpoint ck --resume',
  ],
  exitCodes: {
    0: 'the run finished; the history is written',
    1: 'bad options or config (a [saddlelab] message says which)',
    2: 'the loss became non-finite (the history up to it is written)',
    130: 'stopped by SIGINT (with --checkpoint: checkpoint and history written)',
    143: 'stopped by SIGTERM (likewise)',
  },
  run: ({ options }) => train(options),
});

async function train(flags: { config?: string; out?: string; backend?: string; checkpoint?: string; 'checkpoint-every'?: string; resume?: true; quiet?: true }): Promise<number> {
  if (flags.config === undefined) throw new SaddlelabError('[saddlelab] --config is required: a JSON file with { model, data, train }', 'config');
  if (flags.out === undefined) throw new SaddlelabError('[saddlelab] --out is required: where to write the history JSON', 'out');
  if (flags.resume && flags.checkpoint === undefined) throw new SaddlelabError('[saddlelab] --resume needs --checkpoint DIR: the folder to continue from', 'resume');
  if (flags['checkpoint-every'] !== undefined && flags.checkpoint === undefined) {
    throw new SaddlelabError('[saddlelab] --checkpoint-every needs --checkpoint DIR', 'checkpoint-every');
  }
  const every = flags['checkpoint-every'] === undefined ? undefined : requirePositive('--checkpoint-every', Number(flags['checkpoint-every']));
  // Checked before training, so a long run does not end in an unwritable path.
  const outDir = dirname(resolve(flags.out));
  if (!existsSync(outDir) || !statSync(outDir).isDirectory()) throw new SaddlelabError(`[saddlelab] --out: the folder ${outDir} does not exist`, 'out');
  // Loaded here, not at the top: `saddlelab --help` and `install` need no TensorFlow.
  const { useBackend } = require('../backend') as typeof import('../backend');
  const { configDir, readJson, runFromConfig } = require('../train/config') as typeof import('../train/config');
  const { fit } = require('../train/fit') as typeof import('../train/fit');
  const { mlp } = require('../train/mlp') as typeof import('../train/mlp');
  const { createRunControl } = require('../train/run-control') as typeof import('../train/run-control');
  const run = runFromConfig(readJson(flags.config, 'config'), configDir(flags.config));
  if (flags.backend !== undefined) run.train.backend = flags.backend as typeof run.train.backend;
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
      ...(flags.checkpoint !== undefined ? { checkpoint: { dir: flags.checkpoint, resume: flags.resume === true, ...(every ? { everySeconds: every } : {}) } } : {}),
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
