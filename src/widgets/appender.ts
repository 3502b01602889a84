/**
 * What a live widget sends while its runs train: it remembers what the browser
 * already has of each run (loss points at the display stride, spectrum records,
 * plateaus and escapes), so each update carries only what is new, computed once
 * here; the browser hands it to Plotly's `extendTraces` as it is
 * (widgets/src/append-plan.ts). When indices move (the history thinned itself,
 * or the display stride doubled) the browser gets the whole state again.
 */
import type { History } from '../train/history';
import { LIVE } from './contract';
import { displayStride, phasesOf, runSeries, spectrumSeries, topK } from './series';
import type { AppendMessage, LivePlan, ProgressState, WidgetKind } from './state';

/** What the browser has of one run: sent points (at display stride `every` of the history's `stride`), records and phases. */
interface Sent {
  points: number;
  stride: number;
  every: number;
  records: number;
  /** The plateaus and escapes last sent, as JSON. */
  phases: string;
}

/** The next message for the browser: the whole state, or what is new of one run. */
export type Increment = { kind: 'full' } | { kind: 'append'; message: AppendMessage };

const NO_PHASES = { plateaus: [], escapes: [] };

/**
 * The increments of a live widget's runs.
 *
 * @example
 * ```ts
 * import { train } from 'saddlelab';
 * import { createAppender } from './appender';
 * const h = train.createHistory({ name: 'r', activation: 'linear', dims: [1, 1], depth: 1, config: {} });
 * const appender = createAppender('LossPlot', [h]);
 * appender.synced(); // the browser got the (empty) state
 * for (let t = 0; t < 3; t++) h.addStep({ step: t, loss: 1 / (t + 1), paramNorm: 1, lr: 0.1 });
 * const [next] = appender.next(() => null);
 * console.log(next.kind === 'append' && next.message.from, next.kind === 'append' && next.message.loss); // 0 Float64Array(3) [1, 0.5, 0.333…]
 * console.log(appender.next(() => null).length); // 0
 * ```
 */
export function createAppender(kind: WidgetKind, runs: readonly History[]): Appender {
  return new Appender(LIVE[kind], runs);
}

export class Appender {
  private sent: Sent[] = [];
  constructor(
    private readonly plan: LivePlan,
    private readonly runs: readonly History[],
  ) {}

  /** The browser has everything now (the comm opened with the full state, or a full update went out). */
  synced(): void {
    this.sent = this.runs.map((h) => this.sentOf(h));
  }

  /** What is new since the last call (or `synced`): one append per run that changed, or one `full`; what it returns counts as sent. */
  next(progress: () => ProgressState | null): Increment[] {
    const now = this.runs.map((h) => this.sentOf(h));
    const moved = this.runs.some((h, run) => {
      const s = this.sent[run];
      return (this.plan.points && (h.keptEvery !== s.stride || now[run].every !== s.every || now[run].points < s.points)) || (this.records(run) && now[run].records < s.records);
    });
    if (moved) {
      this.sent = now;
      return [{ kind: 'full' }];
    }
    const out: Increment[] = [];
    this.runs.forEach((h, run) => {
      const s = this.sent[run];
      const n = now[run];
      const records = this.records(run);
      if (!((this.plan.points && n.points > s.points) || (records && n.records > s.records) || (this.plan.phases && n.phases !== s.phases))) return;
      const fresh = this.plan.points ? runSeries(h, s.points, n.every) : undefined;
      const phases = this.plan.phases ? phasesOf(h) : NO_PHASES;
      const sp = records ? spectrumSeries(h.records, h.meta.depth, topK(h.records), s.records) : spectrumSeries([], h.meta.depth, 0);
      out.push({
        kind: 'append',
        message: {
          type: 'append',
          run,
          from: this.plan.points ? s.points : 0,
          steps: fresh?.steps ?? new Float64Array(0),
          loss: fresh?.loss ?? new Float64Array(0),
          recordFrom: records ? s.records : 0,
          recordSteps: sp.steps,
          recordWeights: sp.weights,
          recordActivations: sp.activations,
          escapes: [...phases.escapes],
          plateaus: phases.plateaus.map((p): [number, number] => [p.start, p.end]),
          progress: this.plan.progress ? progress() : null,
        },
      });
      this.sent[run] = n;
    });
    return out;
  }

  /** Records are sent for run 0 only (the spectrum panels show one run). */
  private records(run: number): boolean {
    return this.plan.records && run === 0;
  }

  /** What a full state of `h` holds (runSeries samples the same points). */
  private sentOf(h: History): Sent {
    const every = displayStride(h.length);
    const phases = this.plan.phases ? phasesOf(h) : NO_PHASES;
    return { points: Math.ceil(h.length / every), stride: h.keptEvery, every, records: h.records.length, phases: JSON.stringify([phases.plateaus, phases.escapes]) };
  }
}
