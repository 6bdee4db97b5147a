/**
 * Reading a calibration folder (`shakeout calibrate`, calibration-files.ts)
 * back for its chart, with the care of read-collection.ts: each file only
 * when it is a regular file within a size bound, every field checked,
 * every string bounded, one-line UsageErrors naming the file and line.
 *
 *   manifest.json (format CALIBRATION_FORMAT) → fit.json → evaluations.csv,
 *   streamed, only the objective column kept
 */
import { join } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { monthSchema } from '../scenario/schema.js';
import { forEachLineOfRegularFile } from '../files.js';
import { EVALUATIONS_FILE, evaluationColumns, FIT_JSON_FILE, MAX_EVALUATIONS_BYTES } from './calibration-files.js';
import { parseCsvLine } from './format.js';
import { CALIBRATION_FORMAT, MANIFEST_FILE } from './manifest.js';
import { int, invocationFields, months, provenanceFields, seed, sha256, statistic, text } from './manifest-fields.js';
import { badEvaluationsRow, badTimeseriesHeader, missingResultFile, notAFolderOf } from './messages.js';
import { MAX_MANIFEST_BYTES, MAX_SUMMARY_BYTES, parseJson, readText, unreadable, validated } from './read-folder.js';
import { CUT_SHORT } from './read-timeseries.js';


const manifestSchema = z.object({
  format: z.literal(CALIBRATION_FORMAT),
  ...provenanceFields,
  scenarioName: text(1000).nullable(),
  scenarioSha256: sha256,
  seed,
  runs: int(1),
  months,
  evaluations: int(1, 100_000),
  start: monthSchema,
  stop: z.enum(['tolerance', 'maxEvaluations']),
  calibration: z.object({
    method: z.enum(['nelder-mead', 'cma-es']),
    maxEvaluations: int(1, 100_000),
    tolerance: z.number().min(0),
    parameters: z.array(z.object({ path: text(400), lower: z.number(), upper: z.number(), start: z.number() })).min(1).max(50),
    targets: z.array(z.object({ metrics: z.array(text(200)).min(1).max(1000), month: int(0, 1199) })).min(1).max(1000),
    extends: text(10_000),
  }),
  ...invocationFields,
});
export type ReadCalibrationManifest = z.infer<typeof manifestSchema>;

const fitSchema = (m: ReadCalibrationManifest) =>
  z
    .object({
      scenario: text(1000).nullable(),
      method: z.enum(['nelder-mead', 'cma-es']),
      seed,
      runs: int(1),
      evaluations: int(1),
      stop: z.enum(['tolerance', 'maxEvaluations']),
      failed: int(0),
      bestEvaluation: int(0),
      objective: z.number().min(0),
      parameters: z.record(text(400), z.number()),
      targets: z
        .array(
          z.object({
            metrics: z.array(text(200)).min(1).max(1000),
            month: int(0, 1199),
            date: monthSchema,
            value: z.number(),
            sd: z.number(),
            source: text(10_000).nullable(),
            mean: statistic,
            ciLow: statistic,
            ciHigh: statistic,
            z: statistic,
          }),
        )
        .max(1000),
    })
    .superRefine((f, ctx) => {
      for (const key of ['runs', 'seed', 'evaluations', 'stop'] as const)
        if (f[key] !== m[key]) ctx.addIssue({ code: 'custom', path: [key], message: `${String(f[key])} differs from manifest.json's ${String(m[key])}` });
      if (f.method !== m.calibration.method) ctx.addIssue({ code: 'custom', path: ['method'], message: `${f.method} differs from manifest.json's ${m.calibration.method}` });
      const paths = m.calibration.parameters.map((p) => p.path);
      if (Object.keys(f.parameters).join('\n') !== paths.join('\n')) ctx.addIssue({ code: 'custom', path: ['parameters'], message: "differ from manifest.json's parameters" });
      if (f.targets.length !== m.calibration.targets.length) ctx.addIssue({ code: 'custom', path: ['targets'], message: `expected the ${m.calibration.targets.length} targets of manifest.json` });
      if (f.bestEvaluation >= f.evaluations) ctx.addIssue({ code: 'custom', path: ['bestEvaluation'], message: `expected an evaluation below ${f.evaluations}` });
    });
export type ReadFit = z.infer<ReturnType<typeof fitSchema>>;

export interface CalibrationFolder {
  dir: string;
  manifest: ReadCalibrationManifest;
  fit: ReadFit;
  /** The objective of every evaluation, in order; +∞ for one that failed. */
  objectives: number[];
}

/** manifest.json, fit.json and the objective column of evaluations.csv of calibration folder `dir`, checked against each other. @throws UsageError */
export function readCalibrationFolder(dir: string): CalibrationFolder {
  const manifestPath = join(dir, MANIFEST_FILE);
  const data = parseJson(readText(dir, MANIFEST_FILE, MAX_MANIFEST_BYTES, () => notAFolderOf(dir, 'a calibration folder', 'calibrate')), manifestPath);
  if ((data as { format?: unknown } | null)?.format !== CALIBRATION_FORMAT) throw new UsageError(notAFolderOf(dir, 'a calibration folder', 'calibrate'));
  const manifest = validated(manifestSchema, data, manifestPath);
  const fitPath = join(dir, FIT_JSON_FILE);
  const fit = validated(fitSchema(manifest), parseJson(readText(dir, FIT_JSON_FILE, MAX_SUMMARY_BYTES, () => missingResultFile(dir, FIT_JSON_FILE)), fitPath), fitPath);
  return { dir, manifest, fit, objectives: readObjectives(dir, manifest) };
}

function readObjectives(dir: string, manifest: ReadCalibrationManifest): number[] {
  const path = join(dir, EVALUATIONS_FILE);
  const { parameters, targets } = manifest.calibration;
  const columns = evaluationColumns({ parameters, targets });
  const at = columns.indexOf('objective');
  const objectives: number[] = [];
  let line = 0;
  const visit = (row: string) => {
    line++;
    if (line === 1) {
      if (row !== columns.join(',')) throw new UsageError(badTimeseriesHeader(path, row.slice(0, 200)));
      return;
    }
    const fail = (why: string): never => {
      throw new UsageError(badEvaluationsRow(path, line, why));
    };
    let fields: string[] = [];
    try {
      fields = parseCsvLine(row);
    } catch {
      fail('not a CSV row');
    }
    if (fields.length !== columns.length) fail(`expected ${columns.length} fields, got ${fields.length}`);
    if (fields[0] !== String(objectives.length)) fail(`expected evaluation ${objectives.length}`);
    const objective = Number(fields[at]);
    if (fields[at] === '' || !(objective >= 0)) fail(`objective: expected a number ≥ 0 or Infinity, got ${JSON.stringify(fields[at].slice(0, 40))}`);
    if (objectives.length >= manifest.evaluations) fail(`more rows than the ${manifest.evaluations} evaluations of manifest.json`);
    objectives.push(objective);
  };
  let rest: string;
  try {
    rest = forEachLineOfRegularFile(path, MAX_EVALUATIONS_BYTES, visit);
  } catch (e) {
    throw unreadable(e, path, MAX_EVALUATIONS_BYTES, () => missingResultFile(dir, EVALUATIONS_FILE));
  }
  if (rest !== '') throw new UsageError(badEvaluationsRow(path, line + 1, CUT_SHORT));
  if (objectives.length !== manifest.evaluations) throw new UsageError(badEvaluationsRow(path, line, `${objectives.length} evaluations, but manifest.json says ${manifest.evaluations}`));
  return objectives;
}
