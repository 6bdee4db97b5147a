/**
 * HHI over time: the mean across runs, its 90 % band, the merger-guideline
 * thresholds and the scenario's events. The HHI is on 0–10 000 (the sum of
 * squared percentage shares).
 */
import type { TopLevelSpec } from 'vega-lite';
import { runLine, seriesOf, type ResultTable } from '../table.js';
import { FONT_SIZE, INK, SERIES_COLOUR } from '../theme.js';
import { bandAndLine, bandValues, eventLayers, frame, labelWidth, monthlyData, plotWidthOf, spec, timeX, type ChartOptions, type Json } from './parts.js';

/**
 * Thresholds above which a market counts as highly concentrated: 1,800 in
 * the 2023 US Merger Guidelines (section 2.1), 2,500 in the 2010 Horizontal
 * Merger Guidelines (section 5.3).
 */
export const HHI_THRESHOLDS = [
  { value: 1800, label: '1,800: highly concentrated (US guidelines 2023)', short: '1,800 (US 2023)' },
  { value: 2500, label: '2,500: highly concentrated (US guidelines 2010)', short: '2,500 (US 2010)' },
] as const;

/** What the HHI of each metric is computed over, for titles. */
const OVER: Record<string, string> = {
  'hhi.tokens': 'tokens served',
  'hhi.customers': 'customers',
  'hhi.revenue': 'revenue',
};

/** The HHI metrics a chart can show. */
export const HHI_METRICS = Object.keys(OVER);

/** Vega-lite spec of `metric` (an `hhi.*` metric) over time. */
export function hhiSpec(table: ResultTable, metric = 'hhi.tokens', options: ChartOptions = {}): TopLevelSpec {
  const rows = seriesOf(table, metric);
  const f = frame(options, `HHI of ${OVER[metric] ?? metric}`, [runLine(table), 'Mean and 90 % band (5th–95th percentile of runs)']);
  const values = bandValues(rows);
  const highest = Math.max(HHI_THRESHOLDS[1].value, ...values.map((v) => v.high ?? 0), ...values.map((v) => v.mean ?? 0));
  const top = Math.min(10000, Math.ceil((highest * 1.1) / 500) * 500);
  const x = timeX(table, f.width);
  const y = { type: 'quantitative', scale: { domain: [0, top], nice: false }, axis: { title: 'HHI (0–10,000)', format: ',d', tickCount: 5 } };
  // In a narrow chart the labels say only the value and the source.
  const long = HHI_THRESHOLDS.every((t) => labelWidth(t.label, FONT_SIZE.note) < plotWidthOf(f.width) - 6);
  const thresholds = HHI_THRESHOLDS.map((t) => ({ value: t.value, label: long ? t.label : t.short }));
  const thresholdText = (halo: boolean): Json => ({
    mark: {
      type: 'text',
      align: 'left',
      baseline: 'bottom',
      dx: 3,
      dy: -1.5,
      fontSize: FONT_SIZE.note,
      color: INK.muted,
      ...(halo ? { stroke: 'white', strokeWidth: 2.5, strokeJoin: 'round', color: 'white' } : {}),
    },
    encoding: { x: { value: 0 }, y: { field: 'value', type: 'quantitative' }, text: { field: 'label' } },
  });
  return spec({
    ...f,
    description: `${metric}: mean and 90 % band across runs, with the 1,800 and 2,500 thresholds of the US Merger Guidelines.`,
    layer: [
      { data: monthlyData(values), layer: bandAndLine(x, y, SERIES_COLOUR) },
      {
        data: { values: thresholds },
        layer: [
          { mark: { type: 'rule', color: INK.rule, strokeDash: [4, 2], strokeWidth: 0.8 }, encoding: { y: { field: 'value', type: 'quantitative' } } },
          thresholdText(true),
          thresholdText(false),
        ],
      },
      ...eventLayers(table, x, plotWidthOf(f.width)),
    ],
  });
}
