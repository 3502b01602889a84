/** A closed-form loss staircase with known escapes, for phase-detection tests and bench/phases-noise.ts. */

/**
 * Saxe, McClelland & Ganguli (2014): a two-layer linear network on whitened inputs, mode of
 * strength s started at u0, u(t) = s·e^(2st) / (e^(2st) − 1 + s/u0); loss Σ (s − u)²/2.
 * The escape from the plateau before mode s is at its half-time ln(s/u0)/(2s).
 *
 * `windows[k]`: where an escape from plateau k may be reported, in points: from the point where
 * the loss has first fallen `drop` (5 %) below that plateau's level (the earliest an escape can
 * be complete) less 2 % of the run, to the mode's half-time plus 5 % of the run. The escape step
 * (docs/phases.md) lies between the two: for a sharp fall they nearly coincide; for the last
 * mode, whose fall runs into an exponential decay, it moves between them with the noise.
 */
export function saxe(modes: number[], u0: number, T: number, n = 2000, drop = 0.05) {
  const loss = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = (T * i) / (n - 1);
    for (const s of modes) {
      const e = Math.exp(2 * s * t);
      const u = Number.isFinite(e) ? (s * e) / (e - 1 + s / u0) : s;
      loss[i] += (s - u) ** 2 / 2;
    }
  }
  const halfTime = (s: number) => (Math.log(s / u0) / (2 * s) / T) * (n - 1);
  const order = [...modes].sort((a, b) => halfTime(a) - halfTime(b));
  const escapes = order.map(halfTime);
  let from = 0;
  const windows = order.map((_, k) => {
    // The plateau before mode k: every mode from k on still unlearned.
    const level = order.slice(k).reduce((sum, s) => sum + (s * s) / 2, 0);
    let i = from;
    while (i < n - 1 && loss[i] >= (1 - drop) * level) i++;
    from = Math.ceil(escapes[k]);
    return [i - 0.02 * n, escapes[k] + 0.05 * n] as [number, number];
  });
  return { loss, escapes, windows };
}
