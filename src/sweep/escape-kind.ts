/**
 * The `escape` kind: a point is one call of the escape solver (`spectrum.escape`), the family
 * behind Example 1's success rate against width (docs/paper.md, "Example 1"). A config is the
 * input of `saddlelab escape` — `{ X, G, depth, width, starts, seed, steps, … }` — or the same with
 * `data` (as in a train config) in place of `X` and `G`: a data set that carries the problem
 * (`circleToy` does) gives its own `X` and `G`, any other gives `G = ∇C(0) = −Y* / N`, the gradient
 * of the mean squared error at zero output.
 *
 * It saves `result.json` (best speed and direction, every start's speed and per-layer singular
 * values). Its summary: the best speed, how many starts reached it, and with
 * `summary.target = { speed, tolerance }` how many starts reached that speed (`hits` of `starts`,
 * a success rate over starts and seeds).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetFrom } from '../train/config';
import { fail, requireKnownKeys, requireNonNegative, requireObject, requirePositive } from '../errors';
import { escape, type EscapeOptions } from '../spectrum/escape';
import { writeJsonAtomic } from './files';
import type { KindRun, Metric, SweepKind } from './kind';
import { cloneJson } from './paths';

export interface EscapeArtifact {
  speed: number;
  residual: number;
  reachedBest: number;
  startSpeeds: number[];
  /** `startSpectra[start][ℓ]`: singular values of layer ℓ of that start's direction. */
  startSpectra: number[][][];
  layerSingularValues: number[][];
  direction: number[][][];
  options: Record<string, unknown>;
}

/** Summary options of an escape sweep. */
export interface EscapeSummaryOptions {
  /** A start "hits" when its speed is at least `speed − tolerance`. */
  target?: { speed: number; tolerance?: number };
  /** A layer's rank counts the singular values ≥ this fraction of its largest (default 0.1). */
  rankThreshold?: number;
}

const SOLVER_KEYS = ['depth', 'width', 'starts', 'seed', 'steps', 'stepSize', 'tolerance', 'activation'] as const;

function problemOf(config: Record<string, unknown>, baseDir: string): { X: number[][]; G: number[][] } {
  const hasXG = 'X' in config || 'G' in config;
  if (hasXG === 'data' in config) fail('config', 'exactly one of { X, G } or { data } (the escape problem)', hasXG ? 'both' : 'neither');
  if (hasXG) return { X: config.X as number[][], G: config.G as number[][] };
  const d = datasetFrom(config.data, baseDir) as ReturnType<typeof datasetFrom> & { X?: number[][]; G?: number[][] };
  if (d.X && d.G) return { X: d.X, G: d.G };
  const X = Array.from({ length: d.n }, (_, i) => Array.from(d.x.subarray(i * d.dIn, (i + 1) * d.dIn)));
  const G = Array.from({ length: d.n }, (_, i) => Array.from(d.y.subarray(i * d.dOut, (i + 1) * d.dOut), (v) => -v / d.n));
  return { X, G };
}

function rankOf(s: number[], threshold: number): number {
  return s.length && s[0] > 0 ? s.filter((v) => v / s[0] >= threshold).length : 0;
}

export const escapeKind: SweepKind<EscapeArtifact> = {
  name: 'escape',
  fields: ['X', 'G', 'data', ...SOLVER_KEYS],
  seedFields: ['seed'],

  summaryOptions(options) {
    const o = requireObject('summary', options ?? {});
    requireKnownKeys('summary', o, ['target', 'rankThreshold']);
    const out: EscapeSummaryOptions = { rankThreshold: requirePositive('summary.rankThreshold', o.rankThreshold ?? 0.1) };
    if (o.target !== undefined) {
      const t = requireObject('summary.target', o.target);
      requireKnownKeys('summary.target', t, ['speed', 'tolerance']);
      out.target = { speed: requirePositive('summary.target.speed', t.speed), tolerance: requireNonNegative('summary.target.tolerance', t.tolerance ?? 1e-3) };
    }
    return cloneJson(out, 'summary');
  },

  async run(config, ctx): Promise<KindRun<EscapeArtifact>> {
    const c = requireObject('config', config);
    requireKnownKeys('config', c, ['X', 'G', 'data', ...SOLVER_KEYS]);
    const { X, G } = problemOf(c, ctx.baseDir);
    const options: EscapeOptions = { spectraPerStart: true };
    for (const k of SOLVER_KEYS) if (c[k] !== undefined) (options as Record<string, unknown>)[k] = c[k];
    const r = escape(X, G, options);
    const artifact: EscapeArtifact = {
      speed: r.speed,
      residual: r.residual,
      reachedBest: r.reachedBest,
      startSpeeds: r.starts,
      startSpectra: r.startSpectra ?? [],
      layerSingularValues: r.layerSingularValues,
      direction: r.direction,
      options: r.options as unknown as Record<string, unknown>,
    };
    writeJsonAtomic(join(ctx.dir, 'result.json'), artifact);
    return { backend: 'float64 JS', artifact };
  },

  load(dir) {
    return JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as EscapeArtifact;
  },

  summarize(a, options) {
    const o = options as EscapeSummaryOptions;
    const threshold = o.rankThreshold ?? 0.1;
    const metrics: Record<string, Metric> = {
      speed: a.speed,
      residual: a.residual,
      starts: a.startSpeeds.length,
      reachedBest: a.reachedBest,
      layerRanks: a.layerSingularValues.map((s) => rankOf(s, threshold)),
      startSpeeds: a.startSpeeds,
    };
    if (o.target) {
      const { speed, tolerance = 1e-3 } = o.target;
      const hit = a.startSpeeds.map((s) => s >= speed - tolerance);
      metrics.hits = hit.filter(Boolean).length;
      // Of the starts that hit, how many have a first layer of rank ≥ 2 (Example 1's rank-2 escape).
      metrics.hitsFirstLayerRank2 = a.startSpectra.filter((sp, i) => hit[i] && rankOf(sp[0], threshold) >= 2).length;
    }
    return metrics;
  },
};
