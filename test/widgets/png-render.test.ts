import { PNG } from 'pngjs';
import { LayerLawPlot, LossPlot, SpectrumPlot, TrainingDashboard } from '../../src/widgets';
import { svgToPng } from '../../src/widgets/png-render';
import { describeFigure } from '../../src/widgets/figure';
import { staticFigure } from '../../src/widgets/static-figure';
import { createFakeKernel } from './fake-kernel';
import { staircase } from './histories';

const decode = (png: Uint8Array | string) => PNG.sync.read(typeof png === 'string' ? Buffer.from(png, 'base64') : Buffer.from(png));

/** RGBA of pixel (x, y). */
function pixel(img: PNG, x: number, y: number): number[] {
  const i = (y * img.width + x) * 4;
  return [img.data[i], img.data[i + 1], img.data[i + 2], img.data[i + 3]];
}

/** How many pixels in the box [x0, x1) × [y0, y1) are darker than light grey. */
function dark(img: PNG, x0 = 0, y0 = 0, x1 = img.width, y1 = img.height): number {
  let n = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (pixel(img, x, y).slice(0, 3).every((c) => c < 160)) n++;
  return n;
}

/** How many pixels are close to the colour `hex`. */
function ofColour(img: PNG, hex: string): number {
  const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  let n = 0;
  for (let i = 0; i < img.data.length; i += 4) if (want.every((c, k) => Math.abs(img.data[i + k] - c) < 24)) n++;
  return n;
}

describe('PNG of an SVG (resvg, no browser)', () => {
  test('shapes land where the SVG puts them, at twice the size, on white', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect x="20" y="0" width="20" height="20" fill="#d62728"/></svg>';
    const { png, width, height } = svgToPng(svg);
    expect([width, height]).toEqual([40, 20]);
    const img = decode(png);
    expect([img.width, img.height]).toEqual([80, 40]);
    expect(pixel(img, 60, 20)).toEqual([0xd6, 0x27, 0x28, 255]);
    expect(pixel(img, 10, 20)).toEqual([255, 255, 255, 255]);
  });

  test('text is drawn with the packaged font (no system fonts are loaded)', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><text x="4" y="22" font-family="sans-serif" font-size="18">loss ℓ s₁/s₂</text></svg>';
    const img = decode(svgToPng(svg).png);
    // Glyphs make dark pixels inside the text's box; a missing font would leave it white.
    expect(dark(img)).toBeGreaterThan(150);
  });

  test('bad input is a [saddlelab] error naming the field', () => {
    expect(() => svgToPng('not svg')).toThrow(/\[saddlelab\] svg must be an SVG document/);
    expect(() => svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>', { scale: 0 })).toThrow(/\[saddlelab\] options\.scale must be a number in \(0, 8\]/);
  });
});

describe('every widget kind carries a PNG beside its SVG', () => {
  const h = staircase(300, 3);
  const widgets = () => {
    const kernel = createFakeKernel(false);
    return {
      kernel,
      all: [new LossPlot(h, { kernel }), new SpectrumPlot(h, { kernel }), new SpectrumPlot(h, { kernel, mode: 'snapshot', steps: [60, 280] }), new LayerLawPlot(h, { kernel }), new TrainingDashboard(h, undefined, { kernel })],
    };
  };

  test('the display bundle has image/png that decodes to the figure, drawn in its series’ colour', () => {
    const { kernel, all } = widgets();
    for (const w of all) w.display();
    expect(kernel.displays).toHaveLength(all.length);
    kernel.displays.forEach(({ bundle }, i) => {
      expect(typeof bundle['image/svg+xml']).toBe('string');
      expect(typeof bundle['image/png']).toBe('string');
      const img = decode(bundle['image/png'] as string);
      const { metadata } = staticFigure(all[i].state);
      // Twice the display size, which the output's metadata gives.
      expect(img.width).toBe(2 * metadata['image/png'].width);
      expect(img.height).toBe(2 * metadata['image/png'].height);
      expect(metadata['image/png'].width).toBeGreaterThan(200);
      // The first series' colour is drawn, and labels are.
      expect(ofColour(img, describeFigure(all[i].state).panels[0].series[0].color)).toBeGreaterThan(100);
      expect(dark(img)).toBeGreaterThan(500);
    });
  });
});
