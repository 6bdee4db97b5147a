/**
 * Providers serving the market over time: the mean across runs and its 90 %
 * band, with the scenario's events. A count changes between months, so it
 * is drawn as steps, not as slopes between months.
 */
import type { TopLevelSpec } from 'vega-lite';
import { providersOf, runLine, seriesOf, type ResultTable } from '../table.js';
import { SERIES_COLOUR } from '../theme.js';
import { bandAndLine, bandValues, eventLayers, frame, monthlyData, plotWidthOf, spec, timeX, type ChartOptions } from './parts.js';

export function activeProvidersSpec(table: ResultTable, options: ChartOptions = {}): TopLevelSpec {
  const rows = seriesOf(table, 'providers.active');
  const f = frame(options, 'Providers in the market', [runLine(table), 'Active providers: mean and 90 % band of runs']);
  const total = providersOf(table).length;
  const x = timeX(table, f.width);
  const y = {
    type: 'quantitative',
    scale: { domain: [0, Math.max(1, total)], nice: false },
    axis: { title: 'Active providers (count)', format: 'd', tickMinStep: 1 },
  };
  return spec({
    ...f,
    description: 'providers.active: mean and 90 % band across runs, drawn as steps, with the scenario events.',
    layer: [{ data: monthlyData(bandValues(rows)), layer: bandAndLine(x, y, SERIES_COLOUR, {}, true) }, ...eventLayers(table, x, plotWidthOf(f.width, 30))],
  });
}
