/** A closed-form loss staircase with known escapes, for phase-detection tests and bench/phases-noise.ts. */

/**
 * Saxe, McClelland & Ganguli (2014): a two-layer linear network on whitened inputs, mode of
 * strength s started at u0, u(t) = s·e^(2st) / (e^(2st) − 1 + s/u0); loss Σ (s − u)²/2.
 * The escape from the plateau before mode s is at its half-time ln(s/u0)/(2s).
 */
export function saxe(modes: number[], u0: number, T: number, n = 2000) {
  const loss = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = (T * i) / (n - 1);
    for (const s of modes) {
      const e = Math.exp(2 * s * t);
      const u = Number.isFinite(e) ? (s * e) / (e - 1 + s / u0) : s;
      loss[i] += (s - u) ** 2 / 2;
    }
  }
  const escapes = modes.map((s) => (Math.log(s / u0) / (2 * s) / T) * (n - 1)).sort((a, b) => a - b);
  return { loss, escapes };
}
