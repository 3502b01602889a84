/** `saddlelab escape --input problem.json`: the optimal escape direction of `{X, G, depth, width, starts, seed}`, as JSON on stdout. */
import { SaddlelabError, requireKnownKeys, requireObject } from '../errors';
import { escape, type EscapeOptions } from '../spectrum/escape';
import { parseArgs } from './args';
import { FLAGS } from './flags';
import { readJson } from './config';

const PROBLEM_KEYS = ['X', 'G', 'depth', 'width', 'starts', 'seed', 'steps', 'stepSize', 'tolerance', 'activation'] as const;

export async function escapeCommand(argv: string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, FLAGS.escape.valued, FLAGS.escape.switches);
  if (positional.length) throw new SaddlelabError(`[saddlelab] unexpected argument '${positional[0]}'; usage: saddlelab escape --input problem.json`, 'argv');
  if (typeof flags.input !== 'string') throw new SaddlelabError('[saddlelab] --input is required: a JSON file with {X, G, depth, width, starts, seed}', 'input');
  const problem = requireObject('input', readJson(flags.input, 'input'));
  requireKnownKeys('input', problem, PROBLEM_KEYS);
  const { X, G, ...options } = problem;
  const started = Date.now();
  const r = escape(X as number[][], G as number[][], options as EscapeOptions);
  const out = {
    speed: r.speed,
    residual: r.residual,
    reachedBest: r.reachedBest,
    starts: r.starts.length,
    startSpeeds: r.starts,
    layerSingularValues: r.layerSingularValues,
    options: r.options,
    seconds: (Date.now() - started) / 1000,
    ...(flags.direction ? { direction: r.direction } : {}),
  };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  return 0;
}
