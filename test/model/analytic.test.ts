/**
 * The engine against closed-form results derived from MODEL.md alone.
 *
 * Every world here is degenerate where it does not matter (lognormal sigmas
 * 0, growth sd 0), so the only randomness left is the one the formula is
 * about (a logit draw, a hazard draw, a reconsider draw, a Poisson count).
 * Counts are then binomial and are checked within 4 standard errors; the
 * seeds are fixed, so the tests are deterministic.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../sim/model/compile.js';
import { initWorld } from '../../sim/model/replication.js';
import { readStartup } from '../../sim/model/startups.js';
import { step } from '../../sim/model/step.js';
import { compiled, degenerateClass, expectWithin4SE, provider, Rows, rowReader, scenario, softmax } from './helpers.js';

const N = 20_000;

/**
 * Three providers that never lose money (unit and fixed costs 0), so their
 * perceived exit risk x_j is 0 (MODEL.md section 9, "Exit risk").
 */
const threeProviders = [provider('a', 2, 1), provider('b', 1, 0.8), provider('c', 0.5, 0.6)];
const ids = ['a', 'b', 'c'];

/** The class of section 2a: r = 10 000, d = 1 000, η = 2, λ = 5, no switching cost, no network term. */
const logitClass = (reconsider: number) =>
  degenerateClass({ revenue: 10000, tokens: 1000, opex: 0, qualityElasticity: 2, precision: 5, reconsider, switchCost: 0, network: 0 });

/**
 * MODEL.md section 4 with S_i = 0, γ = 0 and x_j = 0:
 *   V_j = (r·(q_j/q_ref)^η − p_j·d) / r = (q_j/q_ref)^η − p_j·d/r
 *   P_j = exp(λ V_j) / Σ_k exp(λ V_k)
 */
function logitShares(providers: { price: number; quality: number }[], r: number, d: number, eta: number, lambda: number, qRef = 1) {
  const v = providers.map((p) => (p.quality / qRef) ** eta - (p.price * d) / r);
  return softmax(lambda, v);
}

// V_a = 1 − 0.2 = 0.8, V_b = 0.64 − 0.1 = 0.54, V_c = 0.36 − 0.05 = 0.31.
const P = logitShares(
  [
    { price: 2, quality: 1 },
    { price: 1, quality: 0.8 },
    { price: 0.5, quality: 0.6 },
  ],
  10000,
  1000,
  2,
  5,
);

const se = (p: number, n: number) => Math.sqrt((p * (1 - p)) / n);

describe('2a. logit shares (MODEL.md section 4)', () => {
  it('the hand-computed shares are what the formula says', () => {
    // exp(5·0.8) : exp(5·0.54) : exp(5·0.31) = e^4 : e^2.7 : e^1.55
    const w = [Math.exp(4), Math.exp(2.7), Math.exp(1.55)];
    const total = w[0] + w[1] + w[2];
    P.forEach((p, j) => expect(p).toBeCloseTo(w[j] / total, 12));
  });

  it('without initialProviders: the initial assignment and months 0 and 1 follow the logit', () => {
    const c = compiled({
      months: 2,
      providers: threeProviders,
      classes: { only: logitClass(1) },
      startups: { initial: N },
    });
    // The initial assignment (section 9): logit with shares 0, no campaigns, x = 0, no switching cost.
    const world = initWorld(c, 0);
    const counts = [0, 0, 0];
    for (let i = 0; i < world.startups.count; i++) counts[readStartup(world.startups, i).provider]++;
    counts.forEach((n, j) => expectWithin4SE(n / N, P[j], se(P[j], N), `initial share of ${ids[j]}`));

    const rows = Rows.run(c, 0);
    for (const t of [0, 1]) {
      expect(rows.at('startups.alive', t)).toBe(N);
      ids.forEach((id, j) => {
        expectWithin4SE(rows.at(`share.customers.${id}`, t), P[j], se(P[j], N), `share.customers.${id} at t = ${t}`);
        // Every startup uses the same d and none dies: token shares are the customer shares.
        expect(rows.at(`share.tokens.${id}`, t)).toBeCloseTo(rows.at(`share.customers.${id}`, t), 12);
      });
      // Every startup re-draws from the same logit (reconsider 1, S = 0): it switches with probability Σ P_j (1 − P_j).
      const q = P.reduce((s, p) => s + p * (1 - p), 0);
      expectWithin4SE(rows.at('switches.voluntary', t) / N, q, se(q, N), `switches.voluntary at t = ${t}`);
      expect(rows.at('switches.forced', t)).toBe(0);
    }
  });

  it('with initialProviders (all on c): every startup re-chooses in month 0, so months 0 and 1 follow the logit', () => {
    const c = compiled({
      months: 2,
      providers: threeProviders,
      classes: { only: logitClass(1) },
      startups: { initial: N, initialProviders: { c: 1 } },
    });
    const rows = Rows.run(c, 0);
    for (const t of [0, 1]) {
      ids.forEach((id, j) =>
        expectWithin4SE(rows.at(`share.customers.${id}`, t), P[j], se(P[j], N), `share.customers.${id} at t = ${t}`),
      );
    }
    // Month 0: everyone starts on c, so a switch is a draw of a or b: N·(P_a + P_b) switches, N·P_a of them c → a.
    expectWithin4SE(rows.at('switches.voluntary', 0) / N, 1 - P[2], se(1 - P[2], N), 'switches.voluntary at t = 0');
    expectWithin4SE(rows.at('flows.c.a', 0) / N, P[0], se(P[0], N), 'flows.c.a at t = 0');
    expectWithin4SE(rows.at('flows.c.b', 0) / N, P[1], se(P[1], N), 'flows.c.b at t = 0');
  });

  it('qualityReference rescales quality: q_ref = 1.25 gives the logit of (q_j/1.25)^η − p_j·d/r', () => {
    const c = compiled({
      months: 1,
      qualityReference: 1.25,
      providers: threeProviders,
      classes: { only: logitClass(1) },
      startups: { initial: N },
    });
    const Pq = logitShares(
      [
        { price: 2, quality: 1 },
        { price: 1, quality: 0.8 },
        { price: 0.5, quality: 0.6 },
      ],
      10000,
      1000,
      2,
      5,
      1.25,
    );
    const rows = Rows.run(c, 3);
    ids.forEach((id, j) => expectWithin4SE(rows.at(`share.customers.${id}`, 0), Pq[j], se(Pq[j], N), `share.customers.${id}`));
  });
});

describe('2b. geometric survival (MODEL.md section 8: 1 − (1 − h)^(t+1))', () => {
  it('one class, h = 0.05, 24 months', () => {
    const h = 0.05;
    const c = compiled({
      months: 24,
      providers: [provider('a', 1, 1)],
      // revenue 10 000 ≥ bill 1 000 + opex 5 000: cash never goes negative, so every death is a hazard death.
      classes: { only: degenerateClass({ hazard: h, revenue: 10000, tokens: 1000, opex: 5000, cash: 1000, growth: 0.01 }) },
      startups: { initial: N },
    });
    const rows = Rows.run(c, 0);
    for (let t = 0; t < 24; t++) {
      const F = 1 - (1 - h) ** (t + 1);
      expectWithin4SE(rows.at('cohort.dead.fraction', t), F, se(F, N), `cohort.dead.fraction at t = ${t}`);
      expect(rows.at('cohort.dead.only.fraction', t)).toBe(rows.at('cohort.dead.fraction', t));
      expect(rows.at('cohort.dead.only.on.a.fraction', t)).toBe(rows.at('cohort.dead.fraction', t));
      expect(rows.at('deaths.runway', t)).toBe(0);
      expect(rows.at('deaths.stranded', t)).toBe(0);
      expect(rows.at('deaths', t)).toBe(rows.at('deaths.hazard', t));
      expect(rows.at('deaths.cumulative', t)).toBe(Math.round(rows.at('cohort.dead.fraction', t) * N));
      expect(rows.at('startups.alive', t) + rows.at('deaths.cumulative', t)).toBe(N);
    }
  });

  it('two classes with different hazards, and funding probability 1 with negative cash flow: still only hazard deaths', () => {
    const c = compiled({
      months: 24,
      providers: [provider('a', 1, 1)],
      classes: {
        // Burns 2 000 a month and is always rescued (probability 1): runway deaths are impossible.
        slow: degenerateClass({ share: 0.4, hazard: 0.02, revenue: 1000, tokens: 1000, opex: 2000, cash: 0, funding: { probability: 1, months: 3 } }),
        fast: degenerateClass({ share: 0.6, hazard: 0.1, revenue: 10000, tokens: 1000, opex: 0 }),
      },
      startups: { initial: N },
    });
    const world = initWorld(c, 1);
    const size = [0, 0];
    for (let i = 0; i < world.startups.count; i++) size[readStartup(world.startups, i).cls]++;
    expectWithin4SE(size[0] / N, 0.4, se(0.4, N), 'class shares at t = 0');
    const rows = Rows.run(c, 1);
    for (let t = 0; t < 24; t++) {
      const Fs = 1 - (1 - 0.02) ** (t + 1);
      const Ff = 1 - (1 - 0.1) ** (t + 1);
      expectWithin4SE(rows.at('cohort.dead.slow.fraction', t), Fs, se(Fs, size[0]), `slow at t = ${t}`);
      expectWithin4SE(rows.at('cohort.dead.fast.fraction', t), Ff, se(Ff, size[1]), `fast at t = ${t}`);
      expect(rows.at('deaths.runway', t)).toBe(0);
      const total = (rows.at('cohort.dead.slow.fraction', t) * size[0] + rows.at('cohort.dead.fast.fraction', t) * size[1]) / N;
      expect(rows.at('cohort.dead.fraction', t)).toBeCloseTo(total, 12);
    }
  });
});

describe('2c. reconsider convergence (MODEL.md section 9, "Initial startups are not entrants")', () => {
  it('s(t) = P + (s0 − P)(1 − ρ)^(t+1) with ρ = 0.25, everyone on c at t = 0', () => {
    const rho = 0.25;
    const months = 12;
    const c = compiled({
      months,
      providers: threeProviders,
      classes: { only: logitClass(rho) },
      startups: { initial: N, initialProviders: { c: 1 } },
    });
    const rows = Rows.run(c, 0);
    const s0 = [0, 0, 1];
    for (let t = 0; t < months; t++) {
      ids.forEach((id, j) => {
        const s = P[j] + (s0[j] - P[j]) * (1 - rho) ** (t + 1);
        expectWithin4SE(rows.at(`share.customers.${id}`, t), s, se(s, N), `share.customers.${id} at t = ${t}`);
      });
    }
  });
});

describe('2d. forced choice when a provider exits (MODEL.md section 3, steps 1 and 4)', () => {
  it('every customer of the exiting provider chooses among the others by the logit, in the exit month', () => {
    const n = 5000;
    const c = compiled({
      months: 3,
      providers: threeProviders,
      classes: { only: logitClass(0) },
      startups: { initial: n, initialProviders: { a: 1 } },
      events: [{ at: '2024-02', exit: 'a' }],
    });
    const rows = Rows.run(c, 0);
    expect(rows.at('share.customers.a', 0)).toBe(1);
    expect(rows.at('switches.forced', 0)).toBe(0);
    // The logit over the providers still active: b and c.
    const Pbc = softmax(5, [0.54, 0.31]);
    for (const t of [1, 2]) {
      expect(rows.at('providers.active', t)).toBe(2);
      expect(rows.at('providers.exited.event', t)).toBe(1);
      expect(rows.at('share.customers.a', t)).toBe(0);
      expect(rows.at('share.tokens.a', t)).toBe(0);
      expect(rows.at('provider.profit.a', t)).toBe(0);
      expect(rows.at('flows.a.b', t) + rows.at('flows.a.c', t)).toBe(n);
      expectWithin4SE(rows.at('share.customers.b', t), Pbc[0], se(Pbc[0], n), `share.customers.b at t = ${t}`);
    }
    expect(rows.at('switches.forced', 1)).toBe(n);
    expect(rows.at('switches.voluntary', 1)).toBe(0);
    expect(rows.at('switches.forced', 2)).toBe(0);
    expect(rows.at('flows.a.b', 1) / n).toBeCloseTo(rows.at('share.customers.b', 1), 12);
  });

  it('with no provider left, everyone dies stranded and no one enters (section 9)', () => {
    const c = compiled({
      months: 4,
      providers: [provider('a', 1, 1)],
      classes: { only: degenerateClass({ reconsider: 0.3 }) },
      startups: { initial: 300, entry: { rate: 20, qualityElasticity: 0 } },
      events: [{ at: '2024-03', exit: 'a' }],
    });
    const rows = Rows.run(c, 0);
    const alive1 = rows.at('startups.alive', 1);
    expect(alive1).toBe(300 + rows.at('startups.entered', 0) + rows.at('startups.entered', 1));
    expect(rows.at('deaths.stranded', 2)).toBe(alive1);
    expect(rows.at('deaths', 2)).toBe(alive1);
    for (const t of [2, 3]) {
      expect(rows.at('startups.entered', t)).toBe(0);
      expect(rows.at('startups.alive', t)).toBe(0);
      expect(rows.at('providers.active', t)).toBe(0);
      for (const m of ['hhi.customers', 'hhi.tokens', 'hhi.revenue', 'cr1.tokens', 'cr4.tokens', 'price.paid', 'share.customers.a', 'share.tokens.a'])
        expect(rows.at(m, t), `${m} at t = ${t}`).toBe(0);
    }
    expect(rows.at('cohort.dead.fraction', 2)).toBe(1);
  });
});

describe('2e. switching cost and perceived exit risk in the choice (MODEL.md sections 4 and 9)', () => {
  /*
   * a: price 1, quality 1, no costs: never loses money, x_a = 0.
   * b: price 1 = unit cost 1 and fixed cost F = 10 000: its profit is exactly −F every month,
   *    whatever its customers, so cash_b(t) = 100 000 − F·(t + 1) and, from t = 1,
   *    x_b(t) = exp(−max(cash_b(t − 1), 0) / F / H) = exp(−(10 − t)/12) (H = 12).
   *    At the end of t = 10 its cash is −10 000 < 0: it exits (bankrupt) at the start of t = 11.
   * Startups: r = 10 000, d = 1 000, S = 20 000, λ = 10, reconsider 1, η = 1, γ = 0. For one on k choosing j:
   *    V_j = 1 − 0.1 − (S·[j ≠ k] + x_j·S)/H/r = 0.9 − ([j ≠ k] + x_j)/6.
   */
  const F = 10000;
  const K = 100000;
  const c = compiled({
    months: 13,
    providers: [provider('a', 1, 1), provider('b', 1, 1, { unitCost: 1, fixedCost: F, cash: K })],
    classes: { only: degenerateClass({ revenue: 10000, tokens: 1000, switchCost: 20000, precision: 10, reconsider: 1, cash: 1e7 }) },
    startups: { initial: N, initialProviders: { a: 0.5, b: 0.5 } },
  });
  const xb = (t: number) => (t === 0 ? 0 : Math.exp(-Math.max(K - F * t, 0) / F / 12));
  const pB = (t: number, current: 'a' | 'b') => {
    const x = xb(t);
    const v = current === 'a' ? [0.9, 0.9 - (1 + x) / 6] : [0.9 - 1 / 6, 0.9 - x / 6];
    return softmax(10, v)[1];
  };

  it("b's accounts: profit −F, cash K − F(t+1), bankrupt exit at t = 11, then frozen", () => {
    const rows = Rows.run(c, 0);
    for (let t = 0; t <= 10; t++) {
      expect(rows.at('provider.profit.b', t)).toBeCloseTo(-F, 6);
      expect(rows.at('provider.cash.b', t)).toBeCloseTo(K - F * (t + 1), 6);
      expect(rows.at('providers.active', t)).toBe(2);
      expect(rows.at('providers.exited.bankrupt', t)).toBe(0);
    }
    for (const t of [11, 12]) {
      expect(rows.at('providers.active', t)).toBe(1);
      expect(rows.at('providers.exited.bankrupt', t)).toBe(1);
      expect(rows.at('provider.profit.b', t)).toBe(0);
      expect(rows.at('provider.cash.b', t)).toBeCloseTo(K - 11 * F, 6);
      expect(rows.at('share.customers.b', t)).toBe(0);
      expect(rows.at('share.customers.a', t)).toBe(1);
    }
    // a's profit is its billed revenue, 1 USD per million tokens, no costs.
    for (let t = 0; t <= 12; t++)
      expect(rows.at('provider.profit.a', t)).toBeCloseTo(rows.at('share.tokens.a', t) * N * 1000 * 1, 4);
    expect(rows.at('switches.forced', 11)).toBe(Math.round(rows.at('share.customers.b', 10) * N));
  });

  it('each month, the count on b matches Σ_k n_k(t−1)·P(b | k) within 4 SE, by month', () => {
    const world = initWorld(c, 0);
    const k = c.metricNames.length;
    const row = new Float64Array(k);
    const read = rowReader(c, row);
    let nb = 0;
    for (let i = 0; i < world.startups.count; i++) if (readStartup(world.startups, i).provider === 1) nb++;
    let na = N - nb;
    for (let t = 0; t <= 10; t++) {
      step(world, t, row);
      const pa = pB(t, 'a');
      const pb = pB(t, 'b');
      const expected = na * pa + nb * pb;
      const sd = Math.sqrt(na * pa * (1 - pa) + nb * pb * (1 - pb));
      const observed = Math.round(read('share.customers.b') * N);
      expectWithin4SE(observed, expected, sd, `customers of b at t = ${t} (x_b = ${xb(t).toFixed(4)})`);
      // Voluntary switches: a → b plus b → a.
      const sw = na * pa + nb * (1 - pb);
      const swSd = Math.sqrt(na * pa * (1 - pa) + nb * pb * (1 - pb));
      expectWithin4SE(read('switches.voluntary'), sw, swSd, `switches at t = ${t}`);
      nb = observed;
      na = N - nb;
    }
  });
});

describe('2f. entry (MODEL.md section 3, step 3)', () => {
  it('Poisson(rate · (Qmax/q_ref)^elasticity) entrants a month, Qmax averaged over classes by share', () => {
    const s = scenario({
      months: 24,
      qualityReference: 1.2,
      providers: [provider('a', 1, 0.9, { serves: ['x'] }), provider('b', 1, 0.6)],
      classes: {
        x: degenerateClass({ share: 0.3, precision: 3 }),
        y: degenerateClass({ share: 0.7, precision: 3 }),
      },
      startups: { initial: 0, entry: { rate: 100, qualityElasticity: 1.5 } },
    });
    const c = compile(s);
    // Qmax = 0.3 · max(0.9, 0.6) + 0.7 · 0.6 = 0.69 (class y is served by b only).
    const E = 100 * (0.69 / 1.2) ** 1.5;
    let total = 0;
    let draws = 0;
    const reps = 10;
    let onA = 0;
    let first = 0;
    for (let r = 0; r < reps; r++) {
      const rows = Rows.run(c, r);
      for (let t = 0; t < 24; t++) {
        total += rows.at('startups.entered', t);
        draws++;
      }
      first += rows.at('startups.entered', 0);
      onA += Math.round(rows.at('share.customers.a', 0) * rows.at('startups.alive', 0));
    }
    expectWithin4SE(total / draws, E, Math.sqrt(E / draws), 'mean entrants a month');
    // Month-0 entrants choose by the logit: class x picks a with P_x(a), class y cannot.
    // V = (q/q_ref)^1 − p·d/r: a: 0.75 − 0.1, b: 0.5 − 0.1.
    const pa = 0.3 * softmax(3, [0.65, 0.4])[0];
    expectWithin4SE(onA / first, pa, se(pa, first), 'month-0 entrants on a');
  });
});

describe('2g. the network term γ·share_j(t−1) (MODEL.md section 4; section 9: at t = 0 the initial population’s share)', () => {
  it('two identical providers, γ = 2: P(a) = softmax(λ·γ·s(t−1)), month by month', () => {
    const gamma = 2;
    const lambda = 3;
    const c = compiled({
      months: 6,
      providers: [provider('a', 1, 1), provider('b', 1, 1)],
      classes: { only: degenerateClass({ revenue: 10000, tokens: 1000, network: gamma, precision: lambda, reconsider: 1 }) },
      startups: { initial: N, initialProviders: { a: 0.8, b: 0.2 } },
    });
    const world = initWorld(c, 0);
    const row = new Float64Array(c.metricNames.length);
    const read = rowReader(c, row);
    let na = 0;
    for (let i = 0; i < world.startups.count; i++) if (readStartup(world.startups, i).provider === 0) na++;
    let sa = na / N; // the initial population's share: month 0's share_j(t−1)
    for (let t = 0; t < 6; t++) {
      step(world, t, row);
      // Same price, quality and no switching cost: V_j = 0.9 + γ·s_j(t−1).
      const pa = softmax(lambda, [0.9 + gamma * sa, 0.9 + gamma * (1 - sa)])[0];
      expectWithin4SE(read('share.customers.a'), pa, se(pa, N), `share.customers.a at t = ${t} (last month ${sa.toFixed(4)})`);
      sa = read('share.customers.a');
    }
  });
});

describe('section 9 precise rules, observed through the metrics', () => {
  it('{initial, then}: the initial at t = 0, the expression of last month’s value from t = 1 (seen in price.paid)', () => {
    const c = compiled({
      months: 4,
      providers: [provider('a', { initial: 5, then: 'price * 0.9' }, 1)],
      classes: { only: degenerateClass() },
      startups: { initial: 10 },
    });
    const rows = Rows.run(c, 0);
    [5, 4.5, 4.05, 3.645].forEach((p, t) => expect(rows.at('price.paid', t)).toBeCloseTo(p, 12));
  });

  it('lowestPrice: other providers active last month (t = 0: the t = 0 prices), +∞ once none is left', () => {
    const c = compiled({
      months: 6,
      providers: [provider('a', 2, 1), provider('b', 'min(12, lowestPrice * 1.1)', 1)],
      classes: { only: degenerateClass({ reconsider: 0 }) },
      startups: { initial: 10, initialProviders: { b: 1 } },
      events: [{ at: '2024-04', exit: 'a' }], // t = 3
    });
    const rows = Rows.run(c, 0);
    // Every startup is on b, so price.paid is b's price.
    for (const t of [0, 1, 2]) expect(rows.at('price.paid', t), `t = ${t}`).toBeCloseTo(2.2, 12);
    // t = 3: a exits now but was active last month, at price 2.
    expect(rows.at('price.paid', 3)).toBeCloseTo(2.2, 12);
    // From t = 4 no other provider was active last month: min(12, ∞) = 12.
    for (const t of [4, 5]) expect(rows.at('price.paid', t), `t = ${t}`).toBe(12);
  });

  it('a price expression that turns negative stops the run, naming provider, field, month and expression', () => {
    const c = compiled({
      months: 6,
      providers: [provider('a', 1, 1), provider('b', '2 - t', 1)],
      classes: { only: degenerateClass() },
      startups: { initial: 10 },
    });
    let message = '';
    try {
      Rows.run(c, 0);
    } catch (e) {
      message = (e as Error).message;
    }
    // 2 − t < 0 first at t = 3, 2024-04.
    expect(message).toMatch(/providers\.b\.price/);
    expect(message).toContain('2 - t');
    expect(message).toContain('2024-04');
  });

  it('initialProviders per class, and renormalised over the providers that serve the class', () => {
    const perClass = compiled({
      months: 1,
      providers: [provider('a', 1, 1), provider('b', 1, 1)],
      classes: { x: degenerateClass({ share: 0.5 }), y: degenerateClass({ share: 0.5 }) },
      startups: { initial: 400, initialProviders: { x: { a: 1 }, y: { b: 1 } } },
    });
    const w1 = initWorld(perClass, 0);
    for (let i = 0; i < 400; i++) expect(readStartup(w1.startups, i).provider).toBe(readStartup(w1.startups, i).cls === 0 ? 0 : 1);

    const renormalised = compiled({
      months: 1,
      providers: [provider('a', 1, 1), provider('b', 1, 1, { serves: ['y'] })],
      classes: { x: degenerateClass({ share: 0.5 }), y: degenerateClass({ share: 0.5 }) },
      startups: { initial: 4000, initialProviders: { a: 0.25, b: 0.75 } },
    });
    const w2 = initWorld(renormalised, 0);
    let y = 0;
    let yOnB = 0;
    for (let i = 0; i < 4000; i++) {
      if (readStartup(w2.startups, i).cls === 0) expect(readStartup(w2.startups, i).provider, 'class x is never on b').toBe(0);
      else {
        y++;
        if (readStartup(w2.startups, i).provider === 1) yOnB++;
      }
    }
    expectWithin4SE(yOnB / y, 0.75, se(0.75, y), 'class y on b');
  });

  it('a set on serves forces the startups of the dropped class to choose', () => {
    const c = compiled({
      months: 3,
      providers: [provider('a', 1, 1), provider('b', 1, 1)],
      classes: { x: degenerateClass({ share: 0.4 }), y: degenerateClass({ share: 0.6 }) },
      startups: { initial: 1000, initialProviders: { a: 1 } },
      events: [{ at: '2024-02', set: { 'providers.a.serves': ['y'] } }],
    });
    const w = initWorld(c, 0);
    let x = 0;
    for (let i = 0; i < 1000; i++) if (readStartup(w.startups, i).cls === 0) x++;
    const rows = Rows.run(c, 0);
    expect(rows.at('switches.forced', 0)).toBe(0);
    expect(rows.at('switches.forced', 1)).toBe(x);
    expect(rows.at('flows.a.b', 1)).toBe(x);
    expect(rows.at('share.customers.b', 1)).toBeCloseTo(x / 1000, 12);
    expect(rows.at('switches.forced', 2)).toBe(0);
  });

  it('entrants do not reconsider in their first month; from the next month they do', () => {
    const c = compiled({
      months: 2,
      providers: threeProviders,
      classes: { only: logitClass(1) },
      startups: { initial: 0, entry: { rate: 3000, qualityElasticity: 0 } },
    });
    const rows = Rows.run(c, 0);
    const n0 = rows.at('startups.entered', 0);
    expect(n0).toBeGreaterThan(2500);
    expect(rows.at('switches.voluntary', 0)).toBe(0);
    expect(rows.at('switches.forced', 0)).toBe(0);
    // Month 1: the month-0 entrants re-draw from the logit and switch with probability Σ P_j(1 − P_j);
    // the month-1 entrants do not reconsider.
    const q = P.reduce((s, p) => s + p * (1 - p), 0);
    expectWithin4SE(rows.at('switches.voluntary', 1) / n0, q, se(q, n0), 'switches.voluntary at t = 1');
    // Entrants' first choices are not switches.
    for (const f of c.metricNames.filter((n) => n.startsWith('flows.'))) expect(rows.at(f, 0)).toBe(0);
  });
});

describe('section 5 campaigns, observed through tokens.free', () => {
  it('a budget is handed out G at a time, the last grantee gets what is left, then nothing', () => {
    // 1 000 startups on a; a exits at t = 1; b (the only provider left) grants 10 to migrants from a,
    // validity 1, budget 2 505: 250 full grants, one of 5, then none. Each startup uses 1 000 > 10 a month.
    const c = compiled({
      months: 3,
      providers: [provider('a', 1, 1), provider('b', 1, 1)],
      classes: { only: degenerateClass() },
      startups: { initial: 1000, initialProviders: { a: 1 } },
      events: [
        { at: '2024-02', exit: 'a' },
        { at: '2024-02', campaign: { provider: 'b', grant: 10, validity: 1, eligible: 'migrants', from: ['a'], budget: 2505 } },
      ],
    });
    const rows = Rows.run(c, 0);
    expect(rows.at('tokens.free', 0)).toBe(0);
    expect(rows.at('tokens.free', 1)).toBeCloseTo(2505, 9);
    expect(rows.at('tokens.free', 2)).toBe(0); // validity 1: usable in month 1 only
    // price.paid: billed over all tokens, the free ones included.
    expect(rows.at('price.paid', 1)).toBeCloseTo((1000 * 1000 - 2505) / (1000 * 1000), 12);
  });

  it('eligible all: a reconsidering customer who stays gets the grant; eligible new: own customers do not, entrants do', () => {
    const all = compiled({
      months: 1,
      providers: [provider('a', 1, 1)],
      classes: { only: degenerateClass({ reconsider: 0.5 }) },
      startups: { initial: 4000 },
      events: [{ at: '2024-01', campaign: { provider: 'a', grant: 7, validity: 1, eligible: 'all' } }],
    });
    const rowsAll = Rows.run(all, 0);
    const grantees = rowsAll.at('tokens.free', 0) / 7;
    expect(Math.abs(grantees - Math.round(grantees))).toBeLessThan(1e-9); // whole grants of 7
    expectWithin4SE(grantees / 4000, 0.5, se(0.5, 4000), 'share of startups that reconsidered (and stayed)');
    expect(rowsAll.at('switches.voluntary', 0)).toBe(0);

    const fresh = compiled({
      months: 3,
      providers: [provider('a', 1, 1)],
      classes: { only: degenerateClass({ reconsider: 1 }) },
      startups: { initial: 500, entry: { rate: 30, qualityElasticity: 0 } },
      events: [{ at: '2024-01', campaign: { provider: 'a', grant: 7, validity: 1, eligible: 'new' } }],
    });
    const rowsNew = Rows.run(fresh, 0);
    for (let t = 0; t < 3; t++) expect(rowsNew.at('tokens.free', t), `t = ${t}`).toBeCloseTo(7 * rowsNew.at('startups.entered', t), 9);
  });
});
