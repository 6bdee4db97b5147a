/**
 * A targets file (sim/scenario/targets.ts) checked against its compiled
 * scenario: each target's metrics are metrics of the scenario and its
 * month a month of the run (as the sweep's `--metric name@month`), each
 * path a numeric value of the scenario, and each bound and start a value
 * the scenario accepts. Every problem is reported at once, at its line of
 * the targets file.
 */
import { closeNames } from '../../close-names.js';
import { type Diagnostic, type DiagnosticCode, ScenarioError, UsageError } from '../../errors.js';
import type { CompiledScenario } from '../../model/compile.js';
import { monthLabel } from '../../calendar.js';
import type { CalibrationParameterSpec, CalibrationTargetSpec } from '../../output/calibration-files.js';
import * as scenarioMsg from '../../scenario/messages.js';
import { renderPath } from '../../scenario/paths.js';
import type { Scenario } from '../../scenario/schema.js';
import type { TargetsFile } from '../../scenario/targets.js';
import { type Location, resolveValuePath, withValues } from '../../scenario/value-paths.js';
import { boundRefused } from '../messages.js';
import { monthOfRun } from '../sweep.js';

/** A target with the columns of its metrics in the compiled scenario's values. */
export interface PlannedTarget extends CalibrationTargetSpec {
  columns: number[];
}

export interface CalibrationPlan {
  targets: PlannedTarget[];
  parameters: CalibrationParameterSpec[];
  /** Where each parameter's value is in the scenario. */
  locations: Location[];
}

/** @throws ScenarioError with every problem, located in the targets file */
export function calibrationPlan(spec: TargetsFile, scenario: Scenario, compiled: CompiledScenario): CalibrationPlan {
  const problems: Diagnostic[] = [];
  const report = (path: (string | number)[], message: string, code: DiagnosticCode) =>
    problems.push({ code, file: spec.file, line: spec.locate(path).line, path: renderPath(undefined, path), message });
  const last = compiled.months - 1;
  const targets = spec.targets.map((t, i): PlannedTarget => {
    const columns = t.metrics.map((metric, k) => {
      const column = compiled.metricNames.indexOf(metric);
      if (column < 0) report(t.written === 'metric' ? ['targets', i, 'metric'] : ['targets', i, 'metrics', k], scenarioMsg.unknownTargetMetric(metric, closeNames(metric, compiled.metricNames)), 'E_UNKNOWN_METRIC');
      return column;
    });
    const when = String(t.at);
    const month = monthOfRun(compiled, when);
    if (month === null) {
      const fits = when === 'end' || /^\d+$/.test(when) || /^\d{4}-\d{2}$/.test(when);
      report(['targets', i, 'at'], fits ? scenarioMsg.targetMonthOutside(when, last, compiled.start, monthLabel(compiled.start, last)) : scenarioMsg.badTargetMonth(when), 'E_MONTH');
    }
    const m = month ?? 0;
    return { metrics: t.metrics, month: m, date: monthLabel(compiled.start, m), value: t.value, sd: t.sd, source: t.source ?? null, columns };
  });
  const locations = spec.parameters.map((p, i) => {
    try {
      return resolveValuePath(scenario, p.path, `${spec.file}`);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      report(['parameters', i, 'path'], e.message.slice(spec.file.length + 2), 'E_SET_PATH');
      return null;
    }
  });
  if (problems.length === 0) {
    // Each bound and start, the others at their starts: a bound the scenario refuses is a typo to fix now, not a failed evaluation later.
    const starts = spec.parameters.map((p) => ({ path: p.path, value: p.start, label: '' }));
    spec.parameters.forEach((p, i) => {
      for (const which of ['start', 'lower', 'upper'] as const) {
        try {
          withValues(scenario, starts.map((s, k) => (k === i ? { ...s, value: p[which] } : s)));
        } catch (e) {
          if (!(e instanceof UsageError)) throw e;
          report(['parameters', i, which], boundRefused(which, p[which], e.message.replace(/^: /, '')), 'E_RANGE');
          break;
        }
      }
    });
  }
  if (problems.length) throw new ScenarioError(problems.sort((a, b) => a.line - b.line));
  return { targets, parameters: spec.parameters.map((p) => ({ ...p })), locations: locations as Location[] };
}
