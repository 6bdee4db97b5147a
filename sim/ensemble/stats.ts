/**
 * Ensemble statistics of one metric at one month across runs (MODEL.md
 * section 8): mean, sd (n − 1), type-7 quantiles and the Student t interval
 * of the mean.
 */
import type { CellSummary } from '../output/result-types.js';
import { tCritical95 } from './student-t.js';

/**
 * Quantile p (0–1) of ascending `sorted` values, Hyndman–Fan type 7: linear
 * interpolation at index (n − 1)p. The interpolation is NumPy's (from the
 * upper neighbour when the fraction is ≥ ½), so results match
 * `numpy.quantile` bit for bit and stay monotone in p. In the values' units;
 * NaN when empty.
 */
export function quantileSorted(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.min(Math.floor(h), n - 1);
  const hi = Math.min(lo + 1, n - 1);
  const g = h - lo;
  const a = sorted[lo];
  const b = sorted[hi];
  const d = b - a;
  return g >= 0.5 ? b - d * (1 - g) : a + d * g;
}

/**
 * Mean and n − 1 variance by two passes with the compensating term of
 * Chan, Golub and LeVeque (1983): stable when the spread is tiny against the
 * mean. The mean is clamped to [min, max], which rounding can leave by an ulp.
 */
function meanAndVariance(sorted: Float64Array): { mean: number; variance: number } {
  const n = sorted.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  let mean = sum / n;
  let dev = 0;
  let dev2 = 0;
  for (let i = 0; i < n; i++) {
    const e = sorted[i] - mean;
    dev += e;
    dev2 += e * e;
  }
  const variance = n > 1 ? Math.max(0, (dev2 - (dev * dev) / n) / (n - 1)) : NaN;
  mean += dev / n;
  mean = Math.min(Math.max(mean, sorted[0]), sorted[n - 1]);
  return { mean, variance };
}

/** Summary of ascending `sorted` values (units of the values); all NaN when empty. */
export function summariseSorted(sorted: Float64Array): CellSummary {
  const n = sorted.length;
  if (n === 0) return { mean: NaN, sd: NaN, p05: NaN, p50: NaN, p95: NaN, ciLow: NaN, ciHigh: NaN };
  const { mean, variance } = meanAndVariance(sorted);
  const sd = Math.sqrt(variance);
  const half = n > 1 ? (tCritical95(n - 1) * sd) / Math.sqrt(n) : NaN;
  return {
    mean,
    sd,
    p05: quantileSorted(sorted, 0.05),
    p50: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
    ciLow: mean - half,
    ciHigh: mean + half,
  };
}

/** Summary of `values` in any order (units of the values); sorts a copy. */
export function summarise(values: ArrayLike<number>): CellSummary {
  return summariseSorted(Float64Array.from(values).sort());
}
