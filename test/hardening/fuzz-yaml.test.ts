/**
 * Fuzzed YAML text (docs/security.md, "Scenario files"): anchors and
 * aliases (alias bombs among them), tags, odd numbers and strings, complex
 * keys, directives, several documents, byte-order marks, CRLF, tabs,
 * random bytes and random edits of a valid file. Every case ends in a run
 * or in clean located errors within 5 s (oracle.ts).
 *
 * 3,809 cases here; fuzz-documents.test.ts has the document-level ones.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { dump, validDoc } from './generators.js';
import { attempt, loadCleanly, tally } from './oracle.js';

const counts = tally();
afterAll(() => {
  console.info(`fuzz-yaml: ${JSON.stringify(counts)}`);
});

/** YAML that a scenario file might hold, on purpose or not; `$` is where the value goes. */
const snippets = [
  'x: &a { k: 1 }\ny: *a',
  'extra: &p [1, 2, 3]\nmore: *p',
  'base: &b { price: 5, quality: 1 }\nother: { <<: *b, id: q }',
  'ref: *nowhere',
  'self: &s [*s]',
  'loop: &l { a: *l }',
  'k: !!binary aGVsbG8=',
  'k: !!set { a, b }',
  'k: !!omap [a: 1, b: 2]',
  'k: !!timestamp 2024-06-01',
  'k: !custom thing',
  "k: !!js/function 'function () { return process }'",
  'k: !<tag:yaml.org,2002:str> x',
  'k: !!float .nan',
  'k: !!int 0x1F',
  'k: !!str 12',
  'k: !!bool yes',
  'k: !!null ""',
  'months: .inf',
  'months: -.inf',
  'months: .nan',
  'months: .NaN',
  'months: 0x1F',
  'months: 0o17',
  'months: 1_000',
  'months: 1e400',
  'months: -0',
  'months: +.5',
  'months: 12e-400',
  'months: "12"',
  "months: '12'",
  'months: twelve',
  'months: ~',
  'months: []',
  'months: {}',
  'seed: yes',
  'seed: no',
  'seed: 0b101',
  'start: 2024-06-01',
  'start: 2024-6',
  'start: !!str 2024-06',
  'name: "\\u0000\\x07\\e"',
  'name: "\\uD800"',
  "name: 'it''s'",
  'name: |\n  one\n  two',
  'name: >-\n  folded\n  text',
  'name: "\u202Eevil\u202C"',
  'name: z\u200Bero',
  '? [complex, key]\n: value',
  '[a, b]: c',
  '{ a: 1 }: x',
  'null: 1',
  '~: x',
  '1: one',
  'true: yes',
  '__proto__: { polluted: true }',
  'constructor: { prototype: { polluted: true } }',
  'key: value # a comment',
  '---',
  '...',
  '%YAML 1.1\n---',
  '%TAG ! tag:x,2024:\n---',
  '\tkey: tab',
  '&anchor',
  '*',
  '-',
  '? ',
  ': ',
  '{',
  ']',
  '"unterminated',
  "'unterminated",
  'k: [1, 2',
  'k: {a: 1',
  'k: ' + 'x'.repeat(3000),
  'k: ' + '[' .repeat(150) + ']'.repeat(150),
  'k:\n' + Array.from({ length: 60 }, (_, i) => ' '.repeat(i + 1) + '- ').join('\n') + 'x',
  'providers:\n  - { id: a, price: 5, quality: 1, unitCost: 2, cash: 1e9 }\n  - { id: a, price: 5, quality: 1, unitCost: 2, cash: 1e9 }',
  'months: 12\nmonths: 13',
  'events:\n  - &e { at: 2024-07, exit: openai }\n  - *e\n  - *e',
];

const withSnippets = fc.record({
  doc: validDoc,
  inserts: fc.array(fc.record({ at: fc.nat(), snippet: fc.constantFrom(...snippets), indent: fc.constantFrom('', '', '  ', '    ', '\t') }), { minLength: 1, maxLength: 4 }),
  lineEnd: fc.constantFrom('\n', '\n', '\n', '\r\n', '\r'),
  bom: fc.boolean(),
});

describe('fuzzed YAML text', () => {
  it('valid worlds with YAML constructs inserted end in a run or clean errors', () => {
    fc.assert(
      fc.property(withSnippets, ({ doc, inserts, lineEnd, bom }) => {
        const lines = dump(doc, false).split('\n');
        for (const { at, snippet, indent } of inserts) {
          const i = at % (lines.length + 1);
          lines.splice(i, 0, ...snippet.split('\n').map((l) => indent + l));
        }
        const text = (bom ? '\uFEFF' : '') + lines.join(lineEnd);
        loadCleanly(text, counts);
      }),
      { numRuns: 2000 },
    );
  });

  it('random text, and text that looks like YAML, ends in clean errors', () => {
    const yamlish = fc
      .array(
        fc.oneof(
          fc.constantFrom('- ', ': ', '{', '}', '[', ']', ',', '&a ', '*a', '!!str ', '\n', '  ', '#', '"', "'", '? ', '|', '>', '---', '.inf', '1e400', 'null', '__proto__', '<<: ', '%YAML 1.2', '\t', '\r\n', '\uFEFF', '\u0000'),
          fc.string({ maxLength: 8 }),
        ),
        { maxLength: 60 },
      )
      .map((parts) => parts.join(''));
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), yamlish), (text) => void loadCleanly(text, counts)), { numRuns: 600 });
  });

  it('random edits of a valid file end in a run or clean errors', () => {
    const change = fc.record({
      at: fc.nat(),
      remove: fc.nat(12),
      insert: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('\n', '  ', ': ', '- ', '-1', '&x ', '*x', '!!binary ', '{', ']', '"', '\u0000', '\uD800', '.nan', '1e999')),
    });
    fc.assert(
      fc.property(validDoc, fc.array(change, { minLength: 1, maxLength: 6 }), fc.boolean(), (doc, changes, asJson) => {
        let text = dump(doc, asJson);
        for (const { at, remove, insert } of changes) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + insert + text.slice(i + remove);
        }
        loadCleanly(text, counts, asJson ? 'gen.json' : 'gen.yaml');
      }),
      { numRuns: 1200 },
    );
  });

  describe('alias bombs and other expansions', () => {
    const head = dump({ start: '2024-06', months: 12, providers: [{ id: 'a', price: 5, quality: 1, unitCost: 2, cash: 1e9 }], startups: { initial: 10 } }, false);
    const laughs = (levels: number, width: number) => {
      const lines = [`l0: &l0 [${Array(width).fill('"lol"').join(', ')}]`];
      for (let k = 1; k < levels; k++) lines.push(`l${k}: &l${k} [${Array(width).fill(`*l${k - 1}`).join(', ')}]`);
      return lines.join('\n') + `\nsources: *l${levels - 1}\n`;
    };
    const wide = (items: number, uses: number) =>
      `big: &big [${Array(items).fill('1').join(', ')}]\nsources: [${Array(uses).fill('*big').join(', ')}]\n`;
    const cases: [string, string, RegExp][] = [
      ['billion laughs (9 levels of 9)', head + laughs(9, 9), /too many aliases|more than 100,000 values/],
      ['billion laughs (30 levels of 2)', head + laughs(30, 2), /too many aliases|more than 100,000 values/],
      ['one anchor of 50,000 values used 900 times', head + wide(50000, 900), /more than 100,000 values/],
      ['one anchor of 500 values used 999 times', head + wide(500, 999), /more than 100,000 values/],
      ['an alias inside its own anchor', head + 'sources: &s [*s]\n', /refers to itself|unknown alias|alias/],
      ['an alias to a later anchor', head + 'sources: *later\nname: &later x\n', /unknown alias|alias/],
      ['merge keys from 500 aliases', head + 'm: &m { a: 1 }\nx: { ' + Array(500).fill('<<: *m').join(', ') + ' }\n', /./],
      ['an alias as a key', head + 'k: &k name\n*k : x\n', /./],
      ['2,000 anchors', head + Array.from({ length: 2000 }, (_, i) => `a${i}: &a${i} ${i}`).join('\n') + '\n', /unknown key/],
    ];
    it.each(cases)('%s', (_, text, expected) => {
      const { outcome, message } = attempt(text, counts);
      expect(outcome).toBe('invalid');
      expect(message).toMatch(expected);
    });
  });
});

