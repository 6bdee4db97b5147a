/**
 * Small multiples of a per-provider metric family (`share.tokens.<id>`,
 * `provider.cash.<id>`, …): one panel per provider with the mean across
 * runs and its 90 % band, on one shared y scale, so that panels compare.
 * A stacked area of ten means showed no uncertainty and hid the small
 * providers under the large; panels show both. Past MAX_PROVIDERS_SHOWN
 * providers, the largest have panels of their own and the others one
 * "Other" panel of their summed means (table.ts, providerGroups): a sum of
 * percentiles is not a percentile, so that panel has no band.
 */
import type { TopLevelSpec } from 'vega-lite';
import { chartNumber, metricOf, OTHER_COLOUR, providerGroups, seriesOf, type ResultTable } from '../table.js';
import { FONT_SIZE, INK } from '../theme.js';
import { bandAndLine, bandValues, eventLine, eventMarks, frame, labelWidth, spec, type ChartOptions, type Json } from './parts.js';

export interface PanelOptions extends ChartOptions {
  /** The family's prefix: panel k draws `<family>.<id>`. */
  family: string;
  title: string;
  /** Subtitle lines after the run line (the unit and what is drawn). */
  subtitle: readonly string[];
  /** d3 format of the y labels. */
  format: string;
  /** Fixed y domain; default 0 (or the lowest value) to the highest. */
  domain?: readonly [number, number];
  /**
   * One y scale for every panel (default), so that panels compare; false
   * gives each panel its own, with its own labels, for families whose
   * providers differ by orders of magnitude (cash).
   */
  sharedScale?: boolean;
}

/** Points left of the first column for the y labels, and between panels (more when each panel has its labels). */
const Y_AXIS = 26;
const GAP_X = 8;
const GAP_X_LABELLED = Y_AXIS + 4;
/** Between rows: a panel's title, and the year labels of a column's lowest panel above a shorter column. */
const GAP_Y = 20;
/** Narrowest panel that still shows a trend, points. */
const MIN_PANEL = 55;

/** Panel columns for `n` panels in a chart `width` points wide: as many as fit, then balanced over the rows. */
export function panelColumns(n: number, width: number, gap = GAP_X): number {
  const fit = Math.max(2, Math.floor((width - 12 - Y_AXIS + gap) / (MIN_PANEL + gap)));
  const rows = Math.ceil(n / Math.min(n, fit));
  return Math.ceil(n / rows);
}

/** Years between ticks so that year labels (7 pt, about 16 pt wide) stand 20 pt apart in a panel `width` points wide over `months`. */
function yearStep(months: number, width: number): number {
  const perYear = (12 * width) / Math.max(1, months - 1);
  return [1, 2, 5, 10, 20, 50].find((s) => s * perYear >= 20) ?? 100;
}

/** The least of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten at or above `x` (0.47 → 0.5, 0.52 → 0.6), so the top of the scale is a round value; 1 for 0. */
export function niceCeil(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  return [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((m) => Number((m * p).toPrecision(12))).find((v) => v >= x * (1 - 1e-12)) ?? 10 * p;
}

export function providerPanelsSpec(table: ResultTable, o: PanelOptions): TopLevelSpec {
  const groups = providerGroups(table);
  const f = frame(o, o.title, [...o.subtitle, ...eventLine(table)]);
  const panels = groups.shown.map((p) => ({ label: p.short, colour: p.colour, values: bandValues(seriesOf(table, metricOf(table, `${o.family}.<id>`, p.id) ?? `${o.family}.${p.id}`)) }));
  if (groups.other.length) {
    const sums = new Map<string, number>();
    for (const p of groups.other)
      for (const r of seriesOf(table, metricOf(table, `${o.family}.<id>`, p.id) ?? `${o.family}.${p.id}`)) sums.set(r.date, (sums.get(r.date) ?? 0) + (Number.isFinite(r.mean) ? r.mean : 0));
    panels.push({ label: groups.otherLabel, colour: OTHER_COLOUR, values: [...sums].map(([date, sum]) => ({ date, mean: chartNumber(sum), low: null, high: null })) });
  }
  let lowest = 0;
  let highest = 0;
  for (const p of panels)
    for (const v of p.values)
      for (const x of [v.low, v.high, v.mean])
        if (typeof x === 'number') {
          lowest = Math.min(lowest, x);
          highest = Math.max(highest, x);
        }
  const shared = o.sharedScale ?? true;
  const domain = o.domain ?? [lowest, niceCeil(highest)];
  const gap = shared ? GAP_X : GAP_X_LABELLED;
  const columns = panelColumns(panels.length, f.width, gap);
  const rows = Math.ceil(panels.length / columns);
  const width = Math.floor((f.width - 12 - Y_AXIS - (columns - 1) * gap) / columns);
  const height = Math.round(Math.max(40, Math.min(90, width * 0.62)));
  const months = table.manifest.months;
  const marks = eventMarks(table);
  const concat = panels.map((p, i) => {
    const row = Math.floor(i / columns);
    const column = i % columns;
    // The x labels under the lowest panel of each column, the y labels left of the first column.
    const bottom = row === rows - 1 || i + columns >= panels.length;
    const x = {
      field: 'date',
      type: 'temporal',
      scale: { type: 'utc', padding: 3 },
      axis: bottom
        ? { title: null, format: '%Y', tickCount: { interval: 'year', step: yearStep(months, width) }, labelOverlap: true, grid: false, labelFontSize: FONT_SIZE.note }
        : { title: null, labels: false, ticks: false, grid: false },
    };
    const y = {
      type: 'quantitative',
      scale: shared ? { domain, nice: false, zero: false } : { zero: true, nice: true },
      axis: {
        // The unit is in the subtitle: an axis title beside one panel would stretch its row.
        title: null,
        labels: column === 0 || !shared,
        ticks: column === 0 || !shared,
        format: o.format,
        tickCount: 3,
        labelFontSize: FONT_SIZE.note,
        grid: true,
      },
    };
    const layer: Json[] = [{ data: { values: p.values }, layer: bandAndLine(x, y, p.colour) }];
    if (marks.length)
      layer.push({ data: { values: marks.map((m) => ({ date: m.date })) }, mark: { type: 'rule', color: INK.rule, strokeDash: [1.5, 1.5], strokeWidth: 0.7 }, encoding: { x } });
    const fit = labelWidth(p.label, FONT_SIZE.label) <= width;
    // The panel's name as a text mark at the plot's top left, not a group title: a title stands
    // above the group's bounds, which the first column's top y label raises by half a line.
    layer.push({
      data: { values: [{ label: p.label }] },
      mark: { type: 'text', align: 'left', baseline: 'bottom', dy: -3, fontSize: fit ? FONT_SIZE.label : FONT_SIZE.note, color: INK.text, limit: width },
      encoding: { x: { value: 0 }, y: { value: 0 }, text: { field: 'label' } },
    });
    return { width, height, layer };
  });
  const { width: _w, height: _h, autosize: _a, ...top } = f;
  return spec({
    ...top,
    description: `${o.family}.<provider>: mean and 90 % band across runs, one panel per provider, on ${shared ? 'one scale' : 'a scale of its own'}.`,
    columns,
    spacing: { row: GAP_Y, column: gap },
    // Panels are laid out by their plots alone: the y labels of the first column stand in the margin.
    bounds: 'flush',
    concat,
    autosize: { type: 'pad' },
  });
}
