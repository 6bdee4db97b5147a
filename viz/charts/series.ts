/**
 * Any one metric over time, for `--metric`: the mean across runs and its
 * 90 % band, with the scenario's events. Counts of providers change
 * between months and are drawn as steps. The folder does not carry units,
 * so the axis is titled with the metric's name (docs/model.md lists the
 * units; `shakeout metrics` prints them).
 */
import type { TopLevelSpec } from 'vega-lite';
import { runLine, seriesOf, type ResultTable } from '../table.js';
import { SERIES_COLOUR } from '../theme.js';
import { bandAndLine, bandValues, eventLayers, frame, monthlyData, plotWidthOf, spec, timeX, type ChartOptions } from './parts.js';

/** Whether `metric` counts providers, so holds its value through a month (drawn as steps). */
export function isProviderCount(metric: string): boolean {
  return metric.startsWith('providers.');
}

/** d3 format for values up to `largest` in size: SI prefixes past 10,000 (cash in USD), else plain. */
export function valueFormat(largest: number): string {
  return largest >= 1e4 ? '~s' : ',~r';
}

export function seriesSpec(table: ResultTable, metric: string, options: ChartOptions = {}): TopLevelSpec {
  const values = bandValues(seriesOf(table, metric));
  const f = frame(options, metric, [runLine(table), 'Mean and 90 % band (5th–95th percentile of runs)']);
  let largest = 0;
  for (const v of values) for (const x of [v.low, v.high, v.mean]) if (typeof x === 'number') largest = Math.max(largest, Math.abs(x));
  const x = timeX(table, f.width);
  const y = { type: 'quantitative', scale: { zero: true }, axis: { title: metric, format: valueFormat(largest), tickCount: 5 } };
  return spec({
    ...f,
    description: `${metric}: mean and 90 % band across runs${isProviderCount(metric) ? ', drawn as steps' : ''}, with the scenario events.`,
    layer: [{ data: monthlyData(values), layer: bandAndLine(x, y, SERIES_COLOUR, {}, isProviderCount(metric)) }, ...eventLayers(table, x, plotWidthOf(f.width))],
  });
}
