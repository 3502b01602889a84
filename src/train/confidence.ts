/**
 * How sure phase detection is of a plateau and its escape, given the run's noise (docs/phases.md,
 * "Confidence"): two one-sided tests in the units of the fit's weights (1/σ²), combined as the
 * probability of the weaker. Kept apart from the decision rules in phases.ts.
 */
import { lineAt, type PiecewiseFit } from './changepoints';

/**
 * Φ(min(z₁, z₂)) for the plateau st..end and its escape (docs/phases.md, "Confidence"), in the
 * noise's units (the fit's weights are 1/σ²):
 * - z₁: the fall from the plateau's line at its end to the mean of the points after the escape
 *   exceeds the drop, in standard deviations of the two;
 * - z₂: the contrast T(a)/T(m) exceeds `contrast`, on a log scale, in standard deviations of the
 *   two rates it compares: the plateau's (the drop over its wait T(a), uncertain by its line's
 *   slope) and the escape's at its fastest point m (uncertain as the slope of the points of its
 *   fall, or of the steepest piece of the fit there).
 */
export function confidenceOf(fit: PiecewiseFit, steps: Float64Array, c: { st: number; end: number; e: number; m: number; fallsAt: number; minPoints: number; waited: number; fastest: number }, logDrop: number, contrast: number): number {
  const plateau = fit.lineOver(c.st, c.end);
  const before = lineAt(plateau, steps[c.end]);
  // Where the loss went: the mean of the points from the escape step over a quarter of the plateau's
  // length (at least `minPoints`). A noise excursion that the fit follows down and back up is not a fall.
  const stay = fit.lineOver(c.e, Math.min(steps.length - 1, c.e + Math.max(c.minPoints, Math.ceil((c.end - c.st) / 4))));
  const z1 = (before.value - stay.mean - logDrop) / Math.hypot(before.sd, 1 / Math.sqrt(stay.sw));
  const relWait = plateau.sxx > 0 ? 1 / Math.sqrt(plateau.sxx) / (logDrop / c.waited) : Infinity;
  // How precisely the data pin the escape's rate: the slope of the points from the plateau's end to
  // where the fall at its fastest pace is complete, or that of the steepest piece of the fit in that
  // fall, whichever is the surer (a short sharp fall has few points; a piece may extend past it).
  const fall = fit.lineOver(Math.min(c.end + 1, c.m), Math.max(c.m + 1, c.fallsAt));
  let relFast = fall.sxx > 0 && fall.slope < 0 ? 1 / Math.sqrt(fall.sxx) / -fall.slope : Infinity;
  for (let q = fit.pieceOf[c.m]; q <= fit.pieceOf[Math.max(c.m, c.fallsAt)]; q++) {
    const piece = fit.pieces[q];
    if (piece.sxx > 0 && piece.slope < 0) relFast = Math.min(relFast, 1 / Math.sqrt(piece.sxx) / -piece.slope);
  }
  const z2 = Math.log(c.waited / c.fastest / contrast) / Math.hypot(relWait, relFast);
  return normalCdf(Math.min(z1, z2));
}

/**
 * Φ(z), the standard normal distribution function (Abramowitz & Stegun 7.1.26; error < 1.5·10⁻⁷).
 *
 * @example
 * ```ts
 * import { normalCdf } from './confidence';
 * console.log(normalCdf(0).toFixed(3), normalCdf(2.326).toFixed(3)); // 0.500 0.990
 * ```
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return 0;
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}
