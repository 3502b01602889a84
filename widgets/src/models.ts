/**
 * The browser-side models: one class per widget kind, with names, defaults
 * and keys from the shared contract (src/widgets/contract.ts). Binary series
 * arrive as DataViews and are kept as Float64Arrays; the kernel's `append`
 * messages are merged into the model's state as the kind's live plan says,
 * so that a notebook saved from the browser holds the whole run.
 */
import { DOMWidgetModel, type ISerializers } from '@jupyter-widgets/base';
import { LIVE, MODEL_NAMES, STATE_KEYS, VIEW_NAMES, defaultState } from '../../src/widgets/contract';
import type { AppendMessage, LawState, PlotState, RunSeriesState, WidgetKind } from '../../src/widgets/state';
import { WIDGET_MODULE, WIDGET_MODULE_VERSION } from '../../src/widgets/version';
import { appendFits, applyAppend, normalizeRun, normalizeSpectrum, putBuffers, toFloat64 } from './buffers';

const keep = <T>(v: T) => v;

/** Reads the model's attributes as a PlotState. */
export function plotState(model: { get(key: string): unknown }): PlotState {
  const s: Record<string, unknown> = {};
  for (const k of STATE_KEYS) s[k] = model.get(k);
  // A state saved by an older version lacks the newer keys: their defaults apply.
  const defaults = defaultState((s.kind as WidgetKind) ?? 'LossPlot');
  for (const k of STATE_KEYS) if (s[k] === undefined) s[k] = defaults[k];
  return s as unknown as PlotState;
}

export class SaddlelabModel extends DOMWidgetModel {
  static kind: WidgetKind = 'LossPlot';
  static serializers: ISerializers = {
    ...DOMWidgetModel.serializers,
    runs: { deserialize: (v: RunSeriesState[] | null) => (v ?? []).map(normalizeRun), serialize: keep },
    spectrum: { deserialize: normalizeSpectrum, serialize: keep },
    law: { deserialize: (v: LawState | null) => (v ? { ...v, layers: toFloat64(v.layers), ratio: toFloat64(v.ratio), energy: toFloat64(v.energy) } : null), serialize: keep },
  };

  defaults() {
    const kind = (this.constructor as typeof SaddlelabModel).kind;
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

  initialize(attributes: any, options: any): void {
    super.initialize(attributes, options);
    this.on('msg:custom', (content: Record<string, unknown>, buffers: unknown[]) => this.onCustom(content, buffers ?? []));
  }

  /** True from a gap in the appends until the kernel's full state arrives. */
  private resyncing = false;

  /** Merges an `append` message from the kernel (its binary fields are in `buffers`, at `buffer_paths`). */
  onCustom(content: Record<string, unknown>, buffers: unknown[]): void {
    if (content.type !== 'append') return;
    const msg = { ...content } as Record<string, unknown>;
    putBuffers(msg, (content.buffer_paths as Array<Array<string | number>>) ?? [], buffers);
    const plan = LIVE[(this.get('kind') as WidgetKind) ?? (this.constructor as typeof SaddlelabModel).kind];
    const state = { runs: this.get('runs'), spectrum: this.get('spectrum'), progress: this.get('progress') };
    if (this.resyncing) return;
    if (!appendFits(state, msg as unknown as AppendMessage, plan)) {
      // Points were missed (this view joined mid-run): ask for everything rather than draw a gap.
      // The kernel answers with an `update` carrying the whole state; appends after it fit again.
      this.resyncing = true;
      this.comm?.send({ method: 'request_state' }, {});
      return;
    }
    this.set(applyAppend(state, msg as unknown as AppendMessage, plan));
  }

  set_state(state: Record<string, unknown>): void {
    if ('runs' in state || 'spectrum' in state) this.resyncing = false;
    super.set_state(state);
  }
}

export class LossPlotModel extends SaddlelabModel {
  static kind: WidgetKind = 'LossPlot';
}
export class SpectrumPlotModel extends SaddlelabModel {
  static kind: WidgetKind = 'SpectrumPlot';
}
export class LayerLawPlotModel extends SaddlelabModel {
  static kind: WidgetKind = 'LayerLawPlot';
}
export class TrainingDashboardModel extends SaddlelabModel {
  static kind: WidgetKind = 'TrainingDashboard';
}
/** A sweep's rows are plain JSON (no binary series): the default serializers do. */
export class SweepPlotModel extends SaddlelabModel {
  static kind: WidgetKind = 'SweepPlot';
}
