/**
 * The files of a sweep folder (`shakeout sweep`): one scenario run at every
 * point of a design, each point with the same replication seeds.
 *
 *   sweep.csv      tidy, one row per point and replication: point, every
 *                  swept parameter, replication, seed, then each reported
 *                  metric at its month
 *   points.csv     one row per point: its parameters, whether it ran, and
 *                  each metric's mean, sd and 95 % interval over the runs
 *   summary.json   the design and the per-point statistics; summary.md the same, to read
 *   manifest.json  format SWEEP_FORMAT: the resolved scenario, the design, the metrics
 *
 * Column names are R's and pandas's syntactic names (columnName): a
 * parameter path keeps its dots, other characters become `_`.
 */
import type { Scenario } from '../scenario/schema.js';
import { createAtomicWriter } from './atomic-write.js';
import { readSmallFile } from './ownership.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import { csvField, csvLine, formatNumber } from './format.js';
import { SENSITIVITY_FORMAT, SWEEP_FORMAT, type WrittenBy, writtenBy, type WrittenHow, writtenHow } from './manifest.js';
import { columnName } from './runs-csv.js';
import { markdownText, readableNumber } from './summary-md.js';

export { SWEEP_FORMAT } from './manifest.js';
export const SWEEP_FILE = 'sweep.csv';
export const POINTS_FILE = 'points.csv';

/** A metric at a month, as a sweep reports it. */
export interface SweepCellSpec {
  metric: string;
  month: number;
  date: string;
}

/** One point's outcome: every cell's value in every run, or why it could not run. */
export type PointOutcome = { point: number; values: number[][] } | { point: number; error: string };

/**
 * A kept point's outcome (`points/<i>.json`: an interrupted sweep's, or a
 * shard's), or null when there is none to trust: another point, another
 * number of cells or runs, a value that is not finite.
 */
export function readPointOutcome(file: string, point: number, cells: number, runs: number): PointOutcome | null {
  // Each value is at most ~25 characters of JSON; an error message is bounded by the sweep's own writer.
  const text = readSmallFile(file, 1024 * 1024 + cells * runs * 32);
  if (text === null) return null;
  try {
    const o = JSON.parse(text) as PointOutcome;
    if (o?.point !== point) return null;
    if ('error' in o) return typeof o.error === 'string' ? o : null;
    const ok = Array.isArray(o.values) && o.values.length === cells && o.values.every((v) => Array.isArray(v) && v.length === runs && v.every(Number.isFinite));
    return ok ? o : null;
  } catch {
    return null;
  }
}

export interface CellStatistics {
  mean: number;
  sd: number;
  ciLow: number;
  ciHigh: number;
}

export interface SweepPointSummary {
  point: number;
  /** The value of each swept path, in the design's order. */
  parameters: number[];
  status: 'ok' | 'failed';
  /** Why the point could not run (the message of its error). */
  error?: string;
  /** Per cell, in the sweep's order; absent for a failed point. */
  cells?: CellStatistics[];
}

/** How a design's points were chosen: a grid or Latin hypercube (`sweep`), or a Saltelli or Morris design (`sensitivity`). */
export type DesignKind = 'grid' | 'lhs' | 'saltelli' | 'morris';

export interface SweepSummary {
  scenario: string | null;
  seed: number | string;
  runs: number;
  months: number;
  start: string;
  design: DesignKind;
  paths: string[];
  cells: SweepCellSpec[];
  points: SweepPointSummary[];
  failed: number;
}

/** A cell's column: `hhi.tokens_t35`. */
export const cellColumn = (c: SweepCellSpec) => `${columnName(c.metric)}_t${c.month}`;

/** Writes sweep.csv atomically from the points' outcomes, in point order. */
export function writeSweepCsv(path: string, summary: SweepSummary, outcomes: readonly PointOutcome[]): void {
  const out = createAtomicWriter(path);
  try {
    out.write(csvLine(['point', ...summary.paths.map(columnName), 'replication', 'seed', ...summary.cells.map(cellColumn)]));
    const seed = csvField(String(summary.seed));
    for (const o of outcomes) {
      if (!('values' in o)) continue;
      const params = summary.points[o.point].parameters.map(formatNumber);
      for (let r = 0; r < summary.runs; r++)
        out.write(csvLine([String(o.point), ...params, String(r), seed, ...o.values.map((cell) => formatNumber(cell[r]))]));
    }
    out.commit();
  } catch (e) {
    out.abort();
    throw e;
  }
}

/** Writes points.csv atomically. */
export function writePointsCsv(path: string, summary: SweepSummary): void {
  const out = createAtomicWriter(path);
  try {
    const stats = summary.cells.flatMap((c) => ['mean', 'sd', 'ci_low', 'ci_high'].map((s) => `${cellColumn(c)}_${s}`));
    out.write(csvLine(['point', ...summary.paths.map(columnName), 'status', ...stats, 'error']));
    for (const p of summary.points) {
      const values = p.cells ? p.cells.flatMap((c) => [c.mean, c.sd, c.ciLow, c.ciHigh].map(formatNumber)) : stats.map(() => '');
      out.write(csvLine([String(p.point), ...p.parameters.map(formatNumber), p.status, ...values, p.error ?? '']));
    }
    out.commit();
  } catch (e) {
    out.abort();
    throw e;
  }
}

/** summary.json of a sweep: NaN (an empty statistic) becomes null. */
export function sweepJson(summary: SweepSummary): string {
  return JSON.stringify(summary, null, 2) + '\n';
}

/** Points shown in summary.md; points.csv has them all. */
const SHOWN_POINTS = 200;

/** summary.md of a sweep: the design, then a table of the points with each metric's mean and interval. */
export function sweepMarkdown(s: SweepSummary): string {
  const out: string[] = [`# Sweep of ${s.scenario === null ? 'an unnamed scenario' : markdownText(s.scenario)}`, ''];
  const design = { grid: 'a full-factorial grid', lhs: 'a Latin hypercube', saltelli: 'a Saltelli design', morris: 'Morris trajectories' }[s.design];
  out.push(
    `${s.points.length} point${s.points.length === 1 ? '' : 's'} (${design} over ${s.paths.map((p) => markdownText(p)).join(', ')}), ` +
      `${s.runs} run${s.runs === 1 ? '' : 's'} each of ${s.months} months from ${s.start}, seed ${markdownText(String(s.seed))}: ` +
      'every point uses the same replication seeds, so neighbouring points differ by the parameters, not by the noise.',
    'Each metric: mean over the runs [95 % interval of the mean].',
    '',
  );
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const header = ['point', ...s.paths.map((p) => markdownText(p)), ...s.cells.map((c) => `${markdownText(c.metric)} at t = ${c.month}`)];
  out.push(line(header), line(header.map(() => '---')));
  for (const p of s.points.slice(0, SHOWN_POINTS)) {
    const cells = p.cells ? p.cells.map((c) => `${readableNumber(c.mean)} [${readableNumber(c.ciLow)}, ${readableNumber(c.ciHigh)}]`) : s.cells.map(() => 'failed');
    out.push(line([String(p.point), ...p.parameters.map(readableNumber), ...cells]));
  }
  if (s.points.length > SHOWN_POINTS) out.push('', `… and ${s.points.length - SHOWN_POINTS} more points in points.csv.`);
  if (s.failed > 0) {
    out.push('', `## Failed points (${s.failed})`, '');
    for (const p of s.points) if (p.status === 'failed') out.push(`- point ${p.point}: ${markdownText(p.error ?? '', 500)}`);
  }
  out.push('');
  return out.join('\n');
}

/** What a sensitivity analysis is (sensitivity-files.ts), as its manifest records it (and its identity for `--resume`). */
export interface SensitivityRecord {
  method: 'sobol' | 'morris';
  /** N: base samples of a Saltelli design, or Morris trajectories. */
  samples: number;
  /** Morris grid levels; null for Sobol'. */
  levels: number | null;
  /** Bootstrap resamples behind the Sobol' intervals; null for Morris. */
  resamples: number | null;
  /** Each varied path, uniform on [lo, hi]. */
  parameters: { path: string; lo: number; hi: number }[];
}

export interface SweepManifest extends WrittenBy, WrittenHow {
  /** SWEEP_FORMAT, or SENSITIVITY_FORMAT for a sensitivity analysis (then `analysis` says which). */
  format: typeof SWEEP_FORMAT | typeof SENSITIVITY_FORMAT;
  scenarioName: string | null;
  /** The resolved scenario the points change (flags applied). */
  scenario: Scenario;
  scenarioSha256: string;
  design: { kind: DesignKind; paths: string[]; points: number[][] };
  cells: SweepCellSpec[];
  /** A sensitivity analysis's method and settings (sensitivity-files.ts); absent in a sweep. */
  analysis?: SensitivityRecord;
  seed: number | string;
  runs: number;
  months: number;
  start: string;
  failedPoints: number[];
}

/** What makes two sweeps the same one: the scenario, the design, the metrics (and the analysis), seed, runs and months. */
export function sweepSha256(scenario: Scenario, design: SweepManifest['design'], cells: readonly SweepCellSpec[], analysis?: SensitivityRecord): string {
  return sha256Hex(canonicalJson({ scenario: sha256Hex(canonicalJson(scenario)), design, cells, ...(analysis ? { analysis } : {}) }));
}

export function buildSweepManifest(
  input: Omit<SweepManifest, 'format' | 'scenarioName' | 'scenarioSha256' | keyof WrittenBy | keyof WrittenHow> & Pick<WrittenHow, 'command' | 'wallTimeSeconds' | 'files'>,
): SweepManifest {
  const { command, wallTimeSeconds, files, ...what } = input;
  return {
    format: what.analysis ? SENSITIVITY_FORMAT : SWEEP_FORMAT,
    ...writtenBy(),
    scenarioName: what.scenario.name ?? null,
    scenarioSha256: sha256Hex(canonicalJson(what.scenario)),
    ...what,
    ...writtenHow({ command, wallTimeSeconds, files }),
  };
}
