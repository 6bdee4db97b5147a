/**
 * The files of a comparison folder (ARCHITECTURE.md, `compare`): beside one
 * result folder per scenario, `diff.csv` (the paired difference what-if −
 * baseline per metric and month), `summary.json` and `summary.md` (a
 * headline table per what-if) and `manifest.json` (format
 * COMPARISON_FORMAT). Like a result folder's, every file but the manifest
 * is byte-identical across repeated runs.
 */
import type { Scenario } from '../scenario/schema.js';
import { createAtomicWriter } from './atomic-write.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import { csvLine, formatNumber } from './format.js';
import { COMPARISON_FORMAT, type WrittenBy, writtenBy, type WrittenHow, writtenHow } from './manifest.js';
import { expectationTable, markdownText, readableNumber } from './summary-md.js';
import type { ExpectationResult } from './result-types.js';

export { COMPARISON_FORMAT } from './manifest.js';
export const DIFF_FILE = 'diff.csv';
export const DIFF_COLUMNS = ['scenario', 'metric', 'month', 'date', 'mean', 'sd', 'ci_low', 'ci_high', 'p_lower', 'p_higher', 'baseline_mean', 'whatif_mean'] as const;

/** The paired difference what-if − baseline at one metric and month, over the replications. */
export interface PairedRow {
  metric: string;
  month: number;
  date: string;
  /** Mean, sd and 95 % Student-t interval of the per-run differences. */
  mean: number;
  sd: number;
  ciLow: number;
  ciHigh: number;
  /** Shares of runs in which the what-if is lower, and higher, than its baseline run. */
  pLower: number;
  pHigher: number;
  baselineMean: number;
  whatifMean: number;
  baselineSd: number;
  whatifSd: number;
}

/** The CSV record of `row` for the what-if named `scenario` (its folder's name). */
export function diffLine(scenario: string, row: PairedRow): string {
  return csvLine([
    scenario,
    row.metric,
    String(row.month),
    row.date,
    ...[row.mean, row.sd, row.ciLow, row.ciHigh, row.pLower, row.pHigher, row.baselineMean, row.whatifMean].map(formatNumber),
  ]);
}

/** Writes diff.csv atomically from each what-if's rows, streaming. */
export async function writeDiffCsv(path: string, whatIfs: readonly { scenario: string; rows: AsyncIterable<PairedRow> }[]): Promise<void> {
  const out = createAtomicWriter(path);
  try {
    out.write(csvLine(DIFF_COLUMNS));
    for (const { scenario, rows } of whatIfs) for await (const row of rows) out.write(diffLine(scenario, row));
    out.commit();
  } catch (e) {
    out.abort();
    throw e;
  }
}

/** One headline row: a metric at a month, both sides, their paired difference and what pairing gained. */
export interface HeadlineRow {
  /** What the row measures, e.g. `HHI of tokens`. */
  label: string;
  metric: string;
  month: number;
  date: string;
  baseline: number;
  whatif: number;
  difference: number;
  ciLow: number;
  ciHigh: number;
  /** (sd_baseline² + sd_whatif²) / sd_difference²; `infinite` when the difference never varies, null when nothing varies. */
  varianceReduction: number | 'infinite' | null;
}

export interface ComparedScenario {
  /** Its result folder's name in the comparison folder. */
  folder: string;
  /** The scenario's own `name`, if it has one. */
  name: string | null;
  scenarioSha256: string;
}

export interface ComparisonSummary {
  baseline: ComparedScenario;
  seed: number | string;
  runs: number;
  months: number;
  start: string;
  /**
   * Per what-if: the headline table, and the verdicts of its relative
   * expectations whose baseline is this comparison's baseline (absent when
   * it has none), evaluated on the comparison's paired runs.
   */
  whatIfs: (ComparedScenario & { headline: HeadlineRow[]; expectations?: ExpectationResult[] })[];
}

/** summary.json of a comparison: NaN (an empty statistic) becomes null. */
export function comparisonJson(summary: ComparisonSummary): string {
  return JSON.stringify(summary, null, 2) + '\n';
}

const reduction = (v: HeadlineRow['varianceReduction']) => (v === 'infinite' ? '∞' : v === null ? '–' : readableNumber(v));
const interval = (r: HeadlineRow) => `[${readableNumber(r.ciLow)}, ${readableNumber(r.ciHigh)}]`;
const titled = (s: ComparedScenario) => `${markdownText(s.folder)}${s.name === null ? '' : ` (${markdownText(s.name)})`}`;

/** summary.md of a comparison: one headline table per what-if. */
export function comparisonMarkdown(s: ComparisonSummary): string {
  const out: string[] = [`# Comparison against ${titled(s.baseline)}`, ''];
  out.push(
    `${s.runs} paired run${s.runs === 1 ? '' : 's'} of ${s.months} months from ${s.start}, seed ${markdownText(String(s.seed))}: ` +
      'run r of every scenario uses the same random numbers.',
    'The difference is what-if − baseline, averaged over the paired runs, with its 95 % interval. ' +
      'Variance reduction: how many times smaller its variance is than that of the difference of independent runs.',
    '',
  );
  for (const w of s.whatIfs) {
    out.push(`## ${titled(w)}`, '');
    const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
    const header = ['measure', 'month', 'baseline', 'what-if', 'difference', '95 % interval', 'variance reduction'];
    out.push(line(header), line(header.map(() => '---')));
    for (const r of w.headline)
      out.push(
        line([
          markdownText(r.label),
          `t = ${r.month} (${r.date})`,
          readableNumber(r.baseline),
          readableNumber(r.whatif),
          readableNumber(r.difference),
          interval(r),
          reduction(r.varianceReduction),
        ]),
      );
    if (w.headline.length === 0) out.push('', 'No headline measure is recorded by both scenarios; see diff.csv.');
    out.push('');
    if (w.expectations?.length) out.push(`Its expectations relative to ${markdownText(s.baseline.folder)}:`, '', ...expectationTable(w.expectations), '');
  }
  return out.join('\n');
}

export interface ComparisonManifest extends WrittenBy, WrittenHow {
  format: typeof COMPARISON_FORMAT;
  baseline: string;
  /** Every scenario, baseline first: its folder, name and the sha256 of its resolved scenario (as in its own manifest). */
  scenarios: ComparedScenario[];
  seed: number | string;
  runs: number;
  months: number;
  start: string;
}

/** A scenario's entry in a comparison. */
export function comparedScenario(folder: string, scenario: Scenario): ComparedScenario {
  return { folder, name: scenario.name ?? null, scenarioSha256: sha256Hex(canonicalJson(scenario)) };
}

export function buildComparisonManifest(
  input: Omit<ComparisonManifest, 'format' | keyof WrittenBy | keyof WrittenHow> & Pick<WrittenHow, 'command' | 'wallTimeSeconds' | 'files'>,
): ComparisonManifest {
  const { command, wallTimeSeconds, files, ...what } = input;
  return { format: COMPARISON_FORMAT, ...writtenBy(), ...what, ...writtenHow({ command, wallTimeSeconds, files }) };
}
