/**
 * timeseries.csv: one tidy row per metric and month (ARCHITECTURE.md,
 * "Result folder"), ordered by metric (metricNames order) then month.
 * Values are as of the end of the month, in the metric's units. Read back
 * by read-timeseries.ts.
 */
import type { TimeseriesRow } from './result-types.js';
import { createAtomicWriter } from './atomic-write.js';
import { csvLine, formatNumber } from './format.js';

export const TIMESERIES_FILE = 'timeseries.csv';
export const TIMESERIES_COLUMNS = ['metric', 'month', 'date', 'mean', 'sd', 'p05', 'p50', 'p95', 'ci_low', 'ci_high'] as const;

/** The CSV record of one row. */
export function timeseriesLine(row: TimeseriesRow): string {
  return csvLine([
    row.metric,
    String(row.month),
    row.date,
    formatNumber(row.mean),
    formatNumber(row.sd),
    formatNumber(row.p05),
    formatNumber(row.p50),
    formatNumber(row.p95),
    formatNumber(row.ciLow),
    formatNumber(row.ciHigh),
  ]);
}

/** Writes `rows` to `path` atomically, streaming: memory does not grow with the rows. */
export async function writeTimeseriesCsv(path: string, rows: AsyncIterable<TimeseriesRow> | Iterable<TimeseriesRow>): Promise<void> {
  const out = createAtomicWriter(path);
  try {
    out.write(csvLine(TIMESERIES_COLUMNS));
    for await (const row of rows) out.write(timeseriesLine(row));
    out.commit();
  } catch (e) {
    out.abort();
    throw e;
  }
}
