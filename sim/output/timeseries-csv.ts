/**
 * timeseries.csv: one tidy row per metric and month (ARCHITECTURE.md,
 * "Result folder"), ordered by metric (metricNames order) then month.
 * Values are as of the end of the month, in the metric's units. Read back
 * by read-timeseries.ts.
 */
import type { TimeseriesRow } from './result-types.js';
import { createAtomicWriter } from './atomic-write.js';
import { csvField, csvLine, formatNumber } from './format.js';

export const TIMESERIES_FILE = 'timeseries.csv';
export const TIMESERIES_COLUMNS = ['metric', 'month', 'date', 'mean', 'sd', 'p05', 'p50', 'p95', 'ci_low', 'ci_high'] as const;

/**
 * The CSV record of one row. Only the metric's name and the date are text
 * that could need quoting; the month and the numbers are digits, signs,
 * dots, `e` and `Infinity`, written as they are.
 */
export function timeseriesLine(row: TimeseriesRow): string {
  return `${csvField(row.metric)},${row.month},${csvField(row.date)},${formatNumber(row.mean)},${formatNumber(row.sd)},${formatNumber(row.p05)},${formatNumber(row.p50)},${formatNumber(row.p95)},${formatNumber(row.ciLow)},${formatNumber(row.ciHigh)}\n`;
}

/**
 * Writes the rows, given a block at a time, to `path` atomically,
 * streaming (memory does not grow with the rows), showing each row to
 * `see` on the way.
 */
export async function writeTimeseriesCsv(
  path: string,
  blocks: AsyncIterable<readonly TimeseriesRow[]> | Iterable<readonly TimeseriesRow[]>,
  see?: (row: TimeseriesRow) => void,
): Promise<void> {
  const out = createAtomicWriter(path);
  try {
    out.write(csvLine(TIMESERIES_COLUMNS));
    for await (const rows of blocks)
      for (const row of rows) {
        see?.(row);
        out.write(timeseriesLine(row));
      }
    out.commit();
  } catch (e) {
    out.abort();
    throw e;
  }
}
