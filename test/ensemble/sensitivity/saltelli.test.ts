import { describe, expect, test } from 'vitest';
import { UsageError } from '../../../sim/errors.js';
import { designRow, SALTELLI_MAX_PARAMETERS, saltelliDesign } from '../../../sim/ensemble/sensitivity/saltelli.js';
import { sobolPoints } from '../../../sim/ensemble/sensitivity/sobol-sequence.js';

const parameters = [
  { name: 'price', lo: 1, hi: 3 },
  { name: 'churn', lo: -0.5, hi: 0.5 },
  { name: 'entry', lo: 10, hi: 110 },
];

describe('Saltelli design', () => {
  test('A and B are the two halves of a 6-dimensional Sobol sequence from its point 1, scaled to the ranges', () => {
    const n = 16;
    const design = saltelliDesign(parameters, n);
    expect(design.points).toHaveLength(n * (parameters.length + 2));
    const unit = sobolPoints(n, 6, 1);
    for (let j = 0; j < n; j++)
      parameters.forEach((p, i) => {
        expect(design.points[designRow(n, 0, j)][i]).toBe(p.lo + (p.hi - p.lo) * unit[j][i]);
        expect(design.points[designRow(n, 1, j)][i]).toBe(p.lo + (p.hi - p.lo) * unit[j][3 + i]);
      });
    // Row 0 is sequence point 1 = (½, …, ½): the middle of every range.
    expect(Array.from(design.points[0])).toEqual([2, 0, 60]);
  });

  test('A_B^(i) is A with column i from B, and nothing else changed', () => {
    const n = 8;
    const design = saltelliDesign(parameters, n);
    for (let i = 0; i < parameters.length; i++)
      for (let j = 0; j < n; j++) {
        const a = design.points[designRow(n, 0, j)];
        const b = design.points[designRow(n, 1, j)];
        const ab = design.points[designRow(n, 2 + i, j)];
        parameters.forEach((_, c) => expect(ab[c]).toBe(c === i ? b[c] : a[c]));
      }
  });

  test('every design point lies in the ranges', () => {
    for (const x of saltelliDesign(parameters, 64).points)
      parameters.forEach((p, i) => expect(x[i] >= p.lo && x[i] < p.hi).toBe(true));
  });

  test('too many parameters, an empty range or too few samples are refused', () => {
    const many = Array.from({ length: SALTELLI_MAX_PARAMETERS + 1 }, (_, i) => ({ name: `p${i}`, lo: 0, hi: 1 }));
    expect(SALTELLI_MAX_PARAMETERS).toBe(32);
    expect(() => saltelliDesign(many, 8)).toThrow(/at most 32 parameters/);
    expect(() => saltelliDesign([{ name: 'x', lo: 1, hi: 1 }], 8)).toThrow(/parameter x: its range needs finite lo < hi/);
    expect(() => saltelliDesign([], 8)).toThrow(UsageError);
    expect(() => saltelliDesign(parameters, 1)).toThrow(/base samples/);
  });
});
