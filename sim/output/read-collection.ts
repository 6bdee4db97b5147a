/**
 * Reading comparison and sweep folders back for the charts and the report,
 * with the care of read-folder.ts (docs/security.md, "Result folders you
 * receive are untrusted"): each file only when it is a regular file within
 * a size bound, every field checked against its type and range and against
 * the manifest, unknown fields dropped, every string bounded. Whatever is
 * wrong ends in a UsageError of one line naming the file, and the line or
 * field where there is one.
 *
 *   comparison: manifest.json (format COMPARISON_FORMAT) → summary.json →
 *               diff.csv, streamed, only the metrics asked for kept
 *   sweep:      manifest.json (format SWEEP_FORMAT) → summary.json
 *               (points.csv holds the same statistics, for the user's tools)
 */
import { join } from 'node:path';
import { z } from 'zod';
import { monthLabel } from '../calendar.js';
import { UsageError } from '../errors.js';
import { FileRefused, forEachLineOfRegularFile, readRegularFile } from '../files.js';
import { quote } from '../scenario/messages.js';
import { monthSchema } from '../scenario/schema.js';
import { type ComparisonSummary, DIFF_COLUMNS, DIFF_FILE, type PairedRow } from './comparison-files.js';
import { expectationResultSchema } from './folder-schema.js';
import { parseCsvLine, parseNumber } from './format.js';
import { int, invocationFields, months, provenanceFields, seed, sha256, statistic, text } from './manifest-fields.js';
import { CALIBRATION_FORMAT, COMPARISON_FORMAT, MANIFEST_FILE, SENSITIVITY_FORMAT, SWEEP_FORMAT } from './manifest.js';
import { badDiffRow, badTimeseriesHeader, missingResultFile, notAFolderOf } from './messages.js';
import { MAX_MANIFEST_BYTES, MAX_SUMMARY_BYTES, parseJson, readText, unreadable, validated } from './read-folder.js';
import { CUT_SHORT, MAX_TIMESERIES_BYTES } from './read-timeseries.js';
import { SUMMARY_JSON_FILE } from './summary.js';
import type { SweepSummary } from './sweep-files.js';

export type FolderKind = 'result' | 'comparison' | 'sweep' | 'sensitivity' | 'calibration';

/**
 * What `dir` holds, by its manifest's `format`: a comparison, a sweep, a
 * sensitivity analysis, a calibration (read-calibration.ts), or else a
 * result folder (whose own reader says what is wrong with it).
 */
export function folderKind(dir: string): FolderKind {
  let data: unknown;
  try {
    data = JSON.parse(readRegularFile(join(dir, MANIFEST_FILE), MAX_MANIFEST_BYTES).toString('utf8'));
  } catch (e) {
    if (e instanceof FileRefused || e instanceof SyntaxError || typeof (e as { code?: unknown } | null)?.code === 'string') return 'result';
    throw e;
  }
  const format = (data as { format?: unknown } | null)?.format;
  if (format === SENSITIVITY_FORMAT) return 'sensitivity';
  if (format === CALIBRATION_FORMAT) return 'calibration';
  return format === COMPARISON_FORMAT ? 'comparison' : format === SWEEP_FORMAT ? 'sweep' : 'result';
}

/** A scenario's folder inside the comparison: one name, not a path. */
const folderName = z
  .string()
  .min(1)
  .max(255)
  .refine((f) => f !== '.' && f !== '..' && !/[/\\\0]/.test(f), { error: 'expected a folder name inside the comparison' });
const compared = z.object({ folder: folderName, name: text(1000).nullable(), scenarioSha256: sha256 });

export const comparisonManifestSchema = z.object({
  format: z.literal(COMPARISON_FORMAT),
  ...provenanceFields,
  baseline: folderName,
  scenarios: z.array(compared).min(2).max(1000),
  seed,
  runs: int(1),
  months,
  start: monthSchema,
  ...invocationFields,
});
export type ReadComparisonManifest = z.output<typeof comparisonManifestSchema>;

const headlineRow = z.object({
  label: text(200),
  metric: text(500),
  month: int(0, 1199),
  date: monthSchema,
  baseline: statistic,
  whatif: statistic,
  difference: statistic,
  ciLow: statistic,
  ciHigh: statistic,
  varianceReduction: z.union([z.number(), z.literal('infinite'), z.null()]),
});

function comparisonSummarySchema(m: ReadComparisonManifest) {
  return z
    .object({
      baseline: compared,
      seed,
      runs: int(1),
      months,
      start: monthSchema,
      whatIfs: z.array(compared.extend({ headline: z.array(headlineRow).max(100), expectations: z.array(expectationResultSchema).max(1000).optional() })).max(1000),
    })
    .superRefine((s, ctx) => {
      const folders = m.scenarios.map((x) => x.folder);
      const theirs = [s.baseline.folder, ...s.whatIfs.map((w) => w.folder)];
      if (theirs.join('/') !== folders.join('/')) ctx.addIssue({ code: 'custom', path: ['whatIfs'], message: `the scenarios differ from manifest.json's (${folders.join(', ')})` });
      for (const key of ['runs', 'months', 'start', 'seed'] as const)
        if (s[key] !== m[key]) ctx.addIssue({ code: 'custom', path: [key], message: `${String(s[key])} differs from manifest.json's ${String(m[key])}` });
      s.whatIfs.forEach((w, i) =>
        w.headline.forEach((r, j) => {
          if (r.month >= m.months) ctx.addIssue({ code: 'custom', path: ['whatIfs', i, 'headline', j, 'month'], message: `past the run's ${m.months} months` });
          else if (r.date !== monthLabel(m.start, r.month))
            ctx.addIssue({ code: 'custom', path: ['whatIfs', i, 'headline', j, 'date'], message: `expected ${monthLabel(m.start, r.month)} (t = ${r.month})` });
        }),
      );
    });
}

/** manifest.json of comparison folder `dir`, checked. @throws UsageError */
export function readComparisonManifest(dir: string): ReadComparisonManifest {
  const path = join(dir, MANIFEST_FILE);
  const data = parseJson(
    readText(dir, MANIFEST_FILE, MAX_MANIFEST_BYTES, () => notAFolderOf(dir, 'a comparison folder', 'compare')),
    path,
  );
  if ((data as { format?: unknown } | null)?.format !== COMPARISON_FORMAT) throw new UsageError(notAFolderOf(dir, 'a comparison folder', 'compare'));
  return validated(comparisonManifestSchema, data, path);
}

/** summary.json of comparison folder `dir`, checked against its manifest (NaN for an empty statistic). @throws UsageError */
export function readComparisonSummaryFile(dir: string, manifest: ReadComparisonManifest): ComparisonSummary {
  const path = join(dir, SUMMARY_JSON_FILE);
  const text = readText(dir, SUMMARY_JSON_FILE, MAX_SUMMARY_BYTES, () => missingResultFile(dir, SUMMARY_JSON_FILE));
  return validated(comparisonSummarySchema(manifest), parseJson(text, path), path) as ComparisonSummary;
}

/** One row of diff.csv: what-if − baseline of `metric` at `month`, in the what-if `scenario` (the paired row without the two sds, which diff.csv does not hold). */
export type DiffRow = { scenario: string } & Omit<PairedRow, 'baselineSd' | 'whatifSd'>;

/** A number as formatNumber writes it, or empty for NaN. */
const NUMBER = /^(-?\d+(\.\d+)?(e[+-]\d+)?)?$/;
/** Metric names are short: a longer field is not one. */
const MAX_METRIC = 500;

/**
 * diff.csv of comparison folder `dir`, streamed and checked line by line:
 * the header, then rows of the manifest's what-ifs (in order), each metric
 * with every month 0 … months − 1 in order, its date, and ten numbers.
 * Only the rows of metrics `keep` wants are held. @throws UsageError
 */
export function readDiff(dir: string, manifest: ReadComparisonManifest, keep: (metric: string) => boolean): DiffRow[] {
  const path = join(dir, DIFF_FILE);
  const whatIfs = manifest.scenarios.slice(1).map((s) => s.folder);
  // As large as a timeseries.csv per what-if, at most.
  const maxBytes = Math.min(4 * MAX_TIMESERIES_BYTES, MAX_TIMESERIES_BYTES * whatIfs.length);
  const rows: DiffRow[] = [];
  let line = 0;
  let at = 0; // index into whatIfs
  let metric = '';
  let expected = 0; // next month of `metric`
  const seen = new Set<string>();
  const fail = (why: string): never => {
    throw new UsageError(badDiffRow(path, line, why));
  };
  const visit = (record: string) => {
    line++;
    if (line === 1) {
      if (record !== DIFF_COLUMNS.join(',')) throw new UsageError(badTimeseriesHeader(path, quote(record, 120).slice(1, -1)));
      return;
    }
    let f: string[];
    try {
      f = parseCsvLine(record);
    } catch {
      return fail('a quoted field is not closed');
    }
    if (f.length !== DIFF_COLUMNS.length) fail(`${f.length} fields, expected ${DIFF_COLUMNS.length} (${DIFF_COLUMNS.join(',')})`);
    const [scenario, name, month, date] = f;
    if (expected === 0) {
      // A new metric: of this what-if or the next.
      if (scenario !== whatIfs[at]) {
        if (scenario === whatIfs[at + 1] && line > 2) {
          at++;
          seen.clear();
        } else fail(`scenario: expected ${quote(whatIfs[at] ?? '', 60)}${whatIfs[at + 1] ? ` or ${quote(whatIfs[at + 1], 60)}` : ''}, got ${quote(scenario, 60)}`);
      }
      if (name === '' || name.length > MAX_METRIC) fail(`metric: expected a metric name, got ${quote(name, 60)}`);
      if (seen.has(name)) fail(`the rows of ${quote(name, 80)} appear twice for ${quote(scenario, 60)}`);
      seen.add(name);
      metric = name;
    } else if (scenario !== whatIfs[at] || name !== metric)
      fail(`expected the row of ${quote(metric, 80)} at t = ${expected}, got ${quote(name, 80)}: its ${manifest.months} months are not all there`);
    if (month !== String(expected)) fail(`month: expected ${expected}, got ${quote(month, 20)}`);
    const t = expected;
    expected = (expected + 1) % manifest.months;
    if (!keep(metric)) return;
    const want = monthLabel(manifest.start, t);
    if (date !== want) fail(`date: expected ${want} (t = ${t} from ${manifest.start}), got ${quote(date, 20)}`);
    const numbers = f.slice(4).map((x, i) => {
      const n = parseNumber(x);
      if (!NUMBER.test(x) || !Number.isFinite(n) && !Number.isNaN(n)) fail(`${DIFF_COLUMNS[i + 4]}: expected a number, got ${quote(x, 30)}`);
      return n;
    });
    const [mean, sd, ciLow, ciHigh, pLower, pHigher, baselineMean, whatifMean] = numbers;
    for (const [i, p] of [pLower, pHigher].entries()) if (p < 0 || p > 1) fail(`${DIFF_COLUMNS[8 + i]}: expected a share from 0 to 1, got ${p}`);
    rows.push({ scenario, metric, month: t, date, mean, sd, ciLow, ciHigh, pLower, pHigher, baselineMean, whatifMean });
  };
  let rest: string;
  try {
    rest = forEachLineOfRegularFile(path, maxBytes, visit);
  } catch (e) {
    throw unreadable(e, path, maxBytes, () => missingResultFile(dir, DIFF_FILE));
  }
  if (rest !== '') {
    line++;
    throw new UsageError(badDiffRow(path, line, CUT_SHORT));
  }
  if (line === 0) throw new UsageError(badTimeseriesHeader(path, ''));
  if (expected !== 0) throw new UsageError(badDiffRow(path, line, `the rows of ${quote(metric, 80)} stop at t = ${expected - 1} of ${manifest.months} months`));
  return rows;
}

export interface ComparisonFolder {
  dir: string;
  manifest: ReadComparisonManifest;
  summary: ComparisonSummary;
  diff: DiffRow[];
}

/** A comparison folder's manifest, summary and the diff.csv rows of the metrics `keep` wants. @throws UsageError */
export function readComparisonFolder(dir: string, keep: (metric: string) => boolean): ComparisonFolder {
  const manifest = readComparisonManifest(dir);
  const summary = readComparisonSummaryFile(dir, manifest);
  return { dir, manifest, summary, diff: readDiff(dir, manifest, keep) };
}

/* ---------------------------------------------------------------- sweeps */

/** Paths a sweep varies: a scenario's numeric values, named as `--set` names them. */
const sweepPath = text(500);

export const sweepManifestSchema = z.object({
  format: z.literal(SWEEP_FORMAT),
  ...provenanceFields,
  scenarioName: text(1000).nullable(),
  scenarioSha256: sha256,
  design: z.object({ kind: z.enum(['grid', 'lhs']), paths: z.array(sweepPath).min(1).max(100) }),
  seed,
  runs: int(1),
  months,
  start: monthSchema,
  ...invocationFields,
});
export type ReadSweepManifest = z.output<typeof sweepManifestSchema>;

/** Points a sweep folder may hold (`--lhs` allows 100,000). */
const MAX_POINTS = 1_000_000;

function sweepSummarySchema(m: ReadSweepManifest) {
  const paths = m.design.paths.length;
  return z
    .object({
      scenario: text(1000).nullable(),
      seed,
      runs: int(1),
      months,
      start: monthSchema,
      design: z.enum(['grid', 'lhs']),
      paths: z.array(sweepPath).length(paths),
      cells: z.array(z.object({ metric: text(500), month: int(0, 1199), date: monthSchema })).max(1000),
      points: z
        .array(
          z.object({
            point: int(0),
            parameters: z.array(z.number()).length(paths),
            status: z.enum(['ok', 'failed']),
            error: text(10_000).optional(),
            cells: z.array(z.object({ mean: statistic, sd: statistic, ciLow: statistic, ciHigh: statistic })).optional(),
          }),
        )
        .max(MAX_POINTS),
      failed: int(0),
    })
    .superRefine((s, ctx) => {
      if (s.paths.join('\n') !== m.design.paths.join('\n')) ctx.addIssue({ code: 'custom', path: ['paths'], message: "differ from manifest.json's design" });
      if (s.design !== m.design.kind) ctx.addIssue({ code: 'custom', path: ['design'], message: `${s.design} differs from manifest.json's ${m.design.kind}` });
      for (const key of ['runs', 'months', 'start', 'seed'] as const)
        if (s[key] !== m[key]) ctx.addIssue({ code: 'custom', path: [key], message: `${String(s[key])} differs from manifest.json's ${String(m[key])}` });
      s.cells.forEach((c, i) => {
        if (c.month >= m.months) ctx.addIssue({ code: 'custom', path: ['cells', i, 'month'], message: `past the run's ${m.months} months` });
        else if (c.date !== monthLabel(m.start, c.month)) ctx.addIssue({ code: 'custom', path: ['cells', i, 'date'], message: `expected ${monthLabel(m.start, c.month)} (t = ${c.month})` });
      });
      let failed = 0;
      s.points.forEach((p, i) => {
        if (p.point !== i) ctx.addIssue({ code: 'custom', path: ['points', i, 'point'], message: `expected ${i}` });
        if (p.status === 'failed') failed++;
        if (p.status === 'ok' && p.cells?.length !== s.cells.length)
          ctx.addIssue({ code: 'custom', path: ['points', i, 'cells'], message: `expected ${s.cells.length} cells for a point that ran` });
      });
      if (failed !== s.failed) ctx.addIssue({ code: 'custom', path: ['failed'], message: `${s.failed}, but ${failed} points failed` });
    });
}

/** manifest.json of sweep folder `dir`, checked. @throws UsageError */
export function readSweepManifest(dir: string): ReadSweepManifest {
  const path = join(dir, MANIFEST_FILE);
  const data = parseJson(readText(dir, MANIFEST_FILE, MAX_MANIFEST_BYTES, () => notAFolderOf(dir, 'a sweep folder', 'sweep')), path);
  if ((data as { format?: unknown } | null)?.format !== SWEEP_FORMAT) throw new UsageError(notAFolderOf(dir, 'a sweep folder', 'sweep'));
  return validated(sweepManifestSchema, data, path);
}

/** summary.json of a sweep: points × cells statistics, so bounded by the points it may hold. */
export const MAX_SWEEP_SUMMARY_BYTES = 256 * 1024 * 1024;

export interface SweepFolder {
  dir: string;
  manifest: ReadSweepManifest;
  summary: SweepSummary;
}

/** A sweep folder's manifest and summary.json, checked against each other (NaN for an empty statistic). @throws UsageError */
export function readSweepFolder(dir: string): SweepFolder {
  const manifest = readSweepManifest(dir);
  const path = join(dir, SUMMARY_JSON_FILE);
  const text = readText(dir, SUMMARY_JSON_FILE, MAX_SWEEP_SUMMARY_BYTES, () => missingResultFile(dir, SUMMARY_JSON_FILE));
  const summary = validated(sweepSummarySchema(manifest), parseJson(text, path), path) as SweepSummary;
  return { dir, manifest, summary };
}
