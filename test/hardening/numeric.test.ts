/**
 * Numeric safety (docs/security.md, "Numbers"): over extreme but valid
 * parameter values, every ensemble either completes with every stored value
 * finite, or stops with a ModelError that names the metric, the month, the
 * replication and the seed, and the command that reproduces it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstNonFinite, runEnsemble } from '../../sim/ensemble/ensemble.js';
import { executorOf } from '../ensemble/executors.js';
import { ModelError, UsageError } from '../../sim/errors.js';
import { estimateResources } from '../../sim/ensemble/limits.js';
import { compile } from '../../sim/model/compile.js';
import { runReplication } from '../../sim/model/replication.js';
import { scenarioSchema, type ScenarioInput } from '../../sim/scenario/schema.js';
import { tempDir } from '../output/tmp.js';

/** Values at the edges: zero, tiny, huge, and ordinary. */
const edge = (ordinary: number, huge: number) =>
  fc.oneof(fc.constantFrom(0, Number.MIN_VALUE, 1e-300, 1e-12, ordinary, huge, 1e300), fc.double({ min: 0, max: huge, noNaN: true }));
const probability = fc.oneof(fc.constantFrom(0, 1, 1e-12, 1 - 1e-12, 0.5), fc.double({ min: 0, max: 1, noNaN: true }));
const sigma = fc.oneof(fc.constantFrom(0, 5, 1e-9), fc.double({ min: 0, max: 5, noNaN: true }));
const lognormal = (median: number) => fc.record({ median: edge(median, 1e15), sigma });
const anyNumber = fc.oneof(fc.constantFrom(0, -50, 50, 1e-9), fc.double({ min: -100, max: 100, noNaN: true }));

const classSpec = fc.record({
  share: fc.constant(1),
  cash: lognormal(150_000),
  revenue: lognormal(8000),
  opex: lognormal(20_000),
  tokens: lognormal(50),
  growth: fc.record({ mean: fc.oneof(anyNumber, fc.constantFrom(-5, 5)), sd: fc.oneof(fc.constantFrom(0, 5), fc.double({ min: 0, max: 5, noNaN: true })) }),
  switchCost: lognormal(20_000),
  hazard: probability,
  disruption: fc.record({ months: fc.nat(24), loss: probability }),
  reconsider: probability,
  precision: fc.oneof(fc.constantFrom(0, 1000, 1e-9), fc.double({ min: 0, max: 1000, noNaN: true })),
  network: anyNumber,
  qualityElasticity: anyNumber,
  funding: fc.record({ probability, months: fc.oneof(fc.constantFrom(0, 1e6), fc.double({ min: 0, max: 120, noNaN: true })) }),
});

const price = fc.oneof(edge(5, 1e12), fc.constantFrom('max(cost, min(12, lowestPrice * 1.1))', 'price * 0.5', 'max(0, 10 - t)'));
const quality = fc.oneof(fc.constantFrom(0, 1e-12, 1e-300, 1, 1e6), fc.double({ min: 0, max: 10, noNaN: true }));

const provider = (id: string) =>
  fc.record({
    id: fc.constant(id),
    price: fc.oneof(price.filter((p) => typeof p === 'number'), price.map((p) => (typeof p === 'string' ? { initial: 5, then: p } : p))),
    quality,
    unitCost: edge(1, 1e12),
    fixedCost: edge(1e5, 1e15),
    cash: edge(1e9, 1e300),
  });

const anyScenario: fc.Arbitrary<ScenarioInput> = fc.record({
  start: fc.constant('2024-06'),
  months: fc.integer({ min: 1, max: 14 }),
  seed: fc.oneof(fc.integer(), fc.string({ maxLength: 6 })),
  runs: fc.constant(2),
  horizon: fc.oneof(fc.constantFrom(1e-9, 1, 12, 1e9), fc.double({ min: 1e-6, max: 1000, noNaN: true })),
  qualityReference: fc.oneof(fc.constantFrom(1e-9, 1, 1e9), fc.double({ min: 1e-6, max: 100, noNaN: true })),
  providers: fc.tuple(provider('a'), provider('b')),
  classes: classSpec.map((small) => ({ small })),
  startups: fc.record({
    initial: fc.integer({ min: 0, max: 40 }),
    entry: fc.record({ rate: fc.oneof(fc.constantFrom(0, 5), fc.double({ min: 0, max: 20, noNaN: true })), qualityElasticity: fc.oneof(fc.constantFrom(0, 1, -3), fc.double({ min: -3, max: 3, noNaN: true })) }),
  }),
  events: fc.constantFrom([], [{ at: '2024-07', exit: 'a' }], [{ at: '2024-06', campaign: { provider: 'b', grant: 1e12, validity: 3, eligible: 'all' } }]),
}) as fc.Arbitrary<ScenarioInput>;

/**
 * Worlds small enough to run in milliseconds: at most a few thousand
 * startups expected (a quality of 10^6 against a reference of 10^-6 brings
 * millions of entrants, which is a workload, not a numeric edge).
 */
const scenario = anyScenario.filter((input) => {
  const s = scenarioSchema.parse(input);
  return estimateResources(s).startups <= 3000;
});

const NOT_FINITE = /^replication (\d+) \(seed .*\): (\S+) is (NaN|Infinity|-Infinity) in (\d{4}-\d{2}) \(t = (\d+)\); .* To reproduce: shakeout run \S+ --seed (?:'[^']*'|\S+) --runs (\d+) --months \d+$/;
const FROM_ENGINE = /\(replication (\d+), seed .*; to reproduce: shakeout run \S+ --seed (?:'[^']*'|\S+) --runs (\d+) --months \d+\)$/;

describe('numeric safety', () => {
  it('extreme parameters give all-finite outputs or a ModelError naming metric, month, replication and seed', async () => {
    let finished = 0;
    let stopped = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async (input) => {
        const compiled = compile(scenarioSchema.parse(input));
        const dir = tempDir();
        try {
          const store = await runEnsemble(compiled, { runs: 2, dir, scenarioFile: 'x.yaml' });
          await store.forEachRun((_, record) => expect(firstNonFinite(record)).toBe(-1));
          finished++;
        } catch (e) {
          // Refused up front: entry that no machine could hold (limits.ts), e.g. quality 0 with a negative elasticity.
          if (e instanceof UsageError && /needs about .* of memory/.test(e.message)) {
            refused++;
            return;
          }
          if (!(e instanceof ModelError)) throw e;
          expect(e.message.split('\n')).toHaveLength(1);
          const m = NOT_FINITE.exec(e.message) ?? FROM_ENGINE.exec(e.message);
          expect(m, e.message).not.toBeNull();
          stopped++;
        }
      }),
      { numRuns: 150 },
    );
    expect(finished).toBeGreaterThan(0);
    expect(finished + stopped + refused).toBe(150);
  });

  it("adds the replication, the seed and the command to the model's own errors", async () => {
    const compiled = compile(
      scenarioSchema.parse({
        start: '2024-06',
        months: 12,
        seed: 3,
        providers: [{ id: 'a', price: { initial: 5, then: '5 - t' }, quality: 1, unitCost: 0, cash: 1e9 }],
        classes: { small: { share: 1, cash: { median: 1e5, sigma: 0 }, revenue: { median: 1e4, sigma: 0 }, opex: { median: 0, sigma: 0 }, tokens: { median: 1, sigma: 0 }, growth: { mean: 0, sd: 0 }, switchCost: { median: 1, sigma: 0 }, hazard: 0, disruption: { months: 0, loss: 0 }, reconsider: 0, precision: 1, network: 0, qualityElasticity: 0, funding: { probability: 0, months: 0 } } },
        startups: { initial: 2 },
      }),
    );
    await expect(runEnsemble(compiled, { runs: 2, dir: tempDir(), scenarioFile: 'x.yaml' })).rejects.toThrow(
      'providers.a.price: "5 - t" gave -1 in 2024-12 (t = 6); expected a finite number ≥ 0 (replication 0, seed 3; to reproduce: shakeout run x.yaml --seed 3 --runs 1 --months 12)',
    );
  });

  it('names the first non-finite value: its metric, month, replication, seed and how to reproduce it', async () => {
    const compiled = compile(scenarioSchema.parse({ start: '2024-06', months: 5, seed: 'a b', runs: 3, providers: [{ id: 'a', price: 5, quality: 1, unitCost: 2, cash: 1e9 }], classes: { small: { share: 1, cash: { median: 1, sigma: 0 }, revenue: { median: 1, sigma: 0 }, opex: { median: 1, sigma: 0 }, tokens: { median: 1, sigma: 0 }, growth: { mean: 0, sd: 0 }, switchCost: { median: 1, sigma: 0 }, hazard: 0, disruption: { months: 0, loss: 0 }, reconsider: 0, precision: 1, network: 0, qualityElasticity: 0, funding: { probability: 0, months: 0 } } }, startups: { initial: 3 } }));
    const metric = compiled.metricNames.indexOf('price.paid');
    // An engine that goes wrong in replication 1 at t = 3.
    const broken = executorOf(1, async (r) => {
      const values = runReplication(compiled, r);
      if (r === 1) values[3 * compiled.metricNames.length + metric] = NaN;
      return values;
    });
    const run = runEnsemble(compiled, { runs: 3, dir: tempDir(), executor: broken, scenarioFile: 'my world.yaml' });
    await expect(run).rejects.toThrow(ModelError);
    await expect(runEnsemble(compiled, { runs: 3, dir: tempDir(), executor: broken, scenarioFile: 'my world.yaml' })).rejects.toThrow(
      "replication 1 (seed a b): price.paid is NaN in 2024-09 (t = 3); the model produced a value that is not a finite number, so the run stops here. " +
        "To reproduce: shakeout run 'my world.yaml' --seed 'a b' --runs 2 --months 5",
    );
  });
});
