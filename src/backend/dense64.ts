/**
 * Dense float64 kernels on row-major Float64Arrays, shared by the float64
 * training engine (js64.ts) and the escape solver's evaluator
 * (src/spectrum/localized.ts).
 */

/**
 * `c = a·bᵀ` for row-major `a` (m×q) and `b` (p×q), so `c` is m×p. Blocks of 2×2
 * outputs keep four sums in registers: about 3× the plain dot-product loop in V8.
 */
export function abt(a: Float64Array, b: Float64Array, c: Float64Array, m: number, p: number, q: number): void {
  const m2 = m - (m % 2);
  const p2 = p - (p % 2);
  for (let i = 0; i < m2; i += 2) {
    const a0 = i * q;
    const a1 = a0 + q;
    const c0 = i * p;
    const c1 = c0 + p;
    for (let j = 0; j < p2; j += 2) {
      const b0 = j * q;
      const b1 = b0 + q;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let k = 0; k < q; k++) {
        const x0 = a[a0 + k];
        const x1 = a[a1 + k];
        const y0 = b[b0 + k];
        const y1 = b[b1 + k];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      c[c0 + j] = s00;
      c[c0 + j + 1] = s01;
      c[c1 + j] = s10;
      c[c1 + j + 1] = s11;
    }
    if (p2 < p) {
      const b0 = p2 * q;
      let s0 = 0;
      let s1 = 0;
      for (let k = 0; k < q; k++) {
        s0 += a[a0 + k] * b[b0 + k];
        s1 += a[a1 + k] * b[b0 + k];
      }
      c[c0 + p2] = s0;
      c[c1 + p2] = s1;
    }
  }
  if (m2 < m) {
    const a0 = m2 * q;
    const c0 = m2 * p;
    for (let j = 0; j < p; j++) {
      const b0 = j * q;
      let s = 0;
      for (let k = 0; k < q; k++) s += a[a0 + k] * b[b0 + k];
      c[c0 + j] = s;
    }
  }
}

/** `t = sᵀ` for row-major `s` (rows×cols). */
export function transpose(s: Float64Array, t: Float64Array, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = s[i * cols + j];
}
