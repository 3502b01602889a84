/**
 * SVG → PNG in Node, without a browser: resvg (@resvg/resvg-js, a Rust
 * renderer whose prebuilt binary is an npm package, no install step). Every
 * widget output carries this PNG beside its SVG because PNG is what viewers
 * render without trust: JupyterLab shows neither SVG nor a widget view in an
 * untrusted notebook, while GitHub, nbviewer and VS Code show PNG anywhere
 * (docs/widgets.md, "Static figures").
 *
 * Text is drawn with the DejaVu Sans shipped by the dejavu-fonts-ttf package,
 * never the system's fonts: the same PNG on every machine, and labels even
 * where no font is installed.
 */
import { SaddlelabError } from '../errors';

/** A rendered PNG and the size it should be shown at (CSS pixels). */
export interface PngFigure {
  png: Uint8Array;
  /** Display width and height: the SVG's own size; the bitmap holds `scale` × as many pixels. */
  width: number;
  height: number;
}

type ResvgModule = typeof import('@resvg/resvg-js');
let resvg: ResvgModule | undefined;
let fonts: string[] | undefined;

function load(): { Resvg: ResvgModule['Resvg']; fontFiles: string[] } {
  try {
    // Required lazily: a kernel that never shows a figure does not load the native binary.
    resvg ??= require('@resvg/resvg-js') as ResvgModule;
  } catch (e) {
    throw new SaddlelabError(`[saddlelab] PNG figure: @resvg/resvg-js could not be loaded (${(e as Error).message}); reinstall saddlelab's dependencies (npm install)`, 'png');
  }
  fonts ??= ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => require.resolve(`dejavu-fonts-ttf/ttf/${f}`));
  return { Resvg: resvg.Resvg, fontFiles: fonts };
}

/**
 * Renders an SVG string to PNG at `scale` × its own size (default 2, sharp on
 * high-density screens; show it at `width` × `height`).
 *
 * @example
 * ```ts
 * import { svgToPng } from './png-render';
 * const { png, width } = svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><text x="2" y="15">hi</text></svg>');
 * console.log(width, png.length > 0); // 40 true
 * ```
 */
export function svgToPng(svg: string, options: { scale?: number } = {}): PngFigure {
  const scale = options.scale ?? 2;
  if (!(typeof scale === 'number' && scale > 0 && scale <= 8)) throw new SaddlelabError(`[saddlelab] options.scale must be a number in (0, 8]; got ${String(scale)}`, 'options.scale');
  if (typeof svg !== 'string' || !svg.includes('<svg')) throw new SaddlelabError(`[saddlelab] svg must be an SVG document (a string containing <svg>); got ${typeof svg === 'string' ? JSON.stringify(svg.slice(0, 40)) : typeof svg}`, 'svg');
  const { Resvg, fontFiles } = load();
  let rendered;
  try {
    const r = new Resvg(svg, {
      background: 'white',
      fitTo: { mode: 'zoom', value: scale },
      font: { loadSystemFonts: false, fontFiles, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans', serifFamily: 'DejaVu Sans', monospaceFamily: 'DejaVu Sans' },
    });
    rendered = r.render();
  } catch (e) {
    throw new SaddlelabError(`[saddlelab] PNG figure: resvg could not render the SVG: ${(e as Error).message}`, 'svg');
  }
  const png = rendered.asPng();
  return { png, width: Math.round(rendered.width / scale), height: Math.round(rendered.height / scale) };
}
