/**
 * The result table the charts need, read from a result folder with memory
 * bounded by what the charts draw, not by the size of timeseries.csv: the
 * file is streamed, and only the metrics a chart reads are kept, the
 * switching flows (providers² metrics: 360,000 of them for 600 providers)
 * at their last month only, which is all the flows chart shows.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { TimeseriesRow } from '../sim/ensemble/aggregate.js';
import { UsageError } from '../sim/errors.js';
import { parseCsvLine, parseNumber } from '../sim/output/format.js';
import { MANIFEST_FILE, type Manifest } from '../sim/output/manifest.js';
import { badTimeseriesHeader, notAResultFolder } from '../sim/output/messages.js';
import { TIMESERIES_COLUMNS, TIMESERIES_FILE } from '../sim/output/timeseries-csv.js';
import { resultTable, type ResultTable } from './table.js';

/** Bytes of timeseries.csv read at a time. */
const CHUNK_BYTES = 1 << 20;

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

/** Calls `visit` with each line of the file at `path`, without its line end, reading it in chunks. */
function forEachLine(path: string, dir: string, visit: (line: string) => void): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    throw new UsageError(notAResultFolder(dir));
  }
  try {
    const decoder = new StringDecoder('utf8');
    const chunk = Buffer.alloc(CHUNK_BYTES);
    let rest = '';
    for (;;) {
      const n = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      const text = rest + (n > 0 ? decoder.write(chunk.subarray(0, n)) : decoder.end());
      const lines = text.split('\n');
      rest = n > 0 ? (lines.pop() ?? '') : '';
      for (const line of lines) visit(line);
      if (n === 0) break;
    }
    if (rest !== '') visit(rest);
  } finally {
    closeSync(fd);
  }
}

/** The chart table of the result folder `dir`: its manifest and the timeseries rows the charts read. */
export function readChartTable(dir: string): ResultTable {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
  } catch {
    throw new UsageError(notAResultFolder(dir));
  }
  const path = join(dir, TIMESERIES_FILE);
  const rows: TimeseriesRow[] = [];
  let header: string | null = null;
  forEachLine(path, dir, (line) => {
    if (header === null) {
      header = line;
      if (header !== TIMESERIES_COLUMNS.join(',')) throw new UsageError(badTimeseriesHeader(path, header));
      return;
    }
    if (line === '') return;
    // Most rows are not read (the flows' earlier months): decide on the first two fields before parsing all ten.
    if (line[0] !== '"') {
      const comma = line.indexOf(',');
      if (!chartReads(line.slice(0, comma), Number(line.slice(comma + 1, line.indexOf(',', comma + 1))), manifest.months)) return;
    }
    const f = parseCsvLine(line);
    const month = Number(f[1]);
    if (!chartReads(f[0], month, manifest.months)) return;
    rows.push({
      metric: f[0],
      month,
      date: f[2],
      mean: parseNumber(f[3]),
      sd: parseNumber(f[4]),
      p05: parseNumber(f[5]),
      p50: parseNumber(f[6]),
      p95: parseNumber(f[7]),
      ciLow: parseNumber(f[8]),
      ciHigh: parseNumber(f[9]),
    });
  });
  if (header === null) throw new UsageError(badTimeseriesHeader(path, ''));
  return resultTable({ dir, manifest, timeseries: rows });
}
