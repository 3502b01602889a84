/**
 * The script of a saddlelab HTML report (src/widgets/report.ts embeds it,
 * bundled with Plotly, once per report): each figure's data, embedded next to
 * its static image, is drawn as an interactive Plotly figure (hover, zoom)
 * with the same figure code as the live widget view. Nothing is fetched:
 * the report works from disk with no network. Without JavaScript the static
 * image stays.
 */
import Plotly from 'plotly.js-basic-dist-min';
import { FIGURE_MIME, stateOfFigureData } from '../../src/widgets/figure-data';
import { figure } from './figures';

async function draw(container: HTMLElement): Promise<void> {
  const script = container.querySelector(`script[type="${FIGURE_MIME}"]`);
  const state = stateOfFigureData(script ? JSON.parse(script.textContent ?? 'null') : null);
  if (!state) return;
  const fig = figure(state);
  const plot = document.createElement('div');
  plot.className = 'saddlelab-report-plot';
  container.appendChild(plot);
  await Plotly.react(plot, fig.data, { ...fig.layout, autosize: true }, { displaylogo: false, responsive: true });
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
