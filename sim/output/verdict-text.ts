/** The words for expectation verdicts that summary.md, the terminal and the report share. */
import type { ExpectationResult } from './result-types.js';

/**
 * A fraction (0–1) to three significant digits, with more where that would
 * show 0 or 1 for what is not: an interval of 1000 of 1000 reads
 * 0.996 – 1, of 10⁶ of 10⁶ 0.999996 – 1.
 */
export function fractionText(x: number): string {
  if (Number.isNaN(x)) return '–';
  let digits = 3;
  while (digits < 15 && x !== 0 && x !== 1 && [0, 1].includes(Number(x.toPrecision(digits)))) digits++;
  return String(Number(x.toPrecision(digits)));
}

/** How a verdict is reached, in one sentence. */
export const VERDICT_RULE =
  'PASS when the whole 95 % interval of the fraction is at or above the required fraction, FAIL when it is wholly below, INCONCLUSIVE when it straddles it.';

/**
 * What would settle an INCONCLUSIVE verdict, e.g. "about 194 runs in all
 * would likely settle it"; empty for PASS and FAIL. The count comes from
 * summary.json when read back, so only a safe integer is shown.
 */
export function settleText(e: Pick<ExpectationResult, 'verdict' | 'runsToSettle'>): string {
  if (e.verdict !== 'INCONCLUSIVE') return '';
  return Number.isSafeInteger(e.runsToSettle) ? `about ${e.runsToSettle} runs in all would likely settle it` : 'no number of runs settles it at this fraction';
}

/** The closing sentence under a list of verdicts (at least one): "All 2 expectations passed.", "Of 3 expectations, 1 failed and 2 are inconclusive." */
export function verdictsSentence(results: readonly Pick<ExpectationResult, 'verdict'>[]): string {
  const n = results.length;
  const count = (v: ExpectationResult['verdict']) => results.filter((e) => e.verdict === v).length;
  const [passed, failed, open] = [count('PASS'), count('FAIL'), count('INCONCLUSIVE')];
  if (n === 1) return `The expectation ${failed ? 'failed' : open ? 'is inconclusive' : 'passed'}.`;
  if (passed === n) return `All ${n} expectations passed.`;
  if (failed === n) return `All ${n} expectations failed.`;
  if (open === n) return `All ${n} expectations are inconclusive.`;
  const parts = [
    failed ? `${failed} failed` : '',
    open ? `${open} ${open === 1 ? 'is' : 'are'} inconclusive` : '',
    passed ? `${passed} passed` : '',
  ].filter(Boolean);
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
  return `Of ${n} expectations, ${list}.`;
}

/**
 * What an expectation's metric is compared with, as plain text for the
 * caller to escape: `0.5` (absolute), `2 × the same in b.yaml` (ratio),
 * `the same in b.yaml + 0.05` (difference). The baseline is named as the
 * scenario wrote it.
 */
export function thresholdText(e: Pick<ExpectationResult, 'value' | 'baseline' | 'ratio' | 'difference'>): string {
  if (e.baseline === undefined) return String(e.value);
  const same = `the same in ${e.baseline}`;
  if (e.ratio !== undefined) return `${e.ratio} × ${same}`;
  const d = e.difference ?? NaN;
  return `${same} ${d < 0 ? '-' : '+'} ${Math.abs(d)}`;
}
