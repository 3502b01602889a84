/** `saddlelab escape`: the optimal escape direction of `{X, G, depth, width, starts, seed}`, as JSON on stdout. */
import { SaddlelabError, requireKnownKeys, requireObject } from '../errors';
import type { EscapeOptions } from '../spectrum/escape';
import { defineCommand } from './command';

const PROBLEM_KEYS = ['X', 'G', 'depth', 'width', 'starts', 'seed', 'steps', 'stepSize', 'tolerance', 'activation'] as const;

export const escapeCommand = defineCommand({
  name: 'escape',
  summary: 'the optimal escape direction of a saddle: {X, G, depth, width, starts, seed} in, JSON out',
  usage: ['--input FILE [--direction]'],
  description: 'The input holds the data X (N×d), the loss gradient G (N×d_out) and the options of spectrum.escape (docs/paper.md, "Escape directions").',
  options: {
    input: { type: 'string', value: 'FILE', description: `the problem: a JSON file with ${PROBLEM_KEYS.join(', ')} (required)` },
    direction: { type: 'boolean', description: 'also print the best direction (one matrix per layer)' },
  },
  examples: ['saddlelab escape --input problem.json > escape.json'],
  exitCodes: { 0: 'solved; the answer is on stdout', 1: 'bad options or input (a [saddlelab] message says which)' },
  async run({ options }) {
    if (options.input === undefined) throw new SaddlelabError('[saddlelab] --input is required: a JSON file with {X, G, depth, width, starts, seed}', 'input');
    const { readJson } = require('../train/config') as typeof import('../train/config');
    const { escape } = require('../spectrum/escape') as typeof import('../spectrum/escape');
    const problem = requireObject('input', readJson(options.input, 'input'));
    requireKnownKeys('input', problem, PROBLEM_KEYS);
    const { X, G, ...rest } = problem;
    const started = Date.now();
    const r = escape(X as number[][], G as number[][], rest as EscapeOptions);
    const out = {
      speed: r.speed,
      residual: r.residual,
      reachedBest: r.reachedBest,
      starts: r.starts.length,
      startSpeeds: r.starts,
      layerSingularValues: r.layerSingularValues,
      options: r.options,
      seconds: (Date.now() - started) / 1000,
      ...(options.direction ? { direction: r.direction } : {}),
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  },
});
