/**
 * The verdict on a claim "holds in at least `probability` of the runs" from
 * the runs in which it held, with the uncertainty of a finite ensemble
 * (docs/model.md, "Expectations"): PASS when the whole 95 % Wilson interval
 * of the fraction is at or above `probability`, FAIL when it is wholly
 * below, INCONCLUSIVE otherwise. A verdict that flips with the seed is what
 * this replaces: `fraction >= probability` at 20 runs passed and failed
 * the same claim on neighbouring seeds.
 *
 * It takes counts only, so any claim that is counted over runs (an absolute
 * expectation, or one relative to a baseline run with the same random
 * numbers) gets its verdict the same way.
 */
import type { Verdict } from '../output/result-types.js';
import { wilsonInterval, Z95 } from './wilson.js';

/** Φ⁻¹(0.8): the power asked of the settle count, 80 %. */
export const Z80 = 0.8416212335729143;

export interface Judgement {
  /** holds / runs, 0–1 (NaN with no runs). */
  fraction: number;
  /** 95 % Wilson interval of the fraction, 0–1. */
  low: number;
  high: number;
  verdict: Verdict;
  /**
   * INCONCLUSIVE only: the runs in all (not the runs to add) at which the
   * verdict would likely be settled, runsToSettle's definition; null when
   * the verdict is settled, or cannot be settled at this fraction.
   */
  runsToSettle: number | null;
}

/**
 * The verdict on a claim that held in `holds` of `runs` runs and must hold
 * in at least `probability` (0–1) of them. No runs: INCONCLUSIVE.
 */
export function judge(holds: number, runs: number, probability: number): Judgement {
  const fraction = runs > 0 ? holds / runs : NaN;
  const { low, high } = wilsonInterval(holds, runs);
  const verdict = verdictOf(low, high, probability);
  return { fraction, low, high, verdict, runsToSettle: verdict === 'INCONCLUSIVE' ? runsToSettle(fraction, probability) : null };
}

/**
 * The counted part of an expectation's result (ExpectationResult, from
 * `probability` on), in the order summary.json writes it: the count, its
 * judgement and whether it passed.
 */
export function tally(holds: number, runs: number, probability: number) {
  const { fraction, low, high, verdict, runsToSettle } = judge(holds, runs, probability);
  return { probability, holds, runs, fraction, low, high, verdict, pass: verdict === 'PASS', runsToSettle };
}

/**
 * Runs (in all) at which a claim whose fraction stays at `fraction` would
 * be settled with probability about 80 %: the sample size of the score test
 * that the Wilson interval inverts,
 *
 *   n = ((z₉₅ · √(π(1−π)) + z₈₀ · √(p(1−p))) / (p − π))²,  π = probability, p = fraction,
 *
 * rounded up. The interval excludes π exactly when |p̂ − π| ≥ z₉₅ √(π(1−π)/n)
 * (the PASS side counts equality); with p̂ ~ N(p, p(1−p)/n) that happens with
 * probability Φ((√n |p − π| − z₉₅ √(π(1−π))) / √(p(1−p))), 80 % at this n.
 * At p = 0 or 1 the fraction cannot move and n is where the interval just
 * excludes π. Null when p = π (no number of runs settles a fraction on the
 * threshold), when either is not a number, or when n is not a safe integer.
 */
export function runsToSettle(fraction: number, probability: number): number | null {
  const gap = Math.abs(fraction - probability);
  if (!(gap > 0)) return null;
  const root = (Z95 * Math.sqrt(probability * (1 - probability)) + Z80 * Math.sqrt(fraction * (1 - fraction))) / gap;
  let n = Math.max(1, Math.ceil(root * root));
  if (!Number.isSafeInteger(n)) return null;
  // At 0 and 1 the count is exact: step past a rounding of the formula.
  if (fraction === 0 || fraction === 1) while (judgeAt(fraction, n, probability) === 'INCONCLUSIVE') n++;
  return n;
}

function judgeAt(fraction: number, runs: number, probability: number): Verdict {
  const { low, high } = wilsonInterval(fraction * runs, runs);
  return verdictOf(low, high, probability);
}

/** PASS when [low, high] is at or above `probability`, FAIL when wholly below; NaN bounds are INCONCLUSIVE. */
function verdictOf(low: number, high: number, probability: number): Verdict {
  return low >= probability ? 'PASS' : high < probability ? 'FAIL' : 'INCONCLUSIVE';
}
