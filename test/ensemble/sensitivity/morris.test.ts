import { describe, expect, test } from 'vitest';
import { morrisDesign, morrisIndices } from '../../../sim/ensemble/sensitivity/morris.js';

const parameters = [
  { name: 'x1', lo: 0, hi: 1 },
  { name: 'x2', lo: -3, hi: 3 },
  { name: 'x3', lo: 10, hi: 20 },
];

describe('Morris elementary effects', () => {
  test('each trajectory moves every parameter once, by Δ = p/(2(p − 1)) of its range, on the p-level grid', () => {
    const levels = 6;
    const design = morrisDesign(parameters, { trajectories: 20, levels, seed: 'grid' });
    const k = parameters.length;
    expect(design.delta).toBe(0.6);
    expect(design.points).toHaveLength(20 * (k + 1));
    for (let t = 0; t < 20; t++) {
      const seen = new Set<number>();
      for (let s = 0; s <= k; s++) {
        const x = design.points[t * (k + 1) + s];
        parameters.forEach((p, i) => {
          const level = ((x[i] - p.lo) / (p.hi - p.lo)) * (levels - 1);
          expect(Math.abs(level - Math.round(level))).toBeLessThan(1e-9);
          expect(level).toBeGreaterThan(-1e-9);
          expect(level).toBeLessThan(levels - 1 + 1e-9);
        });
        if (s === 0) continue;
        const before = design.points[t * (k + 1) + s - 1];
        const i = design.moved[t * k + s - 1];
        seen.add(i);
        parameters.forEach((p, c) => {
          const change = (x[c] - before[c]) / (p.hi - p.lo);
          expect(change).toBeCloseTo(c === i ? design.direction[t * k + s - 1] * design.delta : 0, 12);
        });
      }
      expect(seen.size).toBe(k);
    }
  });

  test('a parameter without effect has μ* = σ = 0; one in an interaction has σ > 0', () => {
    // f = 2 x1 + x1 x3: x2 never enters, x1 and x3 interact, so their effects vary with where they are taken.
    const design = morrisDesign(parameters, { trajectories: 30, seed: 'screen' });
    const y = design.points.map((x) => 2 * x[0] + x[0] * x[2]);
    const [x1, x2, x3] = morrisIndices(design, y);
    expect(x2.parameter).toBe('x2');
    expect(x2.muStar).toBe(0);
    expect(x2.sigma).toBe(0);
    expect(x1.sigma).toBeGreaterThan(0.5);
    expect(x3.sigma).toBeGreaterThan(0.5);
    // x1's effect over its range is 2 + x3 ∈ [12, 22]; x3's is 10 x1 ∈ [0, 10].
    for (const e of x1.effects) expect(e >= 12 - 1e-9 && e <= 22 + 1e-9).toBe(true);
    for (const e of x3.effects) expect(e >= -1e-9 && e <= 10 + 1e-9).toBe(true);
  });

  test('a linear model has σ = 0 and μ = a_i (hi − lo), μ* = |μ|', () => {
    const a = [3, -2, 0.5];
    const design = morrisDesign(parameters, { trajectories: 10, levels: 4, seed: 9 });
    const y = design.points.map((x) => a[0] * x[0] + a[1] * x[1] + a[2] * x[2]);
    morrisIndices(design, y).forEach((m, i) => {
      const range = parameters[i].hi - parameters[i].lo;
      expect(m.mu).toBeCloseTo(a[i] * range, 9);
      expect(m.muStar).toBeCloseTo(Math.abs(a[i]) * range, 9);
      expect(m.sigma).toBeLessThan(1e-9);
    });
  });

  test('the same seed gives the same trajectories, another seed other ones', () => {
    const one = morrisDesign(parameters, { trajectories: 5, seed: 'a' });
    expect(morrisDesign(parameters, { trajectories: 5, seed: 'a' })).toEqual(one);
    expect(morrisDesign(parameters, { trajectories: 5, seed: 'b' }).points).not.toEqual(one.points);
  });

  test('odd levels, a single trajectory and mismatched outputs are refused', () => {
    expect(() => morrisDesign(parameters, { trajectories: 5, levels: 5, seed: 1 })).toThrow(/even whole number/);
    expect(() => morrisDesign(parameters, { trajectories: 1, seed: 1 })).toThrow(/trajectories: expected a whole number ≥ 2/);
    const design = morrisDesign(parameters, { trajectories: 2, seed: 1 });
    expect(() => morrisIndices(design, [1, 2])).toThrow(/one output per design point \(8\), got 2/);
  });
});
