/**
 * Draws a result folder's charts into a folder (default `<results>/charts/`):
 * for each chart its spec (`<name>.vl.json`, for users who restyle) and the
 * formats asked for. Every file is written atomically, its temporary in a
 * scratch folder of the process's own that the next writer removes if the
 * process is killed (folder-writer.ts); nothing is written through a link
 * inside the result folder. The same result folder gives the same bytes.
 */
import { join } from 'node:path';
import { InterruptedError } from '../sim/errors.js';
import { assertNoLinkInside, type FolderWriter, writeIntoFolder } from '../sim/output/folder-writer.js';
import { type Chart, chartsOf } from './charts/index.js';
import type { ChartSelection } from './charts/index.js';
import { CHART_FORMATS, type ChartFormat } from './options.js';
import { renderPdf } from './render/pdf.js';
import { DEFAULT_SCALE, renderPng } from './render/png.js';
import { renderSvg } from './render/svg.js';

export { CHART_FORMATS, type ChartFormat, parseFormats } from './options.js';

/** The folder charts go to inside a result folder. */
export const CHARTS_DIR = 'charts';

export interface RenderOptions {
  /** Default all three; the `.vl.json` spec is always written. */
  formats?: readonly ChartFormat[];
  /** PNG pixels per point; default 4 (288 dpi at print size). */
  scale?: number;
  /**
   * Checked before each chart and each format, after the event loop has had
   * its turn: once aborted, drawing stops with InterruptedError (`done`: the
   * charts drawn in full, `runs`: the charts asked for). Every file written is whole.
   */
  signal?: AbortSignal;
}

/** Lets the event loop run (signal handlers); then stops if `signal` was aborted. */
async function breathe(signal: AbortSignal | undefined, drawn: number, total: number): Promise<void> {
  if (!signal) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (!signal.aborted) return;
  const name = typeof signal.reason === 'string' ? signal.reason : 'SIGINT';
  throw new InterruptedError(`interrupted by ${name}`, name, drawn, total);
}

export interface DrawOptions extends ChartSelection, RenderOptions {
  /** Output folder; default `<results>/charts`. */
  out?: string;
}

export interface DrawnChart {
  name: string;
  /** Paths written, spec first, then the formats in the order asked. */
  files: string[];
  /** Warnings of vega-lite and vega; none is expected. */
  warnings: string[];
}

/** Writes `charts` into the folder `out` (created if need be); returns what was written. */
export function renderCharts(charts: readonly Chart[], out: string, options: RenderOptions = {}): Promise<DrawnChart[]> {
  return writeIntoFolder(out, (writer) => drawInto(writer, charts, out, options));
}

async function drawInto(writer: FolderWriter, charts: readonly Chart[], out: string, options: RenderOptions): Promise<DrawnChart[]> {
  const formats = options.formats ?? CHART_FORMATS;
  const write = writer.write;
  const drawn: DrawnChart[] = [];
  for (const chart of charts) {
    await breathe(options.signal, drawn.length, charts.length);
    const base = join(out, chart.name);
    const files = [`${base}.vl.json`];
    write(files[0], JSON.stringify(chart.spec, null, 2) + '\n');
    const warnings: string[] = [];
    if (formats.length) {
      await breathe(options.signal, drawn.length, charts.length);
      const svg = await renderSvg(chart.spec);
      warnings.push(...svg.warnings);
      for (const format of formats) {
        await breathe(options.signal, drawn.length, charts.length);
        const file = `${base}.${format}`;
        if (format === 'svg') write(file, svg.svg);
        else if (format === 'png') write(file, renderPng(svg.svg, svg.width, options.scale ?? DEFAULT_SCALE));
        else write(file, await renderPdf(svg.svg, svg.width, svg.height, chart.title));
        files.push(file);
      }
    }
    drawn.push({ name: chart.name, files, warnings });
  }
  return drawn;
}

/**
 * Draws the standard charts of result folder `dir`; returns what was written.
 * @throws UsageError when the output folder is, or is reached through, a link inside `dir`
 */
export function drawCharts(dir: string, options: DrawOptions = {}): Promise<DrawnChart[]> {
  const out = options.out ?? join(dir, CHARTS_DIR);
  assertNoLinkInside(dir, out);
  return renderCharts(chartsOf(dir, options), out, options);
}
