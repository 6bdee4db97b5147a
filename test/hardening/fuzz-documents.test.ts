/**
 * Fuzzed scenario documents (docs/security.md, "Scenario files"): wrong
 * types, missing and extra fields, huge, negative, NaN and infinite
 * numbers, strings where numbers belong, unicode, deep nesting, absurd
 * sizes, and extends chains that are broken, cyclic, missing or too deep.
 * Every case ends in a run (or a refusal stated up front) or in clean
 * `file:line: path: message` lines, within 5 s (oracle.ts).
 *
 * 6,417 cases here, in process for speed (fuzz-yaml.test.ts adds 3,809
 * YAML text cases: 10,226 in all), and fuzz-cli.test.ts sends a sample
 * through the real CLI.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { MAX_PROVIDERS } from '../../sim/scenario/limits.js';
import { applyEdit, dump, edit, hostileValue, smallClass, validDoc, type Doc } from './generators.js';
import { attempt, loadCleanly, tally } from './oracle.js';

const counts = tally();
afterAll(() => {
  // Part of the suite's record: how many cases ran, and how they ended.
  console.info(`fuzz-documents: ${JSON.stringify(counts)}`);
});

describe('fuzzed scenario documents', () => {
  it('valid generated worlds load and run', () => {
    fc.assert(
      fc.property(validDoc, fc.boolean(), (doc, asJson) => {
        expect(loadCleanly(dump(doc, asJson), counts, asJson ? 'gen.json' : 'gen.yaml')).toBe('ran');
      }),
      { numRuns: 200 },
    );
  });

  it('edited worlds (hostile values, deletions, renames, additions) end in a run or clean errors', () => {
    fc.assert(
      fc.property(validDoc, fc.array(edit, { minLength: 1, maxLength: 4 }), fc.boolean(), (generated, edits, asJson) => {
        const doc = structuredClone(generated);
        for (const e of edits) applyEdit(doc, e);
        loadCleanly(dump(doc, asJson), counts, asJson ? 'gen.json' : 'gen.yaml');
      }),
      { numRuns: 3500 },
    );
  });

  it('a hostile value at a chosen field of every section ends in a run or clean errors', () => {
    const fields = [
      ['start'], ['months'], ['seed'], ['runs'], ['horizon'], ['qualityReference'], ['name'], ['sources'],
      ['providers'], ['providers', 0], ['providers', 0, 'id'], ['providers', 0, 'price'], ['providers', 0, 'quality'],
      ['providers', 0, 'unitCost'], ['providers', 0, 'fixedCost'], ['providers', 0, 'cash'], ['providers', 0, 'exitRisk'],
      ['providers', 0, 'serves'], ['providers', 0, 'funding'], ['classes'], ['classes', 'small'], ['classes', 'small', 'share'],
      ['classes', 'small', 'cash'], ['classes', 'small', 'cash', 'median'], ['classes', 'small', 'cash', 'sigma'],
      ['classes', 'small', 'growth', 'mean'], ['classes', 'small', 'hazard'], ['classes', 'small', 'disruption', 'months'],
      ['classes', 'small', 'precision'], ['startups'], ['startups', 'initial'], ['startups', 'initialProviders'],
      ['startups', 'entry'], ['startups', 'entry', 'rate'], ['events'], ['events', 0], ['events', 0, 'at'],
      ['events', 0, 'set'], ['expect'], ['expect', 0, 'metric'], ['expect', 0, 'value'], ['extends'],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...fields), hostileValue, fc.boolean(), (path, value, asJson) => {
        const doc: Doc = {
          start: '2024-06',
          months: 12,
          providers: [{ id: 'a', price: 5, quality: 1, unitCost: 2, cash: 1e9 }],
          classes: { small: structuredClone(smallClass) },
          startups: { initial: 50, entry: { rate: 1 } },
          events: [{ at: '2024-07', set: { horizon: 6 } }],
          expect: [{ name: 'e', metric: 'hhi.tokens', at: 'end', op: '>=', value: 1 }],
        };
        let parent = doc as Record<string | number, unknown>;
        for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, unknown>;
        parent[path[path.length - 1]] = structuredClone(value);
        loadCleanly(dump(doc, asJson), counts, asJson ? 'gen.json' : 'gen.yaml');
      }),
      { numRuns: 1500 },
    );
  });

  it('extends chains (missing, cyclic, too deep, broken, not scenario files) end in a run or clean errors', () => {
    /** File k extends the file its `target` names; a few names are special. */
    const link = fc.oneof(
      { weight: 6, arbitrary: fc.nat(30).map((k) => `f${k}.yaml`) },
      { weight: 1, arbitrary: fc.constantFrom('missing.yaml', '/dev/zero', '/etc/passwd', 'f0.txt', '../up/f1.yaml', 'dir/f2.yml', '', 'f1.JSON') },
    );
    const body = fc.oneof(
      { weight: 5, arbitrary: fc.constant('base') },
      { weight: 2, arbitrary: fc.constant('override') },
      { weight: 1, arbitrary: fc.constant('broken') },
      { weight: 1, arbitrary: hostileValue.map((v) => ({ hostile: v })) },
    );
    fc.assert(
      fc.property(fc.array(fc.record({ extends: fc.option(link, { nil: undefined }), body }), { minLength: 1, maxLength: 24 }), (specs) => {
        const files: Record<string, string> = {};
        specs.forEach((spec, k) => {
          let doc: Doc;
          if (spec.body === 'base') doc = { start: '2024-06', months: 6, providers: [{ id: 'a', price: 5, quality: 1, unitCost: 2, cash: 1e9 }], classes: { small: structuredClone(smallClass) }, startups: { initial: 20 } };
          else if (spec.body === 'override') doc = { months: 3, providers: [{ id: 'a', price: 4 }], startups: { initial: 10 } };
          else if (spec.body === 'broken') doc = { months: 'soon', providers: 'none', '{': '[' };
          else doc = { months: (spec.body as { hostile: unknown }).hostile };
          if (spec.extends !== undefined) doc = { extends: spec.extends, ...doc };
          files[`f${k}.yaml`] = YAML.stringify(doc);
        });
        const readFile = (path: string) => {
          const name = path.replace(/^\.\//, '');
          if (!Object.hasOwn(files, name)) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
          return files[name];
        };
        // Any file a chain reaches may be named in a message.
        const names = [...Object.keys(files), 'missing.yaml', '/dev/zero', '/etc/passwd', 'f0.txt', 'up/f1.yaml', 'dir/f2.yml', 'f1.JSON'];
        loadCleanly(files['f0.yaml'], counts, 'f0.yaml', readFile, names);
      }),
      { numRuns: 1200 },
    );
  });

  describe('absurd sizes', () => {
    const base = (extra: Doc = {}): Doc => ({
      start: '2024-06',
      months: 12,
      providers: [{ id: 'a', price: 5, quality: 1, unitCost: 2, cash: 1e9 }],
      classes: { small: structuredClone(smallClass) },
      startups: { initial: 10 },
      ...extra,
    });
    const provider = (id: string) => ({ id, price: 5, quality: 1, unitCost: 2, cash: 1e9 });
    const cases: [string, Doc, RegExp][] = [
      ['months 1,201', base({ months: 1201 }), /months: expected a whole number of months in 1–1200, got 1201/],
      ['months 10^9', base({ months: 1e9 }), /months: expected a whole number of months in 1–1200/],
      ['10^9 startups', base({ startups: { initial: 1e9 } }), /needs about .* GB of memory, more than the .* this machine has/],
      ['10^18 startups', base({ startups: { initial: 1e18 } }), /startups\.initial: expected a whole number ≥ 0, got 1000000000000000000/],
      ['2^52 startups', base({ startups: { initial: 2 ** 52 } }), /needs about .* PB of memory/],
      ['an entry rate of 10^12 a month', base({ startups: { initial: 1, entry: { rate: 1e12 } } }), /needs about .* of memory/],
      ['quality^elasticity that overflows', base({ providers: [{ ...provider('a'), quality: 1e200 }], startups: { initial: 1, entry: { rate: 1, qualityElasticity: 10 } } }), /needs about an unbounded amount of memory/],
      ['runs 10^15', base({ runs: 1e15 }), /needs about .* of memory/],
      [`${MAX_PROVIDERS + 1} providers`, base({ providers: Array.from({ length: MAX_PROVIDERS + 1 }, (_, i) => provider(`p${i}`)) }), /providers: 1,001 providers \(at start and entering\), more than the 1,000/],
      ['31 classes', base({ classes: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`c${i}`, { ...structuredClone(smallClass), share: i === 0 ? 1 : 0 }])) }), /classes: 31 startup classes, more than the 30/],
      ['10,000 events naming a provider that does not exist', base({ events: Array.from({ length: 10000 }, () => ({ at: '2024-07', exit: 'zz' })) }), /more problems not shown/],
      ['100,000 sources', base({ sources: Array.from({ length: 100000 }, () => 'x') }), /more than 100,000 values/],
      ['a 600 KiB description', base({ description: 'x'.repeat(600 * 1024) }), /larger than 512 KiB/],
      ['a 1,000-character expression', base({ providers: [{ ...provider('a'), price: 't + '.repeat(250) }] }), /providers\.a\.price: .*(longer than 1000|nests too deeply|cannot parse)/],
      ['1,000 expressions of 900 characters', base({ providers: Array.from({ length: 450 }, (_, i) => ({ ...provider(`p${i}`), price: `max(${'t, '.repeat(295)}t)`, quality: `min(${'1, '.repeat(295)}1)` })) }), /./],
      ['a map of 50,000 keys', base({ name: 'x', extra: Object.fromEntries(Array.from({ length: 50000 }, (_, i) => [`k${i}`, i])) }), /./],
      ['a 2,000-deep nesting', base({ sources: JSON.parse('['.repeat(2000) + ']'.repeat(2000)) }), /nests too deeply/],
    ];
    it.each(cases)('%s', (_, doc, expected) => {
      const { outcome, message } = attempt(JSON.stringify(doc), counts, 'gen.json');
      // The two cases that are merely large must load; every other one is refused, naming its limit.
      if (expected.source === '.') expect(['ran', 'invalid']).toContain(outcome);
      else expect(message).toMatch(expected);
    });
  });
});
