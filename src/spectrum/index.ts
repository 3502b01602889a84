/**
 * Spectral analysis: singular values of weights and activations, the rank-1
 * measures of Theorem 3.1, and the escape solver (docs/paper.md, "Escape directions").
 *
 * @example
 * ```ts
 * import { spectrum } from 'saddlelab';
 * console.log(Array.from(spectrum.singularValues(new Float64Array([3, 0, 0, 4]), 2, 2))); // [4, 3]
 * ```
 */
export { energyOutsideTop1, gramSingularValues, ratio12, reluCutRatio, singularValues, type SvdProvider } from './svd';
export { localizedLoss, localizedLossGradient, type Activation, type LocalizedLossOptions, type NestedWeights } from './localized';
export * from './escape';
export { deepen } from './deepen';
