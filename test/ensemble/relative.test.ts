/**
 * Relative expectations evaluated run by run (sim/ensemble/relative.ts):
 * hand-made pairs whose claim holds in a known set of runs, a what-if
 * identical to its baseline run on an executor (ratio 1 holds in every
 * run, any positive difference in none), one pass per baseline file, and
 * the verdicts merged back into the order of `expect`.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeComparison } from '../../sim/ensemble/compare.js';
import { writeResultFolder } from '../../sim/ensemble/run-to-folder.js';
import { existsSync } from 'node:fs';
import { tempDir } from '../output/tmp.js';
import { inlineExecutor, runReplications } from '../../sim/ensemble/ensemble.js';
import type { ReplicationExecutor } from '../../sim/ensemble/executor.js';
import { evaluateExpectations, inScenarioOrder, resolveExpectations } from '../../sim/ensemble/expectations.js';
import { memorySink } from '../../sim/ensemble/memory-sink.js';
import { evaluateRelative, relativeHolds, relativeProblems, type CompiledBaseline } from '../../sim/ensemble/relative.js';
import type { CompiledScenario } from '../../sim/model/compile.js';
import { compile } from '../../sim/model/compile.js';
import { handCompiled, readerOver, records, tinyScenario } from './fixtures.js';

const metrics = ['cohort.dead.fraction', 'hhi.tokens'];
// 6 runs, 2 months (2024-06, 2024-07); only the end month of the first metric matters.
const whatIf = records([0.2, 0.4, 0.1, 0.0, 0.6, NaN].map((x) => [[0, 0], [x, 5000]]));
const base = records([0.1, 0.2, 0.1, 0.0, 0.2, 0.1].map((y) => [[0, 0], [y, 4000]]));
const source = (recs: Float64Array[]) => ({ cells: async (cells: readonly { metric: number; month: number }[]) => readerOver(recs, metrics.length)(cells) });

/** An executor that must not be asked to run anything. */
const noRuns: ReplicationExecutor = {
  concurrency: 1,
  load() {
    throw new Error('the baseline is held: nothing should run');
  },
  async close() {},
};

const baseline = (key: string, compiled: CompiledScenario): CompiledBaseline => ({ key, file: key, compiled });

describe('evaluateRelative over hand-made runs', () => {
  const compiled = handCompiled(metrics, 2, {
    expect: [
      { name: 'absolute', metric: 'hhi.tokens', at: 'end', op: '>', value: 4500 },
      { name: 'twice', metric: 'cohort.dead.fraction', at: 'end', op: '>=', baseline: 'b.yaml', ratio: 2, probability: 0.5 },
      { name: 'more', metric: 'cohort.dead.fraction', at: '2024-07', op: '>', baseline: 'b.yaml', difference: 0.05 },
      { name: 'concentration', metric: 'hhi.tokens', at: 'end', op: '<=', baseline: 'b.yaml', ratio: 1 },
    ] as never,
  });
  const b = baseline('/b.yaml', handCompiled(metrics, 2));
  const baselines = new Map([[1, b], [2, b], [3, b]]);

  it('counts the runs in which each holds: x ≥ 2y in runs 0, 1, 3, 4; x > y + 0.05 in runs 0, 1, 4; NaN never', async () => {
    let reads = 0;
    const held = source(base);
    const results = await evaluateRelative(compiled, baselines, source(whatIf), {
      executor: noRuns,
      held: (key) => (key === '/b.yaml' ? { cells: (c) => (reads++, held.cells(c)) } : undefined),
    });
    expect([...results.keys()]).toEqual([1, 2, 3]);
    expect(results.get(1)).toMatchObject({ name: 'twice', month: 1, op: '>=', baseline: 'b.yaml', ratio: 2, holds: 4, runs: 6, fraction: 4 / 6, probability: 0.5 });
    expect(results.get(1)).not.toHaveProperty('value');
    expect(results.get(1)).not.toHaveProperty('difference');
    expect(results.get(2)).toMatchObject({ baseline: 'b.yaml', difference: 0.05, holds: 3, runs: 6 });
    // 5000 ≤ 1 × 4000 in no run.
    expect(results.get(3)).toMatchObject({ holds: 0, verdict: 'FAIL', pass: false });
    // One read of the baseline for its three expectations.
    expect(reads).toBe(1);
  });

  it('merged with the absolute verdicts in the order of expect', async () => {
    const resolved = resolveExpectations(compiled);
    expect(resolved.map((r) => r.index)).toEqual([0]);
    const absolute = evaluateExpectations(resolved, readerOver(whatIf, metrics.length));
    const relative = await evaluateRelative(compiled, baselines, source(whatIf), { executor: noRuns, held: () => source(base) });
    expect(inScenarioOrder(absolute, resolved, relative).map((e) => e.name)).toEqual(['absolute', 'twice', 'more', 'concentration']);
  });

  it('relativeHolds: ratio × or difference + the baseline, NaN on either side never holds', () => {
    expect(relativeHolds(0.3, { op: '>=', ratio: 2 }, 0.15)).toBe(true);
    expect(relativeHolds(0.29, { op: '>=', ratio: 2 }, 0.15)).toBe(false);
    expect(relativeHolds(0.1, { op: '<', difference: -0.1 }, 0.25)).toBe(true);
    expect(relativeHolds(0.1, { op: '==', difference: 0 }, 0.1)).toBe(true);
    expect(relativeHolds(NaN, { op: '<=', ratio: 1 }, 0)).toBe(false);
    expect(relativeHolds(0, { op: '<=', ratio: 1 }, NaN)).toBe(false);
  });

  it('relativeProblems: a metric the baseline does not record, a baseline on another calendar', () => {
    const other = baseline('/c.yaml', handCompiled(['hhi.tokens'], 2));
    const shifted = baseline('/d.yaml', { ...handCompiled(metrics, 2), start: '2024-07' });
    const problems = relativeProblems(compiled, new Map([[1, other], [2, shifted]]));
    expect(problems).toEqual([
      { index: 1, field: 'metric', message: expect.stringContaining('the baseline /c.yaml records no metric named "cohort.dead.fraction"') },
      { index: 2, field: 'baseline', message: expect.stringContaining('the baseline /d.yaml runs 2 months from 2024-07 and this scenario 2 from 2024-06') },
    ]);
  });
});

describe('a what-if identical to its baseline, run with the same seeds', () => {
  it('ratio 1 with >= holds in every run, difference 0.0001 in none', async () => {
    const spec = { metric: 'cohort.dead.fraction', at: 'end', op: '>=', baseline: 'same.yaml' };
    const world = tinyScenario({
      months: 12,
      runs: 5,
      expect: [
        { name: 'as many', ...spec, ratio: 1 },
        { name: 'more', ...spec, difference: 0.0001 },
      ] as never,
    });
    const compiled = compile(world);
    const twin = compile(tinyScenario({ months: 12, runs: 5 }));
    const sink = memorySink(5);
    const executor = inlineExecutor();
    await runReplications(compiled, { runs: 5, executor, sink });
    const m = compiled.metricNames.indexOf('cohort.dead.fraction');
    // Not a world where nobody dies: the claim is about equal values, not zeros.
    expect(sink.values.some((v) => v![11 * compiled.metricNames.length + m] > 0)).toBe(true);
    const store = { cells: async (cells: readonly { metric: number; month: number }[]) => readerOver(sink.values as Float64Array[], compiled.metricNames.length)(cells) };
    let baselineRuns = 0;
    const results = await evaluateRelative(compiled, new Map([[0, baseline('/same.yaml', twin)], [1, baseline('/same.yaml', twin)]]), store, {
      executor,
      onProgress: (key, _done, runs) => {
        expect(key).toBe('/same.yaml');
        expect(runs).toBe(5);
        baselineRuns++;
      },
    });
    expect(results.get(0)).toMatchObject({ holds: 5, runs: 5, fraction: 1 });
    expect(results.get(1)).toMatchObject({ holds: 0, runs: 5, fraction: 0, verdict: 'FAIL' });
    // The baseline ran once, its 5 runs, for both expectations.
    expect(baselineRuns).toBe(5);
  });
});

describe('compare: a relative expectation naming the comparison\'s baseline', () => {
  /** An inline executor that records the name of every scenario loaded into it. */
  function counting() {
    const inline = inlineExecutor();
    const loads: string[] = [];
    const executor: ReplicationExecutor = {
      concurrency: 1,
      load: (c) => (loads.push(c.scenario.name ?? ''), inline.load(c)),
      close: () => inline.close(),
    };
    return { executor, loads };
  }
  const spec = { name: 'as many', metric: 'cohort.dead.fraction', at: 'end', op: '>=', ratio: 1 };
  const world = (name: string, expect: object[] = []) => compile(tinyScenario({ name, months: 12, runs: 3, expect: expect as never }));

  it('is read from the comparison\'s runs (nothing runs twice), and listed under the what-if', async () => {
    const dir = tempDir();
    const base = world('base');
    const same = world('same', [{ ...spec, baseline: 'base.yaml' }]);
    const { executor, loads } = counting();
    const written = await writeComparison(
      { folder: 'base', compiled: base, file: join(dir, 'base.yaml') },
      [{ folder: 'same', compiled: same, file: join(dir, 'same.yaml'), baselines: new Map([[0, baseline(resolve(dir, 'base.yaml'), base)]]) }],
      { out: join(dir, 'cmp'), executor },
    );
    expect(loads).toEqual(['base', 'same']);
    expect(written.summary.whatIfs[0].expectations).toEqual([expect.objectContaining({ name: 'as many', baseline: 'base.yaml', holds: 3, runs: 3 })]);
  });

  it('another baseline is run, and its verdict stays in the what-if\'s folder only', async () => {
    const dir = tempDir();
    const base = world('base');
    const other = world('other');
    const same = world('same', [{ ...spec, baseline: 'other.yaml' }]);
    const { executor, loads } = counting();
    const written = await writeComparison(
      { folder: 'base', compiled: base, file: join(dir, 'base.yaml') },
      [{ folder: 'same', compiled: same, file: join(dir, 'same.yaml'), baselines: new Map([[0, baseline(resolve(dir, 'other.yaml'), other)]]) }],
      { out: join(dir, 'cmp'), executor },
    );
    expect(loads).toEqual(['base', 'same', 'other']);
    expect(written.summary.whatIfs[0]).not.toHaveProperty('expectations');
    expect(written.results[1].summary.expectations).toEqual([expect.objectContaining({ baseline: 'other.yaml', holds: 3, runs: 3 })]);
  });
});

describe('writeResultFolder without the baselines of a relative expectation', () => {
  it('is refused before anything runs or is written', async () => {
    const dir = tempDir();
    const compiled = compile(tinyScenario({ months: 12, runs: 2, expect: [{ name: 'as many', metric: 'cohort.dead.fraction', at: 'end', op: '>=', baseline: 'b.yaml', ratio: 1 }] as never }));
    const out = join(dir, 'out');
    await expect(writeResultFolder(compiled, { out })).rejects.toThrow('the relative expectations as many have no compiled baseline');
    expect(existsSync(out) || existsSync(`${out}.partial`)).toBe(false);
  });
});
