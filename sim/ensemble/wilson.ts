/**
 * Wilson score interval for a binomial proportion: the uncertainty of "the
 * expectation held in k of n runs". Unlike k/n ± z·se it stays inside
 * [0, 1] and is sensible at k = 0 and k = n, which are common here.
 */

/** Φ⁻¹(0.975), the two-sided 95 % normal quantile. */
export const Z95 = 1.959963984540054;

export interface Interval {
  /** Lower bound, fraction 0–1. */
  low: number;
  /** Upper bound, fraction 0–1. */
  high: number;
}

/** 95 % Wilson score interval for k successes in n trials (fractions 0–1); NaN bounds when n = 0. */
export function wilsonInterval(k: number, n: number, z: number = Z95): Interval {
  if (!(n > 0)) return { low: NaN, high: NaN };
  const p = k / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  // The bounds are exactly 0 and 1 at the ends; rounding would leave 1e-17 off.
  return {
    low: k <= 0 ? 0 : Math.max(0, centre - half),
    high: k >= n ? 1 : Math.min(1, centre + half),
  };
}
