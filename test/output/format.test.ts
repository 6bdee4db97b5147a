import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { canonicalJson, sha256Hex } from '../../sim/output/canonical-json.js';
import { csvLine, formatNumber, parseCsvLine, parseNumber } from '../../sim/output/format.js';
import { timeseriesLine } from '../../sim/output/timeseries-csv.js';

describe('formatNumber', () => {
  test('shortest round-trip text, -0 as 0, NaN empty', () => {
    expect([0.1 + 0.2, 2500, 1e-7, 1e21, -0, 0, NaN, -1.5].map(formatNumber)).toEqual([
      '0.30000000000000004', '2500', '1e-7', '1e+21', '0', '0', '', '-1.5',
    ]);
  });

  test('reads back to the same double', () => {
    fc.assert(fc.property(fc.double({ noNaN: true }), (x) => Object.is(parseNumber(formatNumber(x)), x === 0 ? 0 : x)));
    expect(parseNumber('')).toBeNaN();
  });
});

describe('CSV fields', () => {
  test('quotes only when needed', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', ''])).toBe('a,"b,c","say ""hi""",\n');
  });

  test('parse undoes csvLine', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 6 }), (fields) => {
        fc.pre(fields.every((f) => !/[\r\n]/.test(f)));
        const line = csvLine(fields);
        expect(parseCsvLine(line.slice(0, -1))).toEqual(fields);
      }),
    );
  });
});

describe('canonicalJson', () => {
  test('key order does not matter, array order does', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('timeseriesLine', () => {
  test('is the csvLine of its fields: text quoted when needed, numbers as formatNumber writes them', () => {
    const number = fc.oneof(fc.double(), fc.constantFrom(-0, NaN, Infinity, -Infinity, 1e-7, 1e21));
    fc.assert(
      fc.property(fc.string(), fc.nat(10_000), fc.string(), fc.array(number, { minLength: 7, maxLength: 7 }), (metric, month, date, [mean, sd, p05, p50, p95, ciLow, ciHigh]) => {
        const row = { metric, month, date, mean, sd, p05, p50, p95, ciLow, ciHigh };
        expect(timeseriesLine(row)).toBe(csvLine([metric, String(month), date, ...[mean, sd, p05, p50, p95, ciLow, ciHigh].map(formatNumber)]));
      }),
    );
  });
});
