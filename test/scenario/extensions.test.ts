/**
 * Validation of the opt-in extensions of MODEL.md section 12: their bounds,
 * the names they refer to, and their value paths.
 */
import { describe, expect, it } from 'vitest';
import { valuePaths, withValues } from '../../sim/scenario/value-paths.js';
import { load, problems, scenario } from './helpers.js';

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
