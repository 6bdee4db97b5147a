import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editDistanceWithin, MAX_COMPARED_LENGTH } from '../sim/edit-distance.js';

/** The full matrix, with swaps of neighbours when asked (optimal string alignment). */
function reference(a: string, b: string, swaps: boolean): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (swaps && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

describe('editDistanceWithin', () => {
  it('is the full distance when within max, else max + 1', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '.'), maxLength: 14 });
    fc.assert(
      fc.property(word, word, fc.nat(8), fc.boolean(), (a, b, max, swaps) => {
        expect(editDistanceWithin(a, b, max, swaps)).toBe(Math.min(reference(a, b, swaps), max + 1));
      }),
    );
  });

  it('counts a swap of neighbours as one edit only when asked', () => {
    expect(editDistanceWithin('openia', 'openai', 3, true)).toBe(1);
    expect(editDistanceWithin('openia', 'openai', 3)).toBe(2);
  });

  it('gives up on words past MAX_COMPARED_LENGTH', () => {
    const long = 'x'.repeat(MAX_COMPARED_LENGTH + 1);
    expect(editDistanceWithin(long, long, 5)).toBe(6);
  });
});
