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

  // At k = n the lower bound is n / (n + z²) and the upper 1 (at k = 0 mirrored): not a point
  // interval. 1000 of 1000: [0.99617, 1], the published figure; 20 of 20: [0.8389, 1].
  test.each([
    [1000, 1000, 0.99617, 1],
    [0, 1000, 0, 0.00383],
    [20, 20, 0.8389, 1],
    [200, 200, 0.98115, 1],
  ])('%d of %d at the ends', (k, n, low, high) => {
    const w = wilsonInterval(k, n);
    expect(w.low).toBeCloseTo(low, 4);
    expect(w.high).toBeCloseTo(high, 4);
    expect(w.high - w.low).toBeGreaterThan(0.003);
  });

  test('no trials: NaN', () => {
    expect(wilsonInterval(0, 0).low).toBeNaN();
  });
});
