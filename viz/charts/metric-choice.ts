/**
 * What `--metric` may name, and the chart each gets: a metric of the
 * folder by its name (`cr1.tokens`, `startups.alive`), or a per-provider
 * family by its prefix (`share.tokens`, `provider.cash`: one panel per
 * provider). The names come from the result folder (runs/index.json), not
 * from the model's registry, which viz does not import.
 */
import { providersOf, type ResultTable } from '../table.js';

/** hhi: the HHI chart with its thresholds; shares: the share panels; panels: any per-provider family; series: one metric's mean and band. */
export type MetricChart = 'hhi' | 'shares' | 'panels' | 'series';

function namesOf(table: ResultTable): readonly string[] {
  return table.metricNames ?? [...table.series.keys()];
}

/** The per-provider families of the folder: prefixes P with a metric `P.<id>` for every provider. */
export function providerFamilies(table: ResultTable): string[] {
  const ids = providersOf(table).map((p) => p.id);
  const names = new Set(namesOf(table));
  const prefixes = new Set<string>();
  for (const name of names)
    for (const id of ids) if (name.endsWith(`.${id}`) && !name.startsWith('flows.')) prefixes.add(name.slice(0, -id.length - 1));
  return [...prefixes].filter((p) => ids.length > 0 && ids.every((id) => names.has(`${p}.${id}`)));
}

/**
 * What `--metric` offers, for messages: the per-provider families and the
 * metrics that name no provider (those of one provider or one pair, such as
 * `cohort.dead.small.on.openai.fraction`, are accepted but not listed).
 */
export function chartableMetrics(table: ResultTable): string[] {
  const ids = providersOf(table).map((p) => p.id);
  const families = providerFamilies(table);
  const names = namesOf(table).filter((n) => !ids.some((id) => n.endsWith(`.${id}`) || n.includes(`.${id}.`)));
  return [...families, ...names];
}

/** The chart of `metric`, or undefined when the folder has no such metric or family. */
export function chartFor(table: ResultTable, metric: string): MetricChart | undefined {
  if (namesOf(table).includes(metric) && !metric.startsWith('flows.')) return metric.startsWith('hhi.') ? 'hhi' : 'series';
  if (metric.startsWith('flows.') && table.series.has(metric)) return 'series';
  if (providerFamilies(table).includes(metric)) return metric === 'share.tokens' || metric === 'share.customers' ? 'shares' : 'panels';
  return undefined;
}
