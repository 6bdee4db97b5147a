/**
 * runs.csv: one row per replication, for users who want run-level
 * distributions in pandas or R without reading the binary store (every
 * value of every run, in long form, is in runs.parquet).
 *
 * Columns, in this order:
 *   run               the replication index, 0-based (with the seed, it
 *                     keys its random numbers, MODEL.md section 10)
 *   scenario          the scenario's name (empty when it has none)
 *   seed              the scenario's seed as `--seed` takes it:
 *                     `shakeout run <scenario> --seed <seed> --runs <run + 1>`
 *                     computes this run again, as its last
 *   <metric>          every metric, in metricNames order, at the last month
 *                     (t = months − 1)
 *   <metric>_t<k>     for each key metric (KEY_METRICS, and
 *                     cohort.dead.<class>.fraction for each class of the
 *                     scenario) in metricNames order, its value at t = k
 *                     for each k of RUNS_CSV_MONTHS with k ≤ months − 1;
 *                     then, for each expectation of the scenario (`expect`)
 *                     whose metric and month no column holds yet, that
 *                     metric at that month
 *
 * Column names are syntactic names in R (`make.names` leaves them as they
 * are) and plain keys in pandas: a metric's name with every character other
 * than letters, digits, `.` and `_` (a `-` in a provider or class id)
 * written `_`; should two columns then share a name, the later one gets
 * `_2` (then `_3`, …). In shakeout 0.1.0 the key-month columns were named
 * `<metric>@t<k>` and ids kept their `-` (README.md, "The result folder").
 */
import { monthIndex } from '../calendar.js';
import { createAtomicWriter } from './atomic-write.js';
import { csvField, csvLine, formatNumber } from './format.js';
import type { ReadOptions, RunStoreReader } from './run-store.js';

export const RUNS_FILE = 'runs.csv';

/** Metrics that also get key-month columns (with cohort.dead.<class>.fraction of each class). */
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

/** What runs.csv takes from the scenario, besides the store's metrics and months. */
export interface RunsCsvScenario {
  /** The scenario's name, null when it has none. */
  name: string | null;
  seed: number | string;
  /** The ids of its classes (cohort.dead.<class>.fraction gets key-month columns). */
  classes: readonly string[];
  /** Its expectations: each metric at its month (`end` or `YYYY-MM`) gets a column. */
  expectations: readonly { metric: string; at: string }[];
}

/** One value column of runs.csv: a metric (index) at month t. */
export interface RunsColumn {
  name: string;
  metric: number;
  month: number;
}

/** `metric` as a column name: letters, digits, `.` and `_` (R's syntactic names; metric names begin with a letter). */
export function columnName(metric: string): string {
  return metric.replace(/[^A-Za-z0-9._]/g, '_');
}

/** The value columns of runs.csv for these metrics (the store's, runs/index.json), run length (months) and scenario. */
export function runsCsvColumns(metrics: readonly string[], months: number, start: string, scenario: RunsCsvScenario): RunsColumn[] {
  const last = months - 1;
  const index = new Map(metrics.map((name, i) => [name, i]));
  const columns: RunsColumn[] = metrics.map((name, metric) => ({ name: columnName(name), metric, month: last }));
  const key = new Set([...KEY_METRICS, ...scenario.classes.map((c) => `cohort.dead.${c}.fraction`)]);
  metrics.forEach((name, metric) => {
    if (!key.has(name)) return;
    for (const month of RUNS_CSV_MONTHS) if (month <= last) columns.push({ name: `${columnName(name)}_t${month}`, metric, month });
  });
  const held = new Set(columns.map((c) => c.month * metrics.length + c.metric));
  for (const { metric: name, at } of scenario.expectations) {
    const metric = index.get(name);
    const month = at === 'end' ? last : monthIndex(start, at);
    // The run was refused before it began for an expectation it cannot locate (sim/ensemble/expectations.ts).
    if (metric === undefined || !(month >= 0 && month <= last)) continue;
    const cell = month * metrics.length + metric;
    if (held.has(cell)) continue;
    held.add(cell);
    columns.push({ name: `${columnName(name)}_t${month}`, metric, month });
  }
  return unique(columns);
}

/** `columns` with every name unique after RESERVED: a repeated name gets `_2`, `_3`, … */
function unique(columns: RunsColumn[]): RunsColumn[] {
  const taken = new Set<string>(RESERVED);
  return columns.map((c) => {
    let name = c.name;
    for (let k = 2; taken.has(name); k++) name = `${c.name}_${k}`;
    taken.add(name);
    return { ...c, name };
  });
}

/** The columns before the values. */
const RESERVED = ['run', 'scenario', 'seed'] as const;

/** Writes runs.csv for every run in the store, atomically, streaming one run at a time; `signal` stops it between blocks. */
export async function writeRunsCsv(path: string, store: RunStoreReader, scenario: RunsCsvScenario, options: ReadOptions = {}): Promise<void> {
  const { metrics, months, start } = store.shape;
  const columns = runsCsvColumns(metrics, months, start, scenario);
  const at = columns.map((c) => c.month * metrics.length + c.metric);
  // The scenario's name and seed are the same text on every row: quoted (csvField) once, not once a run.
  // The run and the values are digits, signs, dots, `e` and `Infinity`, which never need quoting.
  const named = `,${csvField(scenario.name ?? '')},${csvField(String(scenario.seed))}`;
  const out = createAtomicWriter(path);
  try {
    out.write(csvLine([...RESERVED, ...columns.map((c) => c.name)]));
    await store.forEachRun((run, record) => {
      let line = `${run}${named}`;
      for (const i of at) line += `,${formatNumber(record[i])}`;
      out.write(`${line}\n`);
    }, options);
    out.commit();
  } catch (e) {
    out.abort();
    throw e;
  }
}
