/**
 * The opt-in extensions of MODEL.md section 12, each against numbers worked
 * out by hand from its definition: relative quality, switching cost by
 * destination, compute vouchers and the funding climate. Worlds are
 * degenerate (sigmas 0, growth sd 0) so that only the draw a formula is
 * about is left; counts are checked within 4 standard errors, with fixed seeds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initWorld } from '../../sim/model/replication.js';
import { readStartup } from '../../sim/model/startups.js';
import { step } from '../../sim/model/step.js';
import type { World } from '../../sim/model/world.js';
import { compiled, degenerateClass, expectWithin4SE, provider, Rows, rowReader, softmax } from './helpers.js';
import { expressionTrees } from '../../sim/model/expression-trees.js';

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

describe('relative quality (MODEL.md section 12, qualityReference: {value, frontierWeight})', () => {
  /*
   * top (q = 1), mid (q = 0.8), low (q = 0.5); one startup on mid, reconsider 0, so it stays there.
   * r = 10 000, d = 1 000, p = 1, opex 0, η = 2. `top` exits in month 1.
   *   q_ref(t) = value^(1−w) · frontier(t)^w with value 1: frontier 1 in month 0, 0.8 from month 1.
   *   Month 0: factor (0.8 / 1)^2 = 0.64 whatever w.
   *   Month 1: w = 0: 0.64; w = 0.5: q_ref = √0.8, factor 0.8² / 0.8 = 0.8; w = 1: q_ref = 0.8, factor 1.
   * Cash: 1e6 + 10 000 · factor − 1 000 each month.
   */
  const world = (qualityReference: number | { value?: number; frontierWeight?: number }, events: object[] = []) =>
    compiled({
      months: 2,
      qualityReference,
      providers: [provider('top', 1, 1), provider('mid', 1, 0.8), provider('low', 1, 0.5)],
      classes: { only: degenerateClass({ cash: 1e6, revenue: 10000, tokens: 1000, qualityElasticity: 2 }) },
      startups: { initial: 1, initialProviders: { mid: 1 } },
      events: [{ at: '2024-02', exit: 'top' }, ...events] as never,
    });
  const cashByMonth = (c: ReturnType<typeof world>) => {
    const w = initWorld(c, 0);
    const row = new Float64Array(c.metricNames.length);
    return [0, 1].map((t) => {
      step(w, t, row);
      return readStartup(w.startups, 0).cash;
    });
  };

  it('the reference follows the frontier by w: when the frontier provider exits it drops to the next best quality', () => {
    for (const [q, month1] of [
      [1, 0.64],
      [{ value: 1, frontierWeight: 0 }, 0.64],
      [{ value: 1, frontierWeight: 0.5 }, 0.8],
      [{ value: 1, frontierWeight: 1 }, 1],
    ] as const) {
      const [c0, c1] = cashByMonth(world(q));
      expect(c0, JSON.stringify(q)).toBeCloseTo(1e6 + 10000 * 0.64 - 1000, 6);
      expect(c1 - c0, JSON.stringify(q)).toBeCloseTo(10000 * month1 - 1000, 6);
    }
  });

  it('value scales the fixed part: value 2, w = 0.5 gives q_ref = √2 · √frontier', () => {
    // Month 0: q_ref = √2 · 1, factor 0.64 / 2 = 0.32; month 1: q_ref = √(2 · 0.8) = √1.6, factor 0.64 / 1.6 = 0.4.
    const [c0, c1] = cashByMonth(world({ value: 2, frontierWeight: 0.5 }));
    expect(c0).toBeCloseTo(1e6 + 3200 - 1000, 6);
    expect(c1 - c0).toBeCloseTo(4000 - 1000, 6);
  });

  it('the frontier is per class, over the providers that serve it; the choice reads the same factors', () => {
    const c = compiled({
      months: 1,
      qualityReference: { value: 1, frontierWeight: 1 },
      providers: [provider('top', 1, 1, { serves: ['big'] }), provider('mid', 1, 0.8), provider('low', 1, 0.5)],
      classes: {
        big: degenerateClass({ share: 0.5, qualityElasticity: 2 }),
        small: degenerateClass({ share: 0.5, qualityElasticity: 1 }),
      },
      startups: { initial: 10 },
    });
    const w = initWorld(c, 0);
    step(w, 0, new Float64Array(c.metricNames.length));
    const P = 3;
    // big: frontier 1; small: frontier 0.8 (top does not serve it).
    expect(Array.from(w.qualityFactor.subarray(0, P))).toEqual([1, 0.8 ** 2, 0.5 ** 2]);
    expect(Array.from(w.qualityFactor.subarray(P, 2 * P))).toEqual([1 / 0.8, 1, 0.5 / 0.8]);
  });

  it('set events change the weight or the whole reference from their month on', () => {
    const weight = cashByMonth(world(1, [{ at: '2024-02', set: { 'qualityReference.frontierWeight': 1 } }]));
    expect(weight[1] - weight[0]).toBeCloseTo(10000 - 1000, 6);
    const whole = cashByMonth(world({ value: 1, frontierWeight: 1 }, [{ at: '2024-02', set: { qualityReference: 1 } }]));
    // A plain number is frontierWeight 0: back to the fixed reference.
    expect(whole[1] - whole[0]).toBeCloseTo(6400 - 1000, 6);
  });
});

describe('compute vouchers (MODEL.md section 12, event voucher: {classes, share, until})', () => {
  /*
   * Classes small and large (share 1/2 each), one provider `a` at price 2, no costs; every startup
   * uses d = 1 000 (small) or 3 000 (large) million tokens, r = 10 000, opex 0, growth 0.
   * A voucher for small, share 0.3, runs in months 0 and 1 (at 2024-01, until 2024-02).
   *   small, months 0–1: pays 0.7 · 2 · 1 000 = 1 400; months 2–3: 2 000.  large: 6 000 always.
   *   vouchers.cost(t) = 0.3 · 2 000 · (small startups) in months 0–1, 0 after; the provider books every bill in full.
   */
  const c = compiled({
    months: 4,
    providers: [provider('a', 2, 1)],
    classes: {
      small: degenerateClass({ share: 0.5, cash: 1e6, revenue: 10000, tokens: 1000 }),
      large: degenerateClass({ share: 0.5, cash: 1e6, revenue: 10000, tokens: 3000 }),
    },
    startups: { initial: 40 },
    events: [{ at: '2024-01', id: 'vouchers', voucher: { classes: ['small'], share: 0.3, until: '2024-02' } }],
  });

  it('a startup of a listed class pays exactly 70 % of its bill while the voucher runs, all of it after', () => {
    const w = initWorld(c, 0);
    const row = new Float64Array(c.metricNames.length);
    const small = Array.from({ length: 40 }, (_, i) => i).filter((i) => readStartup(w.startups, i).cls === 0);
    expect(small.length).toBeGreaterThan(5);
    expect(small.length).toBeLessThan(35);
    const cash = () => Array.from({ length: 40 }, (_, i) => readStartup(w.startups, i).cash);
    let before = cash();
    for (let t = 0; t < 4; t++) {
      step(w, t, row);
      const now = cash();
      for (let i = 0; i < 40; i++) {
        const bill = small.includes(i) ? 2000 : 6000;
        const pays = small.includes(i) && t <= 1 ? bill * (1 - 0.3) : bill;
        expect(now[i] - before[i], `startup ${i} at t = ${t}`).toBeCloseTo(10000 - pays, 6);
      }
      before = now;
    }
  });

  it('vouchers.cost is 30 % of the listed class\'s bills, the cumulative its running sum, and the provider is paid in full', () => {
    const rows = Rows.run(c, 0);
    const w = initWorld(c, 0);
    const nSmall = Array.from({ length: 40 }, (_, i) => readStartup(w.startups, i).cls).filter((s) => s === 0).length;
    let running = 0;
    for (let t = 0; t < 4; t++) {
      const expected = t <= 1 ? 0.3 * 2000 * nSmall : 0;
      expect(rows.at('vouchers.cost', t), `t = ${t}`).toBeCloseTo(expected, 6);
      running += rows.at('vouchers.cost', t);
      expect(rows.at('vouchers.cost.cumulative', t)).toBe(running);
      // Revenue (= profit: no costs) is the whole bill of every startup.
      expect(rows.at('provider.profit.a', t)).toBeCloseTo(2000 * nSmall + 6000 * (40 - nSmall), 6);
    }
    expect(rows.has('vouchers.cost')).toBe(true);
    expect(Rows.run(compiled({ months: 1, providers: [provider('a', 2, 1)], classes: { only: degenerateClass() }, startups: { initial: 1 } }), 0).has('vouchers.cost')).toBe(false);
  });

  it('the choice\'s bill term uses the price the startup pays', () => {
    /*
     * a: price 2, b: price 1, both quality 1, no costs; r = 10 000, d = 1 000, λ = 20, η = 1,
     * no switching cost, reconsider 1, everyone on a at t = 0.
     *   without a voucher: V_a = 1 − 0.2 = 0.8,  V_b = 1 − 0.1 = 0.9
     *   with share 0.5:    V_a = 1 − 0.1 = 0.9,  V_b = 1 − 0.05 = 0.95
     */
    const N = 20_000;
    for (const share of [0, 0.5]) {
      const rows = Rows.run(
        compiled({
          months: 1,
          providers: [provider('a', 2, 1), provider('b', 1, 1)],
          classes: { only: degenerateClass({ revenue: 10000, tokens: 1000, precision: 20, reconsider: 1 }) },
          startups: { initial: N, initialProviders: { a: 1 } },
          events: [{ at: '2024-01', voucher: { classes: ['only'], share } }],
        }),
        0,
      );
      const expected = softmax(20, share === 0 ? [0.8, 0.9] : [0.9, 0.95])[1];
      expectWithin4SE(rows.at('share.customers.b', 0), expected, se(expected, N), `share of b with voucher share ${share}`);
    }
  });

  it('property: any share in [0, 1] keeps cash finite and vouchers.cost ≥ 0, the cumulative its running sum', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (share, other) => {
        const sc = compiled({
          months: 6,
          providers: [provider('a', 2, 1, { unitCost: 1 }), provider('b', 1, 0.8)],
          classes: {
            small: { ...degenerateClass({ share: 0.6, cash: 5000, revenue: 3000, opex: 2000, tokens: 1500, reconsider: 0.3, funding: { probability: 0.5, months: 3 } }), tokens: { median: 1500, sigma: 1 } },
            large: degenerateClass({ share: 0.4, tokens: 5000 }),
          },
          startups: { initial: 60 },
          events: [
            { at: '2024-02', voucher: { classes: ['small'], share, until: '2024-05' } },
            { at: '2024-03', voucher: { classes: ['small', 'large'], share: other } },
          ],
        });
        const w = initWorld(sc, 0);
        const row = new Float64Array(sc.metricNames.length);
        let running = 0;
        for (let t = 0; t < 6; t++) {
          step(w, t, row);
          const cost = row[sc.metricNames.indexOf('vouchers.cost')];
          expect(cost).toBeGreaterThanOrEqual(0);
          expect(Number.isFinite(cost)).toBe(true);
          running += cost;
          expect(row[sc.metricNames.indexOf('vouchers.cost.cumulative')]).toBe(running);
          for (let i = 0; i < w.startups.count; i++) expect(Number.isFinite(readStartup(w.startups, i).cash)).toBe(true);
        }
      }),
      { numRuns: 20 },
    );
  });
});

describe('funding climate (MODEL.md section 12, funding.probability as an expression)', () => {
  const climateWorld = (probability: string, extra: { hazard?: number; entry?: number; months?: number } = {}) =>
    compiled({
      months: extra.months ?? 6,
      providers: [provider('a', 1, 1), provider('b', 2, 0.9)],
      classes: {
        only: {
          ...degenerateClass({ cash: 0, revenue: 0, opex: 100, tokens: 0, hazard: extra.hazard ?? 0, reconsider: 0.2, funding: { probability: 0, months: 0.5 } }),
          funding: { probability, months: 0.5 },
        },
      },
      startups: { initial: 4000, entry: { rate: extra.entry ?? 0, qualityElasticity: 0 } },
    });

  it('an expression of t gives the expected probability each month, clamped to [0, 1]', () => {
    // 1.5 − 0.5·t: 1.5 → 1, 1, 0.5, 0, −0.5 → 0. Every startup is below 0 every month (no revenue, opex 100,
    // a rescue of half a month's opex), so the month's runway deaths are Binomial(alive, 1 − p).
    const c = climateWorld('1.5 - 0.5 * t', { months: 5 });
    const w = initWorld(c, 0);
    const row = new Float64Array(c.metricNames.length);
    const read = rowReader(c, row);
    const expected = [1, 1, 0.5, 0, 0];
    let alive = 4000;
    for (let t = 0; t < 5; t++) {
      step(w, t, row);
      expect(w.climate.fundingProbability[0], `t = ${t}`).toBe(expected[t]);
      const p = expected[t];
      expectWithin4SE(read('deaths.runway'), alive * (1 - p), Math.sqrt(alive * p * (1 - p)), `runway deaths at t = ${t}`);
      alive = read('startups.alive');
    }
    expect(alive).toBe(0);
  });

  it('deathRate, cohortDead and hhi are last month\'s deaths over alive at its start, cohort.dead.<class>.fraction and hhi.tokens; all 0 at t = 0', () => {
    for (const [expression, expected] of [
      ['deathRate', (rows: Record<string, number>[], t: number) => rows[t - 1].deaths / (t === 1 ? 4000 : rows[t - 2]['startups.alive'])],
      ['cohortDead', (rows: Record<string, number>[], t: number) => rows[t - 1]['cohort.dead.only.fraction']],
      ['hhi / 10000', (rows: Record<string, number>[], t: number) => rows[t - 1]['hhi.tokens'] / 10000],
    ] as const) {
      // Healthy startups on two providers: deaths are the hazard's; entrants count in last month's deaths, not in its alive at start.
      const c = compiled({
        months: 6,
        providers: [provider('a', 1, 1), provider('b', 2, 0.9)],
        classes: { only: { ...degenerateClass({ hazard: 0.1, reconsider: 0.2, tokens: 100 }), funding: { probability: expression, months: 1 } } },
        startups: { initial: 4000, entry: { rate: 200, qualityElasticity: 0 } },
      });
      const w = initWorld(c, 0);
      const row = new Float64Array(c.metricNames.length);
      const rows: Record<string, number>[] = [];
      for (let t = 0; t < 6; t++) {
        step(w, t, row);
        const value = t === 0 ? 0 : expected(rows, t);
        expect(w.climate.fundingProbability[0], `${expression} at t = ${t}`).toBeCloseTo(Math.min(1, Math.max(0, value)), 12);
        rows.push(Object.fromEntries(c.metricNames.map((n, m) => [n, row[m]])));
      }
      // The series is not trivially 0 after month 0.
      expect(rows.slice(0, 5).some((r) => (expression === 'deathRate' ? r.deaths : expression === 'cohortDead' ? r['cohort.dead.only.fraction'] : r['hhi.tokens']) > 0)).toBe(true);
    }
  });

  it('a set event may install an expression, and its tree travels with the compiled scenario to worker threads', () => {
    const c = compiled({
      months: 3,
      providers: [provider('a', 1, 1)],
      classes: { only: degenerateClass({ funding: { probability: 0.6, months: 1 } }) },
      startups: { initial: 10 },
      events: [{ at: '2024-02', set: { 'classes.only.funding.probability': '0.2 + 0.1 * t' } }],
    });
    expect(Object.keys(expressionTrees(c))).toContain('0.2 + 0.1 * t');
    const w = initWorld(c, 0);
    const row = new Float64Array(c.metricNames.length);
    const seen: number[] = [];
    for (let t = 0; t < 3; t++) {
      step(w, t, row);
      seen.push(w.climate.fundingProbability[0]);
    }
    expect(seen[0]).toBe(0.6);
    expect(seen[1]).toBeCloseTo(0.3, 12);
    expect(seen[2]).toBeCloseTo(0.4, 12);
    expect(Object.keys(expressionTrees(climateWorld('0.6 * exp(-20 * deathRate)')))).toContain('0.6 * exp(-20 * deathRate)');
  });
});
