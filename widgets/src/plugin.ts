/**
 * The JupyterLab 4 plugin (also loaded by Notebook 7): registers saddlelab's
 * widget module with the ipywidgets manager, under the name and version of
 * the shared generated constant.
 */
import { IJupyterWidgetRegistry } from '@jupyter-widgets/base';
import { KINDS, MODEL_NAMES, VIEW_NAMES } from '../../src/widgets/contract';
import { WIDGET_MODULE, WIDGET_MODULE_VERSION } from '../../src/widgets/version';
import * as models from './models';
import * as views from './views';
import { installStaticFallback } from './static-fallback';

/** Every model and view class, under the contract's names (a kind without its classes fails to compile). */
const exported = Object.fromEntries(
  KINDS.flatMap((k) => [
    [MODEL_NAMES[k], models[MODEL_NAMES[k]]],
    [VIEW_NAMES[k], views[VIEW_NAMES[k]]],
  ]),
);

const plugin = {
  id: `${WIDGET_MODULE}:widgets`,
  requires: [IJupyterWidgetRegistry],
  autoStart: true,
  activate(app: unknown, registry: IJupyterWidgetRegistry): void {
    installStaticFallback(app);
    registry.registerWidget({
      name: WIDGET_MODULE,
      version: WIDGET_MODULE_VERSION,
      exports: exported,
    });
  },
};

export default plugin;
