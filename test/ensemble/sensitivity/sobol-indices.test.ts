/**
 * Sobol' indices against models whose indices are known in closed form.
 *
 * Ishigami function (T. Ishigami and T. Homma, "An importance quantification
 * technique in uncertainty analysis for computer models", ISUMA '90, 1990,
 * 398–403): f = sin x1 + a sin² x2 + b x3⁴ sin x1, x_i uniform on [−π, π].
 * Its partial variances (I. M. Sobol' and Yu. L. Levitan, Comput. Phys.
 * Commun. 117 (1999) 52–61; A. Saltelli et al., "Global Sensitivity
 * Analysis. The Primer", Wiley 2008), derived from E[sin² x] = ½,
 * E[x⁴] = π⁴/5, E[x⁸] = π⁸/9 for x uniform on [−π, π]:
 *   V1 = ½ (1 + bπ⁴/5)²,  V2 = a²/8,  V3 = 0,  V13 = b²π⁸ (1/18 − 1/50) = 8b²π⁸/225,
 *   V  = ½ + a²/8 + bπ⁴/5 + b²π⁸/18,
 * so S1 = V1/V, S2 = V2/V, S3 = 0, ST1 = (V1 + V13)/V, ST2 = S2, ST3 = V13/V.
 */
import { describe, expect, test } from 'vitest';
import { UsageError } from '../../../sim/errors.js';
import { saltelliDesign } from '../../../sim/ensemble/sensitivity/saltelli.js';
import { sobolIndices } from '../../../sim/ensemble/sensitivity/sobol-indices.js';

const A = 7;
const B = 0.1;
const PI4 = Math.PI ** 4;
const PI8 = Math.PI ** 8;
const V1 = 0.5 * (1 + (B * PI4) / 5) ** 2;
const V2 = (A * A) / 8;
const V13 = (8 * B * B * PI8) / 225;
const V = 0.5 + (A * A) / 8 + (B * PI4) / 5 + (B * B * PI8) / 18;
const ISHIGAMI_FIRST = [V1 / V, V2 / V, 0];
const ISHIGAMI_TOTAL = [(V1 + V13) / V, V2 / V, V13 / V];

const ishigami = (x: Float64Array) => Math.sin(x[0]) + A * Math.sin(x[1]) ** 2 + B * x[2] ** 4 * Math.sin(x[0]);
const cube = ['x1', 'x2', 'x3'].map((name) => ({ name, lo: -Math.PI, hi: Math.PI }));

describe('Sobol indices', () => {
  test('the analytic Ishigami indices are the published ones', () => {
    // S1 ≈ 0.314, 0.442, 0; ST ≈ 0.558, 0.442, 0.244, as the literature above gives them.
    expect(ISHIGAMI_FIRST.map((s) => +s.toFixed(4))).toEqual([0.3139, 0.4424, 0]);
    expect(ISHIGAMI_TOTAL.map((s) => +s.toFixed(4))).toEqual([0.5576, 0.4424, 0.2437]);
  });

  test('Ishigami, N = 4096: first-order and total indices within 0.03 of the analytic values, inside their 95 % intervals', () => {
    const design = saltelliDesign(cube, 4096);
    const result = sobolIndices(design, design.points.map(ishigami), { seed: 'ishigami', resamples: 500 });
    expect(result.indices.map((s) => s.parameter)).toEqual(['x1', 'x2', 'x3']);
    expect(result.variance).toBeCloseTo(V, 1);
    result.indices.forEach((s, i) => {
      expect(Math.abs(s.first.value - ISHIGAMI_FIRST[i])).toBeLessThan(0.03);
      expect(Math.abs(s.total.value - ISHIGAMI_TOTAL[i])).toBeLessThan(0.03);
      expect(s.first.low).toBeLessThanOrEqual(ISHIGAMI_FIRST[i]);
      expect(s.first.high).toBeGreaterThanOrEqual(ISHIGAMI_FIRST[i]);
      expect(s.total.low).toBeLessThanOrEqual(ISHIGAMI_TOTAL[i]);
      expect(s.total.high).toBeGreaterThanOrEqual(ISHIGAMI_TOTAL[i]);
      expect(s.first.low).toBeLessThan(s.first.value);
      expect(s.first.high).toBeGreaterThan(s.first.value);
    });
  });

  test('a linear model y = Σ a_i x_i has S_i = ST_i = a_i² var_i / Σ_j a_j² var_j', () => {
    // Independent uniform inputs: var_i = (hi − lo)²/12, and a linear model has no interactions.
    const coefficients = [2, -1, 0.5, 0];
    const parameters = [
      { name: 'a', lo: 0, hi: 1 },
      { name: 'b', lo: -2, hi: 2 },
      { name: 'c', lo: 10, hi: 16 },
      { name: 'd', lo: 0, hi: 5 },
    ];
    const parts = parameters.map((p, i) => (coefficients[i] ** 2 * (p.hi - p.lo) ** 2) / 12);
    const sum = parts.reduce((x, y) => x + y, 0);
    const design = saltelliDesign(parameters, 2048);
    const y = design.points.map((x) => coefficients.reduce((s, a, i) => s + a * x[i], 0));
    const result = sobolIndices(design, y, { seed: 7, resamples: 200 });
    result.indices.forEach((s, i) => {
      expect(s.first.value).toBeCloseTo(parts[i] / sum, 2);
      expect(s.total.value).toBeCloseTo(parts[i] / sum, 2);
    });
    // A parameter without effect has ST exactly 0: f(A) and f(A_B^(d)) are equal row by row.
    expect(result.indices[3].total).toEqual({ value: 0, low: 0, high: 0 });
  });

  test('the same seed gives the same intervals, another seed other ones', () => {
    const design = saltelliDesign(cube, 256);
    const y = design.points.map(ishigami);
    const once = sobolIndices(design, y, { seed: 'x', resamples: 100 });
    expect(sobolIndices(design, y, { seed: 'x', resamples: 100 })).toEqual(once);
    expect(sobolIndices(design, y, { seed: 'y', resamples: 100 }).indices[0].first.low).not.toBe(once.indices[0].first.low);
  });

  test('outputs that do not match the design are refused', () => {
    const design = saltelliDesign(cube, 8);
    expect(() => sobolIndices(design, new Float64Array(39), { seed: 1 })).toThrow(/one output per design point \(40\), got 39/);
    expect(() => sobolIndices(design, new Float64Array(40), { seed: 1, resamples: 0 })).toThrow(UsageError);
  });
});
