/** A small regression problem made here for the training tests: y = sin of projections of x. */
import type { Dataset } from '../../src/data/dataset';

export function toy(n = 32, dIn = 3, dOut = 2): Dataset {
  const x = new Float32Array(n * dIn);
  const y = new Float32Array(n * dOut);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dIn; j++) x[i * dIn + j] = Math.cos(1.3 * i + 2.1 * j);
    for (let k = 0; k < dOut; k++) y[i * dOut + k] = Math.sin(x[i * dIn] + (k + 1) * x[i * dIn + 1]);
  }
  return { name: 'toy', n, dIn, dOut, x, y };
}
