/**
 * The JupyterLab 4 plugin (also loaded by Notebook 7): registers saddlelab's
 * widget module with the ipywidgets manager, under the name and version of
 * the shared generated constant.
 */
import { IJupyterWidgetRegistry } from '@jupyter-widgets/base';
import { WIDGET_MODULE, WIDGET_MODULE_VERSION } from '../../src/widgets/version';
import * as models from './models';
import * as views from './views';
import { installStaticFallback } from './static-fallback';

const plugin = {
  id: `${WIDGET_MODULE}:widgets`,
  requires: [IJupyterWidgetRegistry],
  autoStart: true,
  activate(app: unknown, registry: IJupyterWidgetRegistry): void {
    installStaticFallback(app);
    registry.registerWidget({
      name: WIDGET_MODULE,
      version: WIDGET_MODULE_VERSION,
      exports: {
        LossPlotModel: models.LossPlotModel,
        SpectrumPlotModel: models.SpectrumPlotModel,
        LayerLawPlotModel: models.LayerLawPlotModel,
        TrainingDashboardModel: models.TrainingDashboardModel,
        LossPlotView: views.LossPlotView,
        SpectrumPlotView: views.SpectrumPlotView,
        LayerLawPlotView: views.LayerLawPlotView,
        TrainingDashboardView: views.TrainingDashboardView,
      } as any,
    });
  },
};

export default plugin;
