import { describe, expect, it } from 'vitest';
import { dedent, load, problems, scenario, smallClass } from './helpers.js';

const variables = 't, price, quality, cost, share, tokenShare, lowestPrice, cash';

/** [what is wrong, the file's first lines (the rest is a valid scenario), the exact message]. */
const broken: [string, string, string][] = [
  [
    'a price that is neither a number nor an expression',
    `
    providers:
      - id: openai
        price: cheap
        quality: 1
        unitCost: 2
        cash: 1e12
    `,
    `x.yaml:3: providers.openai.price: expected a number ≥ 0 or an expression, got "cheap": unknown variable "cheap"; the variables are ${variables}`,
  ],
  [
    'a negative price',
    `
    providers:
      - { id: openai, price: -3, quality: 1, unitCost: 2, cash: 1e12 }
    `,
    'x.yaml:2: providers.openai.price: expected a number ≥ 0 or an expression, got -3',
  ],
  [
    'a price that is a list',
    `
    providers:
      - id: openai
        price: [1, 2]
        quality: 1
        unitCost: 2
        cash: 1e12
    `,
    'x.yaml:3: providers.openai.price: expected a number ≥ 0 or an expression, got a list',
  ],
  [
    'a provider without cash',
    `
    providers:
      - id: openai
        price: 5
        quality: 1
        unitCost: 2
    `,
    'x.yaml:2: providers.openai.cash: missing required field',
  ],
  [
    'an unknown key, with a likely fix',
    `
    providers:
      - { id: openai, price: 5, quality: 1, unitCost: 2, cash: 1e12, fixedcost: 3 }
    `,
    'x.yaml:2: providers.openai: unknown key "fixedcost" (did you mean "fixedCost"?)',
  ],
  [
    'an unknown top-level key',
    `
    start: 2024-06
    colour: red
    `,
    'x.yaml:2: unknown key "colour"',
  ],
  [
    'infinite cash (.inf)',
    `
    providers:
      - { id: openai, price: 5, quality: 1, unitCost: 2, cash: .inf }
    `,
    'x.yaml:2: providers.openai.cash: expected a finite number, got .inf',
  ],
  [
    'a start month that does not exist',
    'start: 2024-13',
    'x.yaml:1: start: expected a month written YYYY-MM, got "2024-13"',
  ],
  [
    'a run longer than 1200 months',
    'months: 1300',
    'x.yaml:1: months: expected a whole number of months in 1–1200, got 1300',
  ],
  [
    'a YAML 1.1 boolean, which is text in YAML 1.2',
    'runs: no',
    'x.yaml:1: runs: expected a whole number ≥ 1, got "no"',
  ],
  [
    'a number where text is expected',
    'name: 2024',
    'x.yaml:1: name: expected text, got 2024 (put it in quotes)',
  ],
  [
    'a probability above 1',
    `
    classes:
      small: ${smallClass.replace('hazard: 0.01', 'hazard: 1.5')}
    `,
    'x.yaml:2: classes.small.hazard: expected a probability in 0–1, got 1.5',
  ],
  [
    'a class id with a space',
    `
    classes:
      big one: ${smallClass}
    `,
    'x.yaml:2: classes["big one"]: expected an id of letters, digits, "_" or "-", got "big one"',
  ],
  [
    'class shares that do not sum to 1',
    `
    classes:
      small: ${smallClass.replace('share: 1', 'share: 0.5')}
      large: ${smallClass.replace('share: 1', 'share: 0.4')}
    `,
    'x.yaml:1: classes: shares sum to 0.9, expected 1',
  ],
  [
    'two providers with one id',
    `
    providers:
      - { id: openai, price: 5, quality: 1, unitCost: 2, cash: 1e12 }
      - { id: openai, price: 4, quality: 1, unitCost: 2, cash: 1e12 }
    `,
    'x.yaml:3: providers[1].id: provider id "openai" is already used (x.yaml:2)',
  ],
  [
    'an enter of a provider that exists',
    `
    events:
      - at: 2024-08
        enter: { id: zhipu, price: 2, quality: 0.9, unitCost: 0.3, cash: 1e8 }
    `,
    'x.yaml:3: events[0].enter.id: provider "zhipu" already exists (x.yaml:8); an enter event adds a new provider',
  ],
  [
    'an event that does two things',
    `
    events:
      - { at: 2024-08, exit: zhipu, set: { horizon: 6 } }
    `,
    'x.yaml:2: events[0]: an event does one thing, but this one has exit and set; split it into 2 events',
  ],
  [
    'an event that does nothing',
    `
    events:
      - id: nothing
        at: 2024-08
    `,
    'x.yaml:2: events.nothing: an event needs one of exit, enter, campaign or set',
  ],
  [
    'an event without a month',
    `
    events:
      - exit: zhipu
    `,
    'x.yaml:2: events[0].at: missing required field',
  ],
  [
    'an event before start',
    `
    events:
      - { at: 2024-05, exit: zhipu }
    `,
    'x.yaml:2: events[0].at: 2024-05 is before start (2024-06)',
  ],
  [
    'an exit of an unknown provider',
    `
    events:
      - { at: 2024-07, exit: openia }
    `,
    'x.yaml:2: events[0].exit: unknown provider "openia" (did you mean "openai"?)',
  ],
  [
    'a campaign of an unknown provider',
    `
    events:
      - id: baidu-offer
        at: 2024-07
        campaign: { provider: baidu, grant: 50, validity: 3, eligible: new }
    `,
    'x.yaml:4: events.baidu-offer.campaign.provider: unknown provider "baidu"; the providers are openai, zhipu',
  ],
  [
    'a migrants campaign without from',
    `
    events:
      - id: zhipu-migration
        at: 2024-06
        campaign:
          provider: zhipu
          grant: 150
          validity: 6
          eligible: migrants
    `,
    'x.yaml:8: events.zhipu-migration.campaign.eligible: eligible: migrants needs "from", the providers the migrants leave',
  ],
  [
    'a campaign that ends before it starts',
    `
    events:
      - at: 2024-09
        campaign: { provider: zhipu, grant: 1, validity: 1, eligible: all, until: 2024-08 }
    `,
    "x.yaml:3: events[0].campaign.until: 2024-08 is before the event's month (2024-09)",
  ],
  [
    'an unknown kind of eligibility',
    `
    events:
      - at: 2024-09
        campaign: { provider: zhipu, grant: 1, validity: 1, eligible: everyone }
    `,
    'x.yaml:3: events[0].campaign.eligible: expected one of migrants, new, all, got "everyone"',
  ],
  [
    'initial shares that do not sum to 1',
    `
    startups:
      initial: 100
      initialProviders: { openai: 0.6, zhipu: 0.3 }
    `,
    'x.yaml:3: startups.initialProviders: shares sum to 0.9, expected 1',
  ],
  [
    'an initial share of a provider that enters later',
    `
    startups:
      initial: 100
      initialProviders: { openai: 0.5, baidu: 0.5 }
    events:
      - { at: 2025-01, enter: { id: baidu, price: 2, quality: 0.9, unitCost: 0.3, cash: 1e8 } }
    `,
    'x.yaml:3: startups.initialProviders.baidu: provider "baidu" is not among the providers at start (it enters later)',
  ],
  [
    'initial shares per class on a provider that does not serve the class',
    `
    providers:
      - { id: openai, price: 5, quality: 1, unitCost: 2, cash: 1e12, serves: [large] }
      - { id: zhipu, price: 1, quality: 0.85, unitCost: 0.3, cash: 3e8 }
    classes:
      small: ${smallClass.replace('share: 1', 'share: 0.5')}
      large: ${smallClass.replace('share: 1', 'share: 0.5')}
    startups:
      initial: 100
      initialProviders:
        small: { openai: 0.5, zhipu: 0.5 }
        large: { openai: 1 }
    `,
    'x.yaml:10: startups.initialProviders.small.openai: provider "openai" does not serve class "small"',
  ],
  [
    'a provider serving an unknown class',
    `
    providers:
      - { id: openai, price: 5, quality: 1, unitCost: 2, cash: 1e12, serves: [small, enterprise] }
    `,
    'x.yaml:2: providers.openai.serves[1]: unknown class "enterprise"; the classes are small',
  ],
  [
    'an expression reading a price the provider has no first value for',
    `
    providers:
      - id: zhipu
        price: "price * 0.99"
        quality: 1
        unitCost: 2
        cash: 1e12
    `,
    'x.yaml:3: providers.zhipu.price: price reads "price", which has no value at the provider\'s first month: ' +
      'give price a number, or write it {initial: <number>, then: <expression>}',
  ],
  [
    'an expression that reaches outside the sandbox',
    `
    providers:
      - id: zhipu
        price: 'import({}, {})'
        quality: 1
        unitCost: 2
        cash: 1e12
    `,
    'x.yaml:3: providers.zhipu.price: expected a number ≥ 0 or an expression, got "import({}, {})": the function "import" is not allowed; ' +
      'the functions are abs, exp, log, log10, sqrt, pow, floor, ceil, round, sign, min, max',
  ],
  [
    '{initial, then} without then',
    `
    providers:
      - id: zhipu
        price: { initial: 5 }
        quality: 1
        unitCost: 2
        cash: 1e12
    `,
    'x.yaml:3: providers.zhipu.price.then: missing required field',
  ],
  [
    'a set of a path that cannot be set',
    `
    events:
      - at: 2025-01
        set:
          providers.zhipu.cash: 1e9
    `,
    "x.yaml:4: events[0].set.providers.zhipu.cash: cannot be set; a provider's settable fields are price, quality, unitCost, fixedCost, " +
      'exitRisk, serves, switchCostFactor, funding and funding.below, .probability, .amount',
  ],
  [
    'a set of a class share',
    `
    events:
      - at: 2025-01
        set: { classes.small.share: 0.5 }
    `,
    'x.yaml:3: events[0].set.classes.small.share: cannot be set: the class shares must keep summing to 1',
  ],
  [
    'a set to a value out of range',
    `
    events:
      - id: interop
        at: 2025-01
        set:
          classes.small.switchCost: { median: -4000, sigma: 0.5 }
    `,
    'x.yaml:5: events.interop.set.classes.small.switchCost.median: expected a number ≥ 0, got -4000',
  ],
  [
    'a set of funding on a provider that has none',
    `
    events:
      - at: 2025-01
        set: { providers.zhipu.funding.amount: 1e8 }
    `,
    'x.yaml:3: events[0].set.providers.zhipu.funding.amount: provider "zhipu" has no funding to change; ' +
      'set providers.zhipu.funding to {below, probability, amount} first',
  ],
  [
    'an expectation after the run',
    `
    expect:
      - { name: late, metric: hhi.tokens, at: 2026-01, op: ">=", value: 2500 }
    `,
    'x.yaml:2: expect[0].at: 2026-01 is outside the run (2024-06 to 2025-05); use a month in it or "end"',
  ],
  [
    'an expectation with an unknown operator',
    `
    expect:
      - { name: x, metric: hhi.tokens, at: end, op: "=>", value: 2500 }
    `,
    'x.yaml:2: expect[0].op: expected one of >=, >, <=, <, ==, got "=>"',
  ],
  [
    'a drop with no base',
    `
    events:
      - { id: openai-exit, drop: true }
    `,
    'x.yaml:2: events.openai-exit: no event "openai-exit" in the base files to drop',
  ],
  [
    'two events with one id',
    `
    events:
      - { id: cut, at: 2024-07, set: { horizon: 6 } }
      - { id: cut, at: 2024-08, set: { horizon: 8 } }
    `,
    'x.yaml:3: events[1].id: event id "cut" is already used (x.yaml:2)',
  ],
  [
    'a YAML syntax error',
    `
    providers:
      - { id: openai, price: 5
    `,
    'x.yaml:3: flow map in block collection must be sufficiently indented and end with a }',
  ],
  [
    'a key written twice',
    `
    months: 12
    months: 24
    `,
    'x.yaml:2: the key "months" is written twice (first on line 1); keep one',
  ],
  // Bounded text (docs/security.md, "Bounded and escaped text"): long ids, names and metrics are refused
  // by the schema, quoted cut with their length, before any "did you mean" compares them.
  [
    'a provider id of 30,000 characters, and an exit naming another',
    `
    providers:
      - { id: ${'a'.repeat(30000)}, price: 5, quality: 1, unitCost: 2, cash: 1e12 }
      - { id: zhipu, price: 1, quality: 0.85, unitCost: 0.3, cash: 3e8 }
    events:
      - { at: 2024-08, exit: ${'b'.repeat(30000)} }
    `,
    `x.yaml:2: providers[0].id: expected an id of at most 64 characters, got "${'a'.repeat(39)}…" (30,000 characters)\n` +
      `x.yaml:5: events[0].exit: expected an id of at most 64 characters, got "${'b'.repeat(39)}…" (30,000 characters)`,
  ],
  [
    'a scenario name of 500,000 characters',
    `name: ${'n'.repeat(500000)}`,
    `x.yaml:1: name: expected a name of at most 200 characters, got "${'n'.repeat(39)}…" (500,000 characters)`,
  ],
  [
    'an expectation metric of 5,000 characters',
    `
    expect:
      - { name: many, metric: ${'m'.repeat(5000)}, at: end, op: ">=", value: 1 }
    `,
    `x.yaml:2: expect[0].metric: expected a metric name of at most 200 characters, got "${'m'.repeat(39)}…" (5,000 characters)`,
  ],
  [
    'a text seed of 201 characters',
    `seed: "${'s'.repeat(201)}"`,
    `x.yaml:1: seed: expected a number or text of at most 200 characters, got "${'s'.repeat(39)}…" (201 characters)`,
  ],
  [
    'a source note of 10,001 characters',
    `sources: [a paper, ${'s'.repeat(10001)}]`,
    `x.yaml:1: sources[1]: expected a source note of at most 10,000 characters, got "${'s'.repeat(39)}…" (10,001 characters)`,
  ],
  [
    'an unknown provider of 64 characters is quoted whole',
    `
    events:
      - { at: 2024-08, exit: ${'o'.repeat(64)} }
    `,
    `x.yaml:2: events[0].exit: unknown provider "${'o'.repeat(64)}"; the providers are openai, zhipu`,
  ],
  [
    'one 500,000-character string aliased five times',
    `
    name: &big "${'x'.repeat(500000)}"
    sources: [*big, *big, *big, *big, *big]
    `,
    'x.yaml:2: the scenario expands to more than 2,048 KiB of text (aliases counted as what they expand to); write long text once, not through aliases',
  ],
  [
    'a hex number too large for a double, in YAML',
    `months: 0x${'f'.repeat(266)}`,
    `x.yaml:1: the number 0x${'f'.repeat(37)}… (268 characters) is too large; every number must be finite`,
  ],
  [
    'an octal number too large for a double, in YAML',
    `months: 0o${'7'.repeat(400)}`,
    `x.yaml:1: the number 0o${'7'.repeat(37)}… (402 characters) is too large; every number must be finite`,
  ],
  [
    'a decimal number too large for a double, in YAML',
    'months: 1e400',
    'x.yaml:1: the number 1e400 is too large; every number must be finite',
  ],
  [
    'a hex number too large for a double, in an expression',
    `
    providers:
      - { id: openai, price: "0x${'f'.repeat(266)} * 2", quality: 1, unitCost: 2, cash: 1e12 }
      - { id: zhipu, price: 1, quality: 0.85, unitCost: 0.3, cash: 3e8 }
    `,
    `x.yaml:2: providers.openai.price: expected a number ≥ 0 or an expression, got "0x${'f'.repeat(37)}…" (272 characters): ` +
      `the number 0x${'f'.repeat(37)}… (268 characters) is too large; every number must be finite`,
  ],
  [
    'a complex key that is a list, on its own line',
    `
    months: 12
    ? [a, b]
    : 1
    `,
    'x.yaml:2: expected a plain key (text, a number or true/false)',
  ],
  [
    'a complex key that is a map, on its own line',
    `
    months: 12
    # a comment
    ? {a: 1}
    : 1
    `,
    'x.yaml:3: expected a plain key (text, a number or true/false)',
  ],
];

describe('broken scenarios', () => {
  it.each(broken)('%s', (_, head, message) => {
    expect(problems(scenario(head))).toBe(message);
  });

  it('the cases are broken only where they mean to be: the rest is valid', () => {
    expect(load(scenario('')).scenario.providers.map((p) => p.id)).toEqual(['openai', 'zhipu']);
  });

  it('reports every problem at once, in file order', () => {
    const text = scenario(`
      months: 0
      providers:
        - { id: openai, price: -1, quality: 1, unitCost: 2, cash: 1e12 }
        - { id: zhipu, price: 1, quality: 0.85, cash: 3e8, colour: red }
    `);
    expect(problems(text)).toBe(
      [
        'x.yaml:1: months: expected a whole number of months in 1–1200, got 0',
        'x.yaml:3: providers.openai.price: expected a number ≥ 0 or an expression, got -1',
        'x.yaml:4: providers.zhipu.unitCost: missing required field',
        'x.yaml:4: providers.zhipu: unknown key "colour"',
      ].join('\n'),
    );
  });

  it('two YAML documents in one file', () => {
    expect(problems(scenario('name: one\n---\nname: two'))).toBe(
      'x.yaml:2: a scenario file holds one document; remove the second "---" and what follows, or split the file',
    );
  });

  it('an empty file', () => {
    expect(problems('# nothing here\n')).toBe('x.yaml: the file is empty; a scenario is a map of keys such as start, months, providers');
  });

  it('a file that is a list', () => {
    expect(problems('- start: 2024-06\n')).toBe('x.yaml:1: expected a map of keys such as start, months, providers, got a list');
  });

  it('JSON, with its line numbers', () => {
    const json = dedent(`
      {
        "start": "2024-06",
        "months": 12,
        "providers": [
          {"id": "openai", "price": "cheap", "quality": 1, "unitCost": 2, "cash": 1e12}
        ],
        "classes": {"small": ${smallClass}},
        "startups": {"initial": 100}
      }
    `);
    expect(problems(json, 'x.json')).toBe(
      `x.json:5: providers.openai.price: expected a number ≥ 0 or an expression, got "cheap": unknown variable "cheap"; the variables are ${variables}`,
    );
  });
});
