// plotly.js-dist-min ships no types; the few calls the views make, typed as Plotly documents them.
declare module 'plotly.js-dist-min' {
  /** A div Plotly has drawn into (what `react` resolves to): its events and its current layout. */
  export interface PlotlyDiv extends HTMLDivElement {
    on(event: 'plotly_relayout', handler: (update: Record<string, unknown>) => void): void;
    on(event: 'plotly_click', handler: (e: { points?: Array<{ x: number; xaxis?: { _id?: string } }> }) => void): void;
    /** The layout as drawn (ranges after a zoom, the height). */
    layout?: Record<string, unknown>;
  }
  const Plotly: {
    react(div: HTMLElement, data: object[], layout: object, config?: object): Promise<PlotlyDiv>;
    extendTraces(div: HTMLElement, update: { x: number[][]; y: number[][] }, indices: number[]): Promise<PlotlyDiv>;
    relayout(div: HTMLElement, layout: object): Promise<PlotlyDiv>;
    toImage(div: HTMLElement, options: { format: 'png' | 'svg'; width: number; height: number; scale?: number }): Promise<string>;
    purge(div: HTMLElement): void;
    Plots: { resize(div: HTMLElement): void };
  };
  export default Plotly;
}
