/**
 * The renderers on the minimal scenario's charts: PNG (sized by --scale,
 * its data drawn, with text in the title area, so the shipped font was used),
 * PDF (one page of the chart's size, fonts embedded), and the same bytes
 * every time.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { drawCharts, type DrawnChart } from '../../viz/draw.js';
import { renderPng } from '../../viz/render/png.js';
import { renderSvg } from '../../viz/render/svg.js';
import { darkPixels, decodePng, inkedFraction } from './png.js';
import { minimalResult, type Scratch } from './fixtures.js';

let scratch: Scratch;
let drawn: DrawnChart[];
const svgSize = new Map<string, { width: number; height: number }>();

beforeAll(async () => {
  scratch = await minimalResult(8);
  drawn = await drawCharts(scratch.dir);
  for (const d of drawn) {
    const svg = readFileSync(d.files.find((f) => f.endsWith('.svg'))!, 'utf8');
    const m = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg)!;
    svgSize.set(d.name, { width: Number(m[1]), height: Number(m[2]) });
  }
});
afterAll(() => scratch?.remove());

/** The spec with every inline data set emptied: what a chart draws with no data. */
function withoutData(spec: unknown): unknown {
  const strip = (o: unknown): void => {
    if (Array.isArray(o)) o.forEach(strip);
    else if (o && typeof o === 'object') {
      const values = (o as { values?: unknown }).values;
      if (Array.isArray(values) && values.some((v) => v && typeof v === 'object')) (o as { values: unknown[] }).values = [];
      Object.values(o).forEach(strip);
    }
  };
  strip(spec);
  return spec;
}

async function pngOf(spec: unknown) {
  const svg = await renderSvg(spec as TopLevelSpec);
  return decodePng(renderPng(svg.svg, svg.width, 4));
}

const hasPdffonts = spawnSync('pdffonts', ['-v']).error === undefined;

describe('drawCharts', () => {
  test('writes the spec and the three formats of every chart into charts/', () => {
    const files = readdirSync(join(scratch.dir, 'charts')).sort();
    expect(files).toHaveLength(6 * 4);
    for (const d of drawn) expect(d.files.map((f) => f.slice(f.lastIndexOf('.')))).toEqual(['.json', '.svg', '.png', '.pdf']);
    for (const d of drawn) expect(d.warnings, d.name).toEqual([]);
  });

  test('gives the same bytes for the same result folder', async () => {
    const again = await drawCharts(scratch.dir, { out: join(scratch.parent, 'again') });
    for (const [i, d] of drawn.entries())
      for (const [j, file] of d.files.entries()) expect(readFileSync(again[i].files[j]).equals(readFileSync(file)), file).toBe(true);
  });
});

describe('SVG', () => {
  test('is vector text in the shipped font, sized in points', () => {
    for (const d of drawn) {
      const svg = readFileSync(d.files[1], 'utf8');
      expect(/^<svg [^>]*width="[\d.]+pt" height="[\d.]+pt"/.test(svg), d.name).toBe(true);
      expect(svg.includes('font-family="DejaVu Sans, Verdana, Helvetica, Arial, sans-serif"'), d.name).toBe(true);
      expect((svg.match(/<text /g) ?? []).length, d.name).toBeGreaterThan(8);
      expect(/NaN|Infinity/.test(svg), d.name).toBe(false);
    }
  });
});

describe('PNG', () => {
  test('is 4 pixels a point, its data drawn, with text in the title area', async () => {
    for (const d of drawn) {
      const img = decodePng(readFileSync(d.files[2]));
      const size = svgSize.get(d.name)!;
      expect(img.width, d.name).toBe(Math.round(size.width * 4));
      expect(Math.abs(img.height - size.height * 4), d.name).toBeLessThanOrEqual(1);
      // The data adds ink to the frame (titles, axes, grid): a bound on the whole image's ink
      // (it was > 5 %) is met by a chart with no data at all, whose frame alone inks 4–13 %.
      // 0.4 % of the image is two thirds of one 1.5 pt line across a 3.5 in plot.
      const frame = await pngOf(withoutData(JSON.parse(readFileSync(d.files[0], 'utf8'))));
      expect(inkedFraction(img) - inkedFraction(frame), d.name).toBeGreaterThan(0.004);
      // The title: 10 pt bold from 6 pt in; resvg drops text it has no font for, which would leave this box white.
      const s = 4;
      expect(darkPixels(img, 6 * s, 4 * s, 120 * s, 18 * s), d.name).toBeGreaterThan(800);
    }
  });

  test('--scale sets the resolution', async () => {
    const [hhi] = await drawCharts(scratch.dir, { out: join(scratch.parent, 'scaled'), only: ['hhi'], formats: ['png'], scale: 2 });
    const img = decodePng(readFileSync(hhi.files[1]));
    expect(img.width).toBe(Math.round(svgSize.get('hhi-tokens')!.width * 2));
    expect(darkPixels(img, 12, 8, 240, 36)).toBeGreaterThan(200);
  });
});

describe('PDF', () => {
  test('is one page the size of the chart, with a fixed creation date', () => {
    for (const d of drawn) {
      const pdf = readFileSync(d.files[3]).toString('latin1');
      const size = svgSize.get(d.name)!;
      // Booleans, not matchers on the file: a failure would print the whole PDF.
      expect(pdf.startsWith('%PDF-'), d.name).toBe(true);
      expect(pdf.match(/\/Type \/Page\b/g)?.length, d.name).toBe(1);
      expect(pdf.includes(`/MediaBox [0 0 ${size.width} ${size.height}]`), d.name).toBe(true);
      const ref = /\/CreationDate (\d+) 0 R/.exec(pdf)?.[1];
      expect(pdf.includes(`\n${ref} 0 obj\n(D:19700101000000Z)\n`), d.name).toBe(true);
    }
  });

  test('embeds its fonts (read from the file)', () => {
    for (const d of drawn) {
      const pdf = readFileSync(d.files[3]).toString('latin1');
      const fonts = [...pdf.matchAll(/\/BaseFont \/([A-Z]{6}\+[\w-]+)/g)].map((m) => m[1]);
      expect(fonts.length, d.name).toBeGreaterThan(0);
      for (const f of fonts) expect(f).toMatch(/\+DejaVuSans/);
      // Every descriptor carries the font program itself.
      expect((pdf.match(/\/FontFile2 /g) ?? []).length, d.name).toBe((pdf.match(/\/Type \/FontDescriptor/g) ?? []).length);
    }
  });

  test.skipIf(!hasPdffonts)('embeds its fonts (pdffonts)', () => {
    for (const d of drawn) {
      const rows = execFileSync('pdffonts', [d.files[3]], { encoding: 'utf8' }).trim().split('\n').slice(2);
      expect(rows.length, d.name).toBeGreaterThan(0);
      for (const row of rows) expect(row, d.name).toMatch(/DejaVuSans\S*\s+CID TrueType\s+Identity-H\s+yes yes yes/);
    }
  });
});
