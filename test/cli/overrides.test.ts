/** The flags' parsers: a bound is quoted only when the flag has one of its own. */
import { InvalidArgumentError } from 'commander';
import { describe, expect, test } from 'vitest';
import { positiveInteger } from '../../sim/cli/overrides.js';

const refusal = (parse: (text: string) => number, text: string) => {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidArgumentError);
    return (e as Error).message;
  }
  throw new Error(`${text} was accepted`);
};

describe('positiveInteger', () => {
  test('no maximum of its own: "a whole number ≥ 1", not the largest exact integer', () => {
    for (const text of ['0', '-3', '1.5', 'many', '9007199254740992'])
      expect(refusal(positiveInteger('--runs'), text)).toBe(`--runs must be a whole number ≥ 1, got "${text}"`);
    expect(positiveInteger('--runs')('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
  });

  test('a maximum of its own is quoted', () => {
    expect(refusal(positiveInteger('--months', 1200), '1201')).toBe('--months must be a whole number from 1 to 1200, got "1201"');
    expect(positiveInteger('--months', 1200)('1200')).toBe(1200);
  });
});
