/**
 * Validation of the opt-in extensions of MODEL.md section 12: their bounds,
 * the names they refer to, and their value paths.
 */
import { describe, expect, it } from 'vitest';
import { valuePaths, withValues } from '../../sim/scenario/value-paths.js';
import { load, problems, scenario, smallClass } from './helpers.js';

describe('switchCostFactor', () => {
  it('is a number > 0, located by file and line', () => {
    expect(problems(scenario(`
      providers:
        - { id: openai, price: 5, quality: 1, unitCost: 2, cash: 1e12 }
        - { id: zhipu, price: 1, quality: 0.85, unitCost: 0.3, cash: 3e8, switchCostFactor: 0 }
    `))).toBe('x.yaml:3: providers.zhipu.switchCostFactor: expected a number > 0, got 0');
  });

  it('is a value path and a set path of every provider, written or not', () => {
    const s = load(scenario(`
      providers:
        - { id: openai, price: 5, quality: 1, unitCost: 2, cash: 1e12 }
        - { id: zhipu, price: 1, quality: 0.85, unitCost: 0.3, cash: 3e8, switchCostFactor: 3 }
      events:
        - { at: 2024-08, set: { providers.openai.switchCostFactor: 2 } }
    `)).scenario;
    const paths = valuePaths(s).map((p) => p.path);
    expect(paths).toContain('providers.openai.switchCostFactor');
    expect(paths).toContain('providers.zhipu.switchCostFactor');
    const changed = withValues(s, [{ path: 'providers.openai.switchCostFactor', value: 1.5, label: 'x' }]);
    expect(changed.providers[0].switchCostFactor).toBe(1.5);
    expect(() => withValues(s, [{ path: 'providers.zhipu.switchCostFactor', value: -1, label: 'x' }])).toThrow(
      'x: providers.zhipu.switchCostFactor: expected a number > 0, got -1',
    );
    expect(problems(scenario(`
      events:
        - { at: 2024-08, set: { providers.openai.switchCostFactor: 0 } }
    `))).toBe('x.yaml:2: events[0].set.providers.openai.switchCostFactor: expected a number > 0, got 0');
  });
});

describe('qualityReference: {value, frontierWeight}', () => {
  it('bounds each part, located by file and line, and suggests a close key', () => {
    expect(problems(scenario('qualityReference: { value: 1, frontierWeight: 1.5 }'))).toBe(
      'x.yaml:1: qualityReference.frontierWeight: expected a weight in 0–1, got 1.5',
    );
    expect(problems(scenario('qualityReference: { value: 0, frontierWeight: 0.5 }'))).toBe('x.yaml:1: qualityReference.value: expected a number > 0, got 0');
    expect(problems(scenario('qualityReference: { frontierweight: 0.5 }'))).toBe(
      'x.yaml:1: qualityReference: unknown key "frontierweight" (did you mean "frontierWeight"?)',
    );
    expect(problems(scenario('qualityReference: high'))).toBe('x.yaml:1: qualityReference: expected a number > 0 or {value, frontierWeight}, got "high"');
  });

  it('a number stays a number; the map gets its defaults', () => {
    expect(load(scenario('qualityReference: 1.2')).scenario.qualityReference).toBe(1.2);
    expect(load(scenario('qualityReference: { frontierWeight: 0.5 }')).scenario.qualityReference).toEqual({ value: 1, frontierWeight: 0.5 });
  });

  it('its parts are value paths, also when it is written as a number (which then becomes {value, frontierWeight: 0})', () => {
    const plain = load(scenario('qualityReference: 1.2')).scenario;
    const paths = valuePaths(plain).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['qualityReference', 'qualityReference.value', 'qualityReference.frontierWeight']));
    expect(withValues(plain, [{ path: 'qualityReference.frontierWeight', value: 0.5, label: 'x' }]).qualityReference).toEqual({ value: 1.2, frontierWeight: 0.5 });
    expect(withValues(plain, [{ path: 'qualityReference', value: 2, label: 'x' }]).qualityReference).toBe(2);
    const map = load(scenario('qualityReference: { value: 1, frontierWeight: 0.5 }')).scenario;
    const mapPaths = valuePaths(map).map((p) => p.path);
    expect(mapPaths).toContain('qualityReference.frontierWeight');
    expect(mapPaths).not.toContain('qualityReference');
    expect(withValues(map, [{ path: 'qualityReference.value', value: 3, label: 'x' }]).qualityReference).toEqual({ value: 3, frontierWeight: 0.5 });
    expect(() => withValues(map, [{ path: 'qualityReference.frontierWeight', value: -0.1, label: 'x' }])).toThrow(
      'x: qualityReference.frontierWeight: expected a weight in 0–1, got -0.1',
    );
  });

  it('set events may set the whole reference or one part, with the same bounds', () => {
    expect(load(scenario(`
      events:
        - { at: 2024-08, set: { qualityReference.frontierWeight: 0.5 } }
        - { at: 2024-09, set: { qualityReference: { value: 1, frontierWeight: 1 } } }
    `)).scenario.events).toHaveLength(2);
    expect(problems(scenario(`
      events:
        - { at: 2024-08, set: { qualityReference.frontierWeight: 2 } }
    `))).toBe('x.yaml:2: events[0].set.qualityReference.frontierWeight: expected a weight in 0–1, got 2');
  });
});

describe('voucher events', () => {
  it('name existing classes (with a close-name suggestion), a share in 0–1, and an until not before the event', () => {
    expect(problems(scenario(`
      events:
        - at: 2024-07
          voucher: { classes: [smal], share: 0.3 }
    `))).toBe('x.yaml:3: events[0].voucher.classes[0]: unknown class "smal" (did you mean "small"?)');
    expect(problems(scenario(`
      events:
        - at: 2024-07
          voucher: { classes: [small], share: 1.3 }
    `))).toBe('x.yaml:3: events[0].voucher.share: expected a share in 0–1, got 1.3');
    expect(problems(scenario(`
      events:
        - at: 2024-07
          voucher: { classes: [small], share: 0.3, until: 2024-06 }
    `))).toBe('x.yaml:3: events[0].voucher.until: 2024-06 is before the event\'s month (2024-07)');
    expect(problems(scenario(`
      events:
        - at: 2024-07
          voucher: { classes: [], share: 0.3 }
    `))).toBe('x.yaml:3: events[0].voucher.classes: expected at least one class');
    expect(problems(scenario(`
      events:
        - at: 2024-07
          voucher: { classes: [small], share: 0.3 }
          exit: openai
    `))).toMatch(/^x\.yaml:2: events\[0\]: .*voucher/);
  });

  it('its share is a value path by event id', () => {
    const s = load(scenario(`
      events:
        - { id: voucher, at: 2024-07, voucher: { classes: [small], share: 0.3, until: 2025-08 } }
    `)).scenario;
    expect(valuePaths(s).map((p) => p.path)).toContain('events.voucher.voucher.share');
    expect(withValues(s, [{ path: 'events.voucher.voucher.share', value: 0.5, label: 'x' }]).events[0].voucher?.share).toBe(0.5);
    expect(() => withValues(s, [{ path: 'events.voucher.voucher.share', value: 2, label: 'x' }])).toThrow(
      'x: events.voucher.voucher.share: expected a share in 0–1, got 2',
    );
  });
});

describe('funding.probability as an expression (the funding climate)', () => {
  const classWith = (probability: string) =>
    smallClass.replace('funding: { probability: 0.6, months: 18 }', `funding: { probability: ${probability}, months: 18 }`);

  it('loads, with the climate variables', () => {
    const s = load(scenario(`classes:\n  small: ${classWith('"0.6 * exp(-20 * deathRate) * (1 - cohortDead) + 0 * hhi + 0 * t"')}`)).scenario;
    expect(s.classes.small.funding.probability).toBe('0.6 * exp(-20 * deathRate) * (1 - cohortDead) + 0 * hhi + 0 * t');
    expect(valuePaths(s).map((p) => p.path)).toContain('classes.small.funding.probability');
  });

  it('is checked at load time with file and line: only the climate variables, with a close-name suggestion', () => {
    expect(problems(scenario(`classes:\n  small: ${classWith('"0.6 * exp(-20 * deathrate)"')}`))).toBe(
      'x.yaml:2: classes.small.funding.probability: expected a probability in 0–1 or an expression, got "0.6 * exp(-20 * deathrate)": unknown variable "deathrate" (did you mean "deathRate"?)',
    );
    expect(problems(scenario(`classes:\n  small: ${classWith('"price / 10"')}`))).toBe(
      'x.yaml:2: classes.small.funding.probability: expected a probability in 0–1 or an expression, got "price / 10": unknown variable "price"; the variables are t, deathRate, cohortDead, hhi',
    );
    expect(problems(scenario(`classes:\n  small: ${classWith('1.5')}`))).toBe(
      'x.yaml:2: classes.small.funding.probability: expected a probability in 0–1 or an expression, got 1.5',
    );
  });

  it('the climate variables are not a provider expression\'s', () => {
    expect(problems(scenario(`
      providers:
        - { id: openai, price: "5 + hhi", quality: 1, unitCost: 2, cash: 1e12 }
        - { id: zhipu, price: 1, quality: 0.85, unitCost: 0.3, cash: 3e8 }
    `))).toBe(
      'x.yaml:2: providers.openai.price: expected a number ≥ 0 or an expression, got "5 + hhi": unknown variable "hhi"; the variables are t, price, quality, cost, share, tokenShare, lowestPrice, cash',
    );
  });

  it('a set event may install one, checked the same way', () => {
    expect(problems(scenario(`
      events:
        - { at: 2024-08, set: { classes.small.funding.probability: "0.5 - lowestPrice" } }
    `))).toMatch(/^x\.yaml:2: events\[0\]\.set\.classes\.small\.funding\.probability: .*unknown variable "lowestPrice"; the variables are t, deathRate, cohortDead, hhi$/);
  });
});
