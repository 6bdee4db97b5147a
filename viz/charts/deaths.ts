/**
 * Startup deaths per month by cause: for each cause, the mean count across
 * runs and its 90 % band, with the scenario's events. Only the causes that
 * occur in some run are drawn and listed in the legend.
 */
import type { TopLevelSpec } from 'vega-lite';
import { runLine, seriesOf, type ResultTable } from '../table.js';
import { CAUSE_COLOURS } from '../theme.js';
import { bandAndLine, bandValues, eventLayers, frame, monthlyData, plotWidthOf, spec, timeX, type ChartOptions, type Json } from './parts.js';

/** The causes of death (MODEL.md section 8), in legend order, with their legend labels. */
export const CAUSES = [
  { metric: 'deaths.runway', label: 'Ran out of cash', colour: CAUSE_COLOURS.runway },
  { metric: 'deaths.hazard', label: 'Other causes (hazard)', colour: CAUSE_COLOURS.hazard },
  { metric: 'deaths.stranded', label: 'No provider left', colour: CAUSE_COLOURS.stranded },
] as const;

/** Whether a cause occurs: some month's 95th percentile of runs is above zero (a count, so at least one death in some run). */
function occurs(table: ResultTable, metric: string): boolean {
  return seriesOf(table, metric).some((r) => r.p95 > 0 || r.mean > 0);
}

export function deathsSpec(table: ResultTable, options: ChartOptions = {}): TopLevelSpec {
  const f = frame(options, 'Startup deaths per month', [runLine(table), 'By cause: mean and 90 % band of runs']);
  const causes = CAUSES.filter((c) => occurs(table, c.metric));
  // Nothing died: the chart says so with the first cause's zero line, rather than an empty plot.
  const drawn = causes.length ? causes : CAUSES.slice(0, 1);
  const values: Json[] = drawn.flatMap((c) => bandValues(seriesOf(table, c.metric)).map((v) => ({ ...v, cause: c.label })));
  const x = timeX(table, f.width);
  const y = { type: 'quantitative', scale: { zero: true }, axis: { title: 'Deaths per month (startups)', format: ',~r', tickCount: 5 } };
  const colour = {
    color: {
      field: 'cause',
      type: 'nominal',
      scale: { domain: drawn.map((c) => c.label), range: drawn.map((c) => c.colour) },
      legend: { title: null, columns: 2, symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 160, symbolOpacity: 1 },
    },
  };
  const [band, line] = bandAndLine(x, y, 'black', colour);
  delete band.mark.color;
  delete line.mark.color;
  return spec({
    ...f,
    description: `${drawn.map((c) => c.metric).join(', ')}: mean startups dying each month across runs, with the 90 % band of runs.`,
    layer: [{ data: monthlyData(values), layer: [band, line] }, ...eventLayers(table, x, plotWidthOf(f.width, 30))],
  });
}
