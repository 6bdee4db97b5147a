/**
 * Reading a sensitivity analysis's folder back for its charts: the
 * manifest (format SENSITIVITY_FORMAT) and indices.csv, with the care of
 * read-folder.ts (docs/security.md: a received folder is untrusted): each
 * file only when it is a regular file within a size bound, every field
 * checked (the method, a parameter of the manifest, an index of the
 * method, the month and its date, numbers), one line of UsageError naming
 * the file and line. An analysis whose indices were not computed (a
 * design point failed) has no indices.csv: no rows.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { monthLabel } from '../calendar.js';
import { UsageError } from '../errors.js';
import { forEachLineOfRegularFile } from '../files.js';
import { quote } from '../scenario/messages.js';
import { monthSchema } from '../scenario/schema.js';
import { parseCsvLine, parseNumber } from './format.js';
import { MANIFEST_FILE, SENSITIVITY_FORMAT } from './manifest.js';
import { int, months, seed, text } from './manifest-fields.js';
import { badIndicesRow, badTimeseriesHeader, notAFolderOf } from './messages.js';
import { MAX_MANIFEST_BYTES, parseJson, readText, unreadable, validated } from './read-folder.js';
import { CUT_SHORT } from './read-timeseries.js';
import { INDICES_FILE, type IndexName } from './sensitivity-files.js';

const INDEX_HEADER = 'metric,month,date,method,parameter,index,value,ci_low,ci_high';
/** indices.csv: a row per metric, parameter and index; 1,000 metrics × 100 parameters × 3 indices is well under this. */
export const MAX_INDICES_BYTES = 64 * 1024 * 1024;
const INDICES: Record<'sobol' | 'morris', readonly IndexName[]> = { sobol: ['S1', 'ST'], morris: ['mu', 'mu_star', 'sigma'] };
/** A number as formatNumber writes it, or empty for NaN. */
const NUMBER = /^(-?\d+(\.\d+)?(e[+-]\d+)?)?$/;

export const sensitivityManifestSchema = z.object({
  format: z.literal(SENSITIVITY_FORMAT),
  scenarioName: text(1000).nullable(),
  seed,
  runs: int(1),
  months,
  start: monthSchema,
  analysis: z.object({
    method: z.enum(['sobol', 'morris']),
    samples: z.number().int().min(1),
    parameters: z.array(z.object({ path: text(500), lo: z.number(), hi: z.number() })).min(1).max(100),
  }),
  failedPoints: z.array(z.number().int().min(0)).max(1_000_000),
});
export type ReadSensitivityManifest = z.output<typeof sensitivityManifestSchema>;

/** One row of indices.csv. */
export interface IndexCsvRow {
  metric: string;
  month: number;
  date: string;
  parameter: string;
  index: IndexName;
  value: number;
  /** The bootstrap 95 % interval (Sobol'); NaN for Morris. */
  ciLow: number;
  ciHigh: number;
}

export interface SensitivityFolder {
  dir: string;
  manifest: ReadSensitivityManifest;
  /** In file order; none when the indices were not computed. */
  rows: IndexCsvRow[];
}

/** manifest.json and indices.csv of the analysis folder `dir`, checked. @throws UsageError */
export function readSensitivityFolder(dir: string): SensitivityFolder {
  const notOne = () => notAFolderOf(dir, 'a sensitivity analysis folder', 'sensitivity');
  const mpath = join(dir, MANIFEST_FILE);
  const data = parseJson(readText(dir, MANIFEST_FILE, MAX_MANIFEST_BYTES, notOne), mpath);
  if ((data as { format?: unknown } | null)?.format !== SENSITIVITY_FORMAT) throw new UsageError(notOne());
  const manifest = validated(sensitivityManifestSchema, data, mpath);
  const path = join(dir, INDICES_FILE);
  if (!existsSync(path) && manifest.failedPoints.length > 0) return { dir, manifest, rows: [] };
  const { method, parameters } = manifest.analysis;
  const paths = new Set(parameters.map((p) => p.path));
  const rows: IndexCsvRow[] = [];
  let line = 0;
  const fail = (why: string): never => {
    throw new UsageError(badIndicesRow(path, line, why));
  };
  const visit = (record: string) => {
    line++;
    if (line === 1) {
      if (record !== INDEX_HEADER) throw new UsageError(badTimeseriesHeader(path, quote(record, 120).slice(1, -1)));
      return;
    }
    let f: string[];
    try {
      f = parseCsvLine(record);
    } catch {
      return fail('a quoted field is not closed');
    }
    if (f.length !== 9) fail(`${f.length} fields, expected 9 (${INDEX_HEADER})`);
    const [metric, month, date, m, parameter, index, ...numbers] = f;
    if (metric === '' || metric.length > 500) fail(`metric: expected a metric name, got ${quote(metric, 60)}`);
    const t = /^\d{1,4}$/.test(month) ? Number(month) : NaN;
    if (!(t < manifest.months)) fail(`month: expected 0 to ${manifest.months - 1}, got ${quote(month, 20)}`);
    if (date !== monthLabel(manifest.start, t)) fail(`date: expected ${monthLabel(manifest.start, t)} (t = ${t}), got ${quote(date, 20)}`);
    if (m !== method) fail(`method: expected ${method}, as manifest.json says, got ${quote(m, 20)}`);
    if (!paths.has(parameter)) fail(`parameter: ${quote(parameter, 80)} is not one of manifest.json's`);
    if (!(INDICES[method] as readonly string[]).includes(index)) fail(`index: expected ${INDICES[method].join(', ')}, got ${quote(index, 20)}`);
    const [value, ciLow, ciHigh] = numbers.map((x, i) => {
      const n = parseNumber(x);
      if (!NUMBER.test(x)) fail(`${['value', 'ci_low', 'ci_high'][i]}: expected a number, got ${quote(x, 30)}`);
      return n;
    });
    rows.push({ metric, month: t, date, parameter, index: index as IndexName, value, ciLow, ciHigh });
  };
  let rest: string;
  try {
    rest = forEachLineOfRegularFile(path, MAX_INDICES_BYTES, visit);
  } catch (e) {
    throw unreadable(e, path, MAX_INDICES_BYTES, () => `${path} is missing: the analysis folder is incomplete`);
  }
  if (rest !== '') {
    line++;
    throw new UsageError(badIndicesRow(path, line, CUT_SHORT));
  }
  if (line === 0) throw new UsageError(badTimeseriesHeader(path, ''));
  return { dir, manifest, rows };
}
