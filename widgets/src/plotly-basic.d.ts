// plotly.js-basic-dist-min (scatter traces only: all the figures use) ships no types; the calls the report page makes.
declare module 'plotly.js-basic-dist-min' {
  const Plotly: {
    react(div: HTMLElement, data: object[], layout: object, config?: object): Promise<unknown>;
  };
  export default Plotly;
}
