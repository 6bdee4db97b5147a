import { describe, expect, test } from 'vitest';
import { wilsonInterval } from '../../sim/ensemble/wilson.js';

describe('wilsonInterval (95 %)', () => {
  // Newcombe (1998), Statistics in Medicine 17:857, table I, method 3.
  test.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%d of %d', (k, n, low, high) => {
    const w = wilsonInterval(k, n);
    expect(w.low).toBeCloseTo(low, 4);
    expect(w.high).toBeCloseTo(high, 4);
  });

  test('full precision against a direct evaluation', () => {
    const w = wilsonInterval(5, 10);
    expect(w.low).toBeCloseTo(0.236593090512564, 14);
    expect(w.high).toBeCloseTo(0.7634069094874361, 14);
  });

  test('exactly 0 and 1 at the ends', () => {
    expect(wilsonInterval(0, 10)).toEqual({ low: 0, high: expect.closeTo(0.2775327998628892, 14) });
    expect(wilsonInterval(10, 10)).toEqual({ low: expect.closeTo(0.7224672001371107, 14), high: 1 });
    expect(wilsonInterval(1, 1).high).toBe(1);
  });

  test('no trials: NaN', () => {
    expect(wilsonInterval(0, 0).low).toBeNaN();
  });
});
