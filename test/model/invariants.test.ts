/**
 * Accounting identities and bounds that MODEL.md implies for every scenario
 * (sections 3, 8 and 9), checked with fast-check over random small worlds:
 * 2–5 providers (some bound to go bankrupt), 1–3 classes, 0–200 initial
 * startups, entry 0–20 a month, random exit, enter, campaign and set events,
 * 1–24 months.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compile } from '../../sim/model/compile.js';
import { runReplication } from '../../sim/model/replication.js';
import { scenarioSchema, type ScenarioInput } from '../../sim/scenario/schema.js';

type ProviderInput = ScenarioInput['providers'][number];
type EventInput = NonNullable<ScenarioInput['events']>[number];

const START_YEAR = 2024;
/** Model month t as a calendar month, t = 0 being 2024-01. */
const monthAt = (t: number) => `${START_YEAR + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;

const PRICE_EXPRESSION = 'max(cost, min(8, lowestPrice * 1.1))';
/**
 * A number in [min, max], spread over the range (fc.double favours edge values such as 0 and tiny
 * subnormals, which would leave most worlds with no reconsidering and no hazard), edges included.
 */
const dbl = (min: number, max: number) =>
  fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 1_000_000 }).map((k) => min + ((max - min) * k) / 1_000_000), weight: 9 },
    { arbitrary: fc.constantFrom(min, max), weight: 1 },
  );

const lognormal = (maxMedian: number, minMedian = 0) => fc.record({ median: dbl(minMedian, maxMedian), sigma: dbl(0, 1.5) });

const classArb = fc.record({
  weight: dbl(0.05, 1),
  cash: lognormal(5e5),
  revenue: lognormal(5e4),
  opex: lognormal(5e4),
  // Demand is never 0, so every alive startup uses tokens.
  tokens: lognormal(5000, 0.1),
  growth: fc.record({ mean: dbl(-0.1, 0.1), sd: dbl(0, 0.2) }),
  switchCost: lognormal(1e5),
  hazard: dbl(0, 0.2),
  disruption: fc.record({ months: fc.nat(4), loss: dbl(0, 1) }),
  reconsider: dbl(0, 1),
  precision: dbl(0, 20),
  network: dbl(-1, 2),
  qualityElasticity: dbl(-1, 3),
  funding: fc.record({ probability: dbl(0, 1), months: dbl(0, 24) }),
});

const providerFields = fc.record({
  price: fc.oneof(dbl(0, 10), fc.constant(PRICE_EXPRESSION)),
  quality: dbl(0.3, 1.2),
  unitCost: dbl(0, 8),
  fixedCost: fc.oneof(fc.constant(0), dbl(0, 2e5)),
  // Small cash goes bankrupt quickly; 1e12 never does.
  cash: fc.oneof(dbl(0, 1e6), fc.constant(1e12)),
  servesMask: fc.nat(7),
});

const eventArb = fc.record({
  kind: fc.constantFrom('exit', 'campaign', 'campaign', 'set'),
  month: fc.nat(23),
  provider: fc.nat(6),
  grant: dbl(0, 2000),
  validity: fc.nat(6),
  eligible: fc.constantFrom('migrants', 'new', 'all') as fc.Arbitrary<'migrants' | 'new' | 'all'>,
  fromMask: fc.nat(127),
  support: dbl(0, 1),
  budget: fc.option(dbl(0, 1e5), { nil: undefined }),
  untilAfter: fc.option(fc.nat(12), { nil: undefined }),
  setKind: fc.nat(4),
  value: dbl(0, 1),
});

const worldArb = fc.record({
  seed: fc.oneof(fc.integer(), fc.string({ maxLength: 8 })),
  replication: fc.nat(3),
  months: fc.integer({ min: 1, max: 24 }),
  horizon: dbl(1, 36),
  providers: fc.array(providerFields, { minLength: 2, maxLength: 5 }),
  entering: fc.array(fc.record({ fields: providerFields, month: fc.nat(23) }), { maxLength: 2 }),
  classes: fc.array(classArb, { minLength: 1, maxLength: 3 }),
  initial: fc.nat(200),
  initialProviders: fc.option(fc.array(dbl(0.05, 1), { minLength: 5, maxLength: 5 }), { nil: undefined }),
  entryRate: fc.oneof(fc.constant(0), dbl(0, 20)),
  entryElasticity: dbl(0, 2),
  events: fc.array(eventArb, { maxLength: 6 }),
});

type World = typeof worldArb extends fc.Arbitrary<infer W> ? W : never;

interface Built {
  input: ScenarioInput;
  ids: string[];
  declared: number;
  /** Upper bound of any price a provider can set (numbers as written; the expression is ≤ max(cost, 8)). */
  maxPrice: number;
  entryEverPossible: boolean;
}

function build(w: World): Built {
  const classIds = w.classes.map((_, s) => `k${s}`);
  const totalWeight = w.classes.reduce((a, c) => a + c.weight, 0);
  const classes: ScenarioInput['classes'] = {};
  w.classes.forEach((c, s) => {
    const { weight, ...rest } = c;
    classes[classIds[s]] = { share: weight / totalWeight, ...rest };
  });
  const toProvider = (id: string, f: World['providers'][number], servesAll: boolean): ProviderInput => {
    const serves = classIds.filter((_, s) => f.servesMask & (1 << s));
    return {
      id,
      price: f.price,
      quality: f.quality,
      unitCost: f.unitCost,
      fixedCost: f.fixedCost,
      cash: f.cash,
      ...(servesAll || serves.length === 0 ? {} : { serves }),
    };
  };
  // Provider 0 serves every class, so initialProviders always give each class a provider.
  const providers = w.providers.map((f, j) => toProvider(`p${j}`, f, j === 0));
  const ids = providers.map((p) => p.id);
  const events: EventInput[] = [];
  w.entering.forEach((e, k) => {
    const id = `e${k}`;
    ids.push(id);
    events.push({ at: monthAt(e.month % w.months), enter: toProvider(id, e.fields, false) });
  });
  let entryEverPossible = w.entryRate > 0;
  for (const e of w.events) {
    const month = e.month % w.months;
    const at = monthAt(month);
    const pid = ids[e.provider % ids.length];
    if (e.kind === 'exit') events.push({ at, exit: pid });
    else if (e.kind === 'campaign') {
      const from = ids.filter((id, j) => e.fromMask & (1 << j) && id !== pid);
      events.push({
        at,
        campaign: {
          provider: pid,
          grant: e.grant,
          validity: e.validity,
          eligible: e.eligible,
          ...(e.eligible === 'migrants' ? { from: from.length ? from : [ids[0] === pid ? ids[1] : ids[0]] } : {}),
          support: e.support,
          ...(e.budget === undefined ? {} : { budget: e.budget }),
          ...(e.untilAfter === undefined ? {} : { until: monthAt(month + e.untilAfter) }),
        },
      });
    } else {
      const cls = classIds[e.provider % classIds.length];
      const sets: Record<string, number>[] = [
        { [`classes.${cls}.switchCost.median`]: e.value * 1e5 },
        { [`classes.${cls}.growth.mean`]: e.value * 0.2 - 0.1 },
        { [`classes.${cls}.hazard`]: e.value * 0.2 },
        { 'startups.entry.rate': e.value * 20 },
        { horizon: 1 + e.value * 24 },
      ];
      const set = sets[e.setKind % sets.length];
      if ('startups.entry.rate' in set && set['startups.entry.rate'] > 0) entryEverPossible = true;
      events.push({ at, set });
    }
  }
  const allFields = [...w.providers, ...w.entering.map((e) => e.fields)];
  const maxPrice = Math.max(...allFields.map((f) => (typeof f.price === 'number' ? f.price : Math.max(8, f.unitCost))));
  let initialProviders: Record<string, number> | undefined;
  if (w.initialProviders) {
    const weights = w.initialProviders.slice(0, providers.length);
    const total = weights.reduce((a, b) => a + b, 0);
    initialProviders = Object.fromEntries(providers.map((p, j) => [p.id, weights[j] / total]));
  }
  const input: ScenarioInput = {
    start: monthAt(0),
    months: w.months,
    seed: w.seed,
    horizon: w.horizon,
    providers,
    classes,
    startups: {
      initial: w.initial,
      ...(initialProviders ? { initialProviders } : {}),
      entry: { rate: w.entryRate, qualityElasticity: w.entryElasticity },
    },
    events,
  };
  return { input, ids, declared: providers.length, maxPrice, entryEverPossible };
}

const TOL = 1e-9;
/** More runs for a longer search: INVARIANT_RUNS=2000 npx vitest run test/model/invariants.test.ts */
const RUNS = Number(process.env.INVARIANT_RUNS ?? 60);

function checkWorld(w: World): void {
  const b = build(w);
  const scenario = scenarioSchema.parse(b.input);
  const c = compile(scenario);
  const names = c.metricNames;
  const K = names.length;
  const values = runReplication(c, w.replication);
  const at = (name: string, t: number) => {
    const m = names.indexOf(name);
    if (m < 0) throw new Error(`no metric ${name}`);
    return values[t * K + m];
  };
  const P = b.ids.length;
  const classIds = Object.keys(scenario.classes);

  // No NaN or Infinity anywhere.
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`${names[i % K]} at t = ${Math.floor(i / K)} is ${values[i]}`);
  }

  // The active set, rebuilt from MODEL.md: step 1 applies last month's bankruptcies (cash < 0 at the end of
  // last month), then the month's events in file order.
  const active = new Set(scenario.providers.map((p) => p.id));
  const declaredCash = new Map<string, number>();
  for (const p of scenario.providers) declaredCash.set(p.id, p.cash);
  for (const e of scenario.events) if (e.enter) declaredCash.set(e.enter.id, e.enter.cash);
  let bankrupt = 0;
  let exited = 0;
  let enteredTotal = 0;
  let deathsTotal = 0;
  const cohortNames = names.filter((n) => n.startsWith('cohort.'));
  const flowNames = names.filter((n) => n.startsWith('flows.'));

  for (let t = 0; t < c.months; t++) {
    const where = `t = ${t}`;
    for (const id of [...active]) {
      if (t > 0 && at(`provider.cash.${id}`, t - 1) < 0) {
        active.delete(id);
        bankrupt++;
      }
    }
    for (const e of scenario.events) {
      if (e.at !== monthAt(t)) continue;
      if (e.exit !== undefined && active.has(e.exit)) {
        active.delete(e.exit);
        exited++;
      }
      if (e.enter) active.add(e.enter.id);
    }
    const n = active.size;
    expect(at('providers.active', t), `providers.active at ${where}`).toBe(n);
    expect(n).toBeLessThanOrEqual(P);
    expect(at('providers.exited.bankrupt', t), `exited.bankrupt at ${where}`).toBe(bankrupt);
    expect(at('providers.exited.event', t), `exited.event at ${where}`).toBe(exited);

    // Inactive providers: no customers, no tokens, profit 0, cash frozen.
    for (const id of b.ids) {
      const cash = at(`provider.cash.${id}`, t);
      if (active.has(id)) continue;
      expect(at(`share.customers.${id}`, t), `share.customers.${id} (inactive) at ${where}`).toBe(0);
      expect(at(`share.tokens.${id}`, t), `share.tokens.${id} (inactive) at ${where}`).toBe(0);
      expect(at(`provider.profit.${id}`, t), `provider.profit.${id} (inactive) at ${where}`).toBe(0);
      const before = t === 0 ? declaredCash.get(id)! : at(`provider.cash.${id}`, t - 1);
      expect(cash, `provider.cash.${id} (inactive, frozen) at ${where}`).toBe(before);
    }

    // Shares.
    const alive = at('startups.alive', t);
    const cShares = b.ids.map((id) => at(`share.customers.${id}`, t));
    const tShares = b.ids.map((id) => at(`share.tokens.${id}`, t));
    for (const s of [...cShares, ...tShares]) {
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(1 + TOL);
    }
    const cSum = cShares.reduce((a, x) => a + x, 0);
    const tSum = tShares.reduce((a, x) => a + x, 0);
    if (alive > 0) {
      expect(Math.abs(cSum - 1), `Σ share.customers at ${where}`).toBeLessThanOrEqual(TOL);
      // An alive startup used tokens this month (demand is never 0).
      expect(Math.abs(tSum - 1), `Σ share.tokens at ${where}`).toBeLessThanOrEqual(TOL);
    } else {
      expect(cSum, `Σ share.customers with nobody alive at ${where}`).toBe(0);
      expect(at('hhi.customers', t)).toBe(0);
    }
    if (n === 0) expect(alive, `alive with no provider at ${where}`).toBe(0);

    // HHI in [10 000/n, 10 000] over the active providers, 0 when there is nothing to share.
    const hhiC = at('hhi.customers', t);
    if (cSum > 0) {
      expect(hhiC).toBeGreaterThanOrEqual(10000 / n - 1e-6);
      expect(hhiC).toBeLessThanOrEqual(10000 + 1e-6);
      expect(Math.abs(hhiC - 10000 * cShares.reduce((a, s) => a + s * s, 0))).toBeLessThanOrEqual(1e-6);
    }
    const hhiT = at('hhi.tokens', t);
    const cr1 = at('cr1.tokens', t);
    const cr4 = at('cr4.tokens', t);
    if (tSum > 0) {
      expect(hhiT).toBeGreaterThanOrEqual(10000 / n - 1e-6);
      expect(hhiT).toBeLessThanOrEqual(10000 + 1e-6);
      expect(Math.abs(hhiT - 10000 * tShares.reduce((a, s) => a + s * s, 0))).toBeLessThanOrEqual(1e-6);
      const sorted = [...tShares].sort((x, y) => y - x);
      expect(Math.abs(cr1 - sorted[0])).toBeLessThanOrEqual(TOL);
      expect(Math.abs(cr4 - (sorted[0] + (sorted[1] ?? 0) + (sorted[2] ?? 0) + (sorted[3] ?? 0)))).toBeLessThanOrEqual(TOL);
      expect(cr1).toBeGreaterThanOrEqual(1 / n - TOL);
      expect(cr1).toBeLessThanOrEqual(cr4 + TOL);
      expect(cr4).toBeLessThanOrEqual(1 + TOL);
      // Σ s² ≤ max s · Σ s.
      expect(hhiT / 10000).toBeLessThanOrEqual(cr1 + TOL);
      const paid = at('price.paid', t);
      expect(paid).toBeGreaterThanOrEqual(0);
      expect(paid, `price.paid at ${where}`).toBeLessThanOrEqual(b.maxPrice * (1 + TOL));
    } else {
      for (const m of ['hhi.tokens', 'hhi.revenue', 'cr1.tokens', 'cr4.tokens', 'price.paid']) expect(at(m, t), `${m} with no tokens`).toBe(0);
    }
    const hhiR = at('hhi.revenue', t);
    if (hhiR !== 0) {
      expect(hhiR).toBeGreaterThanOrEqual(10000 / n - 1e-6);
      expect(hhiR).toBeLessThanOrEqual(10000 + 1e-6);
    }
    expect(at('tokens.free', t)).toBeGreaterThanOrEqual(0);

    // Head counts: alive + dead = initial + entered.
    const entered = at('startups.entered', t);
    expect(Number.isInteger(entered) && entered >= 0).toBe(true);
    if (!b.entryEverPossible || n === 0) expect(entered, `entered at ${where}`).toBe(0);
    enteredTotal += entered;
    const deaths = at('deaths', t);
    expect(deaths, `deaths = runway + hazard + stranded at ${where}`).toBe(at('deaths.runway', t) + at('deaths.hazard', t) + at('deaths.stranded', t));
    deathsTotal += deaths;
    expect(at('deaths.cumulative', t), `deaths.cumulative at ${where}`).toBe(deathsTotal);
    expect(alive + at('deaths.cumulative', t), `alive + dead at ${where}`).toBe(scenario.startups.initial + enteredTotal);

    // Cohort fractions in [0, 1], nondecreasing; the cohort's dead are among all the dead.
    for (const name of cohortNames) {
      const f = at(name, t);
      expect(f, name).toBeGreaterThanOrEqual(0);
      expect(f, name).toBeLessThanOrEqual(1);
      if (t > 0) expect(f, `${name} nondecreasing at ${where}`).toBeGreaterThanOrEqual(at(name, t - 1));
    }
    const cohortDead = at('cohort.dead.fraction', t) * scenario.startups.initial;
    expect(Math.abs(cohortDead - Math.round(cohortDead))).toBeLessThanOrEqual(1e-6);
    expect(Math.round(cohortDead)).toBeLessThanOrEqual(at('deaths.cumulative', t));
    if (scenario.startups.initial === 0) for (const name of cohortNames) expect(at(name, t)).toBe(0);
    if (classIds.length === 1) expect(at(`cohort.dead.${classIds[0]}.fraction`, t)).toBe(at('cohort.dead.fraction', t));

    // Flows are cumulative switches: this month's increase is this month's switches.
    const flowSum = (u: number) => flowNames.reduce((a, f) => a + at(f, u), 0);
    const switches = at('switches.voluntary', t) + at('switches.forced', t);
    expect(flowSum(t) - (t > 0 ? flowSum(t - 1) : 0), `Δ flows = switches at ${where}`).toBe(switches);
    for (const f of flowNames) if (t > 0) expect(at(f, t)).toBeGreaterThanOrEqual(at(f, t - 1));
  }
}

describe('invariants over random small worlds (MODEL.md sections 3, 8, 9)', () => {
  it('shares, HHI, CR, head counts, deaths, cohorts, flows, providers and finiteness', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        checkWorld(w);
      }),
      { numRuns: RUNS },
    );
  });

  it('the same invariants in worlds where providers are bound to go bankrupt', () => {
    // Everyone prices below unit cost with a fixed cost and little cash.
    const failing = worldArb.map((w) => ({
      ...w,
      providers: w.providers.map((p) => ({ ...p, price: 1, unitCost: 3, fixedCost: 5000, cash: p.cash % 50000 })),
    }));
    fc.assert(
      fc.property(failing, (w) => {
        checkWorld(w);
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it('the same invariants in a few larger worlds (1 500–3 000 startups) where a provider with many customers exits', () => {
    // Thousands of choosers in one month, forced and voluntary: every forced one must leave the exited provider.
    const larger = worldArb.map((w) => ({
      ...w,
      initial: 1500 + (w.initial % 201) * 7.5,
      initialProviders: w.initialProviders ?? [1, 0.5, 0.5, 0.5, 0.5],
      events: [...w.events, { ...w.events[0] ?? eventTemplate, kind: 'exit' as const, provider: 0, month: w.months > 1 ? 1 : 0 }],
    }));
    fc.assert(
      fc.property(larger, (w) => {
        checkWorld({ ...w, initial: Math.round(w.initial) });
      }),
      { numRuns: Math.max(10, Math.ceil(RUNS / 6)) },
    );
  });
});

const eventTemplate = {
  kind: 'exit' as const,
  month: 0,
  provider: 0,
  grant: 0,
  validity: 0,
  eligible: 'all' as const,
  fromMask: 0,
  support: 0,
  budget: undefined,
  untilAfter: undefined,
  setKind: 0,
  value: 0,
};
