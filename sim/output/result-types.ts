/**
 * The types of a result folder's contents that its writers and readers
 * share with the code that computes them (ensemble) and the code that draws
 * them (viz): a timeseries row and an expectation's verdict.
 */
import type { ComparisonOp } from '../scenario/schema.js';

/** Summary of one (metric, month) cell; NaN stands for "empty" (sd and CI with one run). */
export interface CellSummary {
  mean: number;
  /** Sample standard deviation, n − 1 in the denominator. */
  sd: number;
  p05: number;
  p50: number;
  p95: number;
  /** 95 % confidence interval of the mean, mean ∓ t(0.975, n − 1) · sd / √n. */
  ciLow: number;
  ciHigh: number;
}

/** One row of timeseries.csv: a metric at month t across all runs (units of the metric). */
export interface TimeseriesRow extends CellSummary {
  metric: string;
  /** Month index t, 0-based. */
  month: number;
  /** `YYYY-MM` of that month. */
  date: string;
}

/**
 * PASS: the 95 % Wilson interval of the fraction is at or above the
 * required probability; FAIL: it is wholly below; INCONCLUSIVE: it
 * straddles it (more runs may settle it).
 */
export type Verdict = 'PASS' | 'FAIL' | 'INCONCLUSIVE';

/** An expectation's verdict (summary.json `expectations`). */
export interface ExpectationResult {
  name: string;
  metric: string;
  /** As written: `YYYY-MM` or `end`. */
  at: string;
  /** Month index t (0-based) that `at` names. */
  month: number;
  op: ComparisonOp;
  /** An absolute expectation: the number the metric is compared with. */
  value?: number;
  /** A relative expectation: the baseline scenario file as written, whose run with the same seed each run is compared with. */
  baseline?: string;
  /** With `baseline`: the metric op ratio × the baseline's. */
  ratio?: number;
  /** With `baseline`: the metric op the baseline's + difference. */
  difference?: number;
  /** Required fraction of runs, 0–1. */
  probability: number;
  /** Runs in which it holds. */
  holds: number;
  runs: number;
  /** holds / runs, 0–1. */
  fraction: number;
  /** 95 % Wilson interval of the fraction, 0–1. */
  low: number;
  high: number;
  verdict: Verdict;
  /**
   * Whether the verdict is PASS. Kept for readers of summary.json from
   * before verdicts, where it was `fraction >= probability`; a folder that
   * has only `pass` reads as PASS (true) or FAIL (false).
   */
  pass: boolean;
  /**
   * INCONCLUSIVE only: the runs in all at which the verdict would likely
   * (80 %) be settled if the fraction stayed where it is; null when the
   * verdict is settled, or no number of runs settles it at this fraction.
   */
  runsToSettle: number | null;
}
