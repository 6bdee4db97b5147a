/**
 * Provider shares over time: the mean share of each provider across runs,
 * stacked (means of shares that sum to one sum to one), with the scenario's
 * events. Provider colours are the run's (table.ts). Past
 * MAX_PROVIDERS_SHOWN providers, the largest are drawn and the others
 * stacked as one "Other" area (table.ts, providerGroups).
 */
import type { TopLevelSpec } from 'vega-lite';
import { chartNumber, groupedLine, OTHER_COLOUR, providerGroups, runLine, seriesOf, type ResultTable } from '../table.js';
import { INK } from '../theme.js';
import { eventLayers, frame, legendColumns, monthlyData, plotWidthOf, spec, timeX, type ChartOptions, type Json } from './parts.js';

const OF: Record<string, string> = { 'share.tokens': 'tokens served', 'share.customers': 'customers' };

/** The share families a chart can show. */
export const SHARE_METRICS = Object.keys(OF);

/** Stacked areas of the mean `family.<id>` (`share.tokens` or `share.customers`) of every provider. */
export function sharesSpec(table: ResultTable, family = 'share.tokens', options: ChartOptions = {}): TopLevelSpec {
  const groups = providerGroups(table);
  const grouped = groups.other.length > 0;
  const f = frame(options, `Provider shares of ${OF[family] ?? family}`, [runLine(table), 'Mean share across runs', ...groupedLine(groups)]);
  const values: Json[] = [];
  groups.shown.forEach((p, order) => {
    for (const r of seriesOf(table, `${family}.${p.id}`)) values.push({ date: r.date, provider: p.short, order, share: chartNumber(r.mean) });
  });
  if (grouped) {
    // Means of shares add up: the Other area is the sum of the grouped providers' mean shares.
    const sums = new Map<string, number>();
    for (const p of groups.other)
      for (const r of seriesOf(table, `${family}.${p.id}`)) sums.set(r.date, (sums.get(r.date) ?? 0) + (Number.isFinite(r.mean) ? r.mean : 0));
    for (const [date, sum] of sums) values.push({ date, provider: groups.otherLabel, order: groups.shown.length, share: chartNumber(sum) });
  }
  const providers = [
    ...groups.shown.map((p) => ({ label: p.short, colour: p.colour })),
    ...(grouped ? [{ label: groups.otherLabel, colour: OTHER_COLOUR }] : []),
  ];
  const x = timeX(table, f.width);
  const longest = Math.max(...providers.map((p) => p.label.length));
  const areas = {
    data: monthlyData(values),
    mark: { type: 'area', stroke: 'white', strokeWidth: 0.4 },
    encoding: {
      x,
      y: {
        field: 'share',
        type: 'quantitative',
        stack: 'zero',
        scale: { domain: [0, 1], nice: false },
        axis: { title: `Share of ${OF[family] ?? family} (%)`, format: '.0%', tickCount: 5, grid: true, gridColor: INK.grid },
      },
      color: {
        field: 'provider',
        type: 'nominal',
        scale: { domain: providers.map((p) => p.label), range: providers.map((p) => p.colour) },
        legend: { title: null, columns: legendColumns(longest, plotWidthOf(f.width), providers.length), symbolType: 'square' },
      },
      // The first provider on top of the stack, as it is first in the legend.
      order: { field: 'order', type: 'quantitative', sort: 'descending' },
    },
  };
  return spec({
    ...f,
    description: `${family}.<provider>: mean share across runs, stacked.`,
    layer: [areas, ...eventLayers(table, x, plotWidthOf(f.width))],
  });
}
