import { describe, expect, test } from 'vitest';
import { keyOf } from '../../../sim/rng/keyed.js';
import { standardNormal } from '../../../sim/rng/distributions.js';
import { averageReplications, sobolIndicesReplicated } from '../../../sim/ensemble/sensitivity/replications.js';
import { saltelliDesign } from '../../../sim/ensemble/sensitivity/saltelli.js';

describe('replications per design point', () => {
  test('a hand-worked case: means, within and total variance, both noise shares', () => {
    // Points [1, 3] and [5, 7]: means 2 and 6, within variances 2 and 2 (σ²_w = 2), grand mean 4,
    // total variance (9 + 1 + 1 + 9)/3 = 20/3, variance of the means 8.
    const { means, noise } = averageReplications([[1, 3], [5, 7]]);
    expect(Array.from(means)).toEqual([2, 6]);
    expect(noise.replications).toBe(2);
    expect(noise.withinVariance).toBe(2);
    expect(noise.totalVariance).toBeCloseTo(20 / 3, 12);
    expect(noise.share).toBeCloseTo(0.3, 12);
    expect(noise.shareOfMeans).toBeCloseTo(2 / 2 / 8, 12);
  });

  test('y = f(x) + ε with Var f = Var ε: the noise share is ½, and ⅕ in means of 4', () => {
    // f = x1 + x2 with x uniform on [0, 1]² (Var f = 1/6), ε normal with variance 1/6: σ²_ε / (Var f + σ²_ε) = ½;
    // in means of R = 4 runs the noise is 1/24, so its share of their variance is (1/24)/(1/6 + 1/24) = ⅕.
    const parameters = [
      { name: 'x1', lo: 0, hi: 1 },
      { name: 'x2', lo: 0, hi: 1 },
    ];
    const design = saltelliDesign(parameters, 1024);
    const sd = Math.sqrt(1 / 6);
    const outputs = design.points.map((x, p) => Array.from({ length: 4 }, (_, r) => x[0] + x[1] + sd * standardNormal(keyOf(0x1234, p), r)));
    const result = sobolIndicesReplicated(design, outputs, { seed: 3, resamples: 200 });
    expect(Math.abs(result.noise.share - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(result.noise.shareOfMeans - 0.2)).toBeLessThan(0.02);
    // The indices of the means: each input's ½ of Var f, over Var f + noise (1/6 + 1/24): 0.4 each in expectation.
    for (const s of result.indices) expect(Math.abs(s.first.value - 0.4)).toBeLessThan(0.05);
  });

  test('one replication per point gives no noise estimate', () => {
    const { means, noise } = averageReplications([[1], [2], [4]]);
    expect(Array.from(means)).toEqual([1, 2, 4]);
    expect(noise.share).toBeNaN();
    expect(noise.shareOfMeans).toBeNaN();
  });

  test('points with different numbers of replications are refused', () => {
    expect(() => averageReplications([[1, 2], [3]])).toThrow(/design point 1 has 1 replications, the first has 2/);
  });
});
