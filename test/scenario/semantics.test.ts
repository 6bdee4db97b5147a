import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../sim/errors.js';
import { loadScenario } from '../../sim/scenario/load.js';
import { addMonths, applySet, checkScenario, monthIndex } from '../../sim/scenario/semantics.js';
import { setPlaceOf } from '../../sim/scenario/set-place.js';
import { resolveSetPath } from '../../sim/scenario/set-paths.js';
import { load, problems, scenario, smallClass } from './helpers.js';

const fixture = new URL('./fixtures/valid.yaml', import.meta.url).pathname;

describe('the valid fixture', () => {
  it('loads, with defaults filled in', () => {
    const { scenario: s, files } = loadScenario(fixture);
    expect(files).toEqual([fixture]);
    expect(s.providers.map((p) => p.id)).toEqual(['openai', 'zhipu', 'baidu']);
    expect(Object.keys(s.classes)).toEqual(['small', 'large']);
    expect(s.providers[0].cash).toBe(1e12);
    expect(s.expect[1].probability).toBe(0.5);
    expect(s.events[2].campaign?.support).toBe(0);
    expect(s.events).toHaveLength(5);
    expect(checkScenario(s)).toEqual([]);
  });

  it('a missing file is a ScenarioError naming it', () => {
    expect(() => loadScenario('no/such/file.yaml')).toThrow('no/such/file.yaml: cannot read the file: no such file');
  });
});

describe('monthIndex and addMonths', () => {
  it.each<[string, string, number]>([
    ['2024-06', '2024-06', 0],
    ['2024-06', '2024-07', 1],
    ['2024-06', '2025-06', 12],
    ['2024-06', '2024-05', -1],
    ['2024-12', '2025-01', 1],
  ])('%s → %s is %i', (start, month, t) => {
    expect(monthIndex(start, month)).toBe(t);
    expect(addMonths(start, t)).toBe(month);
  });
});

describe('applySet', () => {
  const s = loadScenario(fixture).scenario;

  it('changes a copy, leaving the scenario as it was', () => {
    const before = structuredClone(s);
    const after = applySet(s, 'classes.small.switchCost.median', 4000);
    expect(after.classes.small.switchCost).toEqual({ median: 4000, sigma: 0.5 });
    expect(s).toEqual(before);
  });

  it.each<[string, unknown, (x: ReturnType<typeof applySet>) => unknown, unknown]>([
    ['providers.zhipu.price', 'min(12, lowestPrice)', (x) => x.providers[1].price, 'min(12, lowestPrice)'],
    ['providers.baidu.serves', ['large'], (x) => x.providers[2].serves, ['large']],
    ['providers.zhipu.funding.amount', 2e8, (x) => x.providers[1].funding?.amount, 2e8],
    ['providers.openai.funding', { below: 3, probability: 0.5, amount: 1 }, (x) => x.providers[0].funding?.below, 3],
    ['providers.zhipu.funding', null, (x) => 'funding' in x.providers[1], false],
    ['horizon', 6, (x) => x.horizon, 6],
    ['qualityReference', 1.2, (x) => x.qualityReference, 1.2],
    ['startups.entry.rate', 0, (x) => x.startups.entry.rate, 0],
    ['classes.large.hazard', 0.02, (x) => x.classes.large.hazard, 0.02],
    ['classes.large.disruption', { months: 1, loss: 0.1 }, (x) => x.classes.large.disruption, { months: 1, loss: 0.1 }],
  ])('%s', (path, value, read, expected) => {
    expect(read(applySet(s, path, value))).toEqual(expected);
  });

  it("changes an entering provider's spec in its enter event", () => {
    const withEntry = load(
      scenario(`
        events:
          - { at: 2025-01, enter: { id: baidu, price: 2, quality: 0.9, unitCost: 0.3, cash: 1e8 } }
      `),
    ).scenario;
    expect(applySet(withEntry, 'providers.baidu.price', 1.5).events[0].enter?.price).toBe(1.5);
  });

  it.each<[string, unknown, string]>([
    ['providers.zhipu.cash', 1, 'providers.zhipu.cash: cannot be set; a provider'],
    ['providers.nobody.price', 1, 'providers.nobody.price: unknown provider "nobody"'],
    ['classes.small.share', 0.5, 'classes.small.share: cannot be set: the class shares must keep summing to 1'],
    ['classes.small.hazard', 2, 'classes.small.hazard: expected a probability in 0–1, got 2'],
    ['providers.openai.funding.below', 3, 'providers.openai.funding.below: provider "openai" has no funding to change'],
    ['providers.zhipu.price', 'a = 1', 'providers.zhipu.price: expected a number ≥ 0 or an expression, got "a = 1": assignment'],
    ['months', 24, 'months: cannot be set'],
    ['classes.small.growth', { mean: 0 }, 'classes.small.growth.sd: missing required field'],
  ])('refuses %s = %j', (path, value, message) => {
    expect(() => applySet(s, path, value)).toThrow(UsageError);
    expect(() => applySet(s, path, value)).toThrow(message);
  });
});

describe('set paths: the place the model compiles and the target the loader checks', () => {
  const s = loadScenario(fixture).scenario;
  const settable = [
    'providers.zhipu.price',
    'providers.baidu.serves',
    'providers.zhipu.funding',
    'providers.zhipu.funding.amount',
    'horizon',
    'qualityReference',
    'qualityReference.frontierWeight',
    'startups.entry.rate',
    'startups.entry.qualityElasticity',
    'classes.large.hazard',
    'classes.small.switchCost.median',
    'classes.large.disruption',
  ];

  it.each(settable)('%s: the same place both ways', (path) => {
    const target = resolveSetPath(s, path);
    if (typeof target === 'string') throw new Error(target);
    const { schema, ...place } = target;
    expect(schema).toBeDefined();
    expect(setPlaceOf(path)).toEqual(place);
  });

  it.each<[string, string]>([
    ['providers.zhipu.cash', 'cannot be set; a provider'],
    ['providers.zhipu.funding.rate', 'cannot be set'],
    ['providers.nobody.price', 'unknown provider "nobody"'],
    ['providers.nobody.funding.amount', 'unknown provider "nobody"'],
    ['classes.nobody.hazard', 'unknown class "nobody"'],
    ['classes.small.hazard.x', 'cannot be set'],
    ['classes.small.colour', 'cannot be set'],
    ['classes.small.share', 'cannot be set: the class shares must keep summing to 1'],
    ['startups.entry', 'cannot be set'],
    ['months', 'cannot be set'],
  ])('%s: refused by the loader (%s)', (path, message) => {
    const target = resolveSetPath(s, path);
    expect(typeof target).toBe('string');
    expect(target).toContain(message);
  });

  it('a path without the shape of a settable one has no place', () => {
    for (const path of ['providers.zhipu.cash', 'providers.zhipu.funding.rate', 'classes.small.share', 'startups.entry', 'months', 'providers', 'classes.small'])
      expect(setPlaceOf(path), path).toBeUndefined();
  });
});

describe('whole-document rules', () => {
  it('initial providers by class must cover every class with startups', () => {
    const text = scenario(`
      classes:
        small: ${smallClass.replace('share: 1', 'share: 0.5')}
        large: ${smallClass.replace('share: 1', 'share: 0.5')}
      startups:
        initial: 100
        initialProviders:
          small: { openai: 1 }
    `);
    expect(problems(text)).toBe('x.yaml:6: startups.initialProviders: missing initial providers for class "large"');
  });

  it('initial providers by provider must serve every class with startups', () => {
    const text = scenario(`
      providers:
        - { id: openai, price: 5, quality: 1, unitCost: 2, cash: 1e12, serves: [large] }
        - { id: zhipu, price: 1, quality: 0.85, unitCost: 0.3, cash: 3e8 }
      classes:
        small: ${smallClass.replace('share: 1', 'share: 0.5')}
        large: ${smallClass.replace('share: 1', 'share: 0.5')}
      startups:
        initial: 100
        initialProviders: { openai: 1, zhipu: 0 }
    `);
    expect(problems(text)).toBe('x.yaml:9: startups.initialProviders: no provider listed here with a share > 0 serves class "small"');
  });

  it('initial providers cannot mix the two forms', () => {
    const text = scenario(`
      startups:
        initial: 100
        initialProviders: { openai: 0.5, small: { zhipu: 1 } }
    `);
    expect(problems(text)).toBe(
      'x.yaml:3: startups.initialProviders: expected either shares by provider ({openai: 0.6, zhipu: 0.4}) or, per class, maps of shares by provider',
    );
  });

  it('a set at start reads the provider as written, so it needs a first value there', () => {
    const text = scenario(`
      events:
        - at: 2024-06
          set: { providers.zhipu.quality: "quality * 1.01", providers.zhipu.price: "price * 0.9" }
      providers:
        - { id: openai, price: 5, quality: 1, unitCost: 2, cash: 1e12 }
        - { id: zhipu, price: "max(cost, 1)", quality: 0.85, unitCost: 0.3, cash: 3e8 }
    `);
    expect(problems(text)).toBe(
      'x.yaml:3: events[0].set.providers.zhipu.price: price reads "price", which has no value at the provider\'s first month: ' +
        'give price a number, or write it {initial: <number>, then: <expression>}',
    );
  });

  it('a later set may read any last value', () => {
    const text = scenario(`
      events:
        - { at: 2024-07, set: { providers.zhipu.price: "price * 0.9" } }
      providers:
        - { id: openai, price: 5, quality: 1, unitCost: 2, cash: 1e12 }
        - { id: zhipu, price: "max(cost, 1)", quality: 0.85, unitCost: 0.3, cash: 3e8 }
    `);
    expect(load(text).scenario.events[0].set).toEqual({ 'providers.zhipu.price': 'price * 0.9' });
  });

  it('a set of funding.* after a set of funding, in month order', () => {
    const text = scenario(`
      events:
        - { at: 2025-02, set: { providers.zhipu.funding.amount: 2e8 } }
        - { at: 2025-01, set: { providers.zhipu.funding: { below: 6, probability: 0.5, amount: 1e8 } } }
    `);
    expect(load(text).scenario.events).toHaveLength(2);
  });

  it('an event after the end of the run is allowed (it never applies)', () => {
    expect(load(scenario('events:\n  - { at: 2030-01, exit: zhipu }')).scenario.events[0].at).toBe('2030-01');
  });

  it('an exit, campaign and from may name a provider that enters', () => {
    const text = scenario(`
      events:
        - { at: 2025-01, enter: { id: baidu, price: 2, quality: 0.9, unitCost: 0.3, cash: 1e8 } }
        - { at: 2025-01, campaign: { provider: baidu, grant: 10, validity: 2, eligible: migrants, from: [zhipu] } }
        - { at: 2025-06, exit: baidu }
    `);
    expect(load(text).scenario.events).toHaveLength(3);
  });

  it('the fixture is the documented example, reused by the property tests', () => {
    expect(readFileSync(fixture, 'utf8')).toContain('max(cost, min(12, lowestPrice * 1.1))');
  });
});
