/**
 * Data sets (row-major, one sample per row; see `Dataset`) and the seeded
 * random stream shared with weight init.
 *
 * @example
 * ```ts
 * import { data } from 'saddlelab';
 * const rng = data.createRng(1);
 * console.log(rng.normal());
 * ```
 */
export * from './dataset';
export * from './random';
export { IDX_TYPES, parseIdx, readIdxFile, type IdxArray, type IdxType } from './idx';
export * from './mnist';
export * from './teachers';
export * from './circle';
