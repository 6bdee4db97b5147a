import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grouped } from '../sim/grouped.js';

/** What grouped() stands in for: Intl's en-US grouping of the rounded number (−0 written as 0). */
const intl = (n: number) => (Math.round(n) || 0).toLocaleString('en-US');

describe('grouped', () => {
  it('writes a whole number with commas every three digits', () => {
    expect(grouped(0)).toBe('0');
    expect(grouped(999)).toBe('999');
    expect(grouped(1000)).toBe('1,000');
    expect(grouped(1234567)).toBe('1,234,567');
    expect(grouped(-1234)).toBe('-1,234');
  });

  it('writes what toLocaleString("en-US") writes for the rounded number', () => {
    fc.assert(fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (n) => grouped(n) === intl(n)));
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 }), (x) => grouped(x) === intl(x)));
  });

  it('writes the non-finite as Intl does', () => {
    for (const x of [Infinity, -Infinity, NaN]) expect(grouped(x)).toBe(x.toLocaleString('en-US'));
  });
});
