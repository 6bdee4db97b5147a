/**
 * The sensitivity analysis through the library: the design is the core's,
 * indices.csv holds the core's estimators on the outputs that sweep.csv
 * holds (read back from the file, an independent path), an interrupted
 * analysis resumes to the same bytes, a failed design point leaves the
 * indices uncomputed, and bad plans are refused.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { inlineExecutor } from '../../sim/ensemble/executor.js';
import { computeIndices, designSize, parseParam, sensitivityPlan, writeSensitivity } from '../../sim/ensemble/sensitivity-analysis.js';
import { morrisDesign, morrisIndices } from '../../sim/ensemble/sensitivity/morris.js';
import { averageReplications, sobolIndicesReplicated } from '../../sim/ensemble/sensitivity/replications.js';
import { saltelliDesign } from '../../sim/ensemble/sensitivity/saltelli.js';
import { sweepCells } from '../../sim/ensemble/sweep.js';
import { InterruptedError, UsageError } from '../../sim/errors.js';
import { compile } from '../../sim/model/compile.js';
import { parseCsvLine } from '../../sim/output/format.js';
import { withoutManifest } from '../folder-files.js';
import { tempDir } from '../output/tmp.js';
import { tinyScenario } from './fixtures.js';

const scenario = tinyScenario({ months: 6, runs: 2 });
const compiled = compile(scenario);
const cells = sweepCells(compiled, ['startups.alive@end', 'deaths.cumulative@3']);
const parameters = [
  { path: 'classes.small.hazard', lo: 0.005, hi: 0.05 },
  { path: 'providers.a.price', lo: 2, hi: 8 },
];
const command = ['shakeout', 'sensitivity'];

/** A CSV file as objects, by column name. */
function csv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const names = parseCsvLine(header);
  return lines.map((l) => Object.fromEntries(parseCsvLine(l).map((v, i) => [names[i], v])));
}

/** sweep.csv's outputs of column `column`: per point, its replications in order. */
function outputsOf(dir: string, column: string, points: number, runs: number): number[][] {
  const outputs = Array.from({ length: points }, () => new Array<number>(runs).fill(NaN));
  for (const row of csv(join(dir, 'sweep.csv'))) outputs[Number(row.point)][Number(row.replication)] = Number(row[column]);
  return outputs;
}

describe('writeSensitivity', () => {
  test("Sobol': the Saltelli design runs, and indices.csv is the core's estimators on the outputs of sweep.csv", async () => {
    const plan = sensitivityPlan(parameters, { method: 'sobol', samples: 8, runs: 2, seed: scenario.seed });
    const out = join(tempDir(), 'sobol');
    const written = await writeSensitivity(scenario, plan, cells, { out, executor: inlineExecutor(), command });
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.format).toBe('shakeout-sensitivity/1');
    expect(manifest.analysis).toEqual({ method: 'sobol', samples: 8, levels: null, resamples: 1000, parameters });
    const core = saltelliDesign(parameters.map((p) => ({ name: p.path, lo: p.lo, hi: p.hi })), 8);
    expect(manifest.design.kind).toBe('saltelli');
    expect(manifest.design.points).toEqual(core.points.map((p) => Array.from(p)));
    expect(written.analysis?.computed).toBe(true);

    const indices = csv(join(out, 'indices.csv'));
    expect(indices).toHaveLength(2 * 2 * 2);
    for (const [c, column] of [[0, 'startups.alive_t5'], [1, 'deaths.cumulative_t3']] as const) {
      const expected = sobolIndicesReplicated(core, outputsOf(out, column, 32, 2), { seed: 7, resamples: 1000 });
      for (const [i, p] of parameters.entries())
        for (const [name, est] of [['S1', expected.indices[i].first], ['ST', expected.indices[i].total]] as const) {
          const row = indices.find((r) => r.metric === cells[c].metric && r.parameter === p.path && r.index === name)!;
          expect(row).toMatchObject({ month: String(cells[c].month), method: 'sobol' });
          expect([Number(row.value), Number(row.ci_low), Number(row.ci_high)]).toEqual([est.value, est.low, est.high]);
        }
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
      expect(summary.sensitivity.metrics[c].noise.share).toBe(expected.noise.share);
      expect(summary.sensitivity.metrics[c].noise.shareOfMeans).toBe(expected.noise.shareOfMeans);
    }
    // hazard matters to the survivors; the single provider's price hardly does.
    const st = (p: string) => Number(indices.find((r) => r.metric === 'startups.alive' && r.parameter === p && r.index === 'ST')!.value);
    expect(st('classes.small.hazard')).toBeGreaterThan(st('providers.a.price'));
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/Monte Carlo noise between replications: [\d.]+ % of one run's variance/);
  });

  test("Morris: μ, μ* and σ are the core's on the point means of sweep.csv", async () => {
    const plan = sensitivityPlan(parameters, { method: 'morris', samples: 3, runs: 2, seed: scenario.seed });
    const out = join(tempDir(), 'morris');
    await writeSensitivity(scenario, plan, cells, { out, executor: inlineExecutor(), command });
    const core = morrisDesign(parameters.map((p) => ({ name: p.path, lo: p.lo, hi: p.hi })), { trajectories: 3, levels: 4, seed: 7 });
    const { means } = averageReplications(outputsOf(out, 'startups.alive_t5', 9, 2));
    const expected = morrisIndices(core, means);
    const rows = csv(join(out, 'indices.csv')).filter((r) => r.metric === 'startups.alive');
    for (const [i, p] of parameters.entries())
      for (const [name, value] of [['mu', expected[i].mu], ['mu_star', expected[i].muStar], ['sigma', expected[i].sigma]] as const) {
        const row = rows.find((r) => r.parameter === p.path && r.index === name)!;
        expect([Number(row.value), row.ci_low, row.ci_high, row.method]).toEqual([value, '', '', 'morris']);
      }
  });

  test('an interrupted analysis resumes without running its finished points again, to the same bytes', async () => {
    const plan = sensitivityPlan(parameters, { method: 'sobol', samples: 4, runs: 2, seed: scenario.seed });
    const whole = join(tempDir(), 'whole');
    await writeSensitivity(scenario, plan, cells, { out: whole, executor: inlineExecutor(), command });

    const out = join(tempDir(), 'resumed');
    const controller = new AbortController();
    const interrupted = await writeSensitivity(scenario, plan, cells, {
      out,
      executor: inlineExecutor(),
      signal: controller.signal,
      command,
      onProgress: (done) => done === 5 && controller.abort('SIGINT'),
    }).catch((e: unknown) => e);
    expect(interrupted).toBeInstanceOf(InterruptedError);
    expect(existsSync(`${out}.partial`)).toBe(true);
    let ran = 0;
    const inline = inlineExecutor();
    const counting = { ...inline, load: (c: Parameters<typeof inline.load>[0]) => { const loaded = inline.load(c); return { ...loaded, run: (r: number) => (ran++, loaded.run(r)) }; } };
    const resumed = await writeSensitivity(scenario, plan, cells, { out, executor: counting, resume: true, command });
    expect(ran).toBe((16 - 5) * 2);
    expect(resumed.analysis?.computed).toBe(true);
    expect(withoutManifest(out)).toEqual(withoutManifest(whole));
  });

  test('interrupted after its manifest was written, the resumed folder does not list manifest.json among its files', async () => {
    const plan = sensitivityPlan(parameters, { method: 'sobol', samples: 2, runs: 2, seed: scenario.seed });
    const out = join(tempDir(), 'late');
    const controller = new AbortController();
    // Aborted after the last point: the files and the manifest are written, then the signal keeps the folder unsealed.
    const late = await writeSensitivity(scenario, plan, cells, { out, executor: inlineExecutor(), signal: controller.signal, command, onProgress: (done, total) => done === total && controller.abort('SIGINT') }).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(InterruptedError);
    expect(existsSync(join(`${out}.partial`, 'manifest.json'))).toBe(true);
    const resumed = await writeSensitivity(scenario, plan, cells, { out, executor: inlineExecutor(), resume: true, command });
    expect(resumed.manifest.files).toEqual(['indices.csv', 'points.csv', 'summary.json', 'summary.md', 'sweep.csv']);
  });

  test('a failed design point: no indices, the failed points listed, the folder kept', async () => {
    // hazard is a probability: the points above 1 fail.
    const plan = sensitivityPlan([{ path: 'classes.small.hazard', lo: 0.5, hi: 1.5 }], { method: 'sobol', samples: 4, runs: 2, seed: scenario.seed });
    const failing = plan.design.points.flatMap((p, i) => (p[0] > 1 ? [i] : []));
    expect(failing.length).toBeGreaterThan(0);
    const out = join(tempDir(), 'failed');
    const written = await writeSensitivity(scenario, plan, cells, { out, executor: inlineExecutor(), command });
    expect(written.analysis).toMatchObject({ computed: false, failedPoints: failing, metrics: [] });
    expect(existsSync(join(out, 'indices.csv'))).toBe(false);
    expect(written.manifest.failedPoints).toEqual(failing);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain(`**The indices were not computed**: ${failing.length} design point`);
    // The same, without running anything: computeIndices refuses as soon as one outcome is an error.
    const outcomes = plan.design.points.map((_, point) => (point === 1 ? { point, error: 'no' } : { point, values: cells.map(() => [1, 2]) }));
    expect(computeIndices(plan, cells, outcomes, 2, 7)).toMatchObject({ computed: false, failedPoints: [1] });
  });
});

describe('sensitivityPlan and parseParam', () => {
  test('design sizes: N(d + 2) for Sobol\', r(d + 1) for Morris', () => {
    expect(designSize('sobol', 6, 64)).toBe(512);
    expect(designSize('morris', 6, 10)).toBe(70);
    expect(sensitivityPlan(parameters, { method: 'morris', samples: 5, runs: 2, seed: 1 }).design.points).toHaveLength(15);
  });

  test('refusals: a path twice, one run, a design too large, a malformed --param', () => {
    const refused = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
      throw new Error('not refused');
    };
    expect(refused(() => sensitivityPlan([parameters[0], parameters[0]], { method: 'sobol', samples: 4, runs: 2, seed: 1 }))).toMatch(/is given twice/);
    expect(refused(() => sensitivityPlan(parameters, { method: 'sobol', samples: 4, runs: 1, seed: 1 }))).toMatch(/at least 2 replications/);
    expect(refused(() => sensitivityPlan(parameters, { method: 'sobol', samples: 30_000, runs: 2, seed: 1 }))).toMatch(/120000 points × 2 runs = 240000 runs, more than/);
    expect(refused(() => sensitivityPlan(parameters, { method: 'sobol', samples: 10_000, runs: 1000, seed: 1 }))).toMatch(/lower --samples or --runs/);
    for (const text of ['classes.small.hazard=0.1', 'classes.small.hazard=0.2:0.1', '=0:1', 'x=0:1:3', 'x=a:b'])
      expect(refused(() => parseParam(text))).toMatch(/^--param takes <path>=<lo>:<hi>/);
    expect(parseParam('x = 1e-3:2', [{ path: 'y', lo: 0, hi: 1 }])).toEqual([{ path: 'y', lo: 0, hi: 1 }, { path: 'x', lo: 0.001, hi: 2 }]);
  });
});
