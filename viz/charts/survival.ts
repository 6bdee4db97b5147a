/**
 * Survival of the t = 0 cohort by startup class: the fraction still alive,
 * 1 − cohort.dead.<class>.fraction, its mean across runs and 90 % band.
 * Classes are greys with dashes (theme.ts, CLASS_STYLES), never the hues
 * that stand for providers in the other charts.
 */
import type { TopLevelSpec } from 'vega-lite';
import { chartNumber, classesOf, runLine, seriesOf, type ResultTable } from '../table.js';
import { BAND_OPACITY, classStyle } from '../theme.js';
import { eventLayers, frame, legendColumns, monthlyData, plotWidthOf, spec, timeX, type ChartOptions, type Json } from './parts.js';

export function survivalSpec(table: ResultTable, options: ChartOptions = {}): TopLevelSpec {
  const classes = classesOf(table);
  const f = frame(options, 'Survival of the starting startups', [runLine(table), 'By class: mean and 90 % band of runs']);
  const values: Json[] = [];
  for (const c of classes)
    for (const r of seriesOf(table, `cohort.dead.${c}.fraction`))
      values.push({ date: r.date, class: c, alive: chartNumber(1 - r.mean), low: chartNumber(1 - r.p95), high: chartNumber(1 - r.p05) });
  const x = timeX(table, f.width);
  const colour = {
    field: 'class',
    type: 'nominal',
    scale: { domain: classes, range: classes.map((_, i) => classStyle(i).colour) },
    legend: {
      title: 'Class',
      titleOrient: 'left',
      // The title "Class" sits left of the entries and takes about 50 points of the row.
      columns: legendColumns(Math.max(...classes.map((c) => c.length)), plotWidthOf(f.width) - 60, classes.length),
      symbolType: 'stroke',
      symbolStrokeWidth: 2,
      symbolOpacity: 1,
      symbolSize: 160,
    },
  };
  const dash = { field: 'class', type: 'nominal', scale: { domain: classes, range: classes.map((_, i) => [...classStyle(i).dash]) }, legend: colour.legend };
  const y = {
    type: 'quantitative',
    scale: { domain: [0, 1], nice: false },
    axis: { title: 'Alive, of those alive at start (%)', format: '.0%', tickCount: 5 },
  };
  return spec({
    ...f,
    description: '1 − cohort.dead.<class>.fraction: the share of the t = 0 startups of each class still alive; mean and 90 % band across runs.',
    layer: [
      {
        data: monthlyData(values),
        layer: [
          { mark: { type: 'area', opacity: BAND_OPACITY * 0.8 }, encoding: { x, y: { ...y, field: 'low' }, y2: { field: 'high' }, color: colour } },
          { mark: { type: 'line' }, encoding: { x, y: { ...y, field: 'alive' }, color: colour, strokeDash: dash } },
        ],
      },
      ...eventLayers(table, x, plotWidthOf(f.width)),
    ],
  });
}
