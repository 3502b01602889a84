/**
 * A widget's output in the cell: the display bundle (the widget view when the
 * comm is live, text/plain, and the static figure as SVG and PNG, which
 * reports, untrusted notebooks and viewers without the extension show), shown
 * with a display id so that the final figure replaces it by
 * `update_display_data` when the run ends.
 */
import type { MimeBundle, WidgetKernel } from './kernel-port';
import type { PlotState } from './state';
import { staticFigure } from './static-figure';

/** What the display asks of its widget. */
export interface DisplaySource {
  /** One line describing the widget (text/plain). */
  describe(): string;
  state(): PlotState;
  /** Whether the static figure belongs in the bundle now (a live run's is left out until it ends). */
  staticNow(): boolean;
  /** The live view's model id ('' when the widget is not live). */
  modelId(): string;
}

let displayCounter = 0;

/**
 * The display of one widget.
 *
 * @example
 * ```ts
 * import { defaultState } from './contract';
 * import { WidgetDisplay } from './display';
 * const shown: unknown[] = [];
 * const kernel = { live: false, display: (b: Record<string, unknown>) => void shown.push(Object.keys(b)), updateDisplay() {}, openComm(): never { throw new Error('static'); } };
 * const source = { describe: () => 'LossPlot(empty)', state: () => defaultState('LossPlot'), staticNow: () => true, modelId: () => '' };
 * new WidgetDisplay(kernel, source, true).show();
 * console.log(shown); // [ [ 'text/plain', 'image/svg+xml', 'image/png', 'application/vnd.saddlelab.figure+json' ] ]
 * ```
 */
export class WidgetDisplay {
  private readonly displayId = `saddlelab-${process.pid}-${++displayCounter}`;
  private shown = false;

  constructor(
    private readonly kernel: WidgetKernel,
    private readonly source: DisplaySource,
    /** Put a static figure in the bundle (the widget's `staticFigure` option). */
    private readonly withStatic: boolean,
  ) {}

  /** The display bundle and its metadata (the PNG's display size). */
  output(): { data: MimeBundle; metadata: Record<string, unknown> } {
    const data: MimeBundle = { 'text/plain': this.source.describe() };
    let metadata: Record<string, unknown> = {};
    if (this.withStatic && this.source.staticNow()) {
      try {
        const fig = staticFigure(this.source.state());
        Object.assign(data, fig.data);
        metadata = fig.metadata;
      } catch (e) {
        data['text/plain'] += `\n(static figure unavailable: ${e instanceof Error ? e.message : String(e)})`;
      }
    }
    const modelId = this.source.modelId();
    if (modelId) data['application/vnd.jupyter.widget-view+json'] = { version_major: 2, version_minor: 1, model_id: modelId };
    return { data, metadata };
  }

  /** Shows the bundle in the current cell's output (display_data with this widget's display id). */
  show(): void {
    const { data, metadata } = this.output();
    this.kernel.display(data, { displayId: this.displayId, metadata });
    this.shown = true;
  }

  /** Replaces the shown bundle by the current one (update_display_data), once shown. */
  refresh(): void {
    if (!this.shown) return;
    const { data, metadata } = this.output();
    this.kernel.updateDisplay(this.displayId, data, { metadata });
  }
}
