/**
 * SVG → PNG with resvg (a prebuilt binary inside its npm package). resvg
 * silently drops text it has no font for, so it is given the shipped TTF
 * files and no system fonts: the PNG is the same on every machine.
 */
import { Resvg } from '@resvg/resvg-js';
import { fontFile } from '../fonts.js';

/** PNG pixels per point by default: 4 gives 288 dpi at the chart's print size. */
export const DEFAULT_SCALE = 4;

/** The PNG of `svg` (a chart `width` points wide) at `scale` pixels per point. */
export function renderPng(svg: string, width: number, scale = DEFAULT_SCALE): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: Math.round(width * scale) },
    background: 'white',
    font: {
      loadSystemFonts: false,
      // The charts set text in regular and bold only, so only those faces are parsed.
      fontFiles: [fontFile('regular'), fontFile('bold')],
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
    // Keep the fallback quiet: the font-family list names fonts the PNG never needs.
    logLevel: 'off',
    shapeRendering: 2,
    textRendering: 1,
  });
  return resvg.render().asPng();
}
