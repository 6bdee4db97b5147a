/**
 * The files of a calibration folder (`shakeout calibrate`): values of a
 * scenario fitted so that ensemble means match targets.
 *
 *   fitted.yaml      a scenario that `extends` the calibrated one (path
 *                    relative to the folder) and sets only the fitted values
 *   fit.json         the fitted values, the objective, and per target its
 *                    value, sd, the mean at the fitted values and its 95 % interval;
 *                    fit.md the same, to read
 *   evaluations.csv  one row per evaluation, in order: its index, every
 *                    parameter, the objective, each target's mean (and why
 *                    it failed, if it did). While the search runs it is the
 *                    journal `--resume` replays.
 *   manifest.json    format CALIBRATION_FORMAT: the resolved scenario, the targets, the search
 *
 * Column names are R's and pandas's syntactic names (columnName).
 */
import { stringify } from 'yaml';
import type { Scenario } from '../scenario/schema.js';
import { createAtomicWriter } from './atomic-write.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import { csvLine, formatNumber, parseCsvLine } from './format.js';
import { CALIBRATION_FORMAT, type WrittenBy, writtenBy, type WrittenHow, writtenHow } from './manifest.js';
import { readSmallFile } from './ownership.js';
import { columnName } from './runs-csv.js';
import { markdownText, readableNumber } from './summary-md.js';

export { CALIBRATION_FORMAT } from './manifest.js';
export const FITTED_FILE = 'fitted.yaml';
export const FIT_JSON_FILE = 'fit.json';
export const FIT_MD_FILE = 'fit.md';
export const EVALUATIONS_FILE = 'evaluations.csv';

/** A target as the folder records it: the sum of `metrics` at `month`, to match `value` within `sd`. */
export interface CalibrationTargetSpec {
  metrics: string[];
  month: number;
  date: string;
  value: number;
  sd: number;
  source: string | null;
}

export interface CalibrationParameterSpec {
  path: string;
  lower: number;
  upper: number;
  start: number;
}

/** What a calibration searched for, and how: with the scenario, seed, runs and months, its identity for `--resume`. */
export interface CalibrationRecord {
  method: 'nelder-mead' | 'cma-es';
  maxEvaluations: number;
  tolerance: number;
  /** Convergence on the parameters, in units of each range. */
  xTolerance: number;
  targets: CalibrationTargetSpec[];
  parameters: CalibrationParameterSpec[];
  /** What fitted.yaml extends, relative to the folder. */
  extends: string;
}

/** One evaluation of the objective: a row of evaluations.csv. */
export interface Evaluation {
  /** 0-based, in the order of the search. */
  index: number;
  /** Each parameter's value, in the record's order. */
  parameters: number[];
  /** Σ ((mean − value) / sd)²; +∞ when the evaluation failed. */
  objective: number;
  /** Each target's mean over the runs; NaN when it failed. */
  means: number[];
  /** Why it failed (the scenario refused the values, or the model stopped). */
  error?: string;
}

export interface FittedTarget extends CalibrationTargetSpec {
  /** The mean over the runs at the fitted values, and its 95 % Student-t interval. */
  mean: number;
  ciLow: number;
  ciHigh: number;
  /** (mean − value) / sd */
  z: number;
}

/** fit.json. */
export interface FitSummary {
  scenario: string | null;
  method: CalibrationRecord['method'];
  seed: number | string;
  runs: number;
  months: number;
  start: string;
  /** Evaluations made, and why the search stopped. */
  evaluations: number;
  stop: 'tolerance' | 'maxEvaluations';
  failed: number;
  /** The index of the best evaluation (the first among equals). */
  bestEvaluation: number;
  objective: number;
  parameters: Record<string, number>;
  targets: FittedTarget[];
}

/** A target's name: its metric, or its metrics joined by ` + `. */
export const targetName = (t: Pick<CalibrationTargetSpec, 'metrics'>) => t.metrics.join(' + ');

/** The columns of evaluations.csv: `evaluation`, the parameters, `objective`, a mean per target, `error`. */
export interface EvaluationLayout {
  parameters: readonly Pick<CalibrationParameterSpec, 'path'>[];
  targets: readonly Pick<CalibrationTargetSpec, 'metrics' | 'month'>[];
}

export function evaluationColumns(record: EvaluationLayout): string[] {
  const taken = new Set(['evaluation', 'objective', 'error', ...record.parameters.map((p) => columnName(p.path))]);
  const targets = record.targets.map((t, i) => {
    let name = `${columnName(t.metrics.join('+'))}_t${t.month}`;
    if (taken.has(name)) name = `${name}_${i + 1}`;
    taken.add(name);
    return name;
  });
  return ['evaluation', ...record.parameters.map((p) => columnName(p.path)), 'objective', ...targets, 'error'];
}

/** One row of evaluations.csv. */
export function evaluationLine(e: Evaluation): string {
  return csvLine([String(e.index), ...e.parameters.map(formatNumber), formatNumber(e.objective), ...e.means.map(formatNumber), e.error ?? '']);
}

/** Writes evaluations.csv atomically. */
export function writeEvaluationsCsv(path: string, record: EvaluationLayout, evaluations: readonly Evaluation[]): void {
  const out = createAtomicWriter(path);
  try {
    out.write(csvLine(evaluationColumns(record)));
    for (const e of evaluations) out.write(evaluationLine(e));
    out.commit();
  } catch (e) {
    out.abort();
    throw e;
  }
}

/** The largest evaluations.csv read back (a journal of 100,000 evaluations of a few dozen values fits). */
export const MAX_EVALUATIONS_BYTES = 256 << 20;

const number = (field: string): number | null => {
  if (field === '') return NaN;
  const x = Number(field);
  return Number.isNaN(x) || field.trim() !== field ? null : x;
};

/**
 * The evaluations of the evaluations.csv at `path`, in order, as far as
 * they are whole and well-formed for `record` (a row cut by a kill ends
 * them); none when the file is missing or its header is another's.
 */
export function readEvaluationsCsv(path: string, record: EvaluationLayout): Evaluation[] {
  const text = readSmallFile(path, MAX_EVALUATIONS_BYTES);
  if (text === null) return [];
  const lines = text.split('\n');
  if (lines[0] !== csvLine(evaluationColumns(record)).trimEnd()) return [];
  const P = record.parameters.length;
  const T = record.targets.length;
  const out: Evaluation[] = [];
  // The last element is what follows the last line end: an empty string, or a row cut short.
  for (const line of lines.slice(1, -1)) {
    let fields: string[];
    try {
      fields = parseCsvLine(line);
    } catch {
      break;
    }
    if (fields.length !== P + T + 3 || fields[0] !== String(out.length)) break;
    const values = fields.slice(1, P + T + 2).map(number);
    if (values.some((v) => v === null)) break;
    const [parameters, [objective], means] = [values.slice(0, P), values.slice(P, P + 1), values.slice(P + 1)] as number[][];
    if (parameters.some((v) => !Number.isFinite(v)) || Number.isNaN(objective)) break;
    const error = fields[P + T + 2];
    out.push({ index: out.length, parameters, objective, means, ...(error ? { error } : {}) });
  }
  return out;
}

/** fit.json: NaN (an interval of one run) becomes null. */
export function fitJson(fit: FitSummary): string {
  return JSON.stringify(fit, null, 2) + '\n';
}

/** fit.md: the fitted values, then each target against the mean at the fitted values. */
export function fitMarkdown(fit: FitSummary, record: CalibrationRecord): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const method = fit.method === 'nelder-mead' ? 'Nelder–Mead' : 'CMA-ES';
  const out = [
    `# Calibration of ${fit.scenario === null ? 'an unnamed scenario' : markdownText(fit.scenario)}`,
    '',
    `${method}, ${fit.evaluations} evaluation${fit.evaluations === 1 ? '' : 's'} of ${fit.runs} run${fit.runs === 1 ? '' : 's'} each ` +
      `(${fit.months} months from ${fit.start}, seed ${markdownText(String(fit.seed))}, the same replication seeds at every evaluation); ` +
      (fit.stop === 'tolerance' ? 'it converged within the tolerance.' : `it stopped at maxEvaluations (${record.maxEvaluations}) before converging.`) +
      (fit.failed ? ` ${fit.failed} evaluation${fit.failed === 1 ? '' : 's'} failed (see evaluations.csv).` : ''),
    '',
    `Objective Σ ((mean − value) / sd)² = ${readableNumber(fit.objective)} at evaluation ${fit.bestEvaluation}.`,
    '',
    '## Fitted values',
    '',
    line(['path', 'fitted', 'lower', 'upper', 'start']),
    line(['---', '---', '---', '---', '---']),
    ...record.parameters.map((p) => line([markdownText(p.path), formatNumber(fit.parameters[p.path]), readableNumber(p.lower), readableNumber(p.upper), readableNumber(p.start)])),
    '',
    '## Targets',
    '',
    'The mean over the runs at the fitted values, with its 95 % interval; z = (mean − value) / sd.',
    '',
    line(['metric', 'at', 'target', 'sd', 'mean [95 % interval]', 'z', 'source']),
    line(['---', '---', '---', '---', '---', '---', '---']),
    ...fit.targets.map((t) =>
      line([
        markdownText(targetName(t), 500),
        `t = ${t.month} (${t.date})`,
        readableNumber(t.value),
        readableNumber(t.sd),
        `${readableNumber(t.mean)} [${readableNumber(t.ciLow)}, ${readableNumber(t.ciHigh)}]`,
        readableNumber(t.z),
        t.source === null ? '' : markdownText(t.source, 300),
      ]),
    ),
    '',
    `\`${FITTED_FILE}\` is the scenario with these values; \`shakeout run\` runs it.`,
    '',
  ];
  return out.join('\n');
}

/** Where a value is in a Scenario: keys and list indices from the root (scenario/value-paths.ts's Location). */
export type ValueLocation = readonly (string | number)[];

/**
 * fitted.yaml: `extends` the calibrated scenario and sets the values at
 * `locations`, read from `fitted` (the scenario with the fitted values). A
 * value inside a list is written under its item's id, which `extends`
 * merges by; an event is written whole (a child event replaces the base's
 * of its id), and so is `startups.initialProviders` (replaced whole too).
 */
export function fittedYaml(extendsPath: string, fitted: Scenario, locations: readonly ValueLocation[], objective: number): string {
  const patch: Record<string, unknown> = {};
  for (const location of locations) {
    let from: unknown = fitted;
    let into: Record<string, unknown> | unknown[] = patch;
    for (const [i, key] of location.entries()) {
      const value = (from as Record<string | number, unknown>)[key];
      const last = i === location.length - 1;
      const whole = (location[0] === 'events' && i === 1) || (location[0] === 'startups' && key === 'initialProviders');
      if (typeof key === 'number') {
        const list = into as unknown as Record<string, unknown>[];
        const id = (value as { id: string }).id;
        let item = list.find((x) => x.id === id);
        if (!item) list.push((item = { id }));
        if (whole) {
          Object.assign(item, structuredClone(value));
          break;
        }
        into = item;
      } else {
        const map = into as Record<string, unknown>;
        if (last || whole) {
          map[key] = structuredClone(value);
          break;
        }
        if (map[key] === undefined) map[key] = typeof location[i + 1] === 'number' ? [] : {};
        into = map[key] as Record<string, unknown>;
      }
      from = value;
    }
  }
  const header = [
    '# Written by `shakeout calibrate`: the calibrated scenario with the fitted values',
    `# (objective ${formatNumber(objective)}; fit.json and fit.md say how well each target is matched).`,
  ].join('\n');
  return `${header}\n${stringify({ extends: extendsPath, ...patch }, { version: '1.2', lineWidth: 0 })}`;
}

export interface CalibrationManifest extends WrittenBy, WrittenHow {
  format: typeof CALIBRATION_FORMAT;
  scenarioName: string | null;
  /** The resolved scenario calibrated (flags applied). */
  scenario: Scenario;
  scenarioSha256: string;
  calibration: CalibrationRecord;
  seed: number | string;
  runs: number;
  months: number;
  start: string;
  evaluations: number;
  stop: FitSummary['stop'];
}

/** What makes two calibrations the same one: the scenario and the record (with seed, runs and months, compared apart). */
export function calibrationSha256(scenario: Scenario, record: CalibrationRecord): string {
  return sha256Hex(canonicalJson({ scenario: sha256Hex(canonicalJson(scenario)), calibration: record }));
}

export function buildCalibrationManifest(
  input: Omit<CalibrationManifest, 'format' | 'scenarioName' | 'scenarioSha256' | keyof WrittenBy | keyof WrittenHow> & Pick<WrittenHow, 'command' | 'wallTimeSeconds' | 'files'>,
): CalibrationManifest {
  const { command, wallTimeSeconds, files, ...what } = input;
  return {
    format: CALIBRATION_FORMAT,
    ...writtenBy(),
    scenarioName: what.scenario.name ?? null,
    scenarioSha256: sha256Hex(canonicalJson(what.scenario)),
    ...what,
    ...writtenHow({ command, wallTimeSeconds, files }),
  };
}
