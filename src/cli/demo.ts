/**
 * `saddlelab demo`: the deep linear warm-up at the reference scale (docs/paper.md, "The linear warm-up"):
 * 10·diag(1..5) teacher, three hidden layers of width 50, γ = 1.5, 2500 steps.
 * Prints the backend, the plateaus and escapes, and the learned singular values.
 */
import { Matrix, SVD } from 'ml-matrix';
import { useBackend, type BackendName } from '../backend';
import { linearTeacher } from '../data';
import { fit } from '../train/fit';
import { mlp } from '../train/mlp';
import { detectPhases } from '../train/phases';
import { SaddlelabError, requirePositiveInt } from '../errors';
import { parseArgs } from './args';
import { FLAGS } from './flags';

export async function demoCommand(argv: string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, FLAGS.demo.valued, FLAGS.demo.switches);
  if (positional.length) throw new SaddlelabError(`[saddlelab] unexpected argument '${positional[0]}'; usage: saddlelab demo [--steps N] [--backend NAME]`, 'argv');
  const steps = flags.steps === undefined ? 2500 : requirePositiveInt('--steps', /^\d+$/.test(String(flags.steps)) ? Number(flags.steps) : flags.steps);
  await useBackend(flags.backend as BackendName | undefined);
  const data = linearTeacher({ singularValues: [10, 20, 30, 40, 50], n: 100, seed: 0 });
  const net = mlp({ inputDim: 5, widths: [50, 50, 50], outputDim: 5, activation: 'linear', init: { gamma: 1.5, seed: 0 } });
  const started = Date.now();
  const history = await fit(net, data, {
    steps,
    lr: 5e-4,
    record: { every: 25 },
    name: 'deep linear warm-up',
    log: (line) => process.stderr.write(line + '\n'),
    onStep: (s) => {
      if (s.step % 500 === 0) process.stderr.write(`[saddlelab] step ${s.step}/${steps}  loss ${s.loss.toExponential(3)}\n`);
    },
  });
  const seconds = (Date.now() - started) / 1000;
  const product = (await net.getWeightArrays()).reduce((acc, w) => new Matrix(w).mmul(acc), Matrix.eye(5));
  const learned = new SVD(product, { computeLeftSingularVectors: false, computeRightSingularVectors: false }).diagonal;
  const phases = detectPhases(history);
  const loss = history.loss();
  console.log(`saddlelab demo: ${history.meta.name} on ${history.meta.backend}, ${steps} steps in ${seconds.toFixed(1)} s`);
  console.log(`  loss: ${loss[0].toExponential(3)} -> ${loss[loss.length - 1].toExponential(3)}`);
  console.log(`  plateaus (start-end @ loss): ${phases.plateaus.map((p) => `${p.start}-${p.end} @ ${p.loss.toPrecision(3)}`).join(', ')}`);
  console.log(`  escape steps: ${phases.escapes.join(', ')}`);
  console.log(`  learned singular values: ${learned.map((v) => v.toFixed(2)).join(', ')} (teacher: 50, 40, 30, 20, 10)`);
  for (const w of history.warnings) console.log(`  warning: ${w}`);
  net.dispose();
  return 0;
}
