/** Expectation verdicts as aligned text lines for the terminal. */
import type { ExpectationResult } from '../ensemble/expectations.js';

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(0)} %` : '–');

export function expectationLines(results: readonly ExpectationResult[]): string[] {
  if (results.length === 0) return ['  (no expectations)'];
  const width = Math.max(...results.map((r) => r.name.length));
  return results.map(
    (r) =>
      `  ${r.pass ? 'PASS' : 'FAIL'}  ${r.name.padEnd(width)}  ${r.metric} ${r.op} ${r.value} at ${r.at}: ` +
      `holds in ${r.holds}/${r.runs} runs (${pct(r.fraction)}, 95 % CI ${pct(r.low)}–${pct(r.high)}), needs ${pct(r.probability)}`,
  );
}
