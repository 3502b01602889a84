/** `saddlelab train --config run.json --out history.json [--quiet]` */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { useBackend } from '../backend';
import { fit } from '../train/fit';
import { mlp } from '../train/mlp';
import { SaddlelabError } from '../errors';
import { parseArgs } from './args';
import { FLAGS } from './flags';
import { configDir, readJson, runFromConfig } from './config';

export async function trainCommand(argv: string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, FLAGS.train.valued, FLAGS.train.switches);
  if (positional.length) throw new SaddlelabError(`[saddlelab] unexpected argument '${positional[0]}'; usage: saddlelab train --config run.json --out history.json`, 'argv');
  if (typeof flags.config !== 'string') throw new SaddlelabError('[saddlelab] --config is required: a JSON file with { model, data, train }', 'config');
  if (typeof flags.out !== 'string') throw new SaddlelabError('[saddlelab] --out is required: where to write the history JSON', 'out');
  // Checked before training, so a long run does not end in an unwritable path.
  const outDir = dirname(resolve(flags.out));
  if (!existsSync(outDir) || !statSync(outDir).isDirectory()) throw new SaddlelabError(`[saddlelab] --out: the folder ${outDir} does not exist`, 'out');
  const run = runFromConfig(readJson(flags.config, 'config'), configDir(flags.config));
  // Choose the backend before the weights exist, so they are created on it.
  await useBackend(run.train.backend);
  const model = mlp(run.model);
  const total = run.train.steps;
  let lastPrint = 0;
  const started = Date.now();
  const progress = (step: number, loss: number) => {
    const now = Date.now();
    if (flags.quiet || (now - lastPrint < 1000 && step < total - 1)) return;
    lastPrint = now;
    const rate = (step + 1) / Math.max(1e-3, (now - started) / 1000);
    process.stderr.write(`[saddlelab] step ${step + 1}/${total}  loss ${loss.toExponential(4)}  ${rate.toFixed(0)} steps/s  eta ${((total - step - 1) / rate).toFixed(0)} s\n`);
  };
  const history = await fit(model, run.data, {
    ...run.train,
    log: (line) => process.stderr.write(line + '\n'),
    onStep: (s) => progress(s.step, s.loss),
  });
  writeFileSync(flags.out, JSON.stringify(history.toJSON()));
  process.stderr.write(`[saddlelab] wrote ${flags.out} (${history.length} steps, ${history.records.length} records, end: ${history.end?.reason})\n`);
  model.dispose();
  return history.end?.reason === 'diverged' ? 2 : 0;
}
