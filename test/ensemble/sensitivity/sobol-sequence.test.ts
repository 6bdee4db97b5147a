import { describe, expect, test } from 'vitest';
import { UsageError } from '../../../sim/errors.js';
import { JOE_KUO_ROWS } from '../../../sim/ensemble/sensitivity/joe-kuo.js';
import { SOBOL_DIMENSIONS, sobolPoints } from '../../../sim/ensemble/sensitivity/sobol-sequence.js';

const rows = (points: Float64Array[]) => points.map((p) => Array.from(p));

describe('Sobol sequence', () => {
  test('the first ten points in three dimensions are the output Joe and Kuo publish', () => {
    // Source: S. Joe and F. Y. Kuo, https://web.maths.unsw.edu.au/~fkuo/sobol/, the example output of
    // their sobol.cc for N = 10, D = 3 with new-joe-kuo-6.21201 (the same values are the expected ones
    // of SALib's test_sobol_sequence). Points 8 and 9 use V_4, which dimensions 2 and 3 get from the recurrence.
    expect(rows(sobolPoints(10, 3))).toEqual([
      [0, 0, 0],
      [0.5, 0.5, 0.5],
      [0.75, 0.25, 0.25],
      [0.25, 0.75, 0.75],
      [0.375, 0.375, 0.625],
      [0.875, 0.875, 0.125],
      [0.625, 0.125, 0.875],
      [0.125, 0.625, 0.375],
      [0.1875, 0.3125, 0.9375],
      [0.6875, 0.8125, 0.4375],
    ]);
  });

  test('the first eight points in two dimensions are scipy.stats.qmc.Sobol(2, scramble=False)', () => {
    // Source: scipy/stats/tests/test_qmc.py, TestSobol.unscramble_nd.
    expect(rows(sobolPoints(8, 2))).toEqual([
      [0, 0],
      [0.5, 0.5],
      [0.75, 0.25],
      [0.25, 0.75],
      [0.375, 0.375],
      [0.875, 0.875],
      [0.625, 0.125],
      [0.125, 0.625],
    ]);
  });

  test('dimensions 4 and 5 of the first eight points are those worked by hand from their Joe–Kuo rows', () => {
    // Rows "4 3 1 1 3 1" and "5 3 2 1 1 1" of new-joe-kuo-6.21201: V_j = m_j / 2^j, so dimension 4 has
    // V = (.1, .11, .001) and dimension 5 V = (.1, .01, .001) in binary. Point i is the XOR of the V_j at
    // the set bits of its Gray code i ^ (i >> 1) = 0, 1, 3, 2, 6, 7, 5, 4.
    const points = sobolPoints(8, 5);
    expect(points.map((p) => p[3])).toEqual([0, 0.5, 0.25, 0.75, 0.875, 0.375, 0.625, 0.125]);
    expect(points.map((p) => p[4])).toEqual([0, 0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125]);
  });

  test('the embedded rows are Joe and Kuo dimensions 2 to 64, with odd m_i below 2^i', () => {
    expect(JOE_KUO_ROWS).toHaveLength(63);
    expect(SOBOL_DIMENSIONS).toBe(64);
    // Spot checks against the published file: dimension 21 and dimension 64, its last embedded row.
    expect(JOE_KUO_ROWS[21 - 2]).toEqual({ s: 7, a: 4, m: [1, 3, 7, 13, 13, 15, 69] });
    expect(JOE_KUO_ROWS[64 - 2]).toEqual({ s: 9, a: 62, m: [1, 1, 3, 13, 25, 47, 39, 87, 257] });
    for (const { s, a, m } of JOE_KUO_ROWS) {
      expect(m).toHaveLength(s);
      expect(a).toBeLessThan(2 ** (s - 1));
      m.forEach((mi, i) => {
        expect(mi % 2).toBe(1);
        expect(mi).toBeLessThan(2 ** (i + 1));
      });
    }
  });

  test('every dimension of the first 1024 points takes each value k/1024 once', () => {
    // A Sobol' sequence is a (0, m, 1)-net in each dimension: in base-2 blocks, one point per interval.
    const points = sobolPoints(1024, SOBOL_DIMENSIONS);
    for (let d = 0; d < SOBOL_DIMENSIONS; d++) {
      const seen = points.map((p) => p[d] * 1024).sort((x, y) => x - y);
      expect(seen).toEqual(Array.from({ length: 1024 }, (_, k) => k));
    }
  });

  test('the first two dimensions of 256 points form a (0, 8, 2)-net: one point in every dyadic box of area 1/256', () => {
    const points = sobolPoints(256, 2);
    for (let a = 0; a <= 8; a++) {
      const cells = new Set(points.map((p) => Math.floor(p[0] * 2 ** a) * 2 ** (8 - a) + Math.floor(p[1] * 2 ** (8 - a))));
      expect(cells.size).toBe(256);
    }
  });

  test('starting later gives the same points as running on to them', () => {
    const all = sobolPoints(5000, 7);
    expect(rows(sobolPoints(3, 7, 5))).toEqual(rows(all.slice(5, 8)));
    expect(rows(sobolPoints(10, 7, 4090))).toEqual(rows(all.slice(4090, 4100)));
  });

  test('the last point of the 32-bit sequence can be reached, and none past it', () => {
    const last = sobolPoints(1, 3, 2 ** 32 - 1)[0];
    for (const x of last) expect(x >= 0 && x < 1).toBe(true);
    expect(() => sobolPoints(2, 3, 2 ** 32 - 1)).toThrow(UsageError);
  });

  test('more dimensions than the embedded rows give is refused', () => {
    expect(() => sobolPoints(4, SOBOL_DIMENSIONS + 1)).toThrow(/64 dimensions, and 65 were asked for/);
    expect(() => sobolPoints(-1, 2)).toThrow(UsageError);
  });
});
