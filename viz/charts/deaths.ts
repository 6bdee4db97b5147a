/** Startup deaths per month by cause: the mean count across runs, stacked by cause, with the scenario's events. */
import type { TopLevelSpec } from 'vega-lite';
import { chartNumber, runLine, seriesOf, type ResultTable } from '../table.js';
import { CAUSE_COLOURS } from '../theme.js';
import { eventLayers, frame, monthlyData, plotWidthOf, spec, timeX, type ChartOptions, type Json } from './parts.js';

/** The causes of death (MODEL.md section 8), in stacking order, with their legend labels. */
export const CAUSES = [
  { metric: 'deaths.runway', label: 'Ran out of cash', colour: CAUSE_COLOURS.runway },
  { metric: 'deaths.hazard', label: 'Other causes (hazard)', colour: CAUSE_COLOURS.hazard },
  { metric: 'deaths.stranded', label: 'No provider left', colour: CAUSE_COLOURS.stranded },
] as const;

export function deathsSpec(table: ResultTable, options: ChartOptions = {}): TopLevelSpec {
  const f = frame(options, 'Startup deaths per month', [runLine(table), 'By cause: mean across runs']);
  const values: Json[] = [];
  CAUSES.forEach((c, order) => {
    for (const r of seriesOf(table, c.metric)) values.push({ date: r.date, cause: c.label, order, deaths: chartNumber(r.mean) });
  });
  const bars = {
    data: monthlyData(values),
    // A bar spans its month: the deaths during that month.
    mark: { type: 'bar', width: { band: 0.85 } },
    encoding: {
      x: timeX(table, f.width, { timeUnit: 'utcyearmonth' }),
      y: { field: 'deaths', type: 'quantitative', stack: 'zero', axis: { title: 'Deaths per month (startups)', format: ',~r', tickCount: 5 } },
      color: {
        field: 'cause',
        type: 'nominal',
        scale: { domain: CAUSES.map((c) => c.label), range: CAUSES.map((c) => c.colour) },
        legend: { title: null, columns: 2, symbolType: 'square' },
      },
      order: { field: 'order', type: 'quantitative' },
    },
  };
  return spec({
    ...f,
    description: 'deaths.runway, deaths.hazard, deaths.stranded: mean startups dying each month across runs, stacked.',
    layer: [bars, ...eventLayers(table, timeX(table, f.width), plotWidthOf(f.width, 30))],
  });
}
