import { describe, expect, test } from 'vitest';
import { expectationLines, pct } from '../../sim/cli/expectations-table.js';
import type { ExpectationResult } from '../../sim/output/result-types.js';

function result(over: Partial<ExpectationResult>): ExpectationResult {
  return {
    name: 'claim',
    metric: 'cohort.dead.fraction',
    at: 'end',
    month: 11,
    op: '>=',
    value: 0.46,
    probability: 0.5,
    holds: 8,
    runs: 20,
    fraction: 0.4,
    low: 0.21880653237281708,
    high: 0.6134184992377468,
    verdict: 'INCONCLUSIVE',
    pass: false,
    runsToSettle: 194,
    ...over,
  };
}

describe('expectationLines', () => {
  test('an INCONCLUSIVE verdict says what would settle it; the verdicts line up', () => {
    const lines = expectationLines([result({}), result({ name: 'sure', holds: 20, fraction: 1, low: 0.8389, high: 1, probability: 0.8, verdict: 'PASS', pass: true, runsToSettle: null })]);
    expect(lines).toEqual([
      '  INCONCLUSIVE  claim  cohort.dead.fraction >= 0.46 at end: holds in 8/20 runs (40 %, 95 % CI 22 %–61 %), needs 50 %; about 194 runs in all would likely settle it',
      '  PASS          sure   cohort.dead.fraction >= 0.46 at end: holds in 20/20 runs (100 %, 95 % CI 84 %–100 %), needs 80 %',
    ]);
  });

  test('1000 of 1000 shows its interval as 99.6 %–100 %, not 100 %–100 %', () => {
    const [line] = expectationLines([result({ holds: 1000, runs: 1000, fraction: 1, low: 0.9961732415144449, high: 1, probability: 1, runsToSettle: null })]);
    expect(line).toContain('holds in 1000/1000 runs (100 %, 95 % CI 99.6 %–100 %), needs 100 %; no number of runs settles it at this fraction');
  });
});

describe('pct', () => {
  test('whole percentages, with decimals only where rounding would show 0 % or 100 %', () => {
    expect([pct(0.4), pct(0.21880653237281708), pct(0.9961732415144449), pct(0.99996), pct(0.0038267584855551234), pct(1), pct(0), pct(NaN)]).toEqual([
      '40 %', '22 %', '99.6 %', '99.996 %', '0.4 %', '100 %', '0 %', '–',
    ]);
  });
});
