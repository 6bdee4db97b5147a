/**
 * timeseries.csv read back from a folder shakeout may not have written:
 * every row is checked against what its manifest and its run store's index
 * (runs/index.json: the metric names) say was run. The file is what
 * timeseries-csv.ts writes: the header, then for each metric (once, and a
 * metric of this run) one row per month t = 0 … months − 1, in order, with
 * that month's date and seven numbers (empty for NaN). So its rows are at
 * most metrics × months, and its bytes are bounded before it is read.
 */
import { monthLabel } from '../calendar.js';
import type { TimeseriesRow } from './result-types.js';
import { UsageError } from '../errors.js';
import { quote } from '../scenario/messages.js';
import { csvField, parseCsvLine, parseNumber } from './format.js';
import { badTimeseriesHeader, badTimeseriesRow, truncatedTimeseries } from './messages.js';
import { TIMESERIES_COLUMNS } from './timeseries-csv.js';

/** What a result's manifest (months, start) and run store index (metrics) say about the run. */
export interface TimeseriesShape {
  /** The run's metric names (runs/index.json). */
  metrics: readonly string[];
  months: number;
  /** `YYYY-MM` of t = 0. */
  start: string;
}

/** Whatever the manifest says, a timeseries.csv larger than this is not read (a run that large does not fit in memory as rows). */
export const MAX_TIMESERIES_BYTES = 256 * 1024 * 1024;

/** Bytes of a row besides its metric name: month (4 digits), date (up to 5-digit years), 7 numbers of up to 25 characters (`-0.0000012345678901234567`), commas, line end. */
const ROW_BYTES = 4 + 8 + 7 * 25 + 9 + 1;

/** The most bytes timeseries.csv can have for this run: every metric, every month, every field at its longest. */
export function maxTimeseriesBytes(shape: TimeseriesShape): number {
  let names = 0;
  for (const name of shape.metrics) names += csvField(name).length;
  const header = TIMESERIES_COLUMNS.join(',').length + 1;
  return Math.min(MAX_TIMESERIES_BYTES, header + shape.months * (names + shape.metrics.length * ROW_BYTES));
}

/** A number as formatNumber writes it (the shortest round-trip text), or empty for NaN. */
const NUMBER = /^(-?\d+(\.\d+)?(e[+-]\d+)?)?$/;

/** Why a file whose last line has no line end is refused. */
export const CUT_SHORT = 'the last line has no line end (the file was cut short?)';

/** Which rows a reader keeps: all, or those a chart draws (viz/read-table.ts). */
export type KeepRow = (metric: string, month: number) => boolean;

/**
 * Checks the lines of a timeseries.csv (read from `path`, named in
 * messages) for the run `shape` one at a time, without their line ends,
 * and keeps the rows `keep` wants, empty statistics as NaN. Every line's
 * place (its metric, in order, once, and its month) is checked; the date
 * and the numbers of the rows kept. Throws UsageError naming the file and
 * line of the first line that is not what shakeout writes.
 */
export function timeseriesReader(path: string, shape: TimeseriesShape, keep: KeepRow = () => true) {
  const { months, start } = shape;
  const metrics = new Set(shape.metrics);
  const rows: TimeseriesRow[] = [];
  const seen = new Set<string>();
  let metric = '';
  let line = 0;
  /** Rows seen after the header, kept or not. */
  let count = 0;
  const fail = (why: string): never => {
    throw new UsageError(badTimeseriesRow(path, line, why));
  };
  return {
    line(record: string): void {
      line++;
      if (line === 1) {
        if (record !== TIMESERIES_COLUMNS.join(',')) throw new UsageError(badTimeseriesHeader(path, quote(record, 120).slice(1, -1)));
        return;
      }
      const t = count % months;
      count++;
      // Most rows may be skipped (a chart reads few of the flows): their place is checked on the first two fields alone.
      const quoted = record.includes('"');
      const comma = record.indexOf(',');
      const name = quoted ? (parseFields(record)[0] ?? '') : record.slice(0, comma < 0 ? record.length : comma);
      if (t === 0) {
        metric = name;
        if (!metrics.has(metric)) fail(`${quote(metric, 80)} is not a metric of this run's scenario`);
        if (seen.has(metric)) fail(`the rows of ${quote(metric, 80)} appear twice`);
        seen.add(metric);
      } else if (name !== metric) {
        fail(`expected the row of ${quote(metric, 80)} at t = ${t}, got ${quote(name, 80)}: its ${months} months are not all there`);
      }
      if (!quoted && comma >= 0 && !keep(metric, t)) {
        const month = record.slice(comma + 1, record.indexOf(',', comma + 1));
        if (month !== String(t)) fail(`month: expected ${t}, got ${quote(month, 20)}`);
        return;
      }
      const f = parseFields(record);
      if (f.length !== TIMESERIES_COLUMNS.length) fail(`${f.length} fields, expected ${TIMESERIES_COLUMNS.length} (${TIMESERIES_COLUMNS.join(',')})`);
      if (f[1] !== String(t)) fail(`month: expected ${t}, got ${quote(f[1], 20)}`);
      const date = monthLabel(start, t);
      if (f[2] !== date) fail(`date: expected ${date} (t = ${t} from ${start}), got ${quote(f[2], 20)}`);
      const numbers = new Array<number>(7);
      for (let i = 3; i < 10; i++) {
        const x = parseNumber(f[i]);
        if (!NUMBER.test(f[i]) || x === Infinity || x === -Infinity) fail(`${TIMESERIES_COLUMNS[i]}: expected a number, got ${quote(f[i], 30)}`);
        numbers[i - 3] = x;
      }
      if (!keep(metric, t)) return;
      rows.push({ metric, month: t, date, mean: numbers[0], sd: numbers[1], p05: numbers[2], p50: numbers[3], p95: numbers[4], ciLow: numbers[5], ciHigh: numbers[6] });
    },
    /** Lines given so far. */
    get lines(): number {
      return line;
    },
    /** The rows kept, once every line has been given. */
    end(): TimeseriesRow[] {
      if (line === 0) throw new UsageError(badTimeseriesHeader(path, ''));
      const last = count % months;
      if (last !== 0) throw new UsageError(truncatedTimeseries(path, quote(metric, 80), last, months));
      return rows;
    },
  };

  function parseFields(record: string): string[] {
    try {
      return parseCsvLine(record);
    } catch {
      return fail('a quoted field is not closed');
    }
  }
}
