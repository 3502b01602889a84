/**
 * The script of a saddlelab HTML report (src/widgets/report.ts embeds it,
 * bundled with Plotly, once per report): each figure's data, embedded next to
 * its static image, is drawn as an interactive Plotly figure (hover, zoom)
 * from the same figure description and Plotly mapping as the live widget view,
 * with its readout, caption and notes under it. Nothing is fetched:
 * the report works from disk with no network. Without JavaScript the static
 * image stays.
 */
import Plotly from 'plotly.js-basic-dist-min';
import { FIGURE_MIME, stateOfFigureData } from '../../src/widgets/figure-data';
import { describeFigure } from '../../src/widgets/figure/describe';
import { plotlyFigure } from './plotly-figure';

function line(className: string, css: string, text: string): HTMLDivElement {
  const div = document.createElement('div');
  div.className = className;
  div.style.cssText = css;
  div.textContent = text;
  return div;
}

async function draw(container: HTMLElement): Promise<void> {
  const script = container.querySelector(`script[type="${FIGURE_MIME}"]`);
  const state = stateOfFigureData(script ? JSON.parse(script.textContent ?? 'null') : null);
  if (!state) return;
  const desc = describeFigure(state);
  const fig = plotlyFigure(desc);
  const plot = document.createElement('div');
  plot.className = 'saddlelab-report-plot';
  container.appendChild(plot);
  await Plotly.react(plot, fig.data, { ...fig.layout, autosize: true }, { displaylogo: false, responsive: true });
  // As under the live view: the values at the last step, why a run stopped early, what each mark means.
  if (desc.readout) container.appendChild(line('saddlelab-readout', 'font-size:12px;font-family:monospace;margin:2px 0', desc.readout.text));
  if (desc.notes.length) container.appendChild(line('saddlelab-message', 'color:#b00020;font-size:12px;white-space:pre-wrap;margin:2px 0', desc.notes.join('\n')));
  container.appendChild(line('saddlelab-caption', 'font-size:11px;color:#555;margin:2px 0;max-width:60em', desc.caption));
  // The interactive figure replaces the static one (kept in the page for printing and viewers without JavaScript).
  const img = container.querySelector('img.saddlelab-static') as HTMLElement | null;
  if (img) img.style.display = 'none';
  container.dataset.interactive = 'true';
}

function drawAll(): void {
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('.saddlelab-figure'))) {
    draw(el).catch((e) => {
      // The static image stays; say why in the page, not only in the console.
      el.dataset.interactive = 'false';
      el.title = `[saddlelab] interactive figure unavailable: ${(e as Error).message}`;
    });
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', drawAll);
else drawAll();
