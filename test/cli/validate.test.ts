/** `shakeout validate`'s line for a valid file: what it holds, each count with its noun in the singular or the plural. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { counted, validateScenario } from '../../sim/cli/commands/validate.js';
import { smallClass } from '../ensemble/fixtures.js';
import { tempDir } from '../output/tmp.js';

const root = join(import.meta.dirname, '..', '..');

describe('validateScenario', () => {
  test('one of each: every noun in the singular', () => {
    const file = join(tempDir(), 'one.json');
    const scenario = {
      start: '2024-06',
      months: 12,
      seed: 1,
      providers: [{ id: 'a', price: 5, quality: 1, unitCost: 2, cash: 1e9 }],
      classes: { small: smallClass },
      startups: { initial: 10 },
      events: [{ id: 'a-exits', at: '2024-09', exit: 'a' }],
      expect: [{ name: 'some die', metric: 'cohort.dead.small.on.a.fraction', at: '2025-03', op: '>=', value: 0, probability: 0.5 }],
    };
    writeFileSync(file, JSON.stringify(scenario));
    expect(validateScenario(file)).toBe(`${file}: ok (1 provider, 1 class, 1 event, 1 expectation, 26 metrics)`);
  });

  test('a shipped scenario: plurals, and the one expectation in the singular', () => {
    expect(validateScenario(join(root, 'scenarios', 'minimal.yaml'))).toMatch(/: ok \(3 providers, 1 class, 2 events, 1 expectation, 42 metrics\)$/);
  });
});

test('counted: singular for one, plural otherwise, irregular plurals given', () => {
  expect([0, 1, 2].map((n) => counted(n, 'event'))).toEqual(['0 events', '1 event', '2 events']);
  expect([1, 3].map((n) => counted(n, 'class', 'classes'))).toEqual(['1 class', '3 classes']);
});
