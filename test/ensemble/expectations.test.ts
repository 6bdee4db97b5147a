import { describe, expect, test } from 'vitest';
import { closeNames } from '../../sim/close-names.js';
import { checkExpectations, compare, evaluateExpectations, resolveExpectations } from '../../sim/ensemble/expectations.js';
import { UsageError } from '../../sim/errors.js';
import { handCompiled, readerOver, records } from './fixtures.js';

// 2 metrics, 3 months (2024-06 … 2024-08), 5 runs: value = [m0, m1] per month.
const metrics = ['hhi.tokens', 'cohort.dead.small.fraction'];
const recs = records([
  [[1000, 0.1], [2000, 0.2], [3000, 0.3]],
  [[1000, 0.1], [2500, 0.4], [2400, 0.5]],
  [[1000, 0.1], [1500, 0.1], [2600, 0.35]],
  [[1000, 0.1], [3000, 0.3], [2500, 0.3]],
  [[1000, 0.1], [900, 0.0], [NaN, 0.2]],
]);
const read = readerOver(recs, metrics.length);

function compiledWith(expect: object[]) {
  return handCompiled(metrics, 3, { expect: expect as never });
}

describe('evaluateExpectations', () => {
  test('fraction, Wilson interval and verdict per expectation', () => {
    const compiled = compiledWith([
      { name: 'concentration', metric: 'hhi.tokens', at: 'end', op: '>=', value: 2500, probability: 0.5 },
      { name: 'bloodbath', metric: 'cohort.dead.small.fraction', at: '2024-07', op: '>', value: 0.15, probability: 0.8 },
      { name: 'exact', metric: 'hhi.tokens', at: '2024-06', op: '==', value: 1000 },
    ]);
    const [concentration, bloodbath, exact] = checkExpectations(compiled, read);
    // end = t 2: 3000, 2400, 2600, 2500, NaN → 3 of 5 hold (NaN never holds).
    // [0.2307, 0.8824] straddles 0.5.
    expect(concentration).toMatchObject({ at: 'end', month: 2, holds: 3, runs: 5, fraction: 0.6, verdict: 'INCONCLUSIVE', pass: false });
    expect(concentration.low).toBeCloseTo(0.2307, 4);
    expect(concentration.high).toBeCloseTo(0.8824, 4);
    expect(concentration.runsToSettle).toBeGreaterThan(5);
    // t 1: 0.2, 0.4, 0.1, 0.3, 0.0 → 3 of 5 > 0.15, below 0.8 but the interval reaches above it.
    expect(bloodbath).toMatchObject({ month: 1, holds: 3, fraction: 0.6, probability: 0.8, verdict: 'INCONCLUSIVE', pass: false });
    // default probability 0.5; all 5 equal 1000: the interval [5 / (5 + z²), 1] = [0.566, 1] is above 0.5.
    expect(exact).toMatchObject({ month: 0, holds: 5, fraction: 1, high: 1, probability: 0.5, verdict: 'PASS', pass: true, runsToSettle: null });
  });

  test('a fraction equal to the required probability is inconclusive, and no number of runs settles it', () => {
    const compiled = compiledWith([{ name: 'edge', metric: 'hhi.tokens', at: 'end', op: '>=', value: 2500, probability: 0.6 }]);
    expect(checkExpectations(compiled, read)[0]).toMatchObject({ fraction: 0.6, verdict: 'INCONCLUSIVE', pass: false, runsToSettle: null });
  });

  test('an interval wholly below the required probability fails', () => {
    // 0 of 5 runs have hhi.tokens < 0 at the end: [0, 0.435] is below 0.9.
    const compiled = compiledWith([{ name: 'never', metric: 'hhi.tokens', at: 'end', op: '<', value: 0, probability: 0.9 }]);
    expect(checkExpectations(compiled, read)[0]).toMatchObject({ holds: 0, verdict: 'FAIL', pass: false, runsToSettle: null });
  });

  test('no expectations, no reads', () => {
    expect(evaluateExpectations([], () => { throw new Error('read'); })).toEqual([]);
  });

  test('compare covers every operator', () => {
    expect([compare(1, '>=', 1), compare(1, '>', 1), compare(1, '<=', 1), compare(1, '<', 1), compare(1, '==', 1)]).toEqual([
      true, false, true, false, true,
    ]);
    expect(compare(NaN, '<=', 1)).toBe(false);
  });
});

describe('resolveExpectations', () => {
  test('an unknown metric names the expectation and suggests close names', () => {
    const compiled = compiledWith([{ name: 'bloodbath', metric: 'cohort.dead.smal.fraction', at: 'end', op: '>=', value: 0.3 }]);
    expect(() => resolveExpectations(compiled)).toThrow(UsageError);
    expect(() => resolveExpectations(compiled)).toThrow(
      'expect.bloodbath: no metric named "cohort.dead.smal.fraction" (did you mean cohort.dead.small.fraction?)',
    );
  });

  test('every problem is reported at once, months outside the run included', () => {
    const compiled = compiledWith([
      { name: 'early', metric: 'hhi.tokens', at: '2024-05', op: '>=', value: 0 },
      { name: 'late', metric: 'hhi.tokens', at: '2024-09', op: '>=', value: 0 },
      { name: 'typo', metric: 'nothing.like.it', at: 'end', op: '>=', value: 0 },
    ]);
    let message = '';
    try {
      resolveExpectations(compiled);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n')).toEqual([
      'expect.early: at 2024-05 is outside the run (2024-06 to 2024-08); use a month in that range or "end"',
      'expect.late: at 2024-09 is outside the run (2024-06 to 2024-08); use a month in that range or "end"',
      'expect.typo: no metric named "nothing.like.it"; `shakeout metrics <scenario>` lists them',
    ]);
  });
});

describe('close names', () => {
  test('close names ranks by edit distance', () => {
    expect(closeNames('hhi.token', ['hhi.tokens', 'hhi.revenue', 'hhi.customers'])).toEqual(['hhi.tokens']);
    expect(closeNames('zzz', ['hhi.tokens'])).toEqual([]);
  });
});
