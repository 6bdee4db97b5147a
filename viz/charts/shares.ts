/**
 * Provider shares over time: one panel per provider with its mean share
 * across runs and the 90 % band, on one 0–max scale (panels.ts), with the
 * scenario's events. Provider colours are the run's (table.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import { groupedLine, providerGroups, runLine, type ResultTable } from '../table.js';
import type { ChartOptions } from './parts.js';
import { providerPanelsSpec } from './panels.js';

const OF: Record<string, string> = { 'share.tokens': 'tokens served', 'share.customers': 'customers' };

/** The share families. */
export const SHARE_METRICS = Object.keys(OF);

/** Panels of the mean `family.<id>` (`share.tokens` or `share.customers`) of every provider, with 90 % bands. */
export function sharesSpec(table: ResultTable, family = 'share.tokens', options: ChartOptions = {}): TopLevelSpec {
  const of = OF[family] ?? family;
  return providerPanelsSpec(table, {
    ...options,
    family,
    title: `Provider shares of ${of}`,
    subtitle: [runLine(table), `Share of ${of}: mean and 90 % band of runs`, ...groupedLine(providerGroups(table))],
    format: '.0%',
  });
}
