// plotly.js-dist-min ships no types; the few calls the views make.
declare module 'plotly.js-dist-min' {
  const Plotly: {
    react(div: HTMLElement, data: object[], layout: object, config?: object): Promise<unknown>;
    extendTraces(div: HTMLElement, update: Record<string, number[][]>, indices: number[]): Promise<unknown>;
    relayout(div: HTMLElement, layout: object): Promise<unknown>;
    toImage(div: HTMLElement, options: { format: 'png' | 'svg'; width: number; height: number; scale?: number }): Promise<string>;
    purge(div: HTMLElement): void;
    Plots: { resize(div: HTMLElement): void };
  };
  export default Plotly;
}
