import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { quantileSorted, summarise } from '../../sim/ensemble/stats.js';

const sorted = (xs: number[]) => Float64Array.from(xs).sort();

describe('quantileSorted (type 7)', () => {
  // Expected values are numpy.quantile's output, bit for bit.
  test('[1, 2, 3, 4]', () => {
    const x = sorted([1, 2, 3, 4]);
    expect(quantileSorted(x, 0.05)).toBe(1.15);
    expect(quantileSorted(x, 0.5)).toBe(2.5);
    expect(quantileSorted(x, 0.95)).toBe(3.8499999999999996);
    expect(quantileSorted(x, 0)).toBe(1);
    expect(quantileSorted(x, 1)).toBe(4);
  });

  test('an unsorted mixed sample', () => {
    const x = sorted([3.1, -2, 7.5, 0, 4.25, 10, 1e-3]);
    expect(quantileSorted(x, 0.05)).toBe(-1.4);
    expect(quantileSorted(x, 0.5)).toBe(3.1);
    expect(quantileSorted(x, 0.95)).toBe(9.249999999999998);
  });

  test('1 … 20', () => {
    const x = sorted(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(quantileSorted(x, 0.05)).toBe(1.9500000000000002);
    expect(quantileSorted(x, 0.95)).toBe(19.05);
  });

  test('one value and none', () => {
    expect(quantileSorted(sorted([5]), 0.05)).toBe(5);
    expect(quantileSorted(new Float64Array(0), 0.5)).toBeNaN();
  });
});

describe('summarise', () => {
  test('matches NumPy and SciPy on [1, 2, 3, 4]', () => {
    const s = summarise([4, 1, 3, 2]);
    expect(s.mean).toBe(2.5);
    expect(s.sd).toBeCloseTo(1.2909944487358056, 14);
    expect(s.ciLow).toBeCloseTo(0.4457397432394794, 13);
    expect(s.ciHigh).toBeCloseTo(4.554260256760521, 13);
    expect([s.p05, s.p50, s.p95]).toEqual([1.15, 2.5, 3.8499999999999996]);
  });

  test('a mixed sample', () => {
    const s = summarise([3.1, -2, 7.5, 0, 4.25, 10, 1e-3]);
    expect(s.mean).toBeCloseTo(3.2644285714285717, 14);
    expect(s.sd).toBeCloseTo(4.346014337188456, 14);
    expect(s.ciLow).toBeCloseTo(-0.7549643104494361, 13);
    expect(s.ciHigh).toBeCloseTo(7.2838214533065795, 13);
  });

  test('one run: sd and the interval are empty (NaN)', () => {
    const s = summarise([5]);
    expect([s.mean, s.p05, s.p50, s.p95]).toEqual([5, 5, 5, 5]);
    expect(s.sd).toBeNaN();
    expect(s.ciLow).toBeNaN();
    expect(s.ciHigh).toBeNaN();
  });

  test('identical values: sd 0, interval a point, mean exact', () => {
    const s = summarise([0.1, 0.1, 0.1]);
    expect(s.mean).toBe(0.1);
    expect(s.sd).toBeLessThan(1e-17);
    expect(summarise([2, 2]).ciHigh).toBe(2);
  });

  test('stable when the spread is tiny against the mean', () => {
    const s = summarise([1e9 + 0.1, 1e9 + 0.2, 1e9 + 0.3, 1e9 + 0.4]);
    expect(s.mean).toBeCloseTo(1000000000.25, 6);
    expect(s.sd).toBeCloseTo(0.1290994140939514, 9);
  });
});

describe('properties', () => {
  const samples = fc.array(fc.double({ min: -1e12, max: 1e12, noNaN: true }), { minLength: 1, maxLength: 60 });

  test('p05 ≤ p50 ≤ p95, all within [min, max]', () => {
    fc.assert(
      fc.property(samples, (xs) => {
        const s = summarise(xs);
        const min = Math.min(...xs);
        const max = Math.max(...xs);
        return min <= s.p05 && s.p05 <= s.p50 && s.p50 <= s.p95 && s.p95 <= max;
      }),
      { numRuns: 2000 },
    );
  });

  test('quantiles are monotone in p', () => {
    fc.assert(
      fc.property(samples, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (xs, a, b) => {
        const x = Float64Array.from(xs).sort();
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        return quantileSorted(x, lo) <= quantileSorted(x, hi);
      }),
      { numRuns: 2000 },
    );
  });

  test('mean within [min, max]; interval around it', () => {
    fc.assert(
      fc.property(samples, (xs) => {
        const s = summarise(xs);
        const ok = Math.min(...xs) <= s.mean && s.mean <= Math.max(...xs);
        return ok && (xs.length === 1 || (s.ciLow <= s.mean && s.mean <= s.ciHigh && s.sd >= 0));
      }),
      { numRuns: 2000 },
    );
  });
});
