/**
 * runs.csv: one row per replication, for users who want run-level
 * distributions in pandas or R without reading the binary store.
 *
 * Columns, in this order:
 *   run               the replication index, 0-based (the same index keys
 *                     its random numbers, MODEL.md section 10)
 *   <metric>          every metric, in metricNames order, at the last month
 *                     (t = months − 1)
 *   <metric>@t<k>     for each key metric (KEY_METRICS, and
 *                     cohort.dead.<class>.fraction) in metricNames order, its
 *                     value at t = k for each k of RUNS_CSV_MONTHS with
 *                     k ≤ months − 1
 */
import { createAtomicWriter } from './atomic-write.js';
import { csvLine, formatNumber } from './format.js';
import type { ReadOptions, RunStoreReader } from './run-store.js';

export const RUNS_FILE = 'runs.csv';

/** Metrics that also get key-month columns. */
export const KEY_METRICS: readonly string[] = [
  'hhi.tokens',
  'hhi.customers',
  'providers.active',
  'startups.alive',
  'deaths.cumulative',
  'cohort.dead.fraction',
];

/** Month indices t of the key-month columns: one and two years in. */
export const RUNS_CSV_MONTHS: readonly number[] = [12, 24];

/** Whether `metric` gets key-month columns; class ids hold no dots (schema), so `.on.<id>` variants are excluded. */
export function isKeyMetric(metric: string): boolean {
  return KEY_METRICS.includes(metric) || /^cohort\.dead\.[^.]+\.fraction$/.test(metric);
}

/** One column of runs.csv after `run`: a metric (index) at month t. */
export interface RunsColumn {
  name: string;
  metric: number;
  month: number;
}

/** The value columns of runs.csv for these metrics and run length (months). */
export function runsCsvColumns(metrics: readonly string[], months: number): RunsColumn[] {
  const last = months - 1;
  const columns: RunsColumn[] = metrics.map((name, metric) => ({ name, metric, month: last }));
  metrics.forEach((name, metric) => {
    if (!isKeyMetric(name)) return;
    for (const month of RUNS_CSV_MONTHS) if (month <= last) columns.push({ name: `${name}@t${month}`, metric, month });
  });
  return columns;
}

/** Writes runs.csv for every run in the store, atomically, streaming one run at a time; `signal` stops it between blocks. */
export async function writeRunsCsv(path: string, store: RunStoreReader, options: ReadOptions = {}): Promise<void> {
  const { metrics, months } = store.shape;
  const columns = runsCsvColumns(metrics, months);
  const at = columns.map((c) => c.month * metrics.length + c.metric);
  const out = createAtomicWriter(path);
  try {
    out.write(csvLine(['run', ...columns.map((c) => c.name)]));
    await store.forEachRun((run, record) => {
      const fields = [String(run)];
      for (const i of at) fields.push(formatNumber(record[i]));
      out.write(csvLine(fields));
    }, options);
    out.commit();
  } catch (e) {
    out.abort();
    throw e;
  }
}
