import { describe, expect, it } from 'vitest';
import { files, load, problems, smallClass } from './helpers.js';

const base = `
  name: base
  sources: ["base source"]
  start: 2024-06
  months: 24
  providers:
    - { id: openai, price: 5, quality: 1, unitCost: 2, cash: 1e12 }
    - id: zhipu
      price: 1
      quality: 0.85
      unitCost: 0.3
      cash: 3e8
      funding: { below: 6, probability: 0.5, amount: 1e8 }
  classes:
    small: ${smallClass}
  startups:
    initial: 100
    initialProviders: { openai: 0.6, zhipu: 0.4 }
  events:
    - { id: openai-exit, at: 2024-07, exit: openai }
    - { id: zhipu-offer, at: 2024-07, campaign: { provider: zhipu, grant: 150, validity: 6, eligible: new } }
    - { at: 2025-01, set: { horizon: 6 } }
  expect:
    - { name: concentration, metric: hhi.tokens, at: end, op: ">=", value: 2500 }
`;

describe('extends', () => {
  it('merges maps key by key and providers by id: base order, new ids appended', () => {
    const read = files({
      'base.yaml': base,
      'child.yaml': `
        extends: base.yaml
        name: child
        providers:
          - { id: baidu, price: 4, quality: 0.8, unitCost: 0.5, cash: 5e9 }
          - { id: zhipu, price: 0.5 }
      `,
    });
    const { scenario, files: names } = load(read('child.yaml'), 'child.yaml', read);
    expect(names).toEqual(['child.yaml', 'base.yaml']);
    expect(scenario.name).toBe('child');
    expect(scenario.months).toBe(24);
    expect(scenario.providers.map((p) => p.id)).toEqual(['openai', 'zhipu', 'baidu']);
    expect(scenario.providers[1]).toMatchObject({ id: 'zhipu', price: 0.5, quality: 0.85, cash: 3e8 });
    expect(scenario).not.toHaveProperty('extends');
  });

  it("applies the base's events first, replaces one by id in place and drops one", () => {
    const read = files({
      'base.yaml': base,
      'child.yaml': `
        extends: base.yaml
        events:
          - { id: late-entry, at: 2025-03, enter: { id: baidu, price: 4, quality: 0.8, unitCost: 0.5, cash: 5e9 } }
          - { id: openai-exit, drop: true }
          - { id: zhipu-offer, at: 2024-08, campaign: { provider: zhipu, grant: 50, validity: 3, eligible: all } }
      `,
    });
    const events = load(read('child.yaml'), 'child.yaml', read).scenario.events;
    expect(events.map((e) => e.id)).toEqual(['zhipu-offer', undefined, 'late-entry']);
    expect(events[0]).toEqual({
      id: 'zhipu-offer',
      at: '2024-08',
      campaign: { provider: 'zhipu', grant: 50, validity: 3, eligible: 'all', support: 0 },
    });
  });

  it('replaces expect, sources and initialProviders whole', () => {
    const read = files({
      'base.yaml': base,
      'child.yaml': `
        extends: base.yaml
        sources: ["child source"]
        startups:
          initialProviders: { zhipu: 1 }
        expect:
          - { name: bloodbath, metric: cohort.dead.small.fraction, at: 2025-06, op: ">=", value: 0.3 }
      `,
    });
    const { scenario } = load(read('child.yaml'), 'child.yaml', read);
    expect(scenario.sources).toEqual(['child source']);
    expect(scenario.startups.initialProviders).toEqual({ zhipu: 1 });
    expect(scenario.startups.initial).toBe(100);
    expect(scenario.expect.map((e) => e.name)).toEqual(['bloodbath']);
  });

  it("removes a base key set to null (here a provider's funding)", () => {
    const read = files({
      'base.yaml': base,
      'child.yaml': `
        extends: base.yaml
        providers:
          - { id: zhipu, funding: null }
      `,
    });
    expect(load(read('child.yaml'), 'child.yaml', read).scenario.providers[1]).not.toHaveProperty('funding');
  });

  it('follows a chain, each name relative to the file that extends it', () => {
    const read = files({
      'scenarios/base/china-2024.yaml': base,
      'scenarios/policy/interop.yaml': `
        extends: ../base/china-2024.yaml
        name: interop
        events:
          - { id: interop, at: 2025-01, set: { classes.small.switchCost.median: 4000 } }
      `,
      'scenarios/policy/interop-late.yaml': `
        extends: interop.yaml
        events:
          - { id: interop, at: 2026-01, set: { classes.small.switchCost.median: 4000 } }
      `,
    });
    const { scenario, files: names } = load(read('scenarios/policy/interop-late.yaml'), 'scenarios/policy/interop-late.yaml', read);
    expect(names).toEqual(['scenarios/policy/interop-late.yaml', 'scenarios/policy/interop.yaml', 'scenarios/base/china-2024.yaml']);
    expect(scenario.name).toBe('interop');
    expect(scenario.events.map((e) => e.at)).toEqual(['2024-07', '2024-07', '2025-01', '2026-01']);
  });

  it('reports a cycle', () => {
    const read = files({
      'a.yaml': 'extends: b.yaml\nmonths: 12',
      'b.yaml': 'extends: c.yaml',
      'c.yaml': 'start: 2024-06\nextends: a.yaml',
    });
    expect(problems(read('a.yaml'), 'a.yaml', read)).toBe('c.yaml:2: extends: extends forms a cycle: a.yaml → b.yaml → c.yaml → a.yaml');
  });

  it('reports a file that extends itself', () => {
    const read = files({ 'a.yaml': 'extends: ./a.yaml' });
    expect(problems(read('a.yaml'), 'a.yaml', read)).toBe('a.yaml:1: extends: extends forms a cycle: a.yaml → a.yaml');
  });

  it('reports a missing base at the line of extends', () => {
    const read = files({ 'child.yaml': 'name: child\nextends: base/missing.yaml' });
    expect(problems(read('child.yaml'), 'child.yaml', read)).toBe(
      'child.yaml:2: extends: extends "base/missing.yaml", which cannot be read: no such file',
    );
  });

  it('locates a value in the file that wrote it, the child first', () => {
    const read = files({
      'base.yaml': base.replace('hazard: 0.01', 'hazard: 2'),
      'child.yaml': `
        extends: base.yaml
        providers:
          - { id: zhipu, price: cheap }
      `,
    });
    expect(problems(read('child.yaml'), 'child.yaml', read)).toBe(
      [
        'child.yaml:3: providers.zhipu.price: expected a number ≥ 0 or an expression, got "cheap": unknown variable "cheap"; ' +
          'the variables are t, price, quality, cost, share, tokenShare, lowestPrice, cash',
        'base.yaml:14: classes.small.hazard: expected a probability in 0–1, got 2',
      ].join('\n'),
    );
  });

  it("numbers an event without an id as its own file does, not as the merged list does", () => {
    const read = files({
      'base.yaml': base,
      'child.yaml': `
        extends: base.yaml
        events:
          - { id: zhipu-offer, drop: true }
          - { at: 2024-09, exit: zhipu }
          - { at: 2024-10, exit: nobody }
      `,
    });
    // The merged list is openai-exit, the base's id-less set, then the child's two: the bad one is its events[2].
    expect(problems(read('child.yaml'), 'child.yaml', read)).toBe('child.yaml:5: events[2].exit: unknown provider "nobody"; the providers are openai, zhipu');
    // In the base, its own id-less event keeps its own number too.
    const broken = files({ 'base.yaml': base.replace('set: { horizon: 6 }', 'set: { horizon: -6 }'), 'child.yaml': 'extends: base.yaml\n' });
    expect(problems(broken('child.yaml'), 'child.yaml', broken)).toMatch(/^base\.yaml:\d+: events\[2\]\.set\.horizon: /);
  });

  it('reports a drop that removes nothing, and a drop that carries other fields', () => {
    const read = files({
      'base.yaml': base,
      'child.yaml': `
        extends: base.yaml
        events:
          - { id: no-such-event, drop: true }
          - { id: openai-exit, drop: true, at: 2024-08 }
      `,
    });
    expect(problems(read('child.yaml'), 'child.yaml', read)).toBe(
      [
        'child.yaml:3: events.no-such-event: no event "no-such-event" in the base files to drop',
        'child.yaml:4: events.openai-exit: a drop event takes only "id" and "drop: true"',
      ].join('\n'),
    );
  });

  it('reports an extends that is not a file name', () => {
    expect(problems('extends: [a.yaml]\n')).toBe('x.yaml:1: extends: expected the file name of the base scenario');
  });
});
