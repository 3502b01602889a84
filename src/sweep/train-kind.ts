/**
 * The `train` kind: a point is a `saddlelab train` config (`{ model, data, train }`, parsed by
 * the CLI's own parser), trained with `fit`. It saves `history.json` (the history format,
 * loadable with `train.loadHistory`) and `clock.json`, the gradient-flow time `t = Σ η_k` at the
 * history's steps: with the adaptive step `η = c·‖θ‖^(2−L)` steps and time are different clocks
 * (docs/paper.md, "Setup"), and escape times are compared in `t`.
 *
 * Its summary: the escape steps and times of `detectPhases` (the one definition of an escape),
 * the final and lowest loss, the end reason, the depth and the rank of the last record.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBackend } from '../backend';
import { runFromConfig } from '../train/config';
import { SaddlelabError, requireKnownKeys, requireObject } from '../errors';
import { fit } from '../train/fit';
import { createHistory, loadHistory, type History } from '../train/history';
import { mlp } from '../train/mlp';
import { detectPhases, type PhaseOptions } from '../train/phases';
import { writeJsonAtomic } from './files';
import type { KindRun, Metric, PointContext, SweepKind } from './kind';
import { cloneJson } from './paths';

export interface TrainArtifact {
  history: History;
  /** Gradient-flow time at each of `history.steps()`. */
  time: Float64Array;
}

/** Summary options of a train sweep: `{ phases }`, passed to `detectPhases`. */
export interface TrainSummaryOptions {
  phases?: PhaseOptions;
}

/** Checks phase options the one way that cannot drift from `detectPhases`: by calling it. */
function checkPhaseOptions(phases: Record<string, unknown>): void {
  const h = createHistory({ name: 'check', activation: 'linear', dims: [1, 1], depth: 1, config: {} });
  for (let t = 0; t < 8; t++) h.addStep({ step: t, loss: t < 4 ? 1 : 0.1, paramNorm: 1, lr: 1 });
  try {
    detectPhases(h, phases as PhaseOptions);
  } catch (e) {
    if (e instanceof SaddlelabError) throw new SaddlelabError(e.message.replace('[saddlelab] ', '[saddlelab] summary.phases.'), `summary.phases.${e.field}`);
    throw e;
  }
}

/** Index of the last kept step ≤ `step`. */
function indexAtOrBefore(steps: Float64Array, step: number): number {
  let lo = 0, hi = steps.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (steps[mid] <= step) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export const trainKind: SweepKind<TrainArtifact> = {
  name: 'train',
  fields: ['model', 'data', 'train'],
  seedFields: ['model.init.seed'],

  summaryOptions(options) {
    const o = requireObject('summary', options ?? {});
    requireKnownKeys('summary', o, ['phases']);
    const phases = requireObject('summary.phases', o.phases ?? {});
    checkPhaseOptions(phases);
    return cloneJson({ phases }, 'summary');
  },

  async run(config, ctx: PointContext): Promise<KindRun<TrainArtifact>> {
    const run = runFromConfig(config, ctx.baseDir);
    // Choose the backend before the weights exist, so they are created on it.
    const info = await useBackend(run.train.backend);
    // The run's time starts here: loading the backend is the worker's start-up, paid once.
    const started = process.hrtime.bigint();
    const model = mlp(run.model);
    // time[k] = Σ_{j<k} η_j, grown as the run goes (one number per step).
    let clock = new Float64Array(1024);
    let n = 0;
    const history = await (async () => {
      try {
        return await fit(model, run.data, {
          ...run.train,
          signal: ctx.signal,
          // Not the one-line backend report of every run: the sweep reports the backend per row.
          log: false,
          onStep: (s) => {
            if (s.step + 2 > clock.length) {
              const bigger = new Float64Array(clock.length * 2);
              bigger.set(clock);
              clock = bigger;
            }
            clock[s.step + 1] = clock[s.step] + s.lr;
            n = s.step + 2;
          },
        });
      } finally {
        model.dispose();
      }
    })();
    for (const w of history.warnings) ctx.log(w);
    if (history.end?.message && history.end.reason !== 'aborted') ctx.log(history.end.message);
    if (history.end?.reason === 'aborted') throw new SaddlelabError(`[saddlelab] sweep point stopped: ${history.end.message ?? 'aborted'}`, 'signal');
    const steps = history.steps();
    const time = Float64Array.from(steps, (s) => clock[Math.min(s, Math.max(0, n - 1))]);
    writeJsonAtomic(join(ctx.dir, 'history.json'), history.toJSON());
    writeJsonAtomic(join(ctx.dir, 'clock.json'), { steps: Array.from(steps), time: Array.from(time) });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { backend: history.meta.backend ?? info.name, seconds, artifact: { history, time } };
  },

  load(dir) {
    const history = loadHistory(readFileSync(join(dir, 'history.json'), 'utf8'));
    const clock = JSON.parse(readFileSync(join(dir, 'clock.json'), 'utf8')) as { time: number[] };
    return { history, time: Float64Array.from(clock.time) };
  },

  summarize({ history, time }, options) {
    const o = options as TrainSummaryOptions;
    const phases = detectPhases(history, o.phases ?? {});
    const steps = history.steps();
    const timeAt = (step: number) => time[indexAtOrBefore(steps, step)];
    const loss = history.loss();
    let minLoss = Infinity;
    for (const v of loss) if (v < minLoss) minLoss = v;
    const last = phases.ranks[phases.ranks.length - 1];
    const metrics: Record<string, Metric> = {
      depth: history.meta.depth,
      lastStep: history.end?.step ?? history.latestStep,
      endReason: history.end?.reason ?? null,
      finalLoss: history.latestLoss,
      minLoss: Number.isFinite(minLoss) ? minLoss : null,
      time: time.length ? time[time.length - 1] : 0,
      escapes: phases.escapes,
      escapeTimes: phases.escapes.map(timeAt),
      firstEscape: phases.escapes[0] ?? null,
      firstEscapeTime: phases.escapes.length ? timeAt(phases.escapes[0]) : null,
      finalRank: last ? last.rank : null,
    };
    return metrics;
  },
};

