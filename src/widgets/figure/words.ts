/**
 * Field names in words: what an axis or a legend says instead of a config
 * path or a metric's name ("init scale σ", not "model.init.scale"), with the
 * unit when there is one. The symbols are those of docs/paper.md (σ the init
 * scale, L the depth, η the step size, t = Σ ηₖ the time of gradient flow).
 */

/** The words for the fields saddlelab's sweeps and summaries use (src/sweep/train-kind.ts, escape-kind.ts). */
export const FIELD_WORDS: Readonly<Record<string, string>> = {
  'model.init.scale': 'init scale σ',
  'model.init': 'initialization',
  'model.widths': 'hidden widths',
  'model.activation': 'activation',
  'train.lr': 'step size η',
  'train.steps': 'steps',
  'train.batchSize': 'batch size',
  'data.n': 'samples N',
  lr: 'step size η',
  depth: 'depth L',
  width: 'width',
  seed: 'seed',
  steps: 'steps',
  lastStep: 'last step',
  finalLoss: 'final loss',
  minLoss: 'lowest loss',
  time: 'time t = Σ ηₖ',
  escapes: 'escape steps',
  escapeTimes: 'escape times t = Σ ηₖ',
  firstEscape: 'step of the first escape',
  firstEscapeTime: 'time of the first escape, t = Σ ηₖ',
  finalRank: 'final rank',
  speed: 'escape speed',
  residual: 'residual',
  starts: 'starts',
  reachedBest: 'starts reaching the best speed',
  hits: 'starts reaching the target speed',
  hitsFirstLayerRank2: 'hits with a rank-2 first layer',
};

/**
 * A field in words: `extra[field]`, else `FIELD_WORDS[field]`, else the
 * field's last path segment with its camelCase split into words
 * (`model.lossScale` → "loss scale").
 *
 * @example
 * ```ts
 * import { fieldWords } from './words';
 * console.log(fieldWords('model.init.scale'), fieldWords('firstEscapeTime'), fieldWords('leftC0Step')); // init scale σ time of the first escape, t = Σ ηₖ left C0 step
 * ```
 */
export function fieldWords(field: string, extra: Readonly<Record<string, string>> = {}): string {
  if (Object.prototype.hasOwnProperty.call(extra, field)) return extra[field];
  if (Object.prototype.hasOwnProperty.call(FIELD_WORDS, field)) return FIELD_WORDS[field];
  const last = field.split('.').pop() || field;
  // Capitalized words go lower case; symbols (C0, L, ReLU) keep their case.
  return last
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .split(' ')
    .map((w) => (/^[A-Z][a-z]+$/.test(w) ? w.toLowerCase() : w))
    .join(' ');
}
