import type { History } from '../train/history';
import { requireObject } from '../errors';
import { TrainingDashboard, type DashboardControl, type DashboardOptions } from './dashboard';

/** The callbacks `live()` returns, to spread into the options of `train.fit` or `train.start`. */
export interface LiveCallbacks {
  /** Called by `train.start`/`train.fit` once the run exists, before its first step: shows its dashboard. */
  onStart(run: { readonly history: History; readonly control?: DashboardControl }): void;
}

/**
 * A live TrainingDashboard for the run a `train.fit` or `train.start` call
 * creates, shown in the cell that trains, its buttons acting on that run.
 *
 * @example
 * ```ts
 * import { train, data, widgets } from 'saddlelab';
 * const ds = data.linearTeacher({ singularValues: [10, 20, 30, 40, 50], n: 100, seed: 0 });
 * const net = train.mlp({ inputDim: 5, widths: [50, 50, 50], outputDim: 5, activation: 'linear', init: { gamma: 1.5, seed: 0 } });
 * const history = await train.fit(net, ds, { steps: 2500, lr: 5e-4, ...widgets.live() });
 * ```
 */
export function live(options: DashboardOptions = {}): LiveCallbacks {
  requireObject('options', options);
  return {
    onStart(run) {
      new TrainingDashboard(run, options).display();
    },
  };
}
