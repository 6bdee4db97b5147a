/**
 * The grammar of numeric value paths (MODEL.md section 9, "Paths"): what
 * `run --set`, sweeps and calibration may change.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../sim/errors.js';
import { loadScenario } from '../../sim/scenario/load.js';
import { resolveValuePath, valuePaths, withValues } from '../../sim/scenario/value-paths.js';

const valid = loadScenario(join(import.meta.dirname, 'fixtures', 'valid.yaml')).scenario;
const paths = valuePaths(valid).map((p) => p.path);

/** The value at a location, read independently of the module. */
function at(s: unknown, location: readonly (string | number)[]): unknown {
  return location.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], s);
}

function usageMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error('no UsageError');
}

describe('value paths', () => {
  it('cover every family of the grammar, by id', () => {
    for (const path of [
      'horizon',
      'qualityReference',
      'startups.initial',
      'startups.entry.rate',
      'startups.entry.qualityElasticity',
      'providers.baidu.price',
      'providers.baidu.cash',
      'classes.small.hazard',
      'classes.small.switchCost.median',
      'events.price-cut.set.classes.small.switchCost.median',
      'events.price-cut.set.providers.baidu.price',
    ])
      expect(paths, path).toContain(path);
    // The t = 0 number of an {initial, then} field.
    expect(paths.filter((p) => p.endsWith('.quality.initial'))).toHaveLength(1);
    // Ids, names and dates are not numeric values; an event without an id has no path.
    expect(paths.filter((p) => /\.(id|name|at|until|start)$/.test(p))).toEqual([]);
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('set a value that reads back, and leave every other path alone', () => {
    const numeric = valuePaths(valid).filter((p) => typeof at(valid, p.location) === 'number');
    fc.assert(
      fc.property(fc.constantFrom(...numeric), (p) => {
        const before = at(valid, p.location) as number;
        // The same number again is always valid, and must give back the same scenario.
        const same = withValues(valid, [{ path: p.path, value: before, label: p.path }]);
        expect(same).toEqual(valid);
        for (const other of numeric) if (other !== p) expect(at(same, other.location)).toEqual(at(valid, other.location));
      }),
      { numRuns: 50 },
    );
    const changed = withValues(valid, [{ path: 'providers.baidu.cash', value: 123, label: 'x' }]);
    expect(changed.providers.find((p) => p.id === 'baidu')?.cash).toBe(123);
    expect(valid.providers.find((p) => p.id === 'baidu')?.cash).not.toBe(123);
  });

  it('take an expression where the field takes one', () => {
    const s = withValues(valid, [{ path: 'providers.baidu.price', value: 'max(cost, lowestPrice * 0.9)', label: 'x' }]);
    expect(s.providers.find((p) => p.id === 'baidu')?.price).toBe('max(cost, lowestPrice * 0.9)');
    // And the model's rules for expressions hold: quality cannot read itself in its first month.
    expect(usageMessage(() => withValues(valid, [{ path: 'providers.baidu.quality', value: 'quality * 1.02', label: 'x' }]))).toMatch(
      /^x: providers\.baidu\.quality: quality reads "quality", which has no value/,
    );
  });

  it('refuse an unknown path in one line naming the closest valid one', () => {
    expect(usageMessage(() => resolveValuePath(valid, 'providers.baidu.prise', '--set providers.baidu.prise=2'))).toBe(
      '--set providers.baidu.prise=2: "providers.baidu.prise" is not a numeric value of this scenario (did you mean providers.baidu.price?)',
    );
    expect(usageMessage(() => resolveValuePath(valid, 'providers.baidu.name', 'x'))).toMatch(/^x: "providers\.baidu\.name" is not a numeric value of this scenario/);
    // A 100 kB path is not looked up, nor echoed whole.
    expect(usageMessage(() => resolveValuePath(valid, 'p'.repeat(100_000), 'x')).length).toBeLessThan(400);
  });

  it('refuse a value that does not fit, naming the change and the field', () => {
    expect(usageMessage(() => withValues(valid, [{ path: 'classes.small.hazard', value: 2, label: '--set classes.small.hazard=2' }]))).toBe(
      '--set classes.small.hazard=2: classes.small.hazard: expected a probability in 0–1, got 2',
    );
    // Whole-document rules too: class shares must still sum to 1.
    expect(usageMessage(() => withValues(valid, [{ path: 'classes.small.share', value: 0.99, label: '--set classes.small.share=0.99' }]))).toMatch(
      /^--set classes\.small\.share=0\.99: .*sum/,
    );
  });
});
