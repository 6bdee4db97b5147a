/**
 * The opt-in extensions of MODEL.md section 12, each against numbers worked
 * out by hand from its definition: relative quality, switching cost by
 * destination, compute vouchers and the funding climate. Worlds are
 * degenerate (sigmas 0, growth sd 0) so that only the draw a formula is
 * about is left; counts are checked within 4 standard errors, with fixed seeds.
 */
import { describe, expect, it } from 'vitest';
import { initWorld } from '../../sim/model/replication.js';
import { readStartup } from '../../sim/model/startups.js';
import { step } from '../../sim/model/step.js';
import type { World } from '../../sim/model/world.js';
import { compiled, degenerateClass, expectWithin4SE, provider, Rows, softmax } from './helpers.js';

const se = (p: number, n: number) => Math.sqrt((p * (1 - p)) / n);

/** Steps `world` through months 0 … last and returns it. */
function stepThrough(world: World, last: number): World {
  const row = new Float64Array(world.compiled.metricNames.length);
  for (let t = 0; t <= last; t++) step(world, t, row);
  return world;
}

describe('switching cost by destination (MODEL.md section 12, switchCostFactor)', () => {
  /*
   * a and b: price 1, quality 1, no costs (x = 0). Startups: r = 10 000, d = 1 000, S = 20 000,
   * λ = 10, η = 1, γ = 0, reconsider 1, all on a at t = 0. In month 0, for one on a:
   *   V_a = 1 − 0.1 = 0.9,  V_b = 0.9 − f_b·S/H/r = 0.9 − f_b/6   (H = 12)
   * so P(b) = 1 / (1 + e^(10·f_b/6)).
   */
  const N = 20_000;
  const world = (factor?: number) =>
    compiled({
      months: 1,
      providers: [provider('a', 1, 1), provider('b', 1, 1, factor === undefined ? {} : { switchCostFactor: factor })],
      classes: { only: degenerateClass({ revenue: 10000, tokens: 1000, switchCost: 20000, precision: 10, reconsider: 1 }) },
      startups: { initial: N, initialProviders: { a: 1 } },
    });

  it('factor 2 shifts the logit share of b from 1/(1 + e^(5/3)) to 1/(1 + e^(10/3))', () => {
    for (const [factor, expected] of [
      [undefined, 1 / (1 + Math.exp(10 / 6))],
      [2, 1 / (1 + Math.exp(20 / 6))],
    ] as const) {
      expect(expected).toBeCloseTo(softmax(10, [0.9, 0.9 - (factor ?? 1) / 6])[1], 12);
      const rows = Rows.run(world(factor), 0);
      expectWithin4SE(rows.at('share.customers.b', 0), expected, se(expected, N), `share of b with factor ${factor ?? 'absent'}`);
    }
  });

  it('the startup pays S · factor · (1 − support): twice S with factor 2, S with factor 2 and support 0.5', () => {
    // One startup on a; a exits in month 1, so it must move to b (the only option).
    // Month 0: 1e6 + 10 000 − 1 000 = 1 009 000. Month 1: − cost of the switch + 9 000.
    const forced = (factor: number | undefined, support?: number) =>
      compiled({
        months: 2,
        providers: [provider('a', 1, 1), provider('b', 1, 1, factor === undefined ? {} : { switchCostFactor: factor })],
        classes: { only: degenerateClass({ cash: 1e6, revenue: 10000, tokens: 1000, switchCost: 20000 }) },
        startups: { initial: 1, initialProviders: { a: 1 } },
        events: [
          { at: '2024-02', exit: 'a' },
          ...(support === undefined
            ? []
            : [{ at: '2024-01', campaign: { provider: 'b', grant: 0, validity: 0, eligible: 'migrants' as const, from: ['a'], support } }]),
        ],
      });
    const cashAfter = (factor: number | undefined, support?: number) => {
      const w = stepThrough(initWorld(forced(factor, support), 0), 1);
      const s = readStartup(w.startups, 0);
      expect(s.provider).toBe(1);
      return s.cash;
    };
    expect(cashAfter(undefined)).toBe(1_009_000 - 20_000 + 9_000);
    expect(cashAfter(1)).toBe(1_009_000 - 20_000 + 9_000);
    expect(cashAfter(2)).toBe(1_009_000 - 40_000 + 9_000);
    expect(cashAfter(2, 0.5)).toBe(1_009_000 - 20_000 + 9_000);
  });

  it('a set event changes the factor from its month on', () => {
    const c = compiled({
      months: 2,
      providers: [provider('a', 1, 1), provider('b', 1, 1)],
      classes: { only: degenerateClass({ cash: 1e6, revenue: 10000, tokens: 1000, switchCost: 20000 }) },
      startups: { initial: 1, initialProviders: { a: 1 } },
      events: [
        { at: '2024-02', set: { 'providers.b.switchCostFactor': 3 } },
        { at: '2024-02', exit: 'a' },
      ],
    });
    const w = stepThrough(initWorld(c, 0), 1);
    expect(readStartup(w.startups, 0).cash).toBe(1_009_000 - 60_000 + 9_000);
  });
});
