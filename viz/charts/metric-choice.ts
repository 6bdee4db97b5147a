/**
 * What `--metric` may name, and the chart each gets: a metric of the
 * folder by its name (`cr1.tokens`, `startups.alive`), or a per-provider
 * family by its prefix (`share.tokens`, `provider.cash`: one panel per
 * provider). Names, families and bindings come from the result folder
 * (runs/index.json, sim/output/metric-catalog.ts), not from the model's
 * registry, which viz does not import.
 */
import { providerFamilyPrefix } from '../../sim/output/metric-catalog.js';
import { catalogOf, type ResultTable } from '../table.js';

/** hhi: the HHI chart with its thresholds; shares: the share panels; panels: any per-provider family; series: one metric's mean and band. */
export type MetricChart = 'hhi' | 'shares' | 'panels' | 'series';

/** The families whose panels are the share charts. */
const SHARE_FAMILIES = ['share.tokens.<id>', 'share.customers.<id>'];
const FLOWS = 'flows.<from>.<to>';

function namesOf(table: ResultTable): readonly string[] {
  return table.metricNames ?? [...table.series.keys()];
}

/** The per-provider families of the folder (pattern `P.<id>`), by their prefixes P. */
export function providerFamilies(table: ResultTable): string[] {
  const names = new Set(namesOf(table));
  const catalog = catalogOf(table);
  return catalog.patterns().flatMap((pattern) => {
    const prefix = providerFamilyPrefix(pattern);
    const members = catalog.membersOf(pattern);
    return prefix !== null && members.length > 0 && members.every((m) => names.has(m.name)) ? [prefix] : [];
  });
}

/**
 * What `--metric` offers, for messages: the per-provider families and the
 * metrics that bind no provider nor class pair (those of one provider or
 * one pair, such as `cohort.dead.small.on.openai.fraction`, are accepted
 * but not listed).
 */
export function chartableMetrics(table: ResultTable): string[] {
  const catalog = catalogOf(table);
  const names = namesOf(table).filter((n) => {
    const b = catalog.describe(n)?.bindings ?? {};
    return b.provider === undefined && b.from === undefined && b.to === undefined;
  });
  return [...providerFamilies(table), ...names];
}

/** The chart of `metric`, or undefined when the folder has no such metric or family. */
export function chartFor(table: ResultTable, metric: string): MetricChart | undefined {
  const info = catalogOf(table).describe(metric);
  if (info?.family === FLOWS) return table.series.has(metric) ? 'series' : undefined;
  if (info && namesOf(table).includes(metric)) return info.family.startsWith('hhi.') ? 'hhi' : 'series';
  if (providerFamilies(table).includes(metric)) return SHARE_FAMILIES.includes(`${metric}.<id>`) ? 'shares' : 'panels';
  return undefined;
}
