/**
 * The result table the charts need, read from a result folder with memory
 * bounded by what the charts draw, not by the size of timeseries.csv: the
 * file is streamed and checked line by line (sim/output/read-folder.ts),
 * and only the metrics a chart reads are kept, the switching flows
 * (providers² metrics: 360,000 of them for 600 providers) at their last
 * month only, which is all the flows chart shows.
 */
import { readManifest, readMetricNames, readTimeseries } from '../sim/output/read-folder.js';
import { resultTable, type ResultTable } from './table.js';

/** Whether a chart reads `metric` at `month` (of a run of `months` months): see viz/charts/. */
export function chartReads(metric: string, month: number, months: number): boolean {
  if (metric.startsWith('flows.')) return month === months - 1;
  return (
    metric.startsWith('hhi.') ||
    metric.startsWith('share.tokens.') ||
    metric.startsWith('share.customers.') ||
    metric === 'providers.active' ||
    metric === 'deaths' ||
    metric.startsWith('deaths.') ||
    /^cohort\.dead\.[^.]+\.fraction$/.test(metric)
  );
}

/** Whether `metric` is one of `asked` (`--metric`) or of a family asked for (`share.tokens` → `share.tokens.<id>`). */
export function askedFor(metric: string, asked: readonly string[]): boolean {
  return asked.some((a) => metric === a || (metric.startsWith(a) && metric[a.length] === '.'));
}

/**
 * The chart table of the result folder `dir`: its manifest, the timeseries
 * rows the standard charts read and every row of the metrics `asked` for
 * (`--metric`), and the folder's metric names but the flows (for the
 * choices `--metric` offers). @throws UsageError
 */
export function readChartTable(dir: string, asked: readonly string[] = []): ResultTable {
  const manifest = readManifest(dir);
  const timeseries = readTimeseries(dir, manifest, (metric, month) => chartReads(metric, month, manifest.months) || askedFor(metric, asked));
  const metricNames = readMetricNames(dir, manifest).filter((m) => !m.startsWith('flows.'));
  return resultTable({ dir, manifest, timeseries, metricNames });
}
