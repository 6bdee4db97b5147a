/** Parsing of the chart options the CLI takes as text; bad values throw UsageError with a one-line message. */
import { UsageError } from '../sim/errors.js';
import { badScale, badWidth, unknownFormat } from './messages.js';
import { POINTS_PER_INCH } from './theme.js';

const POINTS_PER: Record<string, number> = { '': POINTS_PER_INCH, in: POINTS_PER_INCH, cm: POINTS_PER_INCH / 2.54, mm: POINTS_PER_INCH / 25.4, pt: 1 };

/** A chart width (`3.5`, `3.5in`, `89mm`, `8.9cm`, `252pt`; a bare number is inches) in points, 1–20 in. */
export function parseWidth(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(in|cm|mm|pt)?\s*$/i.exec(text);
  const points = m ? Number(m[1]) * POINTS_PER[(m[2] ?? '').toLowerCase()] : NaN;
  if (!(points >= POINTS_PER_INCH && points <= 20 * POINTS_PER_INCH)) throw new UsageError(badWidth(text));
  return Math.round(points * 100) / 100;
}

/** PNG pixels per point, 0.5–20. */
export function parseScale(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !(n >= 0.5 && n <= 20)) throw new UsageError(badScale(text));
  return n;
}

/** `a,b` and repeated flags alike → the list of non-empty items. */
export function parseList(values: string | readonly string[] | undefined): string[] {
  if (values === undefined) return [];
  return (typeof values === 'string' ? [values] : values).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

export const CHART_FORMATS = ['svg', 'png', 'pdf'] as const;
export type ChartFormat = (typeof CHART_FORMATS)[number];

/** Parses `svg,png` (or repeated flags) into formats; throws UsageError on an unknown one. */
export function parseFormats(text: string | readonly string[]): ChartFormat[] {
  const formats = parseList(text).map((f) => f.toLowerCase());
  for (const f of formats) if (!(CHART_FORMATS as readonly string[]).includes(f)) throw new UsageError(unknownFormat(f, CHART_FORMATS));
  return [...new Set(formats)] as ChartFormat[];
}
