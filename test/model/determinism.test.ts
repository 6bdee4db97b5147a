/**
 * Reproducibility and common random numbers (MODEL.md section 10): a
 * replication is a pure function of (scenario, seed, replication index), and
 * two scenarios run with the same seed share their random numbers wherever
 * their worlds coincide.
 */
import { describe, expect, it } from 'vitest';
import { compile, type CompiledScenario } from '../../sim/model/compile.js';
import { initWorld, runReplication } from '../../sim/model/replication.js';
import { grantsGiven, reserve } from '../../sim/model/startups.js';
import { step } from '../../sim/model/step.js';
import { loadScenario } from '../../sim/scenario/load.js';
import { scenarioSchema, type ScenarioInput } from '../../sim/scenario/schema.js';

/** A world with every kind of randomness switched on: lognormal draws, growth, entry, reconsidering, hazard, rescue, a budgeted campaign. */
function base(extra: Partial<ScenarioInput> = {}): ScenarioInput {
  return {
    name: 'Determinism',
    start: '2024-06',
    months: 18,
    seed: 20240709,
    providers: [
      { id: 'leader', price: 5, quality: 1, unitCost: 2, cash: 1e12 },
      { id: 'rival', price: 'max(cost, min(4, lowestPrice * 1.1))', quality: 0.9, unitCost: 0.5, fixedCost: 2e5, cash: 5e7 },
      { id: 'budget', price: 0.5, quality: { initial: 0.7, then: 'min(0.9, quality * 1.01)' }, unitCost: 0.3, fixedCost: 1e5, cash: 2e6 },
    ],
    classes: {
      small: {
        share: 0.7,
        cash: { median: 150000, sigma: 0.8 },
        revenue: { median: 8000, sigma: 1 },
        opex: { median: 15000, sigma: 0.6 },
        tokens: { median: 50, sigma: 1.2 },
        growth: { mean: 0.02, sd: 0.05 },
        switchCost: { median: 20000, sigma: 0.5 },
        hazard: 0.016,
        disruption: { months: 2, loss: 0.3 },
        reconsider: 0.1,
        precision: 8,
        network: 0.5,
        qualityElasticity: 2,
        funding: { probability: 0.5, months: 12 },
      },
      large: {
        share: 0.3,
        cash: { median: 2e6, sigma: 0.5 },
        revenue: { median: 80000, sigma: 0.7 },
        opex: { median: 90000, sigma: 0.4 },
        tokens: { median: 800, sigma: 1 },
        growth: { mean: 0.01, sd: 0.03 },
        switchCost: { median: 150000, sigma: 0.5 },
        hazard: 0.005,
        disruption: { months: 3, loss: 0.2 },
        reconsider: 0.05,
        precision: 6,
        network: 0.3,
        qualityElasticity: 1.5,
        funding: { probability: 0.7, months: 9 },
      },
    },
    startups: { initial: 600, initialProviders: { leader: 0.6, rival: 0.3, budget: 0.1 }, entry: { rate: 15, qualityElasticity: 1 } },
    events: [
      {
        id: 'rival-migration',
        at: '2024-08',
        campaign: { provider: 'rival', grant: 100, validity: 3, eligible: 'migrants', from: ['leader'], support: 0.5, budget: 20000, until: '2024-12' },
      },
      { id: 'leader-exits', at: '2024-09', exit: 'leader' },
    ],
    ...extra,
  };
}

const compiledOf = (input: ScenarioInput): CompiledScenario => compile(scenarioSchema.parse(input));
const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Rows 0…months−1 of one replication, as name → value maps, for scenarios whose columns differ. */
function rowsByName(c: CompiledScenario, values: Float64Array, months: number): Map<string, number>[] {
  const k = c.metricNames.length;
  return Array.from({ length: months }, (_, t) => new Map(c.metricNames.map((n, m) => [n, values[t * k + m]])));
}

describe('determinism (MODEL.md section 10)', () => {
  const c = compiledOf(base());

  it('the same replication twice gives byte-identical output, also from a fresh compile', () => {
    const a = runReplication(c, 3);
    const b = runReplication(c, 3);
    const fresh = runReplication(compiledOf(base()), 3);
    expect(bytes(a).equals(bytes(b))).toBe(true);
    expect(bytes(a).equals(bytes(fresh))).toBe(true);
    // A world with real activity, not a trivially constant one.
    const k = c.metricNames.length;
    const alive = c.metricNames.indexOf('startups.alive');
    expect(a[alive]).toBeGreaterThan(0);
    expect(a[(c.months - 1) * k + c.metricNames.indexOf('deaths.cumulative')]).toBeGreaterThan(0);
  });

  it('a replication on the reused memory of a bigger, other world gives the same bytes', () => {
    const first = runReplication(c, 2);
    // One provider fewer (another kernel layout) and 40 times the startups: the memory grows, and its old bytes must not leak.
    const other = compiledOf(base({ startups: { initial: 24000, entry: { rate: 200 } }, providers: base().providers.slice(1), events: [] }));
    runReplication(other, 0);
    expect(bytes(runReplication(c, 2)).equals(bytes(first))).toBe(true);
  });

  it('a startup table that grows mid-run, its grant table moved past the new room, gives the same bytes', () => {
    const exit = compile(loadScenario('scenarios/china-2024-openai-exit.yaml').scenario);
    const k = exit.metricNames.length;
    const out = new Float64Array(exit.months * k);
    const world = initWorld(exit, 1);
    const grown = 2; // just after the exit, while hundreds of its migrants hold grants they have not used up
    for (let t = 0; t < exit.months; t++) {
      if (t === grown) {
        expect(grantsGiven(world.startups), 'grants given before the table grows').toBeGreaterThan(100);
        reserve(world.startups, world.startups.capacity);
      }
      step(world, t, out.subarray(t * k, (t + 1) * k));
    }
    expect(bytes(out).equals(bytes(runReplication(exit, 1)))).toBe(true);
  });

  it('driving initWorld + step by hand gives the same rows as runReplication', () => {
    const k = c.metricNames.length;
    const out = new Float64Array(c.months * k);
    const world = initWorld(c, 5);
    for (let t = 0; t < c.months; t++) step(world, t, out.subarray(t * k, (t + 1) * k));
    expect(bytes(out).equals(bytes(runReplication(c, 5)))).toBe(true);
  });

  it('replications run in any order, interleaved, give the same bytes', () => {
    const order = [4, 0, 2, 1, 3];
    const shuffled = new Map(order.map((r) => [r, runReplication(c, r)]));
    for (let r = 0; r < 5; r++) expect(bytes(runReplication(c, r)).equals(bytes(shuffled.get(r)!))).toBe(true);
  });

  it('a different replication index or a different seed gives different numbers', () => {
    const r0 = runReplication(c, 0);
    const r1 = runReplication(c, 1);
    expect(bytes(r0).equals(bytes(r1))).toBe(false);
    const other = runReplication(compiledOf(base({ seed: 'another seed' })), 0);
    expect(bytes(r0).equals(bytes(other))).toBe(false);
    // They differ already in month 0 (initial population and its first month).
    const k = c.metricNames.length;
    const month0 = (v: Float64Array) => bytes(v.subarray(0, k));
    expect(month0(r0).equals(month0(r1))).toBe(false);
    expect(month0(r0).equals(month0(other))).toBe(false);
  });
});

describe('common random numbers (MODEL.md section 10)', () => {
  const months = 18;
  const cutoff = 10; // the variants differ from month 10 (2025-04) on

  const variants: [string, Partial<ScenarioInput>][] = [
    ['an extra exit event at month 10', { events: [...base().events!, { at: '2025-04', exit: 'budget' }] }],
    ['a set event at month 10 (interoperability mandate)', { events: [...base().events!, { at: '2025-04', set: { 'classes.small.switchCost.median': 4000 } }] }],
    [
      'a campaign starting at month 10',
      { events: [...base().events!, { at: '2025-04', campaign: { provider: 'budget', grant: 500, validity: 2, eligible: 'new', budget: 1000 } }] },
    ],
    ['a provider entering at month 10 (extra columns)', { events: [...base().events!, { at: '2025-04', enter: { id: 'newco', price: 1, quality: 0.95, unitCost: 0.2, cash: 1e9 } }] }],
    ['a different number of months', { months: 12 }],
  ];

  for (const [what, change] of variants) {
    it(`${what}: months 0–9 are identical, the later ones are not`, () => {
      const a = compiledOf(base());
      const b = compiledOf(base(change));
      for (const r of [0, 7]) {
        const ra = rowsByName(a, runReplication(a, r), Math.min(a.months, b.months));
        const rb = rowsByName(b, runReplication(b, r), Math.min(a.months, b.months));
        for (let t = 0; t < cutoff; t++) {
          for (const [name, v] of ra[t]) {
            if (!rb[t].has(name)) continue;
            expect(Object.is(rb[t].get(name), v), `${name} at t = ${t} (replication ${r})`).toBe(true);
          }
          // Columns only the variant has (a provider that enters later) are 0 or as declared before it enters.
          for (const [name, v] of rb[t]) {
            if (ra[t].has(name)) continue;
            if (name === 'provider.cash.newco') expect(v).toBe(1e9);
            else expect(v, `${name} at t = ${t}`).toBe(0);
          }
        }
        if (b.months === months) {
          let differs = false;
          for (let t = cutoff; t < months && !differs; t++)
            for (const [name, v] of ra[t]) if (rb[t].has(name) && !Object.is(rb[t].get(name), v)) differs = true;
          expect(differs, 'the change has an effect from month 10').toBe(true);
        }
      }
    });
  }

  it('a paired comparison has less noise than an independent one (CRN pays off)', () => {
    // Difference in startups.alive at the end between the baseline and an interoperability mandate from month 0,
    // paired (same replication index) against unpaired (different indices).
    const a = compiledOf(base({ months: 8 }));
    const b = compiledOf(base({ months: 8, events: [...base().events!, { at: '2024-06', set: { 'classes.small.switchCost.median': 18000 } }] }));
    const col = a.metricNames.indexOf('startups.alive');
    const last = (c: CompiledScenario, r: number) => runReplication(c, r)[(c.months - 1) * c.metricNames.length + col];
    const paired: number[] = [];
    const unpaired: number[] = [];
    for (let r = 0; r < 12; r++) {
      const base0 = last(a, r);
      paired.push(last(b, r) - base0);
      unpaired.push(last(b, r + 100) - base0);
    }
    const variance = (xs: number[]) => {
      const m = xs.reduce((s, x) => s + x, 0) / xs.length;
      return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
    };
    expect(variance(paired)).toBeLessThan(variance(unpaired));
  });
});
