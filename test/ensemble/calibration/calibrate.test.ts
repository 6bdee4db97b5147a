/**
 * The calibration driver through the library: it recovers values of the
 * model from targets the model itself produced; fitted.yaml is the
 * scenario with the fitted values; a calibration interrupted and resumed
 * computes no evaluation twice and ends with the bytes of an uninterrupted
 * one; an evaluation the scenario refuses is recorded, not fatal.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { writeCalibration } from '../../../sim/ensemble/calibration/calibrate.js';
import { calibrationPlan } from '../../../sim/ensemble/calibration/plan.js';
import { inlineExecutor, type ReplicationExecutor } from '../../../sim/ensemble/executor.js';
import { InterruptedError } from '../../../sim/errors.js';
import { compile } from '../../../sim/model/compile.js';
import { runReplication } from '../../../sim/model/replication.js';
import { loadScenario } from '../../../sim/scenario/load.js';
import type { Scenario } from '../../../sim/scenario/schema.js';
import { parseTargets } from '../../../sim/scenario/targets.js';
import { withValues } from '../../../sim/scenario/value-paths.js';
import { withoutManifest } from '../../folder-files.js';
import { tempDir } from '../../output/tmp.js';

const minimalFile = join(import.meta.dirname, '..', '..', '..', 'scenarios', 'minimal.yaml');

/** The mean over runs 0 … runs − 1 of `metric` at `month`, computed here from runReplication. */
function modelMean(scenario: Scenario, metric: string, month: number): number {
  const compiled = compile(scenario);
  const M = compiled.metricNames.length;
  const m = compiled.metricNames.indexOf(metric);
  let sum = 0;
  for (let r = 0; r < scenario.runs; r++) sum += runReplication(compiled, r)[month * M + m];
  return sum / scenario.runs;
}

/** An executor that counts the replications it runs. */
function counting(): ReplicationExecutor & { runs: number } {
  const inline = inlineExecutor();
  const e = {
    concurrency: 1,
    runs: 0,
    load(compiled: Parameters<ReplicationExecutor['load']>[0]) {
      const loaded = inline.load(compiled);
      return { run: (r: number) => (e.runs++, loaded.run(r)), release: loaded.release };
    },
    close: async () => {},
  };
  return e;
}

function setUp(text: string, runs: number) {
  const spec = parseTargets(text.replace('SCENARIO', minimalFile), 'targets.yaml');
  const scenario = { ...loadScenario(spec.scenario).scenario, runs };
  return { spec, scenario, plan: calibrationPlan(spec, scenario, compile(scenario)) };
}

describe('writeCalibration', () => {
  test('recovers the values that produced its targets (Nelder–Mead, two parameters, common random numbers)', async () => {
    const truth = withValues({ ...loadScenario(minimalFile).scenario, runs: 4 }, [
      { path: 'classes.small.network', value: 0.6, label: '' },
      { path: 'classes.small.hazard', value: 0.025, label: '' },
    ]);
    const share = modelMean(truth, 'share.tokens.budget', 23);
    const dead = modelMean(truth, 'cohort.dead.fraction', 23);
    const { spec, scenario, plan } = setUp(
      `scenario: SCENARIO
targets:
  - { metric: share.tokens.budget, at: end, value: ${share}, sd: 0.002 }
  - { metric: cohort.dead.fraction, at: 2026-05, value: ${dead}, sd: 0.01 }
parameters:
  - { path: classes.small.network, lower: 0, upper: 1.5, start: 0.3 }
  - { path: classes.small.hazard, lower: 0.005, upper: 0.05, start: 0.01 }
maxEvaluations: 120
`,
      4,
    );
    const out = join(tempDir(), 'fit');
    const written = await writeCalibration(scenario, plan, spec, { out, executor: inlineExecutor(), scenarioFile: minimalFile, command: ['shakeout', 'calibrate'] });
    const fit = written.fit!;
    expect(fit.stop).toBe('tolerance');
    expect(fit.parameters['classes.small.network']).toBeCloseTo(0.6, 1);
    expect(fit.parameters['classes.small.hazard']).toBeCloseTo(0.025, 3);
    expect(fit.objective).toBeLessThan(0.05);
    // The reported means are the model's at the fitted values.
    const fitted = withValues(scenario, Object.entries(fit.parameters).map(([path, value]) => ({ path, value, label: '' })));
    expect(fit.targets[0].mean).toBeCloseTo(modelMean(fitted, 'share.tokens.budget', 23), 12);
    expect(fit.targets[1].ciLow).toBeLessThan(fit.targets[1].mean);
    // fitted.yaml extends minimal.yaml and loads as the scenario with the fitted values.
    const yaml = readFileSync(join(out, 'fitted.yaml'), 'utf8');
    expect(yaml).toMatch(/^extends: .*scenarios\/minimal\.yaml$/m);
    expect(loadScenario(join(out, 'fitted.yaml')).scenario).toEqual({ ...fitted, runs: loadScenario(minimalFile).scenario.runs });
    // evaluations.csv: one row per evaluation, the best one's objective is fit.json's.
    const rows = readFileSync(join(out, 'evaluations.csv'), 'utf8').trimEnd().split('\n');
    expect(rows[0]).toBe('evaluation,classes.small.network,classes.small.hazard,objective,share.tokens.budget_t23,cohort.dead.fraction_t23,error');
    expect(rows).toHaveLength(fit.evaluations + 1);
    expect(Number(rows[fit.bestEvaluation + 1].split(',')[3])).toBe(fit.objective);
    expect(rows[1].split(',').slice(0, 3)).toEqual(['0', '0.3', '0.01']);
  }, 60_000);

  const small = `scenario: SCENARIO
targets:
  - { metrics: [share.tokens.rival, share.tokens.budget], at: 12, value: 0.5, sd: 0.05 }
parameters:
  - { path: classes.small.network, lower: 0, upper: 1.5, start: 0.5 }
METHOD
maxEvaluations: 12
`;

  for (const method of ['nelder-mead', 'cma-es'])
    test(`${method}: an interrupted calibration resumes without computing an evaluation twice, to the bytes of an uninterrupted one`, async () => {
      const { spec, scenario, plan } = setUp(small.replace('METHOD', `method: ${method}`), 2);
      const command = ['shakeout', 'calibrate', 'targets.yaml'];
      const whole = join(tempDir(), 'whole');
      const uninterrupted = counting();
      await writeCalibration(scenario, plan, spec, { out: whole, executor: uninterrupted, scenarioFile: minimalFile, command });

      const out = join(tempDir(), 'whole');
      const controller = new AbortController();
      const first = counting();
      const e = await writeCalibration(scenario, plan, spec, {
        out,
        executor: first,
        scenarioFile: minimalFile,
        command,
        signal: controller.signal,
        onEvaluation: (done) => done === 5 && controller.abort('SIGINT'),
      }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(InterruptedError);
      expect((e as Error).message).toBe(`interrupted by SIGINT: 5 evaluations are saved in ${out}.partial; to continue without computing them again, run: shakeout calibrate targets.yaml --resume`);
      expect(readFileSync(join(`${out}.partial`, 'evaluations.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(6);

      const second = counting();
      const resumed = await writeCalibration(scenario, plan, spec, { out, executor: second, scenarioFile: minimalFile, command, resume: true });
      // Every replication is run once in all: the first five evaluations were taken from the journal.
      expect(first.runs + second.runs).toBe(uninterrupted.runs);
      expect(first.runs).toBe(5 * 2);
      expect(resumed.fit!.evaluations).toBe(12);
      expect(withoutManifest(out)).toEqual(withoutManifest(whole));
    }, 60_000);

  test('an evaluation whose values the scenario refuses is recorded with its message, and the search goes on', async () => {
    const { spec, scenario, plan } = setUp(
      `scenario: SCENARIO
targets:
  - { metric: cohort.dead.fraction, at: end, value: 0.99, sd: 0.05 }
parameters:
  - { path: classes.small.hazard, lower: 0.5, upper: 1, start: 0.95 }
maxEvaluations: 8
`,
      2,
    );
    // Past the bounds the plan checked: a hazard above 1 is no probability, so part of the range fails.
    plan.parameters[0] = { ...plan.parameters[0], upper: 1.5 };
    const out = join(tempDir(), 'refused');
    const written = await writeCalibration(scenario, plan, spec, { out, executor: inlineExecutor(), scenarioFile: minimalFile, command: ['shakeout', 'calibrate'] });
    const rows = readFileSync(join(out, 'evaluations.csv'), 'utf8').trimEnd().split('\n').slice(1);
    expect(rows[0]).toMatch(/^0,0\.95,[0-9.e-]+,[0-9.e-]+,$/);
    const refused = rows.filter((r) => r.includes(',Infinity,'));
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(Number(r.split(',')[1])).toBeGreaterThan(1);
    expect(refused[0]).toMatch(/,Infinity,,"?classes\.small\.hazard=[0-9.]+: classes\.small\.hazard: expected a probability in 0–1/);
    expect(written.fit!.failed).toBe(refused.length);
    expect(written.fit!.parameters['classes.small.hazard']).toBeLessThanOrEqual(1);
  }, 60_000);
});
