/**
 * `set` events (MODEL.md section 9, "set"): every settable path compiles and
 * runs, and the changes take effect from their month on.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../sim/scenario/load.js';
import { compile } from '../../sim/model/compile.js';
import { compiled, degenerateClass, provider, Rows } from './helpers.js';

describe('set events', () => {
  it('accepts every settable path and runs to finite numbers', () => {
    const yaml = `
start: 2024-01
months: 6
runs: 1
providers:
  - { id: a, price: 1, quality: 1, unitCost: 0.1, cash: 1e9, funding: { below: 6, probability: 1, amount: 1e6 } }
  - { id: b, price: 2, quality: 0.9, unitCost: 0.1, cash: 1e9 }
classes:
  small:
    share: 1
    cash: { median: 1e5, sigma: 0.5 }
    revenue: { median: 1e4, sigma: 0.5 }
    opex: { median: 5e3, sigma: 0.5 }
    tokens: { median: 100, sigma: 0.5 }
    growth: { mean: 0.01, sd: 0.02 }
    switchCost: { median: 1e4, sigma: 0.5 }
    hazard: 0.01
    disruption: { months: 1, loss: 0.2 }
    reconsider: 0.1
    precision: 5
    network: 0.2
    qualityElasticity: 1
    funding: { probability: 0.5, months: 6 }
startups: { initial: 50, entry: { rate: 2 } }
events:
  - at: 2024-02
    set:
      providers.a.price: "price * 1.1"
      providers.a.quality: { initial: 0.95, then: "quality" }
      providers.a.unitCost: 0.2
      providers.a.fixedCost: 100
      providers.a.exitRisk: 0.1
      providers.b.serves: [small]
      providers.a.funding.amount: 2e6
      horizon: 6
      qualityReference: 0.9
      startups.entry.rate: 3
      startups.entry.qualityElasticity: 1
      classes.small.hazard: 0.02
      classes.small.switchCost.median: 5000
      classes.small.growth: { mean: 0, sd: 0.01 }
      classes.small.cash.median: 2e5
  - at: 2024-03
    set:
      providers.a.funding: null
`;
    const c = compile(parseScenario(yaml, 'sets.yaml').scenario);
    const rows = Rows.run(c);
    expect(rows.values.every(Number.isFinite)).toBe(true);
  });

  it('changes a price from its month on', () => {
    const c = compiled({
      months: 4,
      providers: [provider('a', 2, 1)],
      classes: { all: degenerateClass({ tokens: 100 }) },
      startups: { initial: 10 },
      events: [{ at: '2024-03', set: { 'providers.a.price': 5 } }],
    });
    // One provider, no grants: the effective price is the list price.
    expect(Rows.run(c).series('price.paid')).toEqual([2, 2, 5, 5]);
  });

  it('applies a class hazard change to every living startup', () => {
    const c = compiled({
      months: 4,
      providers: [provider('a', 1, 1)],
      classes: { all: degenerateClass() },
      startups: { initial: 100 },
      events: [{ at: '2024-02', set: { 'classes.all.hazard': 1 } }],
    });
    expect(Rows.run(c).series('startups.alive')).toEqual([100, 0, 0, 0]);
  });

  it('re-derives switching costs of living startups (an interoperability mandate)', () => {
    // Reconsidering startups on a face a switch to a better b; the cost of switching decides.
    const world = (mandate: boolean) =>
      compiled({
        months: 3,
        providers: [provider('a', 1, 0.8), provider('b', 1, 1)],
        classes: { all: degenerateClass({ switchCost: 1e9, reconsider: 1, precision: 50, revenue: 1e4 }) },
        startups: { initial: 200, initialProviders: { a: 1, b: 0 } },
        events: mandate ? [{ at: '2024-02', set: { 'classes.all.switchCost.median': 0 } }] : [],
      });
    expect(Rows.run(world(false)).series('switches.voluntary')).toEqual([0, 0, 0]);
    const switches = Rows.run(world(true)).series('switches.voluntary');
    expect(switches[0]).toBe(0);
    expect(switches[1]).toBeGreaterThan(150);
  });
});
