/**
 * The result table the charts need, read from a result folder with memory
 * bounded by what the charts draw, not by the size of timeseries.csv: the
 * file is streamed and checked line by line (sim/output/read-folder.ts),
 * and only the metrics a chart reads are kept, the switching flows
 * (providers² metrics: 360,000 of them for 600 providers) at their last
 * month only, which is all the flows chart shows. Which metrics those are
 * comes from the folder's families (runs/index.json, metric-catalog.ts).
 */
import type { MetricCatalog } from '../sim/output/metric-catalog.js';
import { readManifest, readMetricCatalog, readTimeseries } from '../sim/output/read-folder.js';
import { resultTable, type ResultTable } from './table.js';

/** The families the standard charts read at every month (viz/charts/): besides these, every `hhi.*` family. */
const CHART_FAMILIES = [
  'providers.active',
  'deaths',
  'deaths.runway',
  'deaths.hazard',
  'deaths.stranded',
  'deaths.cumulative',
  'share.tokens.<id>',
  'share.customers.<id>',
  'cohort.dead.<class>.fraction',
];

/** The flows, read at the last month only (the flows chart). */
export const FLOWS_FAMILY = 'flows.<from>.<to>';

/**
 * The metrics a chart reads at every month, and those `asked` for
 * (`--metric`: a name, or a per-provider family's prefix such as
 * `share.tokens`), but the flows.
 */
export function chartMetrics(catalog: MetricCatalog, asked: readonly string[] = []): Set<string> {
  const patterns = [...catalog.patterns().filter((p) => p.startsWith('hhi.')), ...CHART_FAMILIES, ...asked.map((a) => `${a}.<id>`)];
  const names = new Set<string>();
  for (const p of patterns) for (const name of catalog.namesOf(p)) names.add(name);
  for (const a of asked) if (catalog.describe(a)) names.add(a);
  return names;
}

/**
 * The chart table of the result folder `dir`: its manifest, the timeseries
 * rows the standard charts read and every row of the metrics `asked` for
 * (`--metric`), and the folder's metric names but the flows (for the
 * choices `--metric` offers). @throws UsageError
 */
export function readChartTable(dir: string, asked: readonly string[] = []): ResultTable {
  const manifest = readManifest(dir);
  const catalog = readMetricCatalog(dir, manifest);
  const wanted = chartMetrics(catalog, asked);
  const last = manifest.months - 1;
  const flows = new Set(catalog.namesOf(FLOWS_FAMILY));
  const timeseries = readTimeseries(dir, manifest, (metric, month) => wanted.has(metric) || (month === last && flows.has(metric)));
  const metricNames = catalog.names.filter((m) => !flows.has(m));
  return resultTable({ dir, manifest, timeseries, metricNames, catalog });
}
