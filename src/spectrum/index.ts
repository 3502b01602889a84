/**
 * Spectral analysis: singular values of weights and activations, the rank-1
 * measures of Theorem 3.1, and the escape solver (PAPER.md, "The first escape").
 *
 * @example
 * ```ts
 * import { spectrum } from 'saddlelab';
 * console.log(Array.from(spectrum.singularValues(new Float64Array([3, 0, 0, 4]), 2, 2))); // [4, 3]
 * ```
 */
export * from './svd';
export * from './localized';
export * from './escape';
