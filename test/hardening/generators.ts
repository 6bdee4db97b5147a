/**
 * fast-check generators of scenario documents for the fuzz suites: small
 * valid worlds (so that mutations start from something that loads) and the
 * hostile values and edits applied to them.
 */
import fc from 'fast-check';
import YAML from 'yaml';
import { smallClass } from '../ensemble/fixtures.js';

export type Doc = Record<string, unknown>;

/** A valid class to start from: the ensemble suites' (one definition for every suite). */
export { smallClass };

/** A valid scenario small enough to run one replication in a few milliseconds. */
export const validDoc: fc.Arbitrary<Doc> = fc
  .record({
    providers: fc.integer({ min: 1, max: 3 }),
    classes: fc.constantFrom<[string, number][]>([['small', 1]], [['small', 0.5], ['large', 0.5]]),
    months: fc.integer({ min: 1, max: 18 }),
    initial: fc.integer({ min: 0, max: 120 }),
    rate: fc.constantFrom(0, 2, 5),
    expression: fc.boolean(),
    exit: fc.boolean(),
    campaign: fc.boolean(),
    set: fc.boolean(),
    expect: fc.boolean(),
  })
  .map((g) => {
    const ids = ['openai', 'zhipu', 'baidu'].slice(0, g.providers);
    const providers = ids.map((id, i) => ({
      id,
      price: g.expression && i === 1 ? 'max(cost, min(12, lowestPrice * 1.1))' : 5 - i,
      quality: i === 2 ? { initial: 0.8, then: 'min(1, quality * 1.01)' } : 1 - i / 10,
      unitCost: 0.5,
      fixedCost: 1e5,
      cash: 1e9,
    }));
    const events: Doc[] = [];
    if (g.exit && ids.length > 1) events.push({ id: 'leave', at: '2024-07', exit: ids[0] });
    if (g.campaign && ids.length > 1) events.push({ id: 'offer', at: '2024-06', campaign: { provider: ids[1], grant: 100, validity: 3, eligible: 'migrants', from: [ids[0]], budget: 1e4 } });
    if (g.set) events.push({ at: '2024-08', set: { horizon: 6, [`classes.${g.classes[0][0]}.hazard`]: 0.02 } });
    const doc: Doc = {
      name: 'Fuzz world',
      start: '2024-06',
      months: g.months,
      seed: 7,
      runs: 3,
      providers,
      classes: Object.fromEntries(g.classes.map(([id, share]) => [id, { ...structuredClone(smallClass), share }])),
      startups: { initial: g.initial, entry: { rate: g.rate, qualityElasticity: 1 } },
      events,
    };
    if (g.expect) doc.expect = [{ name: 'concentration', metric: 'hhi.tokens', at: 'end', op: '>=', value: 2500 }];
    return doc;
  });

/** Strings users and attackers write: unicode of every kind, control characters, expressions, paths. */
export const hostileText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\u202Eevil\u202C',
    'z\u200Bero\u200Dwidth',
    '\uD800',
    '\uDFFF\uD800',
    '𝕆𝕡𝕖𝕟𝔸𝕀',
    '🤖🔥'.repeat(50),
    'Ω≈ç√∫˜µ≤≥÷',
    'ＯｐｅｎＡＩ',
    'co\u006Estructor',
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    '../../../../etc/passwd',
    '/dev/zero',
    'C:\\Windows\\system32',
    '${process.exit(1)}',
    '`rm -rf /`',
    '<script>alert(1)</script>',
    "'; DROP TABLE runs; --",
    '%s%s%s%n',
    'x'.repeat(5000),
    '12',
    '1e3',
    '-1',
    '.inf',
    '.nan',
    'NaN',
    'Infinity',
    'true',
    'null',
    '2024-13',
    '2024-00',
    '0000-01',
    '9999-12',
    '2024-6',
    'end',
    'a = 1',
    'import({}, {})',
    'cos.constructor("return process")()',
    'evaluate("1")',
    'ones(20000, 20000)',
    'price.constructor',
    'max(cost, min(12, lowestPrice * 1.1))',
    'cheap',
  ),
);

/** Numbers at and past every bound: huge, tiny, negative, fractional where whole is needed, NaN, infinite. */
export const hostileNumber = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    0.5,
    1,
    1.5,
    1200,
    1201,
    1e9,
    1e12,
    1e15,
    1e18,
    1e300,
    -1e300,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 2,
    2 ** 31,
    2 ** 32,
    -(2 ** 31),
    NaN,
    Infinity,
    -Infinity,
    1e-320,
  ),
  fc.double(),
  fc.integer(),
);

/** Nested lists or maps `depth` deep. */
const nested = fc.integer({ min: 2, max: 110 }).chain((depth) =>
  fc.constantFrom('list', 'map').map((kind) => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = kind === 'list' ? [value] : { a: value };
    return value;
  }),
);

/** Anything that can stand where a value belongs. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileNumber },
  { weight: 4, arbitrary: hostileText },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [1, 2, 3], { initial: 1 }, { initial: 'x', then: 2 }, { median: -1, sigma: NaN }, { drop: true }) },
  { weight: 1, arbitrary: nested },
  // Long lists and wide maps (the absurd sizes, far past every limit, are fuzz-documents' own cases).
  { weight: 1, arbitrary: fc.integer({ min: 20, max: 400 }).map((n) => Array.from({ length: n }, (_, i) => i)) },
  { weight: 1, arbitrary: fc.integer({ min: 20, max: 150 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
);

/** Every path into `doc`, for choosing where to edit. */
export function pathsOf(doc: unknown): (string | number)[][] {
  const out: (string | number)[][] = [];
  const visit = (value: unknown, path: (string | number)[]) => {
    out.push(path);
    if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...path, i]));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
  };
  visit(doc, []);
  return out;
}

export type Edit =
  | { kind: 'set'; at: number; value: unknown }
  | { kind: 'delete'; at: number }
  | { kind: 'rename'; at: number; key: string }
  | { kind: 'add'; at: number; key: string; value: unknown }
  | { kind: 'duplicate'; at: number };

export const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), key: hostileText }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: hostileText, value: hostileValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }) },
);

/**
 * Applies `e` to `doc` in place, at the path its `at` picks. Values are
 * copied in: generators share their constants between cases.
 */
export function applyEdit(doc: Doc, e: Edit): void {
  const paths = pathsOf(doc).filter((p) => p.length > 0);
  if (paths.length === 0) return;
  const path = paths[e.at % paths.length];
  let parent = doc as Record<string | number, unknown>;
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  const value = parent[last];
  switch (e.kind) {
    case 'set':
      parent[last] = structuredClone(e.value);
      break;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
      break;
    case 'rename':
      if (Array.isArray(parent)) break;
      delete parent[last];
      Object.defineProperty(parent, e.key, { value, enumerable: true, writable: true, configurable: true });
      break;
    case 'add':
      if (value && typeof value === 'object' && !Array.isArray(value))
        Object.defineProperty(value, e.key, { value: structuredClone(e.value), enumerable: true, writable: true, configurable: true });
      else if (Array.isArray(value)) value.push(structuredClone(e.value));
      break;
    case 'duplicate':
      if (Array.isArray(parent)) parent.push(structuredClone(value));
      break;
  }
}

/** `doc` as YAML (.nan and .inf survive) or JSON. */
export function dump(doc: unknown, asJson: boolean): string {
  if (asJson) return JSON.stringify(doc, null, 1) ?? 'null';
  try {
    return YAML.stringify(doc, { aliasDuplicateObjects: false, lineWidth: 0 });
  } catch {
    return JSON.stringify(doc) ?? 'null';
  }
}
