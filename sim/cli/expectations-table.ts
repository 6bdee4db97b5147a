/** Expectation verdicts as aligned text lines for the terminal. */
import type { ExpectationResult } from '../output/result-types.js';
import { printable } from '../printable.js';

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(0)} %` : '–');

/** Characters of a name or metric shown in a verdict line; the rest is cut with "…". */
const SHOWN = 80;

/**
 * One line per verdict. Names and metrics come from the scenario (or a
 * result folder's summary.json), so they are escaped and cut: a name cannot
 * forge a `PASS`/`FAIL` line or send escape sequences to the terminal.
 */
export function expectationLines(results: readonly ExpectationResult[]): string[] {
  if (results.length === 0) return ['  (no expectations)'];
  const names = results.map((r) => printable(String(r.name), SHOWN));
  const width = Math.max(...names.map((n) => n.length));
  return results.map(
    (r, i) =>
      `  ${r.pass ? 'PASS' : 'FAIL'}  ${names[i].padEnd(width)}  ${printable(String(r.metric), SHOWN)} ${printable(String(r.op), 2)} ${printable(String(r.value), 40)} at ${printable(String(r.at), 20)}: ` +
      `holds in ${printable(String(r.holds), 20)}/${printable(String(r.runs), 20)} runs (${pct(r.fraction)}, 95 % CI ${pct(r.low)}–${pct(r.high)}), needs ${pct(r.probability)}`,
  );
}
