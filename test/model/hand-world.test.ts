/**
 * A world small enough to compute by hand: three startups, three providers,
 * four months, every number checked against arithmetic written out from
 * MODEL.md (section 3's steps, section 5's campaigns, section 8's metrics,
 * section 9's precise rules).
 *
 * Making it deterministic:
 * - every sigma is 0 and every growth sd is 0, so a startup's attributes are
 *   its class medians;
 * - reconsider is 0, hazard 0, funding probability 0 or 1, so no draw decides
 *   anything there (a uniform in [0, 1) is never < 0 and always < 1);
 * - `initialProviders: {old: 1}` puts everyone on `old` at t = 0;
 * - `serves` leaves each class exactly one provider once `old` exits, so the
 *   forced choice has a single option whatever the logit draw;
 * - the campaign has no budget, so the order of choosers does not matter.
 * The one draw left is each startup's class. The three classes have share
 * 1/3 each and the test picks the first seed under which the three startups
 * fall one in each class (and checks that it did).
 *
 * The story:
 *   t = 0  all three on `old`. `rescued` burns cash, goes below 0 and is
 *          rescued (funding probability 1). `mid` and `cheap` have no
 *          customers and book only their fixed costs.
 *   t = 1  `old` exits (event). Everyone must choose (forced). `steady` and
 *          `rescued` go to `mid`, which runs a migrants campaign (grant 1100,
 *          validity 2, support 0.5); `doomed` goes to `cheap` (no campaign),
 *          pays its full switching cost, ends the month below 0 with funding
 *          probability 0 and dies (runway). `cheap` sells below unit cost
 *          and ends the month with negative cash.
 *   t = 2  `cheap` exits (bankrupt). `rescued` uses more of its grant (the
 *          last month it is valid); `steady` is still disrupted (disruption
 *          months 2).
 *   t = 3  The grant has expired with 100 million tokens unused, so
 *          `rescued` pays for everything, goes below 0 again and is rescued
 *          again; `steady`'s disruption is over.
 */
import { describe, expect, it } from 'vitest';
import type { CompiledScenario } from '../../sim/model/compile.js';
import { initWorld } from '../../sim/model/replication.js';
import { step } from '../../sim/model/step.js';
import { readStartup } from '../../sim/model/startups.js';
import type { World } from '../../sim/model/world.js';
import { compiled, rowReader } from './helpers.js';

const e1 = Math.exp(0.1);
const e2 = Math.exp(0.2);
const e3 = Math.exp(0.3);

function worldFor(seed: number): CompiledScenario {
  const ln = (median: number) => ({ median, sigma: 0 });
  const common = { share: 1 / 3, hazard: 0, reconsider: 0, precision: 5, network: 0 };
  return compiled({
    seed,
    start: '2024-06',
    months: 4,
    horizon: 12,
    qualityReference: 1,
    providers: [
      { id: 'old', price: 2, quality: 1, unitCost: 0.5, fixedCost: 1000, cash: 1e6 },
      { id: 'mid', price: 3, quality: 0.8, unitCost: 1, fixedCost: 2000, cash: 5e5, serves: ['steady', 'rescued'] },
      { id: 'cheap', price: 1, quality: 0.5, unitCost: 1.5, fixedCost: 500, cash: 1000, serves: ['doomed'] },
    ],
    classes: {
      steady: {
        ...common,
        cash: ln(100000),
        revenue: ln(20000),
        opex: ln(5000),
        tokens: ln(1000),
        growth: { mean: 0.1, sd: 0 },
        switchCost: ln(8000),
        disruption: { months: 2, loss: 0.25 },
        qualityElasticity: 1,
        funding: { probability: 1, months: 6 },
      },
      rescued: {
        ...common,
        cash: ln(1000),
        revenue: ln(3000),
        opex: ln(6000),
        tokens: ln(500),
        growth: { mean: 0, sd: 0 },
        switchCost: ln(4000),
        disruption: { months: 1, loss: 0.5 },
        qualityElasticity: 2,
        funding: { probability: 1, months: 3 },
      },
      doomed: {
        ...common,
        cash: ln(10000),
        revenue: ln(2000),
        opex: ln(1000),
        tokens: ln(2000),
        growth: { mean: 0, sd: 0 },
        switchCost: ln(50000),
        disruption: { months: 1, loss: 0.5 },
        qualityElasticity: 1,
        funding: { probability: 0, months: 0 },
      },
    },
    startups: { initial: 3, initialProviders: { old: 1 } },
    events: [
      { at: '2024-07', exit: 'old' },
      {
        at: '2024-07',
        campaign: { provider: 'mid', grant: 1100, validity: 2, eligible: 'migrants', from: ['old'], support: 0.5 },
      },
    ],
  });
}

/** The first seed whose three startups are one of each class. */
function pickSeed(): { c: CompiledScenario; seed: number } {
  for (let seed = 1; seed <= 1000; seed++) {
    const c = worldFor(seed);
    const w = initWorld(c, 0);
    const classes = new Set([0, 1, 2].map((i) => readStartup(w.startups, i).cls));
    if (classes.size === 3) return { c, seed };
  }
  throw new Error('no seed gives one startup per class');
}

const close = (actual: number, expected: number, what: string) => {
  const tol = 1e-9 * Math.max(1, Math.abs(expected));
  if (!(Math.abs(actual - expected) <= tol)) throw new Error(`${what}: got ${actual}, expected ${expected}`);
};

describe('hand-built world: three startups, three providers, four months', () => {
  const { c } = pickSeed();
  const world: World = initWorld(c, 0);
  const st = world.startups;
  const K = c.metricNames.length;
  // Role → startup index, from the realised classes (class codes follow the order of `classes`).
  const role = { steady: -1, rescued: -1, doomed: -1 };
  for (let i = 0; i < 3; i++) role[(['steady', 'rescued', 'doomed'] as const)[readStartup(st, i).cls]] = i;
  const OLD = 0;
  const MID = 1;
  const CHEAP = 2;

  const startup = (name: keyof typeof role) => {
    const { cash, revenue, opex, tokens, free, alive, provider } = readStartup(st, role[name]);
    return { cash, revenue, opex, tokens, free, alive, provider };
  };
  const expectStartup = (
    name: keyof typeof role,
    e: { cash: number; revenue: number; opex: number; tokens: number; free: number; alive: number; provider: number },
    when: string,
  ) => {
    const s = startup(name);
    close(s.cash, e.cash, `${name}.cash ${when}`);
    close(s.revenue, e.revenue, `${name}.revenue ${when}`);
    close(s.opex, e.opex, `${name}.opex ${when}`);
    close(s.tokens, e.tokens, `${name}.tokens ${when}`);
    close(s.free, e.free, `${name}.free ${when}`);
    expect(s.alive, `${name}.alive ${when}`).toBe(e.alive);
    expect(s.provider, `${name}.provider ${when}`).toBe(e.provider);
  };

  it('the initial population: one startup per class, all on old, attributes at the medians', () => {
    expect(Object.values(role).sort()).toEqual([0, 1, 2]);
    expectStartup('steady', { cash: 100000, revenue: 20000, opex: 5000, tokens: 1000, free: 0, alive: 1, provider: OLD }, 'at t = 0');
    expectStartup('rescued', { cash: 1000, revenue: 3000, opex: 6000, tokens: 500, free: 0, alive: 1, provider: OLD }, 'at t = 0');
    expectStartup('doomed', { cash: 10000, revenue: 2000, opex: 1000, tokens: 2000, free: 0, alive: 1, provider: OLD }, 'at t = 0');
  });

  it('month 0: usage, a rescue, growth, providers’ accounts and metrics', () => {
    const row = new Float64Array(K);
    step(world, 0, row);
    const m = rowReader(c, row);

    // Step 5, steady on old (p = 2, q = 1, η = 1): w = 100 000 + 20 000·1¹ − 1 000·2 − 5 000 = 113 000.
    const steadyCash0 = 100000 + 20000 * 1 - 1000 * 2 - 5000;
    // rescued (η = 2): w = 1 000 + 3 000·1² − 500·2 − 6 000 = −3 000 < 0;
    // step 6: rescued with probability 1: w += funding.months · o = 3 · 6 000 → 15 000.
    const rescuedCash0 = 1000 + 3000 - 500 * 2 - 6000 + 3 * 6000;
    // doomed: w = 10 000 + 2 000 − 2 000·2 − 1 000 = 7 000.
    const doomedCash0 = 10000 + 2000 - 2000 * 2 - 1000;
    // Step 7: steady grows by e^0.1 (revenue, tokens and opex); the others by e^0 = 1.
    expectStartup('steady', { cash: steadyCash0, revenue: 20000 * e1, opex: 5000 * e1, tokens: 1000 * e1, free: 0, alive: 1, provider: OLD }, 'after t = 0');
    expectStartup('rescued', { cash: rescuedCash0, revenue: 3000, opex: 6000, tokens: 500, free: 0, alive: 1, provider: OLD }, 'after t = 0');
    expectStartup('doomed', { cash: doomedCash0, revenue: 2000, opex: 1000, tokens: 2000, free: 0, alive: 1, provider: OLD }, 'after t = 0');

    // Step 5/8, providers: old bills 2 per million tokens on 1 000 + 500 + 2 000 = 3 500, serves them at 0.5, plus F = 1 000.
    const oldProfit0 = 2 * 3500 - (0.5 * 3500 + 1000); // 4 250
    // mid and cheap are active with no customers: they book their fixed costs only.
    const midProfit0 = -2000;
    const cheapProfit0 = -500;
    close(m('provider.profit.old'), oldProfit0, 'provider.profit.old');
    close(m('provider.profit.mid'), midProfit0, 'provider.profit.mid');
    close(m('provider.profit.cheap'), cheapProfit0, 'provider.profit.cheap');
    close(m('provider.cash.old'), 1e6 + oldProfit0, 'provider.cash.old');
    close(m('provider.cash.mid'), 5e5 + midProfit0, 'provider.cash.mid');
    close(m('provider.cash.cheap'), 1000 + cheapProfit0, 'provider.cash.cheap');

    // Section 8: one provider has every customer, token and dollar.
    expect(m('hhi.customers')).toBe(10000);
    expect(m('hhi.tokens')).toBe(10000);
    expect(m('hhi.revenue')).toBe(10000);
    expect(m('cr1.tokens')).toBe(1);
    expect(m('cr4.tokens')).toBe(1);
    expect(m('providers.active')).toBe(3);
    expect(m('share.customers.old')).toBe(1);
    expect(m('share.tokens.old')).toBe(1);
    for (const id of ['mid', 'cheap']) {
      expect(m(`share.customers.${id}`)).toBe(0);
      expect(m(`share.tokens.${id}`)).toBe(0);
    }
    close(m('price.paid'), 7000 / 3500, 'price.paid'); // 2
    expect(m('tokens.free')).toBe(0);
    expect(m('startups.alive')).toBe(3);
    expect(m('startups.entered')).toBe(0);
    for (const d of ['deaths', 'deaths.runway', 'deaths.hazard', 'deaths.stranded', 'deaths.cumulative']) expect(m(d), d).toBe(0);
    expect(m('cohort.dead.fraction')).toBe(0);
    expect(m('switches.voluntary')).toBe(0);
    expect(m('switches.forced')).toBe(0);
    for (const name of c.metricNames.filter((n) => n.startsWith('flows.'))) expect(m(name), name).toBe(0);
    expect(m('providers.exited.event')).toBe(0);
    expect(m('providers.exited.bankrupt')).toBe(0);
  });

  it('month 1: old exits, forced switches with a migrants campaign and disruption, a runway death', () => {
    const row = new Float64Array(K);
    step(world, 1, row);
    const m = rowReader(c, row);

    // Step 1: old exits. Step 4: all three are forced to choose; each class has one provider left that serves it.
    // steady → mid: the migrants campaign applies (it leaves old); pays S·(1 − support) = 8 000·0.5 = 4 000;
    //   grant 1 100 usable in months 1…2 (t … t+T−1); disrupted in months 1…2 (disruption months 2).
    // Step 5: d = 1 000·e^0.1 ≈ 1 105.2 > 1 100: the 1 100 free tokens first, the rest billed at 3;
    //   revenue 20 000·e^0.1 · (0.8/1)¹ · (1 − 0.25); opex 5 000·e^0.1.
    const steadyD1 = 1000 * e1;
    const steadyBill1 = (steadyD1 - 1100) * 3;
    const steadyCash1 = 113000 - 8000 * 0.5 + 20000 * e1 * 0.8 * (1 - 0.25) - steadyBill1 - 5000 * e1;
    // rescued → mid: pays 4 000·0.5 = 2 000; its 500 tokens come out of the grant (600 left); disrupted in month 1 only.
    //   revenue 3 000·0.8²·(1 − 0.5) = 960; bill 0; opex 6 000: 15 000 − 2 000 + 960 − 0 − 6 000 = 7 960 ≥ 0.
    const rescuedCash1 = 15000 - 4000 * 0.5 + 3000 * 0.8 ** 2 * (1 - 0.5) - 0 - 6000;
    // doomed → cheap: no campaign, pays all 50 000; revenue 2 000·0.5¹·(1 − 0.5) = 500; bill 2 000·1; opex 1 000:
    //   7 000 − 50 000 + 500 − 2 000 − 1 000 = −45 500 < 0; step 6: funding probability 0 → dies (runway).
    const doomedCash1 = 7000 - 50000 + 2000 * 0.5 * (1 - 0.5) - 2000 * 1 - 1000;
    expect(doomedCash1).toBe(-45500);
    // Step 7: steady grows again; the dead do not matter.
    expectStartup('steady', { cash: steadyCash1, revenue: 20000 * e2, opex: 5000 * e2, tokens: 1000 * e2, free: 0, alive: 1, provider: MID }, 'after t = 1');
    expectStartup('rescued', { cash: rescuedCash1, revenue: 3000, opex: 6000, tokens: 500, free: 600, alive: 1, provider: MID }, 'after t = 1');
    const d = role.doomed;
    expect(readStartup(st, d).alive).toBe(0);
    expect(readStartup(st, d).provider).toBe(CHEAP);
    close(readStartup(st, d).cash, doomedCash1, 'doomed.cash after t = 1');

    // Providers. old is inactive: cash frozen, profit 0 (and no fixed cost: it exited in step 1).
    close(m('provider.profit.old'), 0, 'provider.profit.old');
    close(m('provider.cash.old'), 1e6 + 4250, 'provider.cash.old');
    // mid: bills steady's (d − 1 100)·3 and rescued's 0; serves steadyD1 + 500 tokens at 1 (free ones too), plus F 2 000.
    const midRevenue1 = steadyBill1;
    const midProfit1 = midRevenue1 - (1 * (steadyD1 + 500) + 2000);
    close(m('provider.profit.mid'), midProfit1, 'provider.profit.mid');
    close(m('provider.cash.mid'), 498000 + midProfit1, 'provider.cash.mid');
    // cheap: bills doomed's 2 000 at 1 (doomed died in step 6 but used its tokens in step 5), serves at 1.5, F 500.
    const cheapProfit1 = 2000 * 1 - (1.5 * 2000 + 500); // −1 500
    close(m('provider.profit.cheap'), cheapProfit1, 'provider.profit.cheap');
    close(m('provider.cash.cheap'), 500 + cheapProfit1, 'provider.cash.cheap'); // −1 000: exits next month
    expect(m('providers.active')).toBe(2); // mid and cheap: a bankruptcy takes effect next month
    expect(m('providers.exited.event')).toBe(1);
    expect(m('providers.exited.bankrupt')).toBe(0);

    // Customers (alive at the end of the month): steady and rescued, both on mid.
    expect(m('share.customers.mid')).toBe(1);
    expect(m('share.customers.cheap')).toBe(0);
    expect(m('share.customers.old')).toBe(0);
    expect(m('hhi.customers')).toBe(10000);
    // Tokens (the month's flows, the dead included): mid steadyD1 + 500, cheap 2 000.
    const tokens1 = steadyD1 + 500 + 2000;
    const sMid = (steadyD1 + 500) / tokens1;
    const sCheap = 2000 / tokens1;
    close(m('share.tokens.mid'), sMid, 'share.tokens.mid');
    close(m('share.tokens.cheap'), sCheap, 'share.tokens.cheap');
    expect(m('share.tokens.old')).toBe(0);
    close(m('hhi.tokens'), 10000 * (sMid ** 2 + sCheap ** 2), 'hhi.tokens');
    close(m('cr1.tokens'), Math.max(sMid, sCheap), 'cr1.tokens');
    close(m('cr4.tokens'), 1, 'cr4.tokens');
    // Billed revenue: mid midRevenue1 (≈ 15.5), cheap 2 000.
    const rMid = midRevenue1 / (midRevenue1 + 2000);
    close(m('hhi.revenue'), 10000 * (rMid ** 2 + (1 - rMid) ** 2), 'hhi.revenue');
    close(m('price.paid'), (midRevenue1 + 2000) / tokens1, 'price.paid');
    // Free tokens used: steady 1 100 (all of its grant), rescued 500.
    close(m('tokens.free'), 1100 + 500, 'tokens.free');

    expect(m('startups.alive')).toBe(2);
    expect(m('deaths')).toBe(1);
    expect(m('deaths.runway')).toBe(1);
    expect(m('deaths.hazard')).toBe(0);
    expect(m('deaths.stranded')).toBe(0);
    expect(m('deaths.cumulative')).toBe(1);
    close(m('cohort.dead.fraction'), 1 / 3, 'cohort.dead.fraction');
    expect(m('cohort.dead.doomed.fraction')).toBe(1);
    expect(m('cohort.dead.steady.fraction')).toBe(0);
    expect(m('cohort.dead.rescued.fraction')).toBe(0);
    expect(m('cohort.dead.doomed.on.old.fraction')).toBe(1);
    expect(m('cohort.dead.doomed.on.cheap.fraction')).toBe(0); // none of the cohort started on cheap
    expect(m('cohort.dead.steady.on.old.fraction')).toBe(0);

    expect(m('switches.forced')).toBe(3);
    expect(m('switches.voluntary')).toBe(0);
    expect(m('flows.old.mid')).toBe(2);
    expect(m('flows.old.cheap')).toBe(1);
    for (const name of ['flows.mid.old', 'flows.mid.cheap', 'flows.cheap.old', 'flows.cheap.mid']) expect(m(name), name).toBe(0);
  });

  // End-of-month-1 values, restated for the later months.
  const steadyCash1 = 113000 - 4000 + 12000 * e1 - (1000 * e1 - 1100) * 3 - 5000 * e1;
  const midCash1 = 498000 + (1000 * e1 - 1100) * 3 - (1000 * e1 + 500 + 2000);

  // End-of-month-2 values.
  // steady: still disrupted (months 1…2), grant used up; d = 1 000·e^0.2 all billed at 3.
  const steadyCash2 = steadyCash1 + 20000 * e2 * 0.8 * (1 - 0.25) - 1000 * e2 * 3 - 5000 * e2;
  // rescued: month 2 is the grant's last valid month (1 + 2 − 1): 500 more free tokens, 100 left; not disrupted.
  const rescuedCash2 = 7960 + 3000 * 0.8 ** 2 - 0 - 6000; // 3 880
  const midRevenue2 = 3000 * e2;
  const midCash2 = midCash1 + midRevenue2 - (1000 * e2 + 500 + 2000);

  it('month 2: cheap exits bankrupt, the grant is used in its last valid month, disruption continues', () => {
    const row = new Float64Array(K);
    step(world, 2, row);
    const m = rowReader(c, row);

    expectStartup('steady', { cash: steadyCash2, revenue: 20000 * e3, opex: 5000 * e3, tokens: 1000 * e3, free: 0, alive: 1, provider: MID }, 'after t = 2');
    expectStartup('rescued', { cash: rescuedCash2, revenue: 3000, opex: 6000, tokens: 500, free: 100, alive: 1, provider: MID }, 'after t = 2');

    // Step 1: cheap's cash was −1 000 < 0 at the end of month 1: it exits now (bankrupt).
    expect(m('providers.active')).toBe(1);
    expect(m('providers.exited.bankrupt')).toBe(1);
    expect(m('providers.exited.event')).toBe(1);
    close(m('provider.cash.cheap'), -1000, 'provider.cash.cheap (frozen)');
    expect(m('provider.profit.cheap')).toBe(0);
    close(m('provider.cash.old'), 1e6 + 4250, 'provider.cash.old (frozen)');
    // mid: bills 3·1 000·e^0.2 (rescued's 500 are free), serves 1 000·e^0.2 + 500 at 1, plus 2 000.
    close(m('provider.profit.mid'), midRevenue2 - (1000 * e2 + 500 + 2000), 'provider.profit.mid');
    close(m('provider.cash.mid'), midCash2, 'provider.cash.mid');

    close(m('tokens.free'), 500, 'tokens.free');
    close(m('price.paid'), midRevenue2 / (1000 * e2 + 500), 'price.paid');
    expect(m('hhi.customers')).toBe(10000);
    expect(m('hhi.tokens')).toBe(10000);
    expect(m('hhi.revenue')).toBe(10000);
    expect(m('cr1.tokens')).toBe(1);
    expect(m('share.customers.mid')).toBe(1);
    expect(m('share.tokens.mid')).toBe(1);
    expect(m('share.tokens.cheap')).toBe(0);
    expect(m('startups.alive')).toBe(2);
    expect(m('deaths')).toBe(0);
    expect(m('deaths.cumulative')).toBe(1);
    close(m('cohort.dead.fraction'), 1 / 3, 'cohort.dead.fraction');
    expect(m('switches.forced')).toBe(0);
    expect(m('switches.voluntary')).toBe(0);
    expect(m('flows.old.mid')).toBe(2); // cumulative
    expect(m('flows.old.cheap')).toBe(1);
  });

  it('month 3: the grant has expired (100 unused), a second rescue; the disruption is over', () => {
    const row = new Float64Array(K);
    step(world, 3, row);
    const m = rowReader(c, row);

    // steady: not disrupted any more (months 1…2 only): revenue 20 000·e^0.3·0.8; all 1 000·e^0.3 billed at 3.
    const steadyCash3 = steadyCash2 + 20000 * e3 * 0.8 - 1000 * e3 * 3 - 5000 * e3;
    // rescued: its last 100 free tokens expired after month 2, so all 500 are billed at 3:
    //   3 880 + 1 920 − 1 500 − 6 000 = −1 700 < 0 → rescued again: + 3·6 000 → 16 300.
    const rescuedCash3 = rescuedCash2 + 3000 * 0.8 ** 2 - 500 * 3 - 6000 + 3 * 6000;
    expect(rescuedCash3).toBeCloseTo(16300, 9);
    const s = startup('steady');
    close(s.cash, steadyCash3, 'steady.cash after t = 3');
    close(s.tokens, 1000 * Math.exp(0.4), 'steady.tokens after t = 3');
    const r = startup('rescued');
    close(r.cash, rescuedCash3, 'rescued.cash after t = 3');
    expect(r.alive).toBe(1);

    expect(m('tokens.free')).toBe(0);
    // Every token billed at mid's list price.
    close(m('price.paid'), 3, 'price.paid');
    const midProfit3 = 3 * (1000 * e3 + 500) - (1000 * e3 + 500 + 2000);
    close(m('provider.profit.mid'), midProfit3, 'provider.profit.mid');
    close(m('provider.cash.mid'), midCash2 + midProfit3, 'provider.cash.mid');
    expect(m('deaths')).toBe(0);
    expect(m('startups.alive')).toBe(2);
    expect(m('providers.active')).toBe(1);
  });
});
