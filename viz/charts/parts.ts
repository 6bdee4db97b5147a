/**
 * Pieces shared by the chart builders: sizes, the time axis, headers, the
 * mean-and-band layers and the scenario's event markers. Units: chart
 * coordinates are points (theme.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import { monthIndex, monthLabel } from '../../sim/calendar.js';
import type { TimeseriesRow } from '../../sim/output/result-types.js';
import { chartNumber, providersOf, type ResultTable } from '../table.js';
import { BAND_OPACITY, chartConfig, DEFAULT_WIDTH_IN, FONT_SIZE, INK, LEGEND_SYMBOL_WIDTH, POINTS_PER_INCH } from '../theme.js';

/** Any layer or encoding object of a spec (vega-lite's own types are too deep to build piecewise). */
export type Json = Record<string, any>;

export interface ChartOptions {
  /** Total chart width in points (1/72 in); default 252 = 3.5 in. */
  width?: number;
}

export const DEFAULT_WIDTH_PT = DEFAULT_WIDTH_IN * POINTS_PER_INCH;

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * Plot height for a chart `width` points wide: 5 : 3 up to one column
 * (3.5 in), then growing more slowly, so that a full-width chart (7 in) is
 * not a page tall.
 */
export function plotHeight(width: number): number {
  const column = DEFAULT_WIDTH_PT;
  return Math.round(width <= column ? width * 0.6 : column * 0.6 + (width - column) * 0.3);
}

/**
 * Inline data with `date` as `YYYY-MM`: JavaScript reads that ISO form as
 * the first instant of the month in UTC, on every machine, so no parse
 * directive is needed (vega-lite 6.5 applies a `utc:` directive twice in
 * layers with their own data).
 */
export function monthlyData(values: readonly Json[]): Json {
  return { values };
}

/**
 * Points a time-axis label takes with the gap to the next: "Sep 2025" is
 * about 37 pt at 8 pt, and labels closer than about 56 pt apart collided
 * at 3.5 in for 24-month runs.
 */
export const TIME_LABEL_PITCH = 56;

/** Months between time-axis ticks, so that labels like "Jan 2025" do not crowd a plot `width` points wide. */
export function tickStep(months: number, width: number): number {
  const fits = Math.max(2, Math.floor(width / TIME_LABEL_PITCH));
  return [1, 2, 3, 6, 12, 24, 60, 120].find((s) => months / s <= fits) ?? 240;
}

/** Points between the y axis and month 0, so that a marker at t = 0 does not lie on the axis. */
export const TIME_PADDING = 6;

/** The x encoding of every time chart: calendar months, UTC, labelled "Jan 2025". */
export function timeX(table: ResultTable, width: number, extra: Json = {}): Json {
  const months = table.manifest.months;
  return {
    field: 'date',
    type: 'temporal',
    scale: { type: 'utc', padding: TIME_PADDING },
    axis: {
      title: 'End of month',
      format: '%b %Y',
      tickCount: { interval: 'month', step: tickStep(months, width - 50) },
      labelOverlap: true,
      grid: false,
    },
    ...extra,
  };
}

/** `text` broken at spaces into lines of at most `width` points at `size` points (estimated). */
export function wrap(text: string, width: number, size: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const longer = line ? `${line} ${word}` : word;
    if (line && labelWidth(longer, size) > width) {
      lines.push(line);
      line = word;
    } else line = longer;
  }
  return [...lines, line];
}

/** The spec's frame: schema, title, size, autosize and theme; subtitle lines wrap to the chart's width. */
export function frame(options: ChartOptions, title: string, subtitle: readonly string[]): Json & { width: number; height: number } {
  const width = options.width ?? DEFAULT_WIDTH_PT;
  return {
    $schema: SCHEMA,
    title: {
      // Bold runs about an eighth wider than regular.
      text: wrap(title, width - 12, FONT_SIZE.title * 1.12),
      subtitle: subtitle.flatMap((line) => wrap(line, width - 12, FONT_SIZE.subtitle)),
    },
    width,
    height: plotHeight(width),
    autosize: { type: 'fit-x', contains: 'padding' },
    config: chartConfig(),
  };
}

/** Casts a finished spec object to vega-lite's type. */
export function spec(s: Json): TopLevelSpec {
  return s as TopLevelSpec;
}

/**
 * Rows of one metric as `{date, mean, low, high}` (low–high the 90 % band,
 * p05–p95) for a band-and-line chart, `map` applied to each value.
 */
export function bandValues(rows: readonly TimeseriesRow[], map: (x: number) => number = (x) => x): Json[] {
  return rows.map((r) => {
    const a = map(r.p05);
    const b = map(r.p95);
    return { date: r.date, mean: chartNumber(map(r.mean)), low: chartNumber(Math.min(a, b)), high: chartNumber(Math.max(a, b)) };
  });
}

/**
 * A 90 % band (low–high) and the mean line over it, on the layer's data;
 * `steps` draws both as steps (a count holds its value through the month).
 */
export function bandAndLine(x: Json, y: Json, colour: string, extra: Json = {}, steps = false): Json[] {
  const interpolate = steps ? { interpolate: 'step-after' } : {};
  return [
    {
      mark: { type: 'area', color: colour, opacity: BAND_OPACITY, ...interpolate },
      encoding: { x, y: { ...y, field: 'low' }, y2: { field: 'high' }, ...extra },
    },
    { mark: { type: 'line', color: colour, ...interpolate }, encoding: { x, y: { ...y, field: 'mean' }, ...extra } },
  ];
}

/** One month's events: where the marker stands and what its label says. */
export interface EventMark {
  /** `YYYY-MM`. */
  date: string;
  label: string;
}

/** What happened in one month, in a few words: "OpenAI exits", "Zhipu AI campaign", "6 campaigns". */
function describeEvents(table: ResultTable, events: ResultTable['manifest']['scenario']['events']): string {
  const names = new Map(providersOf(table).map((p) => [p.id, p.name]));
  const name = (id: string) => names.get(id) ?? id;
  const words = events.map((e) => {
    if (e.exit) return { kind: 'exit', text: `${name(e.exit)} exits` };
    if (e.enter) return { kind: 'enter', text: `${e.enter.name ?? e.enter.id} enters` };
    if (e.campaign) return { kind: 'campaign', text: `${name(e.campaign.provider)} campaign` };
    return { kind: 'set', text: e.id ?? 'policy change' };
  });
  if (words.length === 1) return words[0].text;
  const kinds = new Set(words.map((w) => w.kind));
  if (kinds.size === 1 && words[0].kind === 'campaign') return `${words.length} campaigns`;
  const exits = words.filter((w) => w.kind === 'exit' || w.kind === 'enter').map((w) => w.text);
  const rest = words.length - exits.length;
  return [...exits, ...(rest ? [`${rest} other event${rest === 1 ? '' : 's'}`] : [])].join(', ');
}

/** The scenario's events within the run, one mark per month. */
export function eventMarks(table: ResultTable): EventMark[] {
  const { start, months, scenario } = table.manifest;
  const byMonth = new Map<number, typeof scenario.events>();
  for (const e of scenario.events) {
    if (!e.at || e.drop) continue;
    const t = monthIndex(start, e.at);
    if (t < 0 || t >= months) continue;
    byMonth.set(t, [...(byMonth.get(t) ?? []), e]);
  }
  return [...byMonth.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([t, events]) => ({ date: monthLabel(start, t), label: describeEvents(table, events) }));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2024-07` → `Jul 2024`, as on the time axes. */
export function shortMonth(date: string): string {
  const [year, month] = date.split('-');
  return `${MONTHS[Number(month) - 1] ?? month} ${year}`;
}

/** Event months a subtitle names; past them it counts the rest, so the subtitle stays a line or two. */
export const EVENT_LINE_MAX = 4;

/**
 * The subtitle line naming the dotted event rules of a chart too small to
 * label them, e.g. `Dotted: 6 campaigns (Jun 2024), OpenAI exits (Jul 2024)`.
 */
export function eventLine(table: ResultTable): string[] {
  const marks = eventMarks(table);
  if (marks.length === 0) return [];
  const named = marks.slice(0, EVENT_LINE_MAX).map((m) => `${m.label} (${shortMonth(m.date)})`);
  const rest = marks.length - named.length;
  return [`Dotted: ${named.join(', ')}${rest ? `, and ${rest} more month${rest === 1 ? '' : 's'} with events` : ''}`];
}

/** Rough width of a label in points: DejaVu Sans averages about 0.56 em a character. */
export function labelWidth(text: string, size: number): number {
  return text.length * 0.56 * size;
}

const EVENT_ROW = FONT_SIZE.note + 3;

interface PlacedLabel {
  x: number;
  from: number;
  to: number;
  row: number;
}

/**
 * A row for a label spanning `from`–`to` (points) whose rule stands at `x`,
 * such that no two labels of a row overlap and no rule crosses a label: a
 * rule runs from its own label down to the plot, through the rows below it.
 */
function rowFor(placed: readonly PlacedLabel[], x: number, from: number, to: number): number {
  // A rule inside a label placed before it crosses that label in every row above: past the rows
  // placed, no row is free, so the label goes on top (a long name would otherwise loop for ever).
  for (let row = 0; row <= placed.length; row++) {
    const clash = placed.some(
      (p) =>
        (p.row === row && p.from < to + 2 && from < p.to + 2) || // overlap within the row
        (p.row >= row && p.x >= from - 1 && p.x <= to + 1) || // its rule crosses this label
        (p.row <= row && x >= p.from - 1 && x <= p.to + 1), // this rule crosses its label
    );
    if (!clash) return row;
  }
  return placed.length;
}

/**
 * Dotted vertical rules at the scenario's events, labelled above the plot,
 * in as many rows as keep labels and rules apart. `plotWidth` is a guess
 * at the plot's width in points (the chart's width less the y axis).
 */
export function eventLayers(table: ResultTable, x: Json, plotWidth: number): Json[] {
  const marks = eventMarks(table);
  if (marks.length === 0) return [];
  const span = Math.max(1, table.manifest.months - 1);
  const placed: (PlacedLabel & EventMark & { align: 'left' | 'right' })[] = [];
  // Right to left, so that labels step up towards the start, where events crowd.
  for (const m of [...marks].reverse()) {
    const px = TIME_PADDING + (monthIndex(table.manifest.start, m.date) / span) * (plotWidth - 2 * TIME_PADDING);
    const w = labelWidth(m.label, FONT_SIZE.note) + 2;
    const align = px + w > plotWidth + 4 ? 'right' : 'left';
    const from = align === 'right' ? px - w : px;
    const to = from + w;
    placed.push({ ...m, x: px, from, to, row: rowFor(placed, px, from, to), align });
  }
  const rows = Math.max(...placed.map((p) => p.row)) + 1;
  const top = (row: number) => -(6 + row * EVENT_ROW);
  const layers: Json[] = [];
  for (let row = 0; row < rows; row++) {
    const here = placed.filter((p) => p.row === row).reverse();
    if (here.length === 0) continue;
    layers.push({
      data: monthlyData(here.map((p) => ({ date: p.date, label: p.label }))),
      mark: { type: 'rule', color: INK.rule, strokeDash: [1.5, 1.5], strokeWidth: 0.8 },
      encoding: { x, y: { value: top(row) }, y2: { value: 'height' } },
    });
    for (const align of ['left', 'right'] as const) {
      const texts = here.filter((p) => p.align === align).map((p) => ({ date: p.date, label: p.label }));
      if (texts.length === 0) continue;
      layers.push({
        data: monthlyData(texts),
        mark: { type: 'text', align, baseline: 'bottom', dx: align === 'left' ? 2 : -2, fontSize: FONT_SIZE.note, color: INK.muted },
        encoding: { x, y: { value: top(row) + 1 }, text: { field: 'label' } },
      });
    }
  }
  return layers;
}

/** Estimated width of the plot in points: the chart less a y axis of `axisWidth` and the padding. */
export function plotWidthOf(width: number, axisWidth = 40): number {
  return Math.max(60, width - axisWidth - 12);
}

/**
 * Legend columns for labels of up to `longest` characters under a plot
 * `plotWidth` points wide (bottom legends align with the plot, not the chart).
 */
export function legendColumns(longest: number, plotWidth: number, count: number): number {
  const column = labelWidth('x'.repeat(longest), FONT_SIZE.label) + LEGEND_SYMBOL_WIDTH + 6;
  return Math.max(1, Math.min(count, Math.floor((plotWidth + 6) / column)));
}
