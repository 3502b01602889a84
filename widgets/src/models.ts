/**
 * The browser-side models: one class per widget kind, with names, defaults
 * and keys from the shared contract (src/widgets/contract.ts). Binary series
 * arrive as DataViews and are kept as Float64Arrays; the kernel's `append`
 * messages are merged into the model's state as the kind's live plan says
 * (so that a notebook saved from the browser holds the whole run) and handed
 * to the views as they are, to be appended to the plot.
 */
import type { ISerializers } from '@jupyter-widgets/base';
import { DOMWidgetModel } from '@jupyter-widgets/base';
import { LIVE, MODEL_NAMES, VIEW_NAMES, defaultState } from '../../src/widgets/contract';
import type { AppendMessage, KernelMessage, LawState, RunSeriesState, SpectrumState, WidgetKind } from '../../src/widgets/state';
import { WIDGET_MODULE, WIDGET_MODULE_VERSION } from '../../src/widgets/version';
import { unreachable } from '../../src/widgets/wire';
import { toFloat64 } from '../../src/widgets/codec';
import { ChannelModel } from './adapter';
import { appendFits, applyAppend, exact, normalizeRun, normalizeSpectrum } from './buffers';

/** ipywidgets serializes a typed array's whole buffer: the grown series go as exact copies (saved widget state). */
const serializers: ISerializers = {
  runs: {
    deserialize: (v: RunSeriesState[] | null) => (v ?? []).map(normalizeRun),
    serialize: (v: RunSeriesState[]) => v.map((r) => ({ ...r, steps: exact(r.steps), loss: exact(r.loss) })),
  },
  spectrum: {
    deserialize: normalizeSpectrum,
    serialize: (sp: SpectrumState | null) => (sp ? { ...sp, steps: exact(sp.steps), weights: exact(sp.weights), activations: sp.activations ? exact(sp.activations) : null } : null),
  },
  law: {
    deserialize: (v: LawState | null) => (v ? { ...v, layers: toFloat64(v.layers), ratio: toFloat64(v.ratio), energy: toFloat64(v.energy) } : null),
    serialize: (v: LawState | null) => v,
  },
};

export abstract class SaddlelabModel extends ChannelModel {
  static serializers: ISerializers = { ...DOMWidgetModel.serializers, ...serializers };
  /** True from a gap in the appends until the kernel's full state arrives. */
  private resyncing = false;

  defaults() {
    const kind = this.kind;
    return {
      ...super.defaults(),
      _model_name: MODEL_NAMES[kind],
      _view_name: VIEW_NAMES[kind],
      _model_module: WIDGET_MODULE,
      _view_module: WIDGET_MODULE,
      _model_module_version: WIDGET_MODULE_VERSION,
      _view_module_version: WIDGET_MODULE_VERSION,
      ...defaultState(kind),
    };
  }

  protected received(message: KernelMessage): void {
    switch (message.method) {
      case 'update':
      case 'echo_update':
        // The kernel's full state (answering a `request_state`) ends a resync.
        if ('runs' in message.state || 'spectrum' in message.state) this.resyncing = false;
        return;
      case 'custom':
        switch (message.content.type) {
          case 'append':
            return this.append(message.content);
          default:
            return unreachable(message.content.type);
        }
      default:
        return unreachable(message);
    }
  }

  /** Merges an append from the kernel, or asks for the whole state when it does not continue what the model holds. */
  private append(message: AppendMessage): void {
    if (this.resyncing) return;
    const plan = LIVE[this.value('kind')];
    const state = { runs: this.value('runs'), spectrum: this.value('spectrum'), progress: this.value('progress') };
    if (!appendFits(state, message, plan)) {
      // Points were missed (this view joined mid-run): ask for everything rather than draw a gap.
      // The kernel answers with an `update` carrying the whole state; appends after it fit again.
      this.resyncing = true;
      this.channel.send({ method: 'request_state' });
      return;
    }
    this.setFromKernel(applyAppend(state, message, plan), message);
  }
}

export class LossPlotModel extends SaddlelabModel {
  get kind(): WidgetKind {
    return 'LossPlot';
  }
}
export class SpectrumPlotModel extends SaddlelabModel {
  get kind(): WidgetKind {
    return 'SpectrumPlot';
  }
}
export class LayerLawPlotModel extends SaddlelabModel {
  get kind(): WidgetKind {
    return 'LayerLawPlot';
  }
}
export class TrainingDashboardModel extends SaddlelabModel {
  get kind(): WidgetKind {
    return 'TrainingDashboard';
  }
}
/** A sweep's rows are plain JSON (no binary series): the default serializers do. */
export class SweepPlotModel extends SaddlelabModel {
  get kind(): WidgetKind {
    return 'SweepPlot';
  }
}
