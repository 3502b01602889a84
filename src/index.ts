/**
 * saddlelab: watch deep ReLU and deep linear networks learn, one saddle at a time.
 *
 * @example
 * ```ts
 * import { train, data } from 'saddlelab';
 * const ds = data.linearTeacher({ singularValues: [10, 20, 30, 40, 50], n: 100, seed: 0 });
 * const net = train.mlp({ inputDim: 5, widths: [50, 50, 50], outputDim: 5, activation: 'linear', init: { gamma: 1.5 } });
 * const history = await train.fit(net, ds, { steps: 2500, lr: 5e-4 });
 * console.log(train.detectPhases(history).escapes);
 * ```
 */
export * as train from './train';
export * as spectrum from './spectrum';
export * as data from './data';
export * as widgets from './widgets';
export * as backend from './backend';
export * as host from './host';
/** The older name of `host`, which notebooks use: `kernel.getKernel()` is `host.currentHost()`. */
export * as kernel from './host';
export * as sweep from './sweep';
export { SaddlelabError } from './errors';
