/**
 * `saddlelab demo`: the deep linear warm-up at the reference scale (docs/paper.md, "The linear warm-up"):
 * 10·diag(1..5) teacher, three hidden layers of width 50, γ = 1.5, 2500 steps.
 * Prints the backend, the plateaus and escapes, and the learned singular values.
 */
import type { BackendName } from '../backend';
import { requirePositiveInt } from '../errors';
import { defineCommand } from './command';

export const demoCommand = defineCommand({
  name: 'demo',
  summary: 'a small run that trains and prints a summary (plateaus, escapes, learned singular values)',
  usage: ['[--steps N] [--backend NAME]'],
  options: {
    steps: { type: 'string', value: 'N', default: '2500', description: 'training steps' },
    backend: { type: 'string', value: 'NAME', default: 'the first that loads (docs/gpu.md, docs/native.md)', description: 'the TensorFlow.js backend: gpu, webgpu, tensorflow, wasm or cpu (docs/gpu.md)' },
  },
  examples: ['saddlelab demo --steps 1000 --backend cpu'],
  exitCodes: { 0: 'trained; the summary is on stdout', 1: 'bad options (a [saddlelab] message says which)' },
  run: ({ options }) => demo(options.steps, options.backend),
});

async function demo(stepsFlag: string | undefined, backendName: string | undefined): Promise<number> {
  const steps = stepsFlag === undefined ? 2500 : requirePositiveInt('--steps', /^\d+$/.test(stepsFlag) ? Number(stepsFlag) : stepsFlag);
  // Loaded here, not at the top: `saddlelab --help` and `install` need no TensorFlow.
  const { Matrix, SVD } = require('ml-matrix') as typeof import('ml-matrix');
  const { useBackend } = require('../backend') as typeof import('../backend');
  const { linearTeacher } = require('../data') as typeof import('../data');
  const { fit } = require('../train/fit') as typeof import('../train/fit');
  const { mlp } = require('../train/mlp') as typeof import('../train/mlp');
  const { detectPhases } = require('../train/phases') as typeof import('../train/phases');
  await useBackend(backendName as BackendName | undefined);
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
