/**
 * The targets file of `shakeout calibrate` (docs/calibration.md): which
 * scenario, which of its values to fit (numeric paths with bounds), to
 * which ensemble means, how. Read and checked as a scenario is
 * (read-yaml.ts, a zod schema, located one-line problems, all at once):
 *
 *   scenario: ../china-2024-openai-exit.yaml   # relative to this file
 *   runs: 40
 *   targets:
 *     - { metric: share.tokens.volcano, at: 2025-06, value: 0.492, sd: 0.02, source: "IDC, 2025 H1" }
 *     - { metrics: [share.tokens.a, share.tokens.b], at: end, value: 0.068, sd: 0.01 }
 *   parameters:
 *     - { path: classes.small.network, lower: 0, upper: 1.5, start: 0.5 }
 *   method: nelder-mead        # or cma-es
 *   maxEvaluations: 300
 *   tolerance: 0.01
 *
 * What needs the scenario (metric names, months, paths) is checked once it
 * is compiled (sim/ensemble/calibration/plan.ts), against the lines kept here.
 */
import { dirname, extname, isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { type Diagnostic, type DiagnosticCode, ScenarioError } from '../errors.js';
import { readRegularFile } from '../files.js';
import { issuesToDiagnostics, type Locate } from './issues.js';
import { MAX_DIAGNOSTICS, MAX_NAME_LENGTH, MAX_SCENARIO_BYTES, MAX_TEXT_LENGTH, SCENARIO_EXTENSIONS } from './limits.js';
import { reason } from './load.js';
import * as msg from './messages.js';
import { renderPath } from './paths.js';
import { readYaml } from './read-yaml.js';
import { originOf, toPlain } from './tree.js';

/** The most targets, calibrated values and metrics summed in one target: far above a real calibration. */
export const MAX_TARGETS = 1000;
export const MAX_PARAMETERS = 50;
export const MAX_SUMMED = 1000;
/** The most evaluations a calibration may ask for (each is an ensemble). */
export const MAX_EVALUATIONS = 100_000;
/** maxEvaluations and tolerance when the file leaves them out. */
export const DEFAULT_MAX_EVALUATIONS = 300;
export const DEFAULT_TOLERANCE = 0.01;

const finite = z.number().refine(Number.isFinite, { error: 'expected a finite number' });
const name = z.string().min(1).max(MAX_NAME_LENGTH);

const targetSchema = z.strictObject({
  metric: name.optional(),
  metrics: z.array(name).min(1).max(MAX_SUMMED).optional(),
  at: z.union([z.string().max(40), z.number().int().min(0)]),
  value: finite,
  sd: finite.refine((x) => x > 0, { error: 'expected a number > 0' }),
  source: z.string().max(MAX_TEXT_LENGTH).optional(),
});

const parameterSchema = z.strictObject({
  path: z.string().min(1).max(400),
  lower: finite,
  upper: finite,
  start: finite.optional(),
});

export const targetsSchema = z.strictObject({
  scenario: z.string().min(1).max(MAX_TEXT_LENGTH),
  description: z.string().max(MAX_TEXT_LENGTH).optional(),
  runs: z.number().int().min(1).max(100_000).optional(),
  targets: z.array(targetSchema).min(1).max(MAX_TARGETS),
  parameters: z.array(parameterSchema).min(1).max(MAX_PARAMETERS),
  method: z.enum(['nelder-mead', 'cma-es']).default('nelder-mead'),
  maxEvaluations: z.number().int().min(1).max(MAX_EVALUATIONS).default(DEFAULT_MAX_EVALUATIONS),
  tolerance: finite.refine((x) => x >= 0, { error: 'expected a number ≥ 0' }).default(DEFAULT_TOLERANCE),
});

/** A target: the sum of `metrics` (one, or several) at month `at`, to match `value` within `sd`. */
export interface Target {
  metrics: string[];
  /** Which key the file used: `metric` (one) or `metrics` (a list), for messages. */
  written: 'metric' | 'metrics';
  /** As written: YYYY-MM, a month index, or `end`. */
  at: string | number;
  value: number;
  sd: number;
  source?: string;
}

export interface CalibratedValue {
  path: string;
  lower: number;
  upper: number;
  /** Where the search starts; the middle of the range when the file leaves it out. */
  start: number;
}

export interface TargetsFile {
  /** The targets file as the user named it. */
  file: string;
  /** The scenario's file, relative to the working folder (or absolute). */
  scenario: string;
  /** Replications per evaluation; undefined: the scenario's. */
  runs?: number;
  targets: Target[];
  parameters: CalibratedValue[];
  method: 'nelder-mead' | 'cma-es';
  maxEvaluations: number;
  tolerance: number;
  /** Where a path of the file is written, for the checks made once the scenario is compiled. */
  locate: Locate;
}

/** Reads the targets file `file` from disk. @throws ScenarioError with every problem found */
export function loadTargets(file: string): TargetsFile {
  let text: string;
  try {
    text = readRegularFile(file, MAX_SCENARIO_BYTES).toString('utf8');
  } catch (e) {
    throw new ScenarioError([{ code: 'E_READ', file, line: 0, path: '', message: msg.cannotRead(reason(e)) }]);
  }
  return parseTargets(text, file);
}

/** Parses `text` as the targets file `file`. @throws ScenarioError with every problem found */
export function parseTargets(text: string, file: string): TargetsFile {
  const { tree, diagnostics } = readYaml(text, file);
  if (!tree) throw new ScenarioError(diagnostics.slice(0, MAX_DIAGNOSTICS));
  const data = toPlain(tree);
  const locate: Locate = (path, key) => originOf(tree, path, key);
  const parsed = targetsSchema.safeParse(data, { error: msg.issueMessage });
  if (!parsed.success) throw new ScenarioError(issuesToDiagnostics(parsed.error.issues.slice(0, MAX_DIAGNOSTICS), targetsSchema, data, locate));
  const doc = parsed.data;
  const problems: Diagnostic[] = [];
  const report = (path: (string | number)[], code: DiagnosticCode, message: string, key?: string) => {
    const { line } = locate(path, key);
    problems.push({ code, file, line, path: renderPath(data, path), message });
  };
  if (!SCENARIO_EXTENSIONS.includes(extname(doc.scenario).toLowerCase())) report(['scenario'], 'E_VALUE', msg.targetsScenarioNotScenario(doc.scenario));
  const targets = doc.targets.map((t, i): Target => {
    if (t.metric !== undefined && t.metrics !== undefined) report(['targets', i], 'E_CONFLICT', msg.metricOrMetrics, 'metrics');
    if (t.metric === undefined && t.metrics === undefined) report(['targets', i], 'E_MISSING', msg.noMetric);
    const metrics = t.metrics ?? (t.metric === undefined ? [] : [t.metric]);
    const twice = metrics.find((m, k) => metrics.indexOf(m) !== k);
    if (twice !== undefined) report(['targets', i, 'metrics'], 'E_DUPLICATE_ID', msg.duplicateMetric(twice));
    return { metrics, written: t.metrics === undefined ? 'metric' : 'metrics', at: t.at, value: t.value, sd: t.sd, ...(t.source === undefined ? {} : { source: t.source }) };
  });
  const seen = new Map<string, number>();
  const parameters = doc.parameters.map((p, i): CalibratedValue => {
    if (!(p.lower < p.upper)) report(['parameters', i, 'upper'], 'E_RANGE', msg.boundsOrder(p.lower, p.upper));
    else if (p.start !== undefined && !(p.start >= p.lower && p.start <= p.upper)) report(['parameters', i, 'start'], 'E_RANGE', msg.startOutside(p.start, p.lower, p.upper));
    const first = seen.get(p.path);
    if (first !== undefined) report(['parameters', i, 'path'], 'E_DUPLICATE_ID', msg.duplicateParameter(p.path, first));
    else seen.set(p.path, locate(['parameters', i, 'path']).line);
    return { path: p.path, lower: p.lower, upper: p.upper, start: p.start ?? (p.lower + p.upper) / 2 };
  });
  if (problems.length) throw new ScenarioError(problems.sort((a, b) => a.line - b.line).slice(0, MAX_DIAGNOSTICS));
  const scenario = isAbsolute(doc.scenario) ? doc.scenario : join(dirname(file), doc.scenario);
  return {
    file,
    scenario,
    ...(doc.runs === undefined ? {} : { runs: doc.runs }),
    targets,
    parameters,
    method: doc.method,
    maxEvaluations: doc.maxEvaluations,
    tolerance: doc.tolerance,
    locate,
  };
}
