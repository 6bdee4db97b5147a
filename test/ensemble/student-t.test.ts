import { describe, expect, test } from 'vitest';
import {
  logBeta,
  logGamma,
  studentTQuantile,
  studentTUpperTail,
  tCritical95,
} from '../../sim/ensemble/student-t.js';

describe('studentTQuantile', () => {
  test.each([
    [1, 12.7062],
    [2, 4.3027],
    [9, 2.2622],
    [29, 2.0452],
    [100, 1.984],
    [1e6, 1.95996],
  ])('t(0.975, %d) matches the printed table', (df, table) => {
    expect(studentTQuantile(0.975, df)).toBeCloseTo(table, 4);
  });

  // 60-digit references (mpmath: root of the incomplete-beta tail, tail = 1 − p in binary).
  test.each([
    [3, 0.975, 3.1824463052837086],
    [7, 0.6, 0.2631668613520228],
    [10, 0.995, 3.169272672616951],
    [29, 0.975, 2.045229642132704],
    [100, 0.975, 1.9839715185235518],
    [1000, 0.995, 2.5807546980659506],
    [1e5, 0.975, 1.9599877075346093],
    [1e6, 0.975, 1.9599663568141066],
    [1e8, 0.995, 2.5758293527143774],
    [1e10, 0.975, 1.959963984777281],
    [3, 0.9999999, 222.57159098625124],
  ])('ν = %s, p = %s to 1e-13', (df, p, exact) => {
    expect(Math.abs(studentTQuantile(p, df) - exact) / exact).toBeLessThan(1e-13);
  });

  test('closed forms for ν = 1 (Cauchy) and ν = 2', () => {
    expect(studentTQuantile(0.9, 1)).toBeCloseTo(Math.tan(Math.PI * 0.4), 13);
    expect(studentTQuantile(0.9, 2)).toBeCloseTo(0.8 / Math.sqrt(2 * 0.9 * 0.1), 13);
  });

  test('is odd about p = ½ and 0 there', () => {
    expect(studentTQuantile(0.5, 5)).toBe(0);
    expect(studentTQuantile(0.025, 9)).toBe(-studentTQuantile(0.975, 9));
  });

  test('inverts the tail', () => {
    for (const df of [3, 4.5, 17, 250, 40000])
      for (const p of [0.55, 0.8, 0.975, 0.999]) {
        const t = studentTQuantile(p, df);
        expect(Math.abs(studentTUpperTail(t, df) - (1 - p)) / (1 - p)).toBeLessThan(1e-12);
      }
  });

  test('NaN outside its domain', () => {
    expect(studentTQuantile(1, 5)).toBeNaN();
    expect(studentTQuantile(0.9, 0)).toBeNaN();
  });

  test('tCritical95 is the memoised 0.975 quantile', () => {
    expect(tCritical95(9)).toBe(studentTQuantile(0.975, 9));
    expect(tCritical95(9)).toBe(tCritical95(9));
  });
});

describe('log-gamma and log-beta', () => {
  test('known values', () => {
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14);
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 12);
  });

  test('logBeta of a large argument keeps its digits', () => {
    // mpmath: log(beta(5e7, 0.5))
    expect(logBeta(5e7, 0.5)).toBeCloseTo(-8.29140183627151, 12);
    expect(logBeta(3, 4)).toBeCloseTo(Math.log(1 / 60), 14);
  });
});
