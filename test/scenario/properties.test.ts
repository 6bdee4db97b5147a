import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { ScenarioError } from '../../sim/errors.js';
import { parseScenario } from '../../sim/scenario/load.js';
import { comparisonOps, scenarioSchema, type ScenarioInput } from '../../sim/scenario/schema.js';
import { addMonths } from '../../sim/scenario/semantics.js';

const fixtureText = readFileSync(new URL('./fixtures/valid.yaml', import.meta.url), 'utf8');

// ---- generators of valid scenarios ----

/** `+ 0` turns -0 into 0, which YAML cannot tell apart anyway. */
const real = (min: number, max: number) => fc.double({ min, max, noNaN: true }).map((x) => x + 0);
const nonNegative = real(0, 1e12);
const probability = real(0, 1);
const anyFinite = fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => x + 0);
const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }));

/** Expressions that need no value at t = 0 (they read no `price`, `quality` or `cost`). */
const startExpression = fc.constantFrom(
  'min(12, lowestPrice * 1.1)',
  '5 * exp(-t / 12)',
  '1 + share',
  'max(0.1, 2 - tokenShare)',
  't < 12 ? 3 : 2',
  'cash > 0 ? 1 : 0.5',
);
const dynamic = fc.oneof(
  nonNegative,
  startExpression,
  fc.record({ initial: nonNegative, then: fc.constantFrom('price * 0.99', 'quality * 1.01', 'max(cost, lowestPrice)') }),
);

const lognormal = fc.record({ median: nonNegative, sigma: real(0, 5) });
const classSpec = (share: number) =>
  fc.record({
    share: fc.constant(share),
    cash: lognormal,
    revenue: lognormal,
    opex: lognormal,
    tokens: lognormal,
    growth: fc.record({ mean: anyFinite, sd: real(0, 1) }),
    switchCost: lognormal,
    hazard: probability,
    disruption: fc.record({ months: fc.nat(24), loss: probability }),
    reconsider: probability,
    precision: nonNegative,
    network: anyFinite,
    qualityElasticity: anyFinite,
    funding: fc.record({ probability, months: real(0, 60) }),
  });

/** Class names with shares that sum to exactly 1 in binary. */
const classPlans = fc.constantFrom<[string[], number[]]>(
  [['small'], [1]],
  [['small', 'large'], [0.5, 0.5]],
  [['a', 'b'], [0.75, 0.25]],
  [['small', 'medium', 'large'], [0.5, 0.25, 0.25]],
);

const provider = (id: string, classes: string[], servesAll: boolean) =>
  fc.record(
    {
      id: fc.constant(id),
      name: text,
      price: dynamic,
      quality: dynamic,
      unitCost: fc.oneof(nonNegative, fc.record({ initial: nonNegative, then: startExpression })),
      fixedCost: dynamic,
      exitRisk: fc.oneof(probability, fc.constant('min(1, 0.01 * t)')),
      cash: nonNegative,
      serves: servesAll ? fc.constant(undefined) : fc.subarray(classes),
      funding: fc.record({
        below: fc.oneof(real(0, 24), fc.constant('6')),
        probability: fc.oneof(probability, fc.constant('min(1, 4 * tokenShare)')),
        amount: nonNegative,
      }),
    },
    { requiredKeys: servesAll ? ['id', 'price', 'quality', 'unitCost', 'cash'] : ['id', 'price', 'quality', 'unitCost', 'cash', 'serves'] },
  ).map((p) => (p.serves === undefined ? (({ serves: _, ...rest }) => rest)(p) : p));

const month = (start: string, lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map((k) => addMonths(start, k));

const validScenario: fc.Arbitrary<ScenarioInput> = fc
  .record({
    plan: classPlans,
    ids: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_-]{0,7}$/), { minLength: 2, maxLength: 6 }),
    starting: fc.integer({ min: 1, max: 4 }),
    start: fc.record({ year: fc.integer({ min: 1990, max: 2100 }), month: fc.integer({ min: 1, max: 12 }) }),
    months: fc.integer({ min: 1, max: 120 }),
  })
  .chain(({ plan: [classes, shares], ids, starting, start: { year, month: m }, months }) => {
    const start = `${year}-${String(m).padStart(2, '0')}`;
    const startIds = ids.slice(0, Math.min(starting, ids.length - 1));
    const enterIds = ids.slice(startIds.length);
    const allIds = [...startIds, ...enterIds];
    const inRun = month(start, 0, months - 1);
    // Every entering provider enters (others name it); the other events are a random subset.
    const entries = enterIds.map((id) => fc.record({ at: month(start, 0, months + 6), enter: provider(id, classes, false) }));
    const others = [
      fc.record({ id: fc.constant('exit'), at: month(start, 0, months + 6), exit: fc.constantFrom(...allIds) }),
      fc.record({
        at: inRun,
        campaign: fc.record(
          {
            provider: fc.constantFrom(...allIds),
            grant: nonNegative,
            validity: fc.nat(36),
            eligible: fc.constant('migrants' as const),
            from: fc.subarray(allIds, { minLength: 1 }),
            support: probability,
            budget: nonNegative,
          },
          { requiredKeys: ['provider', 'grant', 'validity', 'eligible', 'from'] },
        ),
      }),
      fc.record({
        id: fc.constant('offer'),
        at: inRun,
        campaign: fc.record({ provider: fc.constantFrom(...allIds), grant: nonNegative, validity: fc.nat(36), eligible: fc.constantFrom('new' as const, 'all' as const) }),
      }),
      fc.record({
        at: month(start, 1, months + 6),
        set: fc.record(
          {
            horizon: real(0.5, 60),
            'startups.entry.rate': nonNegative,
            [`classes.${classes[0]}.hazard`]: probability,
            [`classes.${classes[0]}.switchCost.median`]: nonNegative,
            [`providers.${startIds[0]}.price`]: dynamic,
            [`providers.${allIds[allIds.length - 1]}.serves`]: fc.subarray(classes),
          },
          { requiredKeys: ['horizon'] },
        ),
      }),
    ];
    return fc.record(
      {
        name: text,
        description: text,
        sources: fc.array(text, { maxLength: 3 }),
        start: fc.constant(start),
        months: fc.constant(months),
        seed: fc.oneof(fc.integer(), text),
        runs: fc.integer({ min: 1, max: 1000 }),
        horizon: real(0.1, 120),
        qualityReference: real(0.1, 10),
        providers: fc.tuple(...startIds.map((id, i) => provider(id, classes, i === 0))),
        classes: fc.tuple(...classes.map((c, i) => classSpec(shares[i]))).map((specs) => Object.fromEntries(classes.map((c, i) => [c, specs[i]]))),
        startups: fc.record(
          {
            initial: fc.nat(1_000_000),
            initialProviders: fc.constantFrom(
              { [startIds[0]]: 1 },
              Object.fromEntries(classes.map((c) => [c, { [startIds[0]]: 1 }])),
            ),
            entry: fc.record({ rate: nonNegative, qualityElasticity: anyFinite }, { requiredKeys: [] }),
          },
          { requiredKeys: ['initial'] },
        ),
        events: fc
          .tuple(fc.tuple(...entries), fc.tuple(...others).chain((all) => fc.subarray(all)))
          .map(([entered, rest]) => [...entered, ...rest]),
        expect: fc.array(
          fc.record(
            {
              name: fc.string({ minLength: 1 }),
              metric: fc.constantFrom('hhi.tokens', 'cohort.dead.small.fraction', 'providers.active'),
              at: fc.oneof(fc.constant('end'), inRun),
              op: fc.constantFrom(...comparisonOps),
              value: anyFinite,
              probability,
            },
            { requiredKeys: ['name', 'metric', 'at', 'op', 'value'] },
          ),
          { maxLength: 3 },
        ),
      },
      { requiredKeys: ['start', 'months', 'providers', 'classes', 'startups'] },
    ) as fc.Arbitrary<ScenarioInput>;
  });

describe('properties', () => {
  it('a valid scenario dumped to YAML (or JSON) parses back to the same Scenario', () => {
    fc.assert(
      fc.property(validScenario, fc.boolean(), (input, asJson) => {
        const expected = scenarioSchema.parse(input);
        const dumped = asJson ? JSON.stringify(input, null, 2) : YAML.stringify(input);
        const { scenario } = parseScenario(dumped, asJson ? 'gen.json' : 'gen.yaml');
        expect(scenario).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  /** Parses `text`; anything thrown must be a ScenarioError whose every diagnostic is located and worded. */
  const onlyScenarioErrors = (text: string) => {
    try {
      parseScenario(text, 'gen.yaml', () => fixtureText);
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      expect(e.diagnostics.length).toBeGreaterThan(0);
      for (const d of e.diagnostics) {
        expect(d.file).toBe('gen.yaml');
        expect(d.line).toBeGreaterThanOrEqual(0);
        expect(d.message.trim()).not.toBe('');
      }
    }
  };

  it('random text fails only with located ScenarioErrors', () => {
    const yamlish = fc
      .array(fc.oneof(fc.constantFrom('- ', ': ', '{', '}', '[', ']', ',', '&a ', '*a', '!!str ', '\n', '  ', '#', '"', "'", '? ', '|', '>', '---', '.inf', '1e400', 'null', '__proto__'), fc.string()), { maxLength: 40 })
      .map((parts) => parts.join(''));
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary' }), yamlish), onlyScenarioErrors), { numRuns: 500 });
  });

  it('edits of the valid fixture fail only with located ScenarioErrors', () => {
    const edit = fc.record({ at: fc.nat(), remove: fc.nat(20), insert: fc.oneof(fc.string(), fc.constantFrom('\n', '  ', ': ', '- ', '-1', 'cheap', '{', ']')) });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 5 }), (edits) => {
        let text = fixtureText;
        for (const { at, remove, insert } of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + insert + text.slice(i + remove);
        }
        onlyScenarioErrors(text);
      }),
      { numRuns: 500 },
    );
  });

  it('changed values and keys in the valid fixture fail only with located ScenarioErrors', () => {
    const document = YAML.parse(fixtureText) as unknown;
    const paths: (string | number)[][] = [];
    const collect = (value: unknown, path: (string | number)[]) => {
      paths.push(path);
      if (Array.isArray(value)) value.forEach((v, i) => collect(v, [...path, i]));
      else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) collect(v, [...path, k]);
    };
    collect(document, []);
    const weird = fc.constantFrom<unknown>(-1, 1.5, Infinity, NaN, '', 'cheap', 'a = 1', 'import({}, {})', null, [], {}, true, '2024-13', 'end', { initial: 1 }, { drop: true });
    const change = fc.record({
      path: fc.constantFrom(...paths),
      kind: fc.constantFrom('set', 'delete', 'rename'),
      value: fc.oneof(weird, fc.jsonValue()),
      key: fc.oneof(fc.string(), fc.constantFrom('id', 'extends', 'drop', 'constructor', 'toString', 'hasOwnProperty')),
    });
    fc.assert(
      fc.property(fc.array(change, { minLength: 1, maxLength: 4 }), (changes) => {
        const doc = structuredClone(document);
        for (const { path, kind, value, key } of changes) mutate(doc, path, kind, value, key);
        onlyScenarioErrors(YAML.stringify(doc));
        onlyScenarioErrors(JSON.stringify(doc) ?? 'null');
      }),
      { numRuns: 500 },
    );
  });
});

/** Sets, deletes or renames the value at `path` (where the path still exists). */
function mutate(doc: unknown, path: (string | number)[], kind: string, value: unknown, key: string): void {
  if (path.length === 0) return;
  let parent = doc as Record<string | number, unknown>;
  for (const segment of path.slice(0, -1)) {
    const next = parent?.[segment];
    if (!next || typeof next !== 'object') return;
    parent = next as Record<string | number, unknown>;
  }
  const last = path[path.length - 1];
  if (!Object.hasOwn(parent, last)) return;
  if (kind === 'set') parent[last] = value;
  else if (kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (!Array.isArray(parent)) {
    Object.defineProperty(parent, key, { value: parent[last], enumerable: true, writable: true, configurable: true });
    if (key !== last) delete parent[last];
  }
}
