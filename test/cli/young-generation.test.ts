import { describe, expect, test } from 'vitest';
import { asksOneReplication } from '../../sim/cli/young-generation.js';

describe('asksOneReplication', () => {
  test('run with --runs 1, in either spelling, wherever the option stands', () => {
    expect(asksOneReplication(['run', 'x.yaml', '--runs', '1'])).toBe(true);
    expect(asksOneReplication(['run', '--runs=1', 'x.yaml', '--no-charts'])).toBe(true);
    expect(asksOneReplication(['--debug', 'run', '--runs', '1', 'x.yaml'])).toBe(true);
  });

  test('the last --runs counts, as commander reads it', () => {
    expect(asksOneReplication(['run', 'x.yaml', '--runs', '1', '--runs', '20'])).toBe(false);
    expect(asksOneReplication(['run', 'x.yaml', '--runs=20', '--runs', '1'])).toBe(true);
    expect(asksOneReplication(['run', 'x.yaml', '--runs', '20', '--runs=1'])).toBe(true);
  });

  test('no --runs, another count, or another command', () => {
    expect(asksOneReplication(['run', 'x.yaml'])).toBe(false);
    expect(asksOneReplication(['run', 'x.yaml', '--runs', '10'])).toBe(false);
    expect(asksOneReplication(['run', 'x.yaml', '--runs', '01'])).toBe(false);
    expect(asksOneReplication(['check', 'x.yaml', '--runs', '1'])).toBe(false);
    expect(asksOneReplication(['compare', 'a.yaml', 'b.yaml', '--runs=1'])).toBe(false);
  });
});
