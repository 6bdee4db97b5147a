// The generated world of the whole-process benchmark (test/bench/unshipped-world.mjs):
// valid, reproducible from its seed, and of the shape test/bench/README.md states.
import { describe, expect, it } from 'vitest';
import { monthIndex } from '../../sim/calendar.js';
import { parseScenario } from '../../sim/scenario/load.js';
// @ts-expect-error a plain script of the benchmarks, without types
import { unshippedWorld } from './unshipped-world.mjs';

const parse = (seed: number) => parseScenario(unshippedWorld(seed), `unshipped-${seed}.yaml`).scenario;

describe('unshippedWorld', () => {
  it('writes the same file for the same seed and another for another seed', () => {
    expect(unshippedWorld(7)).toBe(unshippedWorld(7));
    expect(unshippedWorld(8)).not.toBe(unshippedWorld(7));
  });

  it.each([7, 8, 1234])('seed %i: a valid scenario of 14 providers, three classes, 11,000 startups and an exit between months 10 and 21', (seed) => {
    const s = parse(seed);
    expect(s.providers).toHaveLength(14);
    expect(Object.keys(s.classes)).toEqual(['solo', 'growth', 'enterprise']);
    const shares = Object.values(s.classes).map((c) => c.share);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(new Set(shares).size).toBe(3);
    expect(s.startups.initial).toBe(11_000);
    expect(s.months).toBe(108);
    const exits = s.events.filter((e) => e.exit).map((e) => monthIndex(s.start, e.at!));
    expect(exits).toHaveLength(1);
    expect(exits[0]).toBeGreaterThanOrEqual(10);
    expect(exits[0]).toBeLessThanOrEqual(21);
    expect(s.events.filter((e) => e.campaign)).toHaveLength(1);
  });
});
