/**
 * Reading a result folder, which may come from someone else
 * (docs/security.md, "Result folders you receive are untrusted"):
 *
 *   manifest.json → its schema (folder-schema.ts) → runs/index.json, its
 *   schema and the manifest's numbers (the run's metric names) →
 *   timeseries.csv, every row checked against the manifest and the metric
 *   names (read-timeseries.ts) → summary.json, its schema and the
 *   manifest's numbers
 *
 * runs.csv and runs.parquet are written for the user's own tools and never
 * read back; runs/values.f64 only while a run is written or resumed
 * (run-store.ts). Each file is read only when it is a regular file within
 * a size bound (sim/files.ts). Whatever is wrong ends in a UsageError of
 * one line naming the file, and the line or field where there is one.
 */
import { join } from 'node:path';
import type { z } from 'zod';
import type { TimeseriesRow } from './result-types.js';
import { UsageError } from '../errors.js';
import { FileRefused, forEachLineOfRegularFile, readRegularFile } from '../files.js';
import { issueMessage, printable } from '../scenario/messages.js';
import { manifestSchema, runIndexSchema, summarySchema } from './folder-schema.js';
import { assertNotShard } from './shard-files.js';
import { type MetricCatalog, metricCatalog } from './metric-catalog.js';
import { COMPARISON_FORMAT, MANIFEST_FILE, type Manifest, SENSITIVITY_FORMAT, SWEEP_FORMAT } from './manifest.js';
import {
  badJson,
  badTimeseriesRow,
  badResultField,
  fileSystemReason,
  isFolder,
  missingResultFile,
  aComparison,
  aSensitivityAnalysis,
  aSweep,
  notAResultFolder,
  notRegular,
  tooLarge,
  unreadableResultFile,
} from './messages.js';
import { CUT_SHORT, type KeepRow, MAX_TIMESERIES_BYTES, maxTimeseriesBytes, timeseriesReader } from './read-timeseries.js';
import { INDEX_FILE, RUNS_DIR } from './run-store.js';
import { SUMMARY_JSON_FILE, type Summary } from './summary.js';
import { TIMESERIES_FILE } from './timeseries-csv.js';

/**
 * manifest.json holds the resolved scenario (a scenario file is at most
 * 512 KiB, and its values at most 100,000) and the command line: a few MiB
 * at the very most.
 */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

/** summary.json: a few bands and one entry per expectation of that scenario. */
export const MAX_SUMMARY_BYTES = 16 * 1024 * 1024;

/**
 * runs/index.json: the run's metric names, each shorter than a row of
 * timeseries.csv that holds it, so no larger than that file's bound.
 */
export const MAX_RUN_INDEX_BYTES = MAX_TIMESERIES_BYTES;

export interface ResultFolder {
  dir: string;
  manifest: Manifest;
  timeseries: TimeseriesRow[];
}

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

/** A file-system error or refusal for `dir/file` as one line; `missing` words the error when there is no such file. */
export function unreadable(e: unknown, path: string, maxBytes: number, missing: () => string): unknown {
  if (e instanceof FileRefused) {
    const why = e.code === 'ETOOLARGE' ? tooLarge(mib(maxBytes)) : e.code === 'EISDIR' ? isFolder : notRegular;
    return new UsageError(unreadableResultFile(path, why));
  }
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return new UsageError(missing());
  if (typeof code === 'string') return new UsageError(unreadableResultFile(path, `cannot be read: ${fileSystemReason(code) ?? code}`));
  return e;
}

/** The text of `dir/file`, at most `maxBytes`, as UTF-8. */
export function readText(dir: string, file: string, maxBytes: number, missing: () => string): string {
  const path = join(dir, file);
  try {
    return readRegularFile(path, maxBytes).toString('utf8');
  } catch (e) {
    throw unreadable(e, path, maxBytes, missing);
  }
}

export function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    // V8 says where: "… in JSON at position 12", and in newer versions "(line 2 column 3)".
    const message = e instanceof Error ? e.message : '';
    const line = /\(line (\d+) column \d+\)/.exec(message)?.[1];
    const position = /at position (\d+)/.exec(message)?.[1];
    const at = line ? Number(line) : position ? text.slice(0, Number(position)).split('\n').length : 0;
    throw new UsageError(badJson(path, at));
  }
}

/** `expectations[0].value`: a zod issue path as written in messages. */
function fieldText(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += `${text ? '.' : ''}${printable(String(key)).slice(0, 80)}`;
  }
  return text;
}

/** `data` checked against `schema`, or a UsageError naming the file and the first field that is wrong. */
export function validated<S extends z.ZodType>(schema: S, data: unknown, path: string): z.output<S> {
  const parsed = schema.safeParse(data, { error: issueMessage });
  if (parsed.success) return parsed.data;
  const [first, ...rest] = parsed.error.issues;
  const field = fieldText(first.path);
  // A field that is missing or not a map at the top: say so plainly.
  const why = data === null || typeof data !== 'object' || Array.isArray(data) ? 'expected a JSON object' : first.message;
  throw new UsageError(badResultField(path, data === null || typeof data !== 'object' ? '' : field, printable(why), rest.length));
}

/** manifest.json of result folder `dir`, checked (folder-schema.ts). @throws UsageError */
export function readManifest(dir: string): Manifest {
  const text = readText(dir, MANIFEST_FILE, MAX_MANIFEST_BYTES, () => notAResultFolder(dir));
  const path = join(dir, MANIFEST_FILE);
  const data = parseJson(text, path);
  if ((data as { format?: unknown } | null)?.format === COMPARISON_FORMAT) {
    const scenarios = (data as { scenarios?: unknown }).scenarios;
    const folders = Array.isArray(scenarios) ? scenarios.flatMap((s: { folder?: unknown }) => (typeof s?.folder === 'string' ? [join(dir, s.folder)] : [])) : [];
    throw new UsageError(aComparison(dir, folders));
  }
  if ((data as { format?: unknown } | null)?.format === SWEEP_FORMAT) throw new UsageError(aSweep(dir));
  assertNotShard(dir, data);
  if ((data as { format?: unknown } | null)?.format === SENSITIVITY_FORMAT) throw new UsageError(aSensitivityAnalysis(dir));
  return validated(manifestSchema, data, path);
}

/** summary.json of result folder `dir`, checked against its manifest. @throws UsageError */
export function readSummary(dir: string, manifest: Manifest = readManifest(dir)): Summary {
  const text = readText(dir, SUMMARY_JSON_FILE, MAX_SUMMARY_BYTES, () => missingResultFile(dir, SUMMARY_JSON_FILE));
  const path = join(dir, SUMMARY_JSON_FILE);
  return validated(summarySchema(manifest), parseJson(text, path), path) as Summary;
}

/** runs/index.json of result folder `dir`, checked against its manifest. @throws UsageError */
function readRunIndex(dir: string, manifest: Manifest) {
  const file = `${RUNS_DIR}/${INDEX_FILE}`;
  const text = readText(dir, file, MAX_RUN_INDEX_BYTES, () => missingResultFile(dir, file));
  const path = join(dir, file);
  return validated(runIndexSchema(manifest), parseJson(text, path), path);
}

/** The metric names of result folder `dir`'s run (runs/index.json), checked against its manifest. @throws UsageError */
export function readMetricNames(dir: string, manifest: Manifest): readonly string[] {
  return readRunIndex(dir, manifest).metrics;
}

/**
 * The metrics of result folder `dir`'s run described: family, kind, unit,
 * meaning and bindings (metric-catalog.ts), from runs/index.json, or from
 * the names alone in a folder written before it listed its families. @throws UsageError
 */
export function readMetricCatalog(dir: string, manifest: Manifest): MetricCatalog {
  const index = readRunIndex(dir, manifest);
  return metricCatalog(index.metrics, index.families);
}

/**
 * timeseries.csv of result folder `dir`, every line checked against its
 * manifest and its metric names (read-timeseries.ts), streamed: only the
 * rows `keep` wants are held. Empty statistics as NaN. @throws UsageError
 */
export function readTimeseries(dir: string, manifest: Manifest, keep?: KeepRow): TimeseriesRow[] {
  const shape = { metrics: readMetricNames(dir, manifest), months: manifest.months, start: manifest.start };
  const path = join(dir, TIMESERIES_FILE);
  const maxBytes = maxTimeseriesBytes(shape);
  const reader = timeseriesReader(path, shape, keep);
  let rest: string;
  try {
    rest = forEachLineOfRegularFile(path, maxBytes, reader.line);
  } catch (e) {
    throw unreadable(e, path, maxBytes, () => missingResultFile(dir, TIMESERIES_FILE));
  }
  if (rest !== '') throw new UsageError(badTimeseriesRow(path, reader.lines + 1, CUT_SHORT));
  return reader.end();
}

/** Reads a result folder's manifest and timeseries rows (empty statistics as NaN). @throws UsageError */
export function readResultFolder(dir: string): ResultFolder {
  const manifest = readManifest(dir);
  return { dir, manifest, timeseries: readTimeseries(dir, manifest) };
}
