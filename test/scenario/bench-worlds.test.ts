/**
 * The benchmark worlds (scenarios/bench/, used by `npm run bench`) load,
 * validate and have the sizes test/bench/README.md states.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { monthIndex } from '../../sim/calendar.js';
import { loadScenario } from '../../sim/scenario/load.js';

const dir = join(import.meta.dirname, '..', '..', 'scenarios', 'bench');

describe('benchmark worlds', () => {
  test('bench-10k: 10 providers, 10,000 startups + 100 a month, 120 months, an exit at month 6, two campaigns', () => {
    const { scenario } = loadScenario(join(dir, 'bench-10k.yaml'));
    expect(scenario.providers).toHaveLength(10);
    expect(scenario.startups.initial).toBe(10_000);
    expect(scenario.startups.entry.rate).toBe(100);
    expect(scenario.months).toBe(120);
    const exits = scenario.events.filter((e) => e.exit);
    expect(exits.map((e) => monthIndex(scenario.start, e.at!))).toEqual([6]);
    expect(scenario.events.filter((e) => e.campaign)).toHaveLength(2);
  });

  test('bench-1m: the same market with 1,000,000 startups over 60 months', () => {
    const { scenario } = loadScenario(join(dir, 'bench-1m.yaml'));
    expect(scenario.providers).toHaveLength(10);
    expect(scenario.startups.initial).toBe(1_000_000);
    expect(scenario.months).toBe(60);
  });
});
