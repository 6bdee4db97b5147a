/**
 * The input of every chart: a result folder's manifest and its timeseries,
 * indexed by metric. Chart builders read only this, never the model.
 */
import type { TimeseriesRow } from '../sim/ensemble/aggregate.js';
import { UsageError } from '../sim/errors.js';
import type { Manifest } from '../sim/output/manifest.js';
import { missingMetric } from './messages.js';
import { paletteColour } from './theme.js';

export interface ResultTable {
  /** The folder, for messages. */
  dir: string;
  manifest: Manifest;
  /** Metric → its rows, month ascending; metrics in timeseries.csv order. */
  series: ReadonlyMap<string, readonly TimeseriesRow[]>;
}

/** Indexes a result folder's rows by metric. */
export function resultTable(folder: { dir: string; manifest: Manifest; timeseries: readonly TimeseriesRow[] }): ResultTable {
  const series = new Map<string, TimeseriesRow[]>();
  for (const row of folder.timeseries) {
    let rows = series.get(row.metric);
    if (!rows) series.set(row.metric, (rows = []));
    rows.push(row);
  }
  for (const rows of series.values()) rows.sort((a, b) => a.month - b.month);
  return { dir: folder.dir, manifest: folder.manifest, series };
}

/** The rows of `metric`; throws UsageError when the folder has none. */
export function seriesOf(table: ResultTable, metric: string): readonly TimeseriesRow[] {
  const rows = table.series.get(metric);
  if (!rows || rows.length === 0) throw new UsageError(missingMetric(table.dir, metric));
  return rows;
}

/** The metrics of the folder whose names match `pattern`, in file order, with the pattern's first group. */
export function metricsMatching(table: ResultTable, pattern: RegExp): { metric: string; key: string }[] {
  const out: { metric: string; key: string }[] = [];
  for (const metric of table.series.keys()) {
    const m = pattern.exec(metric);
    if (m) out.push({ metric, key: m[1] ?? metric });
  }
  return out;
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
  const ids = metricsMatching(table, /^share\.tokens\.([^.]+)$/).map((m) => m.key);
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

/** Startup class ids in metric order. */
export function classesOf(table: ResultTable): string[] {
  return metricsMatching(table, /^cohort\.dead\.([^.]+)\.fraction$/).map((m) => m.key);
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
