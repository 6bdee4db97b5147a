/**
 * The charts of a sweep folder (`shakeout sweep`), one per reported metric
 * (a metric at a month, a "cell"), from summary.json:
 *
 *   grid over one parameter    the metric's mean against the parameter, with
 *                              the 95 % interval of the mean as a band
 *   grid over two parameters   a heatmap of the mean, the values written in
 *                              the cells when they fit
 *   Latin hypercube, or a grid over more than two parameters
 *                              the mean at each point against each parameter,
 *                              one panel per parameter, with 95 % bars
 *
 * Failed points are left out and counted in the subtitle.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { SweepCellSpec, SweepSummary } from '../../sim/output/sweep-files.js';
import { chartNumber } from '../table.js';
import { BAND_OPACITY, FONT_SIZE, INK, SERIES_COLOUR } from '../theme.js';
import { frame, labelWidth, plotWidthOf, spec, type ChartOptions, type Json } from './parts.js';
import { valueFormat } from './series.js';

export type SweepChartKind = 'line' | 'heatmap' | 'scatter';

/** Which chart a sweep gets. */
export function sweepChartKind(s: SweepSummary): SweepChartKind {
  if (s.design === 'grid' && s.paths.length === 1) return 'line';
  if (s.design === 'grid' && s.paths.length === 2) return 'heatmap';
  return 'scatter';
}

/** `hhi.tokens at t = 23 (2026-05)` */
export function cellName(c: SweepCellSpec): string {
  return `${c.metric} at t = ${c.month} (${c.date})`;
}

/** Axis titles longer than this are cut from the left: the end of a path names the value. */
const MAX_AXIS_TITLE = 48;

function axisTitle(path: string, max = MAX_AXIS_TITLE): string {
  return path.length > max ? `…${path.slice(path.length - max + 1)}` : path;
}

function header(s: SweepSummary): string {
  const failed = s.failed ? `; ${s.failed} failed point${s.failed === 1 ? '' : 's'} left out` : '';
  const design = s.design === 'grid' ? 'grid' : 'Latin hypercube';
  return `${s.points.length} points (${design}) × ${s.runs} run${s.runs === 1 ? '' : 's'}, seed ${String(s.seed).slice(0, 40)}${failed}`;
}

/** The points that ran, with cell `i`'s statistics. */
function pointsOf(s: SweepSummary, i: number): Json[] {
  return s.points.flatMap((p) => {
    const c = p.cells?.[i];
    if (p.status !== 'ok' || !c) return [];
    const row: Json = { point: p.point, mean: chartNumber(c.mean), low: chartNumber(c.ciLow), high: chartNumber(c.ciHigh) };
    s.paths.forEach((_, j) => (row[`p${j}`] = chartNumber(p.parameters[j])));
    return [row];
  });
}

function largestOf(values: readonly Json[]): number {
  let largest = 0;
  for (const v of values) for (const k of ['mean', 'low', 'high']) if (typeof v[k] === 'number') largest = Math.max(largest, Math.abs(v[k]));
  return largest;
}

/** d3 format of a metric's values: percentages for fractions. */
function formatOf(metric: string, largest: number): string {
  if (metric.endsWith('.fraction')) return '.0%';
  if (metric.startsWith('hhi.')) return ',d';
  return valueFormat(largest);
}

/** d3 format of a value written in a heatmap cell: three significant digits at most. */
function cellFormat(metric: string, largest: number): string {
  if (metric.endsWith('.fraction')) return '.0%';
  if (largest >= 1e4) return '.3~s';
  if (largest >= 100) return ',.0f';
  return '.3~r';
}

/** Grid over one parameter: the mean against it, its 95 % band, a dot at each point. */
export function sweepLineSpec(s: SweepSummary, i: number, options: ChartOptions = {}): TopLevelSpec {
  const c = s.cells[i];
  const values = pointsOf(s, i);
  const f = frame(options, `${c.metric} against ${axisTitle(s.paths[0], 40)}`, [header(s), `At t = ${c.month} (${c.date}): mean of runs and its 95 % interval`]);
  const format = formatOf(c.metric, largestOf(values));
  const x = { field: 'p0', type: 'quantitative', scale: { zero: false, nice: false, padding: 6 }, axis: { title: axisTitle(s.paths[0]), format: '~g', tickCount: 5, grid: false } };
  const y = { type: 'quantitative', scale: { zero: false }, axis: { title: axisTitle(c.metric), format, tickCount: 5 } };
  return spec({
    ...f,
    description: `${cellName(c)} against ${s.paths[0]}: the mean over the runs at each point of the grid and its 95 % Student-t interval.`,
    data: { values },
    layer: [
      { mark: { type: 'area', color: SERIES_COLOUR, opacity: BAND_OPACITY }, encoding: { x, y: { ...y, field: 'low' }, y2: { field: 'high' } } },
      { mark: { type: 'line', color: SERIES_COLOUR, point: { filled: true, size: 16, color: SERIES_COLOUR } }, encoding: { x, y: { ...y, field: 'mean' } } },
    ],
  });
}

/** Cells in which the value is written (more would crowd a 3.5 in chart). */
const MAX_WRITTEN_CELLS = 64;

/** Grid over two parameters: a heatmap of the mean, first parameter across, second up. */
export function sweepHeatmapSpec(s: SweepSummary, i: number, options: ChartOptions = {}): TopLevelSpec {
  const c = s.cells[i];
  const values = pointsOf(s, i);
  const f = frame(options, `${c.metric} over ${axisTitle(s.paths[0], 30)} and ${axisTitle(s.paths[1], 30)}`, [
    header(s),
    `At t = ${c.month} (${c.date}): mean of runs in each cell`,
  ]);
  const format = formatOf(c.metric, largestOf(values));
  const xs = [...new Set(values.map((v) => v.p0 as number))].sort((a, b) => a - b);
  const ys = [...new Set(values.map((v) => v.p1 as number))].sort((a, b) => b - a);
  const text = (v: number) => labelWidth(String(v), FONT_SIZE.label);
  const yAxisWidth = Math.max(...ys.map(text), 10) + 20;
  const plotWidth = plotWidthOf(f.width, yAxisWidth + 50);
  const height = Math.min(f.height, Math.max(60, (plotWidth / Math.max(1, xs.length)) * ys.length));
  const colour = {
    field: 'mean',
    type: 'quantitative',
    scale: { scheme: 'viridis' },
    legend: { title: null, orient: 'right', format, gradientLength: Math.max(40, height - 10), gradientThickness: 8, tickCount: 4 },
  };
  const means = values.map((v) => v.mean).filter((v): v is number => typeof v === 'number');
  const mid = means.length ? (Math.min(...means) + Math.max(...means)) / 2 : 0;
  const layers: Json[] = [
    {
      mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
      encoding: {
        x: { field: 'p0', type: 'ordinal', sort: xs, axis: { title: axisTitle(s.paths[0]), labelAngle: 0, format: '~g', labelOverlap: true } },
        y: { field: 'p1', type: 'ordinal', sort: ys, axis: { title: axisTitle(s.paths[1]), format: '~g' } },
        color: colour,
      },
    },
  ];
  if (values.length <= MAX_WRITTEN_CELLS && plotWidth / Math.max(1, xs.length) >= 26)
    layers.push({
      mark: { type: 'text', fontSize: FONT_SIZE.note, baseline: 'middle' },
      encoding: {
        x: { field: 'p0', type: 'ordinal', sort: xs },
        y: { field: 'p1', type: 'ordinal', sort: ys },
        text: { field: 'mean', type: 'quantitative', format: cellFormat(c.metric, Math.max(0, ...values.map((v) => Math.abs(v.mean ?? 0)))) },
        // viridis is dark at its low end: white text there, black at the high end.
        color: { condition: { test: `datum.mean < ${mid}`, value: 'white' }, value: INK.text },
      },
    });
  return spec({
    ...f,
    height,
    description: `${cellName(c)}: the mean over the runs at each point of the grid over ${s.paths.join(' and ')}.`,
    data: { values },
    layer: layers,
  });
}

/** Latin hypercube (or a grid over more than two parameters): the mean at each point against each parameter. */
export function sweepScatterSpec(s: SweepSummary, i: number, options: ChartOptions = {}): TopLevelSpec {
  const c = s.cells[i];
  const points = pointsOf(s, i);
  const values = s.paths.flatMap((path, j) => points.map((p) => ({ ...p, parameter: axisTitle(path, 40), value: p[`p${j}`] })));
  const f = frame(options, `${c.metric} against each parameter`, [header(s), `At t = ${c.month} (${c.date}): mean of runs at each point (dot) and its 95 % interval (bar)`]);
  const format = formatOf(c.metric, largestOf(points));
  const columns = Math.max(1, Math.min(s.paths.length, Math.floor(f.width / 150)));
  const panelWidth = Math.max(60, (f.width - 50) / columns - 16);
  const x = { field: 'value', type: 'quantitative', scale: { zero: false, nice: true }, axis: { title: null, format: '~g', tickCount: 4, labelOverlap: true, grid: false } };
  const y = { type: 'quantitative', scale: { zero: false }, axis: { title: axisTitle(c.metric), format, tickCount: 5 } };
  const { width: _w, height: _h, autosize: _a, ...rest } = f;
  const paths = s.paths.map((p) => axisTitle(p, 40));
  return spec({
    ...rest,
    description: `${cellName(c)} against each of ${s.paths.join(', ')}: the mean over the runs at each point and its 95 % Student-t interval.`,
    data: { values },
    facet: { field: 'parameter', type: 'nominal', sort: paths, header: { title: null, labelFontSize: FONT_SIZE.label, labelAnchor: 'start', labelLimit: panelWidth } },
    columns,
    spacing: { row: 10, column: 12 },
    resolve: { scale: { x: 'independent' }, axis: { x: 'independent' } },
    spec: {
      width: panelWidth,
      height: Math.round(panelWidth * 0.7),
      layer: [
        { mark: { type: 'rule', color: SERIES_COLOUR, opacity: 0.45, strokeWidth: 1 }, encoding: { x, y: { ...y, field: 'low' }, y2: { field: 'high' } } },
        { mark: { type: 'point', filled: true, size: 16, color: SERIES_COLOUR, opacity: 0.9 }, encoding: { x, y: { ...y, field: 'mean' } } },
      ],
    },
  });
}

/** The spec of cell `i` of the sweep, of the kind its design calls for. */
export function sweepSpec(s: SweepSummary, i: number, options: ChartOptions = {}): TopLevelSpec {
  const kind = sweepChartKind(s);
  return kind === 'line' ? sweepLineSpec(s, i, options) : kind === 'heatmap' ? sweepHeatmapSpec(s, i, options) : sweepScatterSpec(s, i, options);
}
