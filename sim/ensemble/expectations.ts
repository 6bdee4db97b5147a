/**
 * Scenario expectations (MODEL.md section 11, `expect`): the fraction of
 * runs in which "metric op value" holds at a month, its 95 % Wilson
 * interval, and the verdict (verdict.ts): PASS, FAIL or INCONCLUSIVE by
 * where that interval lies against the required probability.
 */
import type { CompiledScenario } from '../model/compile.js';
import type { ExpectationResult } from '../output/result-types.js';
import type { ComparisonOp, ExpectationSpec } from '../scenario/schema.js';
import { ScenarioError, UsageError } from '../errors.js';
import type { Locate } from '../scenario/issues.js';
import { monthIndex, monthLabel } from '../calendar.js';
import { closeNames } from '../close-names.js';
import { expectationProblem, monthOutsideRun, noSuchMetric } from './messages.js';
import { tally } from './verdict.js';

/** One value of every run: metric index into `metricNames`, month index t (0-based). */
export interface MetricCell {
  metric: number;
  month: number;
}

/** Returns, for each cell, its value in every run (index = run). */
export type CellReader = (cells: readonly MetricCell[]) => Float64Array[];

/** An expectation located in the run's metric matrix. */
export interface ResolvedExpectation {
  spec: ExpectationSpec;
  cell: MetricCell;
  /** Its index in `expect`. */
  index: number;
}

/** Why an expectation cannot be evaluated, as data: which one (its index in `expect`), which field, and the message. */
export interface ExpectationProblem {
  index: number;
  field: 'metric' | 'at' | 'baseline';
  message: string;
}

/** Every expectation of `specs` whose metric the scenario does not record, or whose month is outside the run. */
export function expectationProblems(compiled: CompiledScenario, specs: readonly ExpectationSpec[] = compiled.scenario.expect): ExpectationProblem[] {
  const problems: ExpectationProblem[] = [];
  const last = compiled.months - 1;
  specs.forEach((spec, index) => {
    if (!compiled.metricNames.includes(spec.metric))
      problems.push({ index, field: 'metric', message: noSuchMetric(spec.metric, closeNames(spec.metric, compiled.metricNames)) });
    const month = spec.at === 'end' ? last : monthIndex(compiled.start, spec.at);
    if (!(month >= 0 && month <= last))
      problems.push({ index, field: 'at', message: monthOutsideRun(spec.at, compiled.start, monthLabel(compiled.start, last)) });
  });
  return problems;
}

/**
 * Refuses a scenario whose expectations cannot be evaluated, with every
 * problem at its file and line (`locate`: the loader's, LoadedScenario).
 * @throws ScenarioError
 */
export function assertExpectationsLocated(compiled: CompiledScenario, locate: Locate): void {
  const problems = expectationProblems(compiled);
  if (problems.length === 0) return;
  throw new ScenarioError(
    problems.map(({ index, field, message }) => {
      const { file, line } = locate(['expect', index], field);
      return { code: field === 'metric' ? 'E_UNKNOWN_METRIC' : 'E_MONTH', file, line, path: `expect[${index}].${field}`, message } as const;
    }),
  );
}

/**
 * Locates each absolute expectation's metric and month (relative ones are
 * left out: relative.ts evaluates them); throws one UsageError naming
 * every expectation that cannot be located (unknown metric, month outside
 * the run). Call before running, so a typo costs no compute.
 */
export function resolveExpectations(
  compiled: CompiledScenario,
  specs: readonly ExpectationSpec[] = compiled.scenario.expect,
): ResolvedExpectation[] {
  const problems = expectationProblems(compiled, specs);
  if (problems.length) throw new UsageError(problems.map((p) => expectationProblem(specs[p.index].name, p.field as 'metric' | 'at', p.message)).join('\n'));
  const last = compiled.months - 1;
  // Relative expectations (a baseline, relative.ts) are evaluated against their baselines' runs, not here.
  return specs.flatMap((spec, index) =>
    spec.baseline !== undefined
      ? []
      : [{ spec, index, cell: { metric: compiled.metricNames.indexOf(spec.metric), month: spec.at === 'end' ? last : monthIndex(compiled.start, spec.at) } }],
  );
}

/** Whether `x op value` holds; NaN never holds. */
export function compare(x: number, op: ComparisonOp, value: number): boolean {
  switch (op) {
    case '>=':
      return x >= value;
    case '>':
      return x > value;
    case '<=':
      return x <= value;
    case '<':
      return x < value;
    case '==':
      return x === value;
  }
}

/** Evaluates located expectations across all runs, reading their cells in one pass. */
export function evaluateExpectations(resolved: readonly ResolvedExpectation[], read: CellReader): ExpectationResult[] {
  if (resolved.length === 0) return [];
  const columns = read(resolved.map((r) => r.cell));
  return resolved.map(({ spec, cell }, i) => {
    const values = columns[i];
    const value = spec.value ?? NaN;
    let holds = 0;
    for (let r = 0; r < values.length; r++) if (compare(values[r], spec.op, value)) holds++;
    return { name: spec.name, metric: spec.metric, at: spec.at, month: cell.month, op: spec.op, value, ...tally(holds, values.length, spec.probability) };
  });
}

/**
 * resolveExpectations then evaluateExpectations: the verdicts of the
 * scenario's absolute expectations from its runs (the relative ones need
 * their baselines' runs: relative.ts, evaluateRelative).
 */
export function checkExpectations(compiled: CompiledScenario, read: CellReader): ExpectationResult[] {
  return evaluateExpectations(resolveExpectations(compiled), read);
}

/**
 * The verdicts of every expectation in `expect` order: the absolute ones
 * (`resolved`, from the runs in `read`) and the relative ones (by index,
 * relative.ts).
 */
export function inScenarioOrder(absolute: readonly ExpectationResult[], resolved: readonly ResolvedExpectation[], relative: ReadonlyMap<number, ExpectationResult>): ExpectationResult[] {
  if (relative.size === 0) return [...absolute];
  const byIndex = new Map<number, ExpectationResult>(relative);
  resolved.forEach((r, k) => byIndex.set(r.index, absolute[k]));
  return [...byIndex.keys()].sort((a, b) => a - b).map((i) => byIndex.get(i)!);
}
