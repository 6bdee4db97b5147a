/** Expectation verdicts as aligned text lines for the terminal. */
import type { ExpectationResult } from '../output/result-types.js';
import { settleText, thresholdText } from '../output/verdict-text.js';
import { printable } from '../printable.js';

/**
 * A fraction as a whole percentage, with decimals where rounding would show
 * 0 % or 100 % for what is not: 1000 of 1000 is 99.6 %–100 %, not 100 %–100 %.
 */
export function pct(x: number): string {
  if (!Number.isFinite(x)) return '–';
  const v = 100 * x;
  let digits = 0;
  while (digits < 4 && v !== 0 && v !== 100 && [0, 100].includes(Number(v.toFixed(digits)))) digits++;
  return `${v.toFixed(digits)} %`;
}

/** Characters of a name or metric shown in a verdict line; the rest is cut with "…". */
const SHOWN = 80;

/**
 * One line per verdict (PASS, FAIL or INCONCLUSIVE), an INCONCLUSIVE one
 * with the runs that would likely settle it. Names and metrics come from
 * the scenario (or a result folder's summary.json), so they are escaped and
 * cut: a name cannot forge a verdict line or send escape sequences to the
 * terminal.
 */
export function expectationLines(results: readonly ExpectationResult[]): string[] {
  if (results.length === 0) return ['  (no expectations)'];
  const names = results.map((r) => printable(String(r.name), SHOWN));
  const width = Math.max(...names.map((n) => n.length));
  const verdictWidth = Math.max(...results.map((r) => r.verdict.length));
  return results.map((r, i) => {
    const settle = settleText(r);
    return (
      `  ${r.verdict.padEnd(verdictWidth)}  ${names[i].padEnd(width)}  ${printable(String(r.metric), SHOWN)} ${printable(String(r.op), 2)} ${printable(thresholdText(r), SHOWN + 60)} at ${printable(String(r.at), 20)}: ` +
      `holds in ${printable(String(r.holds), 20)}/${printable(String(r.runs), 20)} runs (${pct(r.fraction)}, 95 % CI ${pct(r.low)}–${pct(r.high)}), needs ${pct(r.probability)}` +
      (settle ? `; ${settle}` : '')
    );
  });
}

/**
 * The verdicts of several scenarios as one table (`check <folder>`): each
 * line is an expectationLines line (aligned over all of them) after its
 * scenario's file name; scenarios without a verdict to show have no line.
 */
export function verdictTable(rows: readonly { scenario: string; results: readonly ExpectationResult[] }[]): string[] {
  const shown = rows.filter((r) => r.results.length > 0);
  if (shown.length === 0) return [];
  const lines = expectationLines(shown.flatMap((r) => r.results));
  const names = shown.flatMap((r) => r.results.map(() => printable(r.scenario, SHOWN)));
  const width = Math.max(...names.map((n) => n.length));
  return lines.map((line, i) => `${names[i].padEnd(width)}${line}`);
}
