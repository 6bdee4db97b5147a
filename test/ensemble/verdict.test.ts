import { describe, expect, test } from 'vitest';
import { judge, runsToSettle } from '../../sim/ensemble/verdict.js';
import { wilsonInterval } from '../../sim/ensemble/wilson.js';

describe('judge: the verdict from (holds, runs, probability)', () => {
  test.each([
    // 20 of 20 is [0.8389, 1]: its lower bound is below 0.9.
    [20, 20, 0.9, 'INCONCLUSIVE'],
    // 200 of 200 is [0.9812, 1].
    [200, 200, 0.9, 'PASS'],
    // 12 of 20 is [0.3866, 0.7812], wholly below 0.9.
    [12, 20, 0.9, 'FAIL'],
    // 0 of 20 is [0, 0.1611].
    [0, 20, 0.5, 'FAIL'],
    // 8 of 20 is [0.2188, 0.6134]: the old rule said FAIL, 11 of 20 PASS.
    [8, 20, 0.5, 'INCONCLUSIVE'],
    [11, 20, 0.5, 'INCONCLUSIVE'],
    // Nothing is required: the interval is always at or above 0.
    [0, 10, 0, 'PASS'],
    // Every run is required: no finite ensemble proves it, one counterexample refutes it.
    [1000, 1000, 1, 'INCONCLUSIVE'],
    [999, 1000, 1, 'FAIL'],
  ] as const)('%d of %d at probability %d: %s', (holds, runs, probability, verdict) => {
    expect(judge(holds, runs, probability).verdict).toBe(verdict);
  });

  test('a lower bound exactly at the probability passes ("at or above")', () => {
    const probability = wilsonInterval(35, 35).low;
    expect(judge(35, 35, probability).verdict).toBe('PASS');
    expect(judge(34, 35, probability).verdict).toBe('INCONCLUSIVE');
  });

  test('the fraction and the interval come with the verdict', () => {
    expect(judge(1000, 1000, 0.99)).toEqual({ fraction: 1, low: expect.closeTo(0.99617, 5), high: 1, verdict: 'PASS', runsToSettle: null });
  });

  test('no runs: inconclusive, with nothing to say about settling it', () => {
    expect(judge(0, 0, 0.5)).toMatchObject({ verdict: 'INCONCLUSIVE', runsToSettle: null });
  });

  test('only an inconclusive verdict has a count, and it is more than the runs so far', () => {
    expect(judge(200, 200, 0.9).runsToSettle).toBeNull();
    expect(judge(0, 20, 0.5).runsToSettle).toBeNull();
    for (const [holds, runs, probability] of [[20, 20, 0.9], [8, 20, 0.5], [11, 20, 0.5], [6, 20, 0.5], [49, 50, 0.95]])
      expect(judge(holds, runs, probability).runsToSettle).toBeGreaterThan(runs);
  });
});

/** P(the verdict is settled at n runs) when each run holds with probability p: exact binomial sum. */
function settleChance(n: number, p: number, probability: number): number {
  let chance = 0;
  let logChoose = 0; // ln C(n, k)
  for (let k = 0; k <= n; k++) {
    if (k > 0) logChoose += Math.log((n - k + 1) / k);
    const logP = logChoose + (k === 0 ? 0 : k * Math.log(p)) + (k === n ? 0 : (n - k) * Math.log(1 - p));
    if (judge(k, n, probability).verdict !== 'INCONCLUSIVE') chance += Math.exp(logP);
  }
  return chance;
}

describe('runsToSettle', () => {
  test('20 of 20 at 0.9: the interval [n / (n + z²), 1] reaches 0.9 at n ≥ 0.9 z² / 0.1 = 34.57, so 35', () => {
    expect(runsToSettle(1, 0.9)).toBe(35);
    expect(judge(35, 35, 0.9).verdict).toBe('PASS');
    expect(judge(34, 34, 0.9).verdict).toBe('INCONCLUSIVE');
  });

  test('0 of 20 at 0.1: the upper bound z² / (n + z²) falls below 0.1 at n > 9 z² = 34.57, so 35', () => {
    expect(runsToSettle(0, 0.1)).toBe(35);
    expect(judge(0, 35, 0.1).verdict).toBe('FAIL');
    expect(judge(0, 34, 0.1).verdict).toBe('INCONCLUSIVE');
  });

  test('8 of 20 at 0.5, by hand: ((1.95996 · 0.5 + 0.84162 · √0.24) / 0.1)² = 193.85, so 194', () => {
    expect(runsToSettle(0.4, 0.5)).toBe(194);
  });

  // The count means "likely": if each run held with the observed fraction, an ensemble of that
  // many runs would be settled about 4 times out of 5 (exact binomial), one of half as many far less often.
  test.each([
    [0.4, 0.5],
    [0.55, 0.5],
    [0.3, 0.5],
    [0.75, 0.9],
    [0.95, 0.8],
  ])('at fraction %d against %d, an ensemble of that size settles about 80 %% of the time', (fraction, probability) => {
    const n = runsToSettle(fraction, probability)!;
    expect(settleChance(n, fraction, probability)).toBeGreaterThan(0.75);
    expect(settleChance(n, fraction, probability)).toBeLessThan(0.9);
    expect(settleChance(Math.round(n / 2), fraction, probability)).toBeLessThan(0.7);
  });

  test('a fraction on the threshold cannot be settled by more runs, nor can a fraction of 1 against 1', () => {
    expect(runsToSettle(0.5, 0.5)).toBeNull();
    expect(runsToSettle(1, 1)).toBeNull();
    expect(runsToSettle(NaN, 0.5)).toBeNull();
  });
});
