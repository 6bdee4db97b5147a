/**
 * The input of every chart: a result folder's manifest and its timeseries,
 * indexed by metric. Chart builders read only this, never the model.
 */
import type { TimeseriesRow } from '../sim/output/result-types.js';
import { UsageError } from '../sim/errors.js';
import type { Manifest } from '../sim/output/manifest.js';
import { type MetricCatalog, type MetricInfo, metricCatalog } from '../sim/output/metric-catalog.js';
import { missingMetric } from './messages.js';
import { paletteColour } from './theme.js';

export interface ResultTable {
  /** The folder, for messages. */
  dir: string;
  manifest: Manifest;
  /** Metric → its rows, month ascending; metrics in timeseries.csv order. */
  series: ReadonlyMap<string, readonly TimeseriesRow[]>;
  /** The folder's metric names, those of the flows left out, in file order (what `--metric` may name); default the keys of `series`. */
  metricNames?: readonly string[];
  /** The folder's metrics described (runs/index.json, sim/output/metric-catalog.ts); default found from the names. */
  catalog?: MetricCatalog;
}

const foundCatalogs = new WeakMap<ResultTable, MetricCatalog>();

/** The table's metrics described: families, units and bindings (the provider, the class) as the folder lists them. */
export function catalogOf(table: ResultTable): MetricCatalog {
  if (table.catalog) return table.catalog;
  let found = foundCatalogs.get(table);
  if (!found) foundCatalogs.set(table, (found = metricCatalog([...new Set([...(table.metricNames ?? []), ...table.series.keys()])])));
  return found;
}

/** The metrics of the family `pattern` that the table has rows of, in column order, with their bindings. */
export function membersWithRows(table: ResultTable, pattern: string): readonly MetricInfo[] {
  return catalogOf(table).membersOf(pattern).filter((m) => table.series.has(m.name));
}

/** Indexes a result folder's rows by metric. */
export function resultTable(folder: { dir: string; manifest: Manifest; timeseries: readonly TimeseriesRow[]; metricNames?: readonly string[]; catalog?: MetricCatalog }): ResultTable {
  const series = new Map<string, TimeseriesRow[]>();
  for (const row of folder.timeseries) {
    let rows = series.get(row.metric);
    if (!rows) series.set(row.metric, (rows = []));
    rows.push(row);
  }
  for (const rows of series.values()) rows.sort((a, b) => a.month - b.month);
  return {
    dir: folder.dir,
    manifest: folder.manifest,
    series,
    ...(folder.metricNames ? { metricNames: folder.metricNames } : {}),
    ...(folder.catalog ? { catalog: folder.catalog } : {}),
  };
}

/** The rows of `metric`; throws UsageError when the folder has none. */
export function seriesOf(table: ResultTable, metric: string): readonly TimeseriesRow[] {
  const rows = table.series.get(metric);
  if (!rows || rows.length === 0) throw new UsageError(missingMetric(table.dir, metric));
  return rows;
}

export interface ProviderInfo {
  id: string;
  /** Display name, unique within the run. */
  name: string;
  /**
   * The name's first word when that is unique within the run and not a
   * mere article ("Azure" for "Azure OpenAI (21Vianet)"), else the name:
   * for legends and axes, where a column is 3.5 in wide.
   */
  short: string;
  colour: string;
}

/**
 * The run's providers in metric order (the scenario's providers, then
 * entrants), each with a display name and its colour for every chart.
 */
export function providersOf(table: ResultTable): ProviderInfo[] {
  const { scenario } = table.manifest;
  const names = new Map<string, string>();
  for (const p of scenario.providers) names.set(p.id, p.name ?? p.id);
  for (const e of scenario.events) if (e.enter) names.set(e.enter.id, e.enter.name ?? e.enter.id);
  const ids = membersWithRows(table, 'share.tokens.<id>').flatMap((m) => (m.bindings.provider === undefined ? [] : [m.bindings.provider]));
  const order = ids.length ? ids : [...names.keys()];
  const seen = new Set<string>();
  const providers = order.map((id, i) => {
    let name = names.get(id) ?? id;
    if (seen.has(name)) name = `${name} (${id})`;
    seen.add(name);
    return { id, name, short: name, colour: paletteColour(i) };
  });
  const first = providers.map((p) => p.name.split(/\s+/)[0]);
  for (const [i, p] of providers.entries())
    if (first[i].length >= 3 && first.indexOf(first[i]) === first.lastIndexOf(first[i]) && !/^the$/i.test(first[i])) p.short = first[i];
  return providers;
}

/**
 * Providers a chart draws one by one: twelve, the palette's size and about
 * as many as a legend under a 3.5 in column holds readably. Past that the
 * largest eleven are drawn and the rest are one "Other" series, so a
 * chart's size (and the memory to draw it) does not grow with the number
 * of providers: 600 providers made the flows chart 359,400 cells, and
 * drawing it ran out of memory.
 */
export const MAX_PROVIDERS_SHOWN = 12;

/** The colour of the "Other" series: a light grey, not in the palette. */
export const OTHER_COLOUR = '#c7c7c7';

export interface ProviderGroups {
  /** Providers drawn one by one, in metric order; coloured by their place in this list when some are grouped. */
  shown: ProviderInfo[];
  /** Providers drawn together as "Other" (none when all are shown), in metric order. */
  other: ProviderInfo[];
  /** The label of the "Other" series, e.g. `Other (589)`; empty when none. */
  otherLabel: string;
}

/**
 * The providers a chart draws: all of them up to MAX_PROVIDERS_SHOWN, else
 * the MAX_PROVIDERS_SHOWN − 1 with the largest mean share of tokens at the
 * last month (ties: metric order) and the rest grouped as "Other".
 */
export function providerGroups(table: ResultTable): ProviderGroups {
  const all = providersOf(table);
  if (all.length <= MAX_PROVIDERS_SHOWN) return { shown: all, other: [], otherLabel: '' };
  const final = (p: ProviderInfo) => {
    const rows = table.series.get(metricOf(table, 'share.tokens.<id>', p.id) ?? '');
    const mean = rows?.length ? rows[rows.length - 1].mean : NaN;
    return Number.isFinite(mean) ? mean : -Infinity;
  };
  const ranked = all.map((p, i) => ({ p, i, share: final(p) })).sort((a, b) => b.share - a.share || a.i - b.i);
  const top = new Set(ranked.slice(0, MAX_PROVIDERS_SHOWN - 1).map((r) => r.i));
  const shown = all.filter((_, i) => top.has(i)).map((p, k) => ({ ...p, colour: paletteColour(k) }));
  const other = all.filter((_, i) => !top.has(i));
  return { shown, other, otherLabel: `Other (${other.length})` };
}

/** The subtitle line of a chart whose providers are grouped, e.g. `11 largest of 600 providers; 589 as Other`; none when all are shown. */
export function groupedLine(groups: ProviderGroups): string[] {
  if (groups.other.length === 0) return [];
  return [`${groups.shown.length} largest of ${groups.shown.length + groups.other.length} providers by final share of tokens; ${groups.other.length} as Other`];
}

/** The sentence a caption gets when some providers are grouped, else ''. */
export function groupingNote(groups: ProviderGroups): string {
  if (groups.other.length === 0) return '';
  return `Only the ${groups.shown.length} providers with the largest final share of tokens are drawn; the other ${groups.other.length} are grouped as "Other".`;
}

/** Startup class ids in metric order: those of `cohort.dead.<class>.fraction`. */
export function classesOf(table: ResultTable): string[] {
  return membersWithRows(table, 'cohort.dead.<class>.fraction').flatMap((m) => (m.bindings.class === undefined ? [] : [m.bindings.class]));
}

/** The metric of a per-provider family (`share.tokens.<id>`) for provider `id`, if the folder has it. */
export function metricOf(table: ResultTable, pattern: string, id: string): string | undefined {
  return catalogOf(table)
    .membersOf(pattern)
    .find((m) => m.bindings.provider === id)?.name;
}

/** `China 2024, OpenAI exits · 100 runs`, the first subtitle line of every chart. */
export function runLine(table: ResultTable): string {
  const m = table.manifest;
  const name = m.scenarioName ?? 'Unnamed scenario';
  return `${name} · ${m.runs} run${m.runs === 1 ? '' : 's'}`;
}

/** A statistic for a chart: 4 significant digits (plenty for the eye, and small specs); NaN → null. */
export function chartNumber(x: number): number | null {
  if (!Number.isFinite(x)) return null;
  return x === 0 ? 0 : Number(x.toPrecision(4));
}
