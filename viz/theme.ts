/**
 * The one look of every chart. Sizes are in points: a chart is drawn with
 * 1 px = 1 pt, so a chart 252 px wide prints 3.5 in wide (one column of a
 * two-column paper) with 8 pt labels; the PNG renderer scales from there.
 *
 * Colours: the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal
 * Design"), distinguishable under the common colour-vision deficiencies,
 * extended by four colours of Paul Tol's "muted" scheme for markets with
 * more than eight providers. A provider's colour is fixed by its place in
 * the scenario (entrants after the incumbents), so it is the same in every
 * chart of a run.
 */
import type { Config } from 'vega-lite';

/** Default chart width: one column of a two-column paper, inches. */
export const DEFAULT_WIDTH_IN = 3.5;
/** Points per inch: the unit of chart coordinates is the point. */
export const POINTS_PER_INCH = 72;

/**
 * font-family of every text mark: DejaVu Sans (shipped, see fonts.ts), then,
 * for SVG viewers without it, Verdana, a similarly wide sans-serif, and
 * the common ones.
 */
export const FONT_FAMILY = 'DejaVu Sans, Verdana, Helvetica, Arial, sans-serif';

export const FONT_SIZE = { title: 10, subtitle: 8, label: 8, axisTitle: 8, note: 7 } as const;

export const INK = { text: '#222222', muted: '#555555', rule: '#777777', grid: '#e5e5e5', domain: '#888888' } as const;

/** Okabe–Ito without black (too heavy for areas), then Tol muted. */
export const PALETTE: readonly string[] = [
  '#0072B2', // blue
  '#E69F00', // orange
  '#009E73', // bluish green
  '#D55E00', // vermillion
  '#56B4E9', // sky blue
  '#CC79A7', // reddish purple
  '#997700', // dark yellow (Tol high-contrast): Okabe–Ito's #F0E442 is too pale for a line on white
  '#999999', // grey
  '#882255', // wine
  '#117733', // green
  '#332288', // indigo
  '#999933', // olive
];

/** The colour of the `index`-th provider or class; cycles past the palette's end. */
export function paletteColour(index: number): string {
  return PALETTE[index % PALETTE.length];
}

/** The single-series colour (HHI, active providers). */
export const SERIES_COLOUR = '#0072B2';

/** Deaths by cause: running out of cash stands out, the exogenous hazard is background. */
export const CAUSE_COLOURS = { runway: '#D55E00', hazard: '#999999', stranded: '#332288' } as const;

/**
 * Startup classes: shades of grey with their own dash, in class order, so
 * that no class is ever taken for a provider (providers have the hues of
 * PALETTE) and the classes stay apart in greyscale print.
 */
export const CLASS_STYLES: readonly { colour: string; dash: readonly number[] }[] = [
  { colour: '#1a1a1a', dash: [] },
  { colour: '#5a5a5a', dash: [5, 2] },
  { colour: '#8c8c8c', dash: [1.5, 1.5] },
  { colour: '#1a1a1a', dash: [6, 2, 1.5, 2] },
  { colour: '#5a5a5a', dash: [1.5, 3] },
  { colour: '#8c8c8c', dash: [8, 3] },
];

/** The style of the `index`-th class; cycles past the list's end. */
export function classStyle(index: number): { colour: string; dash: readonly number[] } {
  return CLASS_STYLES[index % CLASS_STYLES.length];
}

/** Legend symbol and the gap to its label, points (symbolSize 50 is a square about 7 pt wide). */
export const LEGEND_SYMBOL_WIDTH = 10;

/** Opacity of a 90 % band behind its mean line. */
export const BAND_OPACITY = 0.22;

/** The vega-lite config shared by every chart. */
export function chartConfig(): Config {
  return {
    font: FONT_FAMILY,
    background: 'white',
    padding: 6,
    view: { stroke: null },
    title: {
      fontSize: FONT_SIZE.title,
      fontWeight: 'bold',
      subtitleFontSize: FONT_SIZE.subtitle,
      subtitleColor: INK.muted,
      color: INK.text,
      anchor: 'start',
      frame: 'bounds',
      offset: 6,
      subtitlePadding: 3,
    },
    axis: {
      labelFontSize: FONT_SIZE.label,
      titleFontSize: FONT_SIZE.axisTitle,
      titleFontWeight: 'normal',
      labelColor: INK.text,
      titleColor: INK.text,
      gridColor: INK.grid,
      domainColor: INK.domain,
      tickColor: INK.domain,
      tickSize: 3,
      labelPadding: 2,
      titlePadding: 4,
    },
    legend: {
      labelFontSize: FONT_SIZE.label,
      titleFontSize: FONT_SIZE.axisTitle,
      titleFontWeight: 'normal',
      labelColor: INK.text,
      titleColor: INK.text,
      orient: 'bottom',
      symbolSize: 50,
      symbolStrokeWidth: 0,
      labelOffset: 3,
      rowPadding: 2,
      columnPadding: 6,
      labelLimit: 240,
      offset: 6,
    },
    range: { category: [...PALETTE] },
    line: { strokeWidth: 1.5 },
    text: { fontSize: FONT_SIZE.note, color: INK.muted },
  };
}
