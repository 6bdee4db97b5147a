/**
 * The one font of every chart: DejaVu Sans, shipped as TTF files in the
 * `dejavu-fonts-ttf` package, so that PNG and PDF text renders the same on a
 * machine with no system fonts (resvg silently drops text it has no font
 * for). Text widths for vega's layout are measured from the same files.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { openSync, type Font } from 'fontkit';

export type FontFace = 'regular' | 'bold' | 'italic' | 'boldItalic';

const FILES: Record<FontFace, string> = {
  regular: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
  italic: 'DejaVuSans-Oblique.ttf',
  boldItalic: 'DejaVuSans-BoldOblique.ttf',
};

let dir: string | undefined;

/** Absolute path of a face's TTF file. */
export function fontFile(face: FontFace): string {
  dir ??= join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  return join(dir, FILES[face]);
}

/** Every face, for renderers that load all of them. */
export function fontFiles(): string[] {
  return (Object.keys(FILES) as FontFace[]).map(fontFile);
}

/** The face a CSS weight and style select. */
export function faceOf(weight: string | number | undefined, style: string | undefined): FontFace {
  const bold = weight === 'bold' || weight === 'bolder' || (typeof weight === 'number' ? weight >= 600 : Number(weight) >= 600);
  const italic = style === 'italic' || style === 'oblique';
  return bold ? (italic ? 'boldItalic' : 'bold') : italic ? 'italic' : 'regular';
}

const fonts = new Map<FontFace, Font>();
const widths = new Map<string, number>();

/** Width in px (= pt) of `text` set in `face` at `size` px, with kerning. */
export function textWidth(text: string, size: number, face: FontFace = 'regular'): number {
  const key = `${face}\u0000${text}`;
  let em = widths.get(key);
  if (em === undefined) {
    let font = fonts.get(face);
    if (!font) fonts.set(face, (font = openSync(fontFile(face))));
    em = font.layout(text).advanceWidth / font.unitsPerEm;
    widths.set(key, em);
  }
  return em * size;
}
