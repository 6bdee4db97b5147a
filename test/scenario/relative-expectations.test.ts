/**
 * Relative expectations in scenario files: the form (value, or baseline
 * with exactly one of ratio and difference) at its line, and the loading
 * of baselines (named relative to the file that writes them, errors at this
 * file's `baseline:` line, a scenario that names itself refused, two that
 * name each other loaded one step and no further).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../sim/errors.js';
import { loadBaselines } from '../../sim/scenario/baselines.js';
import { loadScenario } from '../../sim/scenario/load.js';
import { tempDir } from '../output/tmp.js';
import { load, problems, scenario } from './helpers.js';

const item = (fields: string) => scenario(`
  expect:
    - name: bloodbath
      metric: cohort.dead.small.fraction
      at: 2025-01
      op: ">="
${fields
  .split('\n')
  .map((l) => `      ${l}`)
  .join('\n')}
`);

describe('the form of an expectation', () => {
  it('a relative one loads with its baseline and ratio or difference', () => {
    const s = load(item('baseline: other.yaml\nratio: 2\nprobability: 0.8')).scenario;
    expect(s.expect[0]).toEqual({ name: 'bloodbath', metric: 'cohort.dead.small.fraction', at: '2025-01', op: '>=', baseline: 'other.yaml', ratio: 2, probability: 0.8 });
    expect(load(item('baseline: other.yaml\ndifference: -0.1')).scenario.expect[0]).toMatchObject({ difference: -0.1, probability: 0.5 });
  });

  // Lines: 1 expect, 2 - name, 3 metric, 4 at, 5 op, then the fields from line 6.
  it.each([
    ['value: 1\nbaseline: other.yaml\nratio: 2', 'x.yaml:7: expect[0].baseline: an expectation has either a value or a baseline, not both'],
    ['baseline: other.yaml\nratio: 2\ndifference: 0.1', 'x.yaml:8: expect[0].difference: give either ratio or difference, not both'],
    ['value: 1\nratio: 2', 'x.yaml:7: expect[0].ratio: ratio needs a baseline'],
    ['difference: 0.1', 'x.yaml:2: expect[0]: missing baseline: the scenario file whose runs the ratio or difference compares with'],
    ['baseline: other.yaml', 'x.yaml:6: expect[0].baseline: a baseline needs a ratio'],
    ['probability: 0.5', 'x.yaml:2: expect[0]: missing value (or, for a relative expectation, baseline with ratio or difference)'],
    ['baseline: other.yaml\nratio: 0', 'x.yaml:7: expect[0].ratio: expected a number > 0, got 0'],
    ['baseline: ""\nratio: 1', 'x.yaml:6: expect[0].baseline: expected a scenario file name, got ""'],
  ])('%j: %s', (fields, message) => {
    expect(problems(item(fields))).toContain(message);
  });
});

/** Writes `files` (name → text) into a fresh folder and returns it. */
function folder(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const relative = (baseline: string) => item(`baseline: ${baseline}\nratio: 2`);

function baselineError(dir: string, file: string): string {
  const path = join(dir, file);
  try {
    loadBaselines(loadScenario(path), path);
  } catch (e) {
    if (e instanceof ScenarioError) return e.message;
    throw e;
  }
  throw new Error('expected a ScenarioError');
}

describe('loadBaselines', () => {
  it('reads the baseline next to the file that names it, once for every expectation naming it', () => {
    const dir = folder({
      'what/if.yaml': scenario(`
        expect:
          - { name: a, metric: cohort.dead.fraction, at: end, op: ">=", baseline: ../base/no-exit.yaml, ratio: 1 }
          - { name: b, metric: hhi.tokens, at: end, op: ">=", value: 0 }
          - { name: c, metric: hhi.tokens, at: end, op: "<=", baseline: ../base/no-exit.yaml, difference: 100 }
      `),
      'base/no-exit.yaml': scenario('name: No exit'),
    });
    const file = join(dir, 'what', 'if.yaml');
    const found = loadBaselines(loadScenario(file), file);
    expect([...found.keys()]).toEqual([0, 2]);
    expect(found.get(0)!.loaded.scenario.name).toBe('No exit');
    expect(found.get(0)).toBe(found.get(2));
    expect(found.get(0)!.absolute).toBe(join(dir, 'base', 'no-exit.yaml'));
  });

  it('a baseline named in a base file (extends) is read next to that file, and errors point at its line there', () => {
    const dir = folder({
      'child.yaml': 'extends: parent/parent.yaml\nname: Child\n',
      'parent/parent.yaml': relative('missing.yaml'),
      'parent/there.yaml': scenario('name: There'),
    });
    expect(baselineError(dir, 'child.yaml')).toBe(
      `${join(dir, 'parent', 'parent.yaml')}:6: expect[0].baseline: the baseline "missing.yaml" cannot be loaded: ${join(dir, 'parent', 'missing.yaml')}: cannot read the file: no such file`,
    );
    writeFileSync(join(dir, 'parent', 'parent.yaml'), relative('there.yaml'));
    const file = join(dir, 'child.yaml');
    expect(loadBaselines(loadScenario(file), file).get(0)!.loaded.scenario.name).toBe('There');
  });

  it('an invalid baseline: its first problem, at this file\'s baseline: line', () => {
    const dir = folder({ 'a.yaml': relative('b.yaml'), 'b.yaml': scenario('months: 0\nruns: 0') });
    const message = baselineError(dir, 'a.yaml');
    expect(message).toMatch(/^.*a\.yaml:6: expect\[0\]\.baseline: the baseline "b\.yaml" cannot be loaded: .*b\.yaml:1: months: expected a whole number of months in 1–1200, got 0 \(and 1 more problem: run `shakeout validate` on it\)$/);
  });

  it('not a scenario file, or the scenario itself: refused at the line', () => {
    const dir = folder({ 'a.yaml': relative('notes.txt'), 'self.yaml': relative('./self.yaml') });
    expect(baselineError(dir, 'a.yaml')).toContain('a.yaml:6: expect[0].baseline: the baseline "notes.txt" is not a scenario file (.yaml, .yml or .json)');
    expect(baselineError(dir, 'self.yaml')).toContain('self.yaml:6: expect[0].baseline: a scenario cannot be its own baseline');
  });

  it('two scenarios that name each other: each loads the other, one step, without looping', () => {
    const dir = folder({ 'a.yaml': relative('b.yaml'), 'b.yaml': relative('a.yaml') });
    const a = join(dir, 'a.yaml');
    const found = loadBaselines(loadScenario(a), a);
    // The baseline b is loaded as a scenario; its own baseline (a) is not followed.
    expect(found.get(0)!.loaded.scenario.expect[0].baseline).toBe('a.yaml');
    expect(found.size).toBe(1);
  });
});
