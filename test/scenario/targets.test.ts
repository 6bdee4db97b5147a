/** The targets file of `shakeout calibrate`: what it holds, and its problems, each on its line. */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScenarioError } from '../../sim/errors.js';
import { calibrationPlan } from '../../sim/ensemble/calibration/plan.js';
import { compile } from '../../sim/model/compile.js';
import { loadScenario } from '../../sim/scenario/load.js';
import { DEFAULT_MAX_EVALUATIONS, DEFAULT_TOLERANCE, parseTargets } from '../../sim/scenario/targets.js';

const problems = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof ScenarioError) return e.message.split('\n');
    throw e;
  }
  throw new Error('no problem reported');
};

const good = `scenario: ../scenarios/minimal.yaml   # relative to this file
runs: 4
targets:
  - { metric: share.tokens.budget, at: 2025-06, value: 0.2, sd: 0.02, source: "IDC, 2025 H1" }
  - { metrics: [share.tokens.rival, share.tokens.budget], at: end, value: 0.6, sd: 0.05 }
  - { metric: startups.alive, at: 3, value: 400, sd: 20 }
parameters:
  - { path: classes.small.network, lower: 0, upper: 1.5, start: 0.5 }
  - { path: providers.budget.price, lower: 0.2, upper: 2 }
`;

describe('parseTargets', () => {
  it('reads the scenario (relative to the file), targets, parameters, and the defaults', () => {
    const t = parseTargets(good, join('calibration', 'fit.yaml'));
    expect(t.scenario).toBe(join('scenarios', 'minimal.yaml'));
    expect(t.runs).toBe(4);
    expect(t.targets.map((x) => [x.metrics, x.at, x.value, x.sd, x.source])).toEqual([
      [['share.tokens.budget'], '2025-06', 0.2, 0.02, 'IDC, 2025 H1'],
      [['share.tokens.rival', 'share.tokens.budget'], 'end', 0.6, 0.05, undefined],
      [['startups.alive'], 3, 400, 20, undefined],
    ]);
    // A start left out is the middle of the range.
    expect(t.parameters).toEqual([
      { path: 'classes.small.network', lower: 0, upper: 1.5, start: 0.5 },
      { path: 'providers.budget.price', lower: 0.2, upper: 2, start: 1.1 },
    ]);
    expect([t.method, t.maxEvaluations, t.tolerance]).toEqual(['nelder-mead', DEFAULT_MAX_EVALUATIONS, DEFAULT_TOLERANCE]);
  });

  it('reports every problem of the file at once, each on one line with its file, line and field', () => {
    const text = `scenario: base.txt
runs: 0
targets:
  - { metric: a, metrics: [b], at: end, value: 1, sd: 0 }
  - { at: end, value: 1, sd: 1 }
  - { metrics: [a, a], at: end, value: 1, sd: 1 }
parameters:
  - { path: x.y, lower: 2, upper: 1 }
  - { path: x.z, lower: 0, upper: 1, start: 3 }
  - { path: x.z, lower: 0, upper: 1 }
method: simplex
maxEvaluatons: 10
`;
    // The schema's problems first (they stop the file there), each located.
    expect(problems(() => parseTargets(text, 'fit.yaml'))).toEqual([
      'fit.yaml:2: runs: expected a number ≥ 1, got 0',
      'fit.yaml:4: targets[0].sd: expected a number > 0',
      'fit.yaml:11: method: expected "nelder-mead" or "cma-es", got "simplex"',
      'fit.yaml:12: unknown key "maxEvaluatons" (did you mean "maxEvaluations"?)',
    ]);
    const fixed = text.replace('runs: 0', 'runs: 2').replace('sd: 0 }', 'sd: 1 }').replace('method: simplex\nmaxEvaluatons: 10\n', '');
    expect(problems(() => parseTargets(fixed, 'fit.yaml'))).toEqual([
      'fit.yaml:1: scenario: "base.txt" is not a scenario file (expected .yaml, .yml or .json)',
      'fit.yaml:4: targets[0]: a target names one metric (metric: <name>) or a sum of metrics (metrics: [<name>, …]), not both',
      'fit.yaml:5: targets[1]: a target needs metric: <name> or metrics: [<name>, …]',
      'fit.yaml:6: targets[2].metrics: "a" is listed twice in the sum',
      'fit.yaml:8: parameters[0].upper: lower (2) must be below upper (1)',
      'fit.yaml:9: parameters[1].start: start (3) is outside [0, 1]',
      'fit.yaml:10: parameters[2].path: "x.z" is calibrated twice (first on line 9)',
    ]);
  });

  it('YAML that does not parse is reported on its line', () => {
    expect(problems(() => parseTargets('scenario: a.yaml\ntargets: [\n', 'fit.yaml'))[0]).toMatch(/^fit\.yaml:\d+: /);
  });
});

describe('calibrationPlan', () => {
  const root = join(import.meta.dirname, '..', '..');
  const plan = (text: string) => {
    const t = parseTargets(text, join(root, 'calibration', 'fit.yaml'));
    const scenario = loadScenario(t.scenario).scenario;
    return calibrationPlan(t, scenario, compile(scenario));
  };

  it("resolves months as the sweep's --metric does, and the columns of a sum", () => {
    const p = plan(good);
    expect(p.targets.map((t) => [t.month, t.date, t.columns.length])).toEqual([
      [12, '2025-06', 1],
      [23, '2026-05', 2],
      [3, '2024-09', 1],
    ]);
    expect(p.locations).toEqual([
      ['classes', 'small', 'network'],
      ['providers', 2, 'price'],
    ]);
  });

  it('names an unknown metric, month or path on its line, with the close names', () => {
    const text = good
      .replace('metric: share.tokens.budget, at: 2025-06', 'metric: share.tokens.budgte, at: 2031-01')
      .replace('[share.tokens.rival, share.tokens.budget]', '[share.tokens.rival, share.token.budget]')
      .replace('at: 3,', 'at: soon,')
      .replace('classes.small.network', 'classes.small.netwrk');
    const file = join(root, 'calibration', 'fit.yaml');
    expect(problems(() => plan(text))).toEqual([
      `${file}:4: targets[0].metric: no metric named "share.tokens.budgte" (did you mean "share.tokens.budget", "share.tokens.leader", "share.tokens.rival"?); \`shakeout metrics <scenario>\` lists the metrics`,
      `${file}:4: targets[0].at: 2031-01 is not a month of the run (0 to 23, 2024-06 to 2026-05, or end)`,
      `${file}:5: targets[1].metrics[1]: no metric named "share.token.budget" (did you mean "share.tokens.budget", "share.customers.budget", "share.tokens.leader"?); \`shakeout metrics <scenario>\` lists the metrics`,
      `${file}:6: targets[2].at: expected a month: YYYY-MM, a month index (0, 1, …) or end, got "soon"`,
      `${file}:8: parameters[0].path: "classes.small.netwrk" is not a numeric value of this scenario (did you mean classes.small.network?)`,
    ]);
  });

  it('refuses a bound the scenario refuses, on its line', () => {
    const file = join(root, 'calibration', 'fit.yaml');
    expect(problems(() => plan(good.replace('lower: 0, upper: 1.5, start: 0.5', 'lower: 0, upper: 1.5, start: 0.5 }\n  - { path: classes.small.hazard, lower: 0, upper: 2')))).toEqual([
      `${file}:9: parameters[1].upper: the scenario refuses upper = 2: classes.small.hazard: expected a probability in 0–1, got 2`,
    ]);
  });
});

describe('the documented targets files', () => {
  const root = join(import.meta.dirname, '..', '..');
  for (const [doc, at] of [
    ['docs/calibration.md', 'docs'],
    ['README.md', 'calibration'],
  ] as const)
    it(`${doc}: its example is a valid targets file for the shipped 2024 scenario`, () => {
      const block = /```yaml\n(scenario:[\s\S]*?)```/.exec(readFileSync(join(root, doc), 'utf8'))![1];
      const t = parseTargets(block, join(root, at, 'example.yaml'));
      const scenario = loadScenario(t.scenario).scenario;
      const plan = calibrationPlan(t, scenario, compile(scenario));
      expect(plan.targets.length).toBeGreaterThan(0);
      expect(t.scenario).toBe(join(root, 'scenarios', 'china-2024-openai-exit.yaml'));
    });
});

describe('the shipped targets files', () => {
  const dir = join(import.meta.dirname, '..', '..', 'scenarios', 'calibration');
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml')))
    it(`scenarios/calibration/${name} is a valid targets file for its scenario`, () => {
      const t = parseTargets(readFileSync(join(dir, name), 'utf8'), join(dir, name));
      const scenario = loadScenario(t.scenario).scenario;
      const plan = calibrationPlan(t, scenario, compile(scenario));
      expect(plan.targets.length).toBe(t.targets.length);
    });
});
