/**
 * Relative expectations (docs/model.md, "Relative expectations"): "in
 * each run, this metric op ratio × (or difference + ) the same metric of
 * the baseline's run with the same seed". The baseline runs the same
 * replications (runs, seed, months: common random numbers), so run r of
 * both saw the same startups and draws wherever the worlds coincide, and
 * the claim is counted run by run like an absolute one, with the same
 * verdict (verdict.ts).
 *
 * A baseline is run on the caller's executor only for the cells its
 * expectations read (runs × cells values are kept, not its result folder),
 * unless the caller already holds its runs (`compare`'s baseline).
 */
import { monthIndex } from '../calendar.js';
import { closeNames } from '../close-names.js';
import { ScenarioError, UsageError } from '../errors.js';
import type { CompiledScenario } from '../model/compile.js';
import type { ExpectationResult } from '../output/result-types.js';
import type { Locate } from '../scenario/issues.js';
import type { ExpectationSpec } from '../scenario/schema.js';
import { runReplications, type RunSink } from './ensemble.js';
import type { ReplicationExecutor } from './executor.js';
import { compare, type ExpectationProblem, type MetricCell } from './expectations.js';
import { baselineLacksMetric, baselineOtherCalendar, baselinesNotGiven } from './messages.js';
import { tally } from './verdict.js';

/** The baseline of a relative expectation, compiled with the scenario's runs, seed and months. */
export interface CompiledBaseline {
  /** Its identity (an absolute path): expectations naming the same file share its runs. */
  key: string;
  /** The file it was read from, for messages. */
  file: string;
  compiled: CompiledScenario;
}

/** Something that holds per-run values of cells: a run store. */
export interface CellSource {
  cells(cells: readonly MetricCell[], options?: { signal?: AbortSignal }): Promise<Float64Array[]>;
}

export interface RelativeOptions {
  /** Where the baselines run; not closed here. */
  executor: ReplicationExecutor;
  /** A baseline's runs the caller already holds (same runs, seed and months), by key; others are run. */
  held?: (key: string) => CellSource | undefined;
  /** After each baseline run: (the baseline's key, its runs done, runs). */
  onProgress?: (key: string, done: number, runs: number) => void;
}

/** The indices in `expect` of the relative expectations. */
export function relativeIndices(specs: readonly ExpectationSpec[]): number[] {
  return specs.flatMap((s, i) => (s.baseline !== undefined ? [i] : []));
}

/**
 * Refuses, before anything runs, a scenario whose relative expectations
 * are not all given a baseline (a library caller that left them out would
 * otherwise get a summary without their verdicts). @throws UsageError
 */
export function assertBaselinesGiven(compiled: CompiledScenario, baselines: ReadonlyMap<number, CompiledBaseline> | undefined): void {
  const missing = relativeIndices(compiled.scenario.expect).filter((i) => !baselines?.has(i));
  if (missing.length > 0) throw new UsageError(baselinesNotGiven(missing.map((i) => compiled.scenario.expect[i].name)));
}

/** The month index an expectation's `at` names in `compiled`. */
const monthOf = (compiled: CompiledScenario, at: string) => (at === 'end' ? compiled.months - 1 : monthIndex(compiled.start, at));

/** Every relative expectation whose metric its baseline does not record, or whose baseline runs on another calendar. */
export function relativeProblems(compiled: CompiledScenario, baselines: ReadonlyMap<number, CompiledBaseline>): ExpectationProblem[] {
  const problems: ExpectationProblem[] = [];
  for (const [index, b] of baselines) {
    const spec = compiled.scenario.expect[index];
    const c = b.compiled;
    if (c.start !== compiled.start || c.months !== compiled.months)
      problems.push({ index, field: 'baseline', message: baselineOtherCalendar(b.file, c.start, c.months, compiled.start, compiled.months) });
    else if (!c.metricNames.includes(spec.metric))
      problems.push({ index, field: 'metric', message: baselineLacksMetric(b.file, spec.metric, closeNames(spec.metric, c.metricNames)) });
  }
  return problems;
}

/** Refuses relative expectations that cannot be evaluated, each at its line (`locate`: the scenario's). @throws ScenarioError */
export function assertRelativeLocated(compiled: CompiledScenario, baselines: ReadonlyMap<number, CompiledBaseline>, locate: Locate): void {
  const problems = relativeProblems(compiled, baselines);
  if (problems.length === 0) return;
  throw new ScenarioError(
    problems.map(({ index, field, message }) => {
      const { file, line } = locate(['expect', index], field);
      return { file, line, path: `expect[${index}].${field}`, code: 'E_BASELINE', message };
    }),
  );
}

/** A sink that keeps only the values of `cells` of each run: runs × cells numbers, whatever the scenario's size. */
function cellSink(cells: readonly MetricCell[], metrics: number, runs: number): RunSink & { columns: Float64Array[] } {
  const columns = cells.map(() => new Float64Array(runs));
  const seen = new Uint8Array(runs);
  return {
    columns,
    has: (r) => seen[r] === 1,
    write(r, values) {
      cells.forEach((c, k) => (columns[k][r] = values[c.month * metrics + c.metric]));
      seen[r] = 1;
    },
  };
}

/** Runs `baseline` (runs 0 … runs − 1) and returns the values of `cells` in every run. */
export async function baselineCells(
  baseline: CompiledBaseline,
  cells: readonly MetricCell[],
  runs: number,
  options: RelativeOptions & { signal?: AbortSignal },
): Promise<Float64Array[]> {
  const sink = cellSink(cells, baseline.compiled.metricNames.length, runs);
  await runReplications(baseline.compiled, {
    runs,
    executor: options.executor,
    sink,
    signal: options.signal,
    scenarioFile: baseline.file,
    onProgress: (done) => options.onProgress?.(baseline.key, done, runs),
  });
  return sink.columns;
}

/** Whether the run holds: `x op ratio × b` or `x op b + difference`; NaN never holds. */
export function relativeHolds(x: number, spec: Pick<ExpectationSpec, 'op' | 'ratio' | 'difference'>, b: number): boolean {
  return compare(x, spec.op, spec.ratio !== undefined ? spec.ratio * b : b + (spec.difference ?? NaN));
}

/**
 * The verdicts of the relative expectations of `compiled` (by index in
 * `expect`), whose runs `store` holds, against their baselines: each
 * baseline is read from `options.held` or run once for all the cells its
 * expectations read.
 */
export async function evaluateRelative(
  compiled: CompiledScenario,
  baselines: ReadonlyMap<number, CompiledBaseline>,
  store: CellSource,
  options: RelativeOptions & { signal?: AbortSignal },
): Promise<Map<number, ExpectationResult>> {
  const results = new Map<number, ExpectationResult>();
  if (baselines.size === 0) return results;
  const specs = compiled.scenario.expect;
  const indices = [...baselines.keys()].sort((a, b) => a - b);
  const own = await store.cells(
    indices.map((i) => ({ metric: compiled.metricNames.indexOf(specs[i].metric), month: monthOf(compiled, specs[i].at) })),
    { signal: options.signal },
  );
  const runs = own[0]?.length ?? 0;
  // One pass per baseline file, for all the cells its expectations read.
  const groups = new Map<string, number[]>();
  for (const i of indices) groups.set(baselines.get(i)!.key, [...(groups.get(baselines.get(i)!.key) ?? []), i]);
  const theirs = new Map<number, Float64Array>();
  for (const [key, group] of groups) {
    const b = baselines.get(group[0])!;
    const cells = group.map((i) => ({ metric: b.compiled.metricNames.indexOf(specs[i].metric), month: monthOf(b.compiled, specs[i].at) }));
    const held = options.held?.(key);
    const heldColumns = held ? await held.cells(cells, { signal: options.signal }) : undefined;
    // Runs held for another run count (not expected: the caller holds the same runs) are not paired: run the baseline.
    const columns = heldColumns && heldColumns.every((c) => c.length === runs) ? heldColumns : await baselineCells(b, cells, runs, options);
    group.forEach((i, k) => theirs.set(i, columns[k]));
  }
  indices.forEach((i, k) => {
    const spec = specs[i];
    const x = own[k];
    const y = theirs.get(i)!;
    let holds = 0;
    for (let r = 0; r < runs; r++) if (relativeHolds(x[r], spec, y[r])) holds++;
    results.set(i, {
      name: spec.name,
      metric: spec.metric,
      at: spec.at,
      month: monthOf(compiled, spec.at),
      op: spec.op,
      baseline: spec.baseline,
      ...(spec.ratio !== undefined ? { ratio: spec.ratio } : { difference: spec.difference }),
      ...tally(holds, runs, spec.probability),
    });
  });
  return results;
}
