import { describe, expect, test } from 'vitest';
import type { Verdict } from '../../sim/output/result-types.js';
import { fractionText, settleText, thresholdText, verdictsSentence } from '../../sim/output/verdict-text.js';

const of = (...verdicts: Verdict[]) => verdicts.map((verdict) => ({ verdict }));

describe('verdictsSentence', () => {
  test.each([
    [of('PASS'), 'The expectation passed.'],
    [of('FAIL'), 'The expectation failed.'],
    [of('INCONCLUSIVE'), 'The expectation is inconclusive.'],
    [of('PASS', 'PASS'), 'All 2 expectations passed.'],
    [of('FAIL', 'PASS'), 'Of 2 expectations, 1 failed and 1 passed.'],
    [of('INCONCLUSIVE', 'INCONCLUSIVE'), 'All 2 expectations are inconclusive.'],
    [of('FAIL', 'FAIL', 'FAIL'), 'All 3 expectations failed.'],
    [of('INCONCLUSIVE', 'PASS'), 'Of 2 expectations, 1 is inconclusive and 1 passed.'],
    [of('PASS', 'INCONCLUSIVE', 'FAIL', 'PASS'), 'Of 4 expectations, 1 failed, 1 is inconclusive and 2 passed.'],
  ])('%j', (verdicts, sentence) => {
    expect(verdictsSentence(verdicts)).toBe(sentence);
  });
});

describe('settleText', () => {
  test('a count for an INCONCLUSIVE verdict, nothing for a settled one', () => {
    expect(settleText({ verdict: 'INCONCLUSIVE', runsToSettle: 194 })).toBe('about 194 runs in all would likely settle it');
    expect(settleText({ verdict: 'INCONCLUSIVE', runsToSettle: null })).toBe('no number of runs settles it at this fraction');
    expect(settleText({ verdict: 'PASS', runsToSettle: null })).toBe('');
    expect(settleText({ verdict: 'FAIL', runsToSettle: null })).toBe('');
  });
});

describe('fractionText', () => {
  test('three significant digits, more where they would show 0 or 1 for what is not', () => {
    expect(fractionText(0.30064184258240184)).toBe('0.301');
    expect(fractionText(0.9961732415144449)).toBe('0.996');
    expect(fractionText(0.99999616)).toBe('0.999996');
    expect(fractionText(0.0000038)).toBe('0.0000038');
    expect(fractionText(0.9996)).toBe('0.9996');
    expect(fractionText(1)).toBe('1');
    expect(fractionText(0)).toBe('0');
    expect(fractionText(NaN)).toBe('–');
  });
});

describe('thresholdText', () => {
  test.each([
    [{ value: 0.3 }, '0.3'],
    [{ baseline: 'no-exit.yaml', ratio: 2 }, '2 × the same in no-exit.yaml'],
    [{ baseline: 'no-exit.yaml', difference: 0.05 }, 'the same in no-exit.yaml + 0.05'],
    [{ baseline: '../b.yaml', difference: -0.1 }, 'the same in ../b.yaml - 0.1'],
  ])('%j: %s', (e, text) => {
    expect(thresholdText(e)).toBe(text);
  });
});
