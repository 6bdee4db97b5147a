/** A comparison's headline table as aligned text lines for the terminal. */
import type { ComparisonSummary, HeadlineRow } from '../output/comparison-files.js';
import { readableNumber } from '../output/summary-md.js';
import { printable } from '../printable.js';
import { expectationLines } from './expectations-table.js';

const reduction = (v: HeadlineRow['varianceReduction']) => (v === 'infinite' ? '∞' : v === null ? '–' : `${readableNumber(v)}×`);

/** Per what-if: a title line, then one aligned line per headline measure. Names are escaped and cut. */
export function comparisonLines(summary: ComparisonSummary): string[] {
  const out: string[] = [];
  for (const w of summary.whatIfs) {
    out.push(`${printable(w.folder, 60)} − ${printable(summary.baseline.folder, 60)} (${summary.runs} paired runs):`);
    const cells = w.headline.map((r) => [
      `${printable(r.label, 60)}, t = ${r.month}`,
      readableNumber(r.baseline),
      readableNumber(r.whatif),
      `${readableNumber(r.difference)} [${readableNumber(r.ciLow)}, ${readableNumber(r.ciHigh)}]`,
      reduction(r.varianceReduction),
    ]);
    const header = ['measure', 'baseline', 'what-if', 'difference [95 % CI]', 'variance reduction'];
    const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
    const line = (c: readonly string[]) => `  ${c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ')}`;
    out.push(line(header), ...cells.map(line));
    if (cells.length === 0) out.push('  (no headline measure recorded by both: see diff.csv)');
    if (w.expectations?.length) out.push(`  its expectations relative to ${printable(summary.baseline.folder, 60)}:`, ...expectationLines(w.expectations).map((l) => `  ${l}`));
  }
  return out;
}
