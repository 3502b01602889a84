/**
 * The rank of the deep layers at each spectrum record, measured against the random bulk
 * (docs/phases.md, "Rank"). From a small initialization every W_ℓ starts as a random matrix: its
 * singular values fill a bulk whose top edge is, for an m × n matrix of entries of variance v,
 * √v·(√m + √n) (Marchenko–Pastur). A direction the network has learned is a singular value that
 * has left that bulk (docs/paper.md, "The figures"). A fixed fraction of s₁ cannot tell them
 * apart: in the README's deep linear run the bulk sits at a quarter of the learned values, so
 * s_i/s₁ ≥ 0.1 counted it, and the rank read 8 at every record.
 */
import type { History } from './history';
import { median } from './noise';

/** A singular value counts once it is this many times the bulk's edge. */
export const BULK_MARGIN = 1.5;
/** Without a reference for the bulk: a rank is where s_i/s_{i+1} is at least this. */
export const GAP_RATIO = 1.5;

export interface RankPoint {
  step: number;
  rank: number;
}

/** How the ranks were read (every readout says which). */
export interface RankCriterion {
  /**
   * `bulk-edge`: s_i > BULK_MARGIN × the edge of W_ℓ's initial bulk, the larger of its Marchenko–Pastur
   * edge (for the init variance ‖θ₀‖²/#weights and W_ℓ's shape) and its s₁ at a step-0 record;
   * `gap`: without either, the rank is the last i where s_i/s_{i+1} ≥ GAP_RATIO (0 if none);
   * `fraction`: s_i/s₁ ≥ `rankThreshold`, only when that option is given (it counts the bulk too).
   */
  kind: 'bulk-edge' | 'gap' | 'fraction';
  /** The edge of each layer's bulk (bulk-edge), or [] (gap). */
  edges: number[];
  /** The factor above the edge (bulk-edge), the ratio (gap) or the fraction of s₁ (fraction). */
  threshold: number;
  /** The layers ℓ (1-based) whose median rank is read: the deep ones, ℓ > L/2. */
  layers: number[];
  /** One sentence a readout can show. */
  text: string;
}

export interface Ranks {
  ranks: RankPoint[];
  rankIncrements: Array<{ step: number; from: number; to: number }>;
  rankCriterion: RankCriterion;
}

/**
 * The edge of each layer's initial bulk, or null where the history gives no reference. The init
 * variance is read from ‖θ₀‖ (all layers of `train.mlp`'s `scale` and `gamma` inits share one).
 */
function bulkEdges(history: History): number[] | null {
  const dims = history.meta.dims;
  const L = history.meta.depth;
  const first = history.records[0]?.step === 0 ? history.records[0] : undefined;
  const norm0 = history.steps()[0] === 0 ? history.paramNorm()[0] : NaN;
  let count = 0;
  for (let l = 0; l < L; l++) count += dims[l] * dims[l + 1];
  const sd = Number.isFinite(norm0) && norm0 > 0 ? norm0 / Math.sqrt(count) : NaN;
  if (!first && !Number.isFinite(sd)) return null;
  return Array.from({ length: L }, (_, l) => {
    const mp = Number.isFinite(sd) ? sd * (Math.sqrt(dims[l]) + Math.sqrt(dims[l + 1])) : 0;
    return Math.max(mp, first?.weights[l]?.[0] ?? 0);
  });
}

/**
 * The rank of each record: the median over the deep layers (ℓ > L/2) of the number of singular
 * values out of the bulk; a rank increment is a record where it rises.
 *
 * @example
 * ```ts
 * import { train } from 'saddlelab';
 * import { ranksOf } from './ranks';
 * const h = train.createHistory({ name: 'r', activation: 'linear', dims: [2, 2], depth: 1, config: {} });
 * h.addRecord({ step: 0, loss: 1, paramNorm: 1, weights: [Float64Array.of(0.1, 0.09)] });
 * h.addRecord({ step: 9, loss: 1, paramNorm: 1, weights: [Float64Array.of(2, 0.1)] });
 * console.log(ranksOf(h).ranks.map((r) => r.rank)); // [0, 1]
 * ```
 */
export function ranksOf(history: History, fraction?: number): Ranks {
  const L = history.meta.depth;
  const layers = Array.from({ length: L - Math.floor(L / 2) }, (_, i) => Math.floor(L / 2) + i + 1);
  const edges = fraction === undefined ? bulkEdges(history) : null;
  const over = `median over ℓ = ${layers.join(', ')}`;
  const rankCriterion: RankCriterion = fraction !== undefined
    ? { kind: 'fraction', edges: [], threshold: fraction, layers, text: `rank: singular values with s_i/s₁ ≥ ${fraction} (the bulk counts too), ${over}` }
    : edges
    ? {
        kind: 'bulk-edge',
        edges,
        threshold: BULK_MARGIN,
        layers,
        text: `rank: singular values above ${BULK_MARGIN} × the edge of the initial random bulk of W_ℓ (Marchenko–Pastur), ${over}`,
      }
    : { kind: 'gap', edges: [], threshold: GAP_RATIO, layers, text: `rank: the last gap s_i/s_(i+1) ≥ ${GAP_RATIO} among the recorded singular values, ${over}` };
  const rankOf = (s: Float64Array, l: number): number => {
    if (fraction !== undefined) return s[0] > 0 ? s.filter((v) => v / s[0] >= fraction).length : 0;
    if (edges) return s.filter((v) => v > BULK_MARGIN * edges[l]).length;
    let rank = 0;
    for (let i = 0; i + 1 < s.length; i++) if (s[i + 1] > 0 && s[i] / s[i + 1] >= GAP_RATIO) rank = i + 1;
    return rank;
  };
  const ranks: RankPoint[] = [];
  const rankIncrements: Ranks['rankIncrements'] = [];
  for (const r of history.records) {
    const rank = Math.round(median(layers.map((l) => (r.weights[l - 1] ? rankOf(r.weights[l - 1], l - 1) : 0))));
    const prev = ranks[ranks.length - 1];
    if (prev && rank > prev.rank) rankIncrements.push({ step: r.step, from: prev.rank, to: rank });
    ranks.push({ step: r.step, rank });
  }
  return { ranks, rankIncrements, rankCriterion };
}
