import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { latinHypercube, parseRange, parseSweepSet, sweepDesign } from '../../sim/ensemble/sweep-design.js';
import { UsageError } from '../../sim/errors.js';

describe('sweep parameters', () => {
  test('--set takes a list of numbers, --range lo:hi[:n]', () => {
    expect(parseSweepSet('providers.a.price=0.5,1,2e1')).toEqual([{ path: 'providers.a.price', values: [0.5, 1, 20] }]);
    expect(parseRange('classes.small.hazard=0.01:0.03:5')).toEqual([{ path: 'classes.small.hazard', lo: 0.01, hi: 0.03, n: 5 }]);
    expect(parseRange('x=-1:1')).toEqual([{ path: 'x', lo: -1, hi: 1, n: null }]);
    for (const bad of ['x', 'x=', 'x=1,,2', 'x=1,a', 'x=NaN', '=1,2']) expect(() => parseSweepSet(bad), bad).toThrow(UsageError);
    for (const bad of ['x=1', 'x=2:1', 'x=1:1', 'x=0:1:1', 'x=0:1:2.5', 'x=0:1:2:3', 'x=a:b']) expect(() => parseRange(bad), bad).toThrow(UsageError);
  });
});

describe('sweepDesign', () => {
  test('a full-factorial grid, the first path varying slowest', () => {
    const design = sweepDesign([{ path: 'a', values: [1, 2] }, { path: 'b', lo: 0, hi: 1, n: 3 }], { seed: 1 });
    expect(design).toEqual({
      kind: 'grid',
      paths: ['a', 'b'],
      points: [[1, 0], [1, 0.5], [1, 1], [2, 0], [2, 0.5], [2, 1]],
    });
  });

  test('refuses a path given twice, a range without n in a grid, and too many points', () => {
    expect(() => sweepDesign([{ path: 'a', values: [1] }, { path: 'a', values: [2] }], { seed: 1 })).toThrow(/swept twice/);
    expect(() => sweepDesign([{ path: 'a', lo: 0, hi: 1, n: null }], { seed: 1 })).toThrow(/needs a number of values/);
    const many = Array.from({ length: 6 }, (_, i) => ({ path: `p${i}`, lo: 0, hi: 1, n: 10 }));
    expect(() => sweepDesign(many, { seed: 1 })).toThrow(/1000000 points, more than the 100000/);
  });

  test('a Latin hypercube puts exactly one point in each of the n strata of every range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 4 }), fc.string(), (n, d, seed) => {
        const parameters = Array.from({ length: d }, (_, j) => ({ path: `p${j}`, lo: -j, hi: 2 + j, n: null }));
        const points = latinHypercube(parameters, n, seed);
        expect(points).toHaveLength(n);
        parameters.forEach((p, j) => {
          const strata = points.map((x) => Math.floor(((x[j] - p.lo) / (p.hi - p.lo)) * n)).sort((a, b) => a - b);
          expect(strata).toEqual(Array.from({ length: n }, (_, i) => i));
        });
      }),
    );
  });

  test('a Latin hypercube is a function of the seed', () => {
    const p = [{ path: 'a', lo: 0, hi: 1, n: null }, { path: 'b', values: [3, 5] }];
    expect(sweepDesign(p, { lhs: 10, seed: 'x' })).toEqual(sweepDesign(p, { lhs: 10, seed: 'x' }));
    expect(sweepDesign(p, { lhs: 10, seed: 'x' }).points).not.toEqual(sweepDesign(p, { lhs: 10, seed: 'y' }).points);
    // A listed parameter spans its smallest to largest value.
    for (const [, b] of sweepDesign(p, { lhs: 10, seed: 'x' }).points) expect(b >= 3 && b < 5).toBe(true);
  });
});
