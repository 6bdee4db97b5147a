/**
 * HHI over time: the mean across runs, its 90 % band, the merger-guideline
 * thresholds and the scenario's events. The HHI is on 0–10 000 (the sum of
 * squared percentage shares).
 */
import type { TopLevelSpec } from 'vega-lite';
import { runLine, seriesOf, type ResultTable } from '../table.js';
import { FONT_SIZE, INK, SERIES_COLOUR } from '../theme.js';
import { bandAndLine, bandValues, eventLayers, frame, monthlyData, plotWidthOf, spec, timeX, type ChartOptions, type Json } from './parts.js';

/**
 * The thresholds of one vintage only, the 2023 US Merger Guidelines
 * (section 2.1): above 1,800 a market is highly concentrated, from 1,000
 * to 1,800 moderately. (The 2010 Horizontal Merger Guidelines drew the
 * lines at 1,500 and 2,500; two vintages on one chart confused readers.)
 * `label` stands in the right margin, outside the plot, where no data is.
 */
export const HHI_THRESHOLDS = [
  { value: 1000, label: 'moderate' },
  { value: 1800, label: 'high' },
] as const;

/** The subtitle line that says what the dashed lines are. */
export const HHI_THRESHOLD_LINE = 'Dashed: 2023 US Merger Guidelines, moderately (1,000) and highly (1,800) concentrated';

/** What the HHI of each metric is computed over, for titles. */
const OVER: Record<string, string> = {
  'hhi.tokens': 'tokens served',
  'hhi.customers': 'customers',
  'hhi.revenue': 'revenue',
};

/** The HHI metrics of the folder; other `hhi.*` names are charted the same way. */
export const HHI_METRICS = Object.keys(OVER);

/** Vega-lite spec of `metric` (an `hhi.*` metric) over time. */
export function hhiSpec(table: ResultTable, metric = 'hhi.tokens', options: ChartOptions = {}): TopLevelSpec {
  const rows = seriesOf(table, metric);
  const f = frame(options, `HHI of ${OVER[metric] ?? metric}`, [runLine(table), 'Mean and 90 % band (5th–95th percentile of runs)', HHI_THRESHOLD_LINE]);
  const values = bandValues(rows);
  const highest = Math.max(HHI_THRESHOLDS[1].value, ...values.map((v) => v.high ?? 0), ...values.map((v) => v.mean ?? 0));
  const top = Math.min(10000, Math.ceil((highest * 1.1) / 500) * 500);
  const x = timeX(table, f.width);
  const y = { type: 'quantitative', scale: { domain: [0, top], nice: false }, axis: { title: 'HHI (0–10,000)', format: ',d', tickCount: 5 } };
  // The labels go right of the plot (x past its width), so they never sit on the band or the line.
  const thresholdText: Json = {
    mark: { type: 'text', align: 'left', baseline: 'middle', dx: 3, fontSize: FONT_SIZE.note, color: INK.muted },
    encoding: { x: { value: 'width' }, y: { field: 'value', type: 'quantitative' }, text: { field: 'label' } },
  };
  return spec({
    ...f,
    description: `${metric}: mean and 90 % band across runs, with the 1,000 and 1,800 thresholds of the 2023 US Merger Guidelines.`,
    layer: [
      { data: monthlyData(values), layer: bandAndLine(x, y, SERIES_COLOUR) },
      {
        data: { values: HHI_THRESHOLDS.map((t) => ({ ...t })) },
        layer: [
          { mark: { type: 'rule', color: INK.rule, strokeDash: [4, 2], strokeWidth: 0.8 }, encoding: { y: { field: 'value', type: 'quantitative' } } },
          thresholdText,
        ],
      },
      ...eventLayers(table, x, plotWidthOf(f.width, 75)),
    ],
  });
}
