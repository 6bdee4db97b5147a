/**
 * `calibrate`: values of a scenario fitted so that ensemble means match
 * targets. Phases:
 *
 *   plan (plan.ts) → claim the folder → search (bounds.ts, an optimiser)
 *   → the fitted values run once more for their intervals → write → seal
 *
 * Each evaluation sets the parameters (value-paths.ts), compiles, and runs
 * `runs` replications on the command's executor into memory
 * (memory-sink.ts), always with the same replication seeds (common random
 * numbers: two evaluations differ by their parameters, not by their
 * noise). Its objective is Σ ((mean − value) / sd)² over the targets; an
 * evaluation whose values the scenario refuses, or at which the model
 * stops, is +∞ and recorded with its message.
 *
 * evaluations.csv in `<out>.partial` is rewritten after every evaluation:
 * it is the journal. The optimisers are deterministic, so `--resume` runs
 * the same search again, taking each evaluation the journal holds (at
 * exactly the same parameters) instead of computing it, and ends with the
 * bytes of an uninterrupted calibration.
 */
import { join, relative, resolve, sep } from 'node:path';
import { InterruptedError, ModelError, ScenarioError, UsageError } from '../../errors.js';
import { compile } from '../../model/compile.js';
import { writeFileAtomic } from '../../output/atomic-write.js';
import {
  buildCalibrationManifest,
  CALIBRATION_FORMAT,
  type CalibrationManifest,
  type CalibrationRecord,
  calibrationSha256,
  type Evaluation,
  EVALUATIONS_FILE,
  FIT_JSON_FILE,
  FIT_MD_FILE,
  fitJson,
  fitMarkdown,
  type FitSummary,
  FITTED_FILE,
  fittedYaml,
  readEvaluationsCsv,
  writeEvaluationsCsv,
} from '../../output/calibration-files.js';
import { claimCollection, type CollectionKind, collectionRecord, manifestIdentity, openCollectionFolder } from '../../output/collection-folder.js';
import { folderPath } from '../../output/folder-swap.js';
import { fileSystemError } from '../../output/fs-error.js';
import { resumeCommand } from '../../output/result-folder.js';
import { printable } from '../../printable.js';
import type { Scenario } from '../../scenario/schema.js';
import { withValues } from '../../scenario/value-paths.js';
import type { FolderOptions } from '../folder-options.js';
import { runReplications } from '../ensemble.js';
import { memorySink } from '../memory-sink.js';
import { calibrationInterrupted, noEvaluationRan } from '../messages.js';
import { summarise } from '../stats.js';
import { type CalibrationMethod, minimiseInBox } from './bounds.js';
import type { CalibrationPlan, PlannedTarget } from './plan.js';

/** Convergence on the parameters, in units of each range: a thousandth. */
export const X_TOLERANCE = 1e-3;

export interface CalibrationSearch {
  method: CalibrationMethod;
  maxEvaluations: number;
  tolerance: number;
}

export interface CalibrationOptions extends FolderOptions {
  /** The scenario file as the user named it: fitted.yaml extends it, messages name it. */
  scenarioFile: string;
  /** After each evaluation (computed or taken from the journal): evaluations done, the most there may be, the best objective so far. */
  onEvaluation?: (done: number, max: number, best: number) => void;
}

export interface WrittenCalibration {
  dir: string;
  manifest: CalibrationManifest;
  /** What fit.json holds; null when the folder was already complete (nothing ran). */
  fit: FitSummary | null;
  alreadyComplete: boolean;
}

const calibrationKind: CollectionKind<CalibrationManifest> = {
  occupant: 'a calibration',
  parseManifest(data) {
    const m = data as CalibrationManifest | null;
    return m?.format === CALIBRATION_FORMAT && Array.isArray(m.files) && Array.isArray(m.command) && !!m.calibration && !!m.scenario ? m : null;
  },
  identity: (m) => manifestIdentity(m, calibrationSha256(m.scenario, m.calibration)),
};

/** The path fitted.yaml's `extends` names: the scenario file relative to the folder, `/`-separated. */
export function extendsPath(out: string, scenarioFile: string): string {
  return relative(resolve(out), resolve(scenarioFile)).split(sep).join('/');
}

/** Runs the calibration of `scenario` (resolved, flags applied) that `plan` describes and writes the folder `options.out`. */
export async function writeCalibration(scenario: Scenario, plan: CalibrationPlan, search: CalibrationSearch, options: CalibrationOptions): Promise<WrittenCalibration> {
  const began = performance.now();
  const out = folderPath(options.out);
  const base = compile(scenario);
  const { runs, seed } = scenario;
  const record: CalibrationRecord = {
    method: search.method,
    maxEvaluations: search.maxEvaluations,
    tolerance: search.tolerance,
    xTolerance: X_TOLERANCE,
    targets: plan.targets.map(({ columns: _, ...t }) => t),
    parameters: plan.parameters,
    extends: extendsPath(out, options.scenarioFile),
  };
  const command = options.command ?? ['shakeout', ...process.argv.slice(2)];
  const resumeLine = resumeCommand(command);
  const sha = calibrationSha256(scenario, record);
  const partialRecord = collectionRecord(sha, `calibration of ${scenario.name ?? 'a scenario'}`, seed, runs, base.months, !!options.force, command);

  let claim: ReturnType<typeof claimCollection<CalibrationManifest>>;
  try {
    claim = claimCollection(out, partialRecord, calibrationKind, { resume: !!options.resume, force: !!options.force, resumeLine });
  } catch (e) {
    throw fileSystemError(e, out);
  }
  if (claim.kind === 'done') return { dir: out, manifest: claim.manifest, fit: null, alreadyComplete: claim.alreadyComplete };

  const folder = openCollectionFolder(out, partialRecord, claim, resumeLine);
  const evaluations: Evaluation[] = [];
  try {
    folder.create();
    const journalFile = join(folder.partial, EVALUATIONS_FILE);
    const journal = folder.resuming ? readEvaluationsCsv(journalFile, record) : [];
    let best = Infinity;
    const objective = async (x: readonly number[]): Promise<number> => {
      const index = evaluations.length;
      const kept = journal[index];
      let e: Evaluation;
      if (kept && kept.parameters.every((v, j) => v === x[j])) e = kept;
      else {
        journal.length = Math.min(journal.length, index);
        e = await evaluate(scenario, plan, x, index, options);
      }
      evaluations.push(e);
      if (e !== kept) writeEvaluationsCsv(journalFile, record, evaluations);
      best = Math.min(best, e.objective);
      options.onEvaluation?.(evaluations.length, search.maxEvaluations, best);
      return e.objective;
    };
    const found = await minimiseInBox(search.method, objective, plan.parameters, { maxEvaluations: search.maxEvaluations, tolerance: search.tolerance, xTolerance: X_TOLERANCE }, seed);
    if (!Number.isFinite(found.value)) throw new UsageError(noEvaluationRan(evaluations.length, evaluations.find((e) => e.error)?.error ?? ''));
    // The journal may hold evaluations past the end of this search (a run with a larger budget is another calibration, but be safe).
    writeEvaluationsCsv(journalFile, record, evaluations);

    const bestEvaluation = evaluations.findIndex((e) => e.objective === found.value && e.parameters.every((v, j) => v === found.x[j]));
    const changes = plan.parameters.map((p, j) => ({ path: p.path, value: found.x[j], label: `${p.path}=${found.x[j]}` }));
    const fitted = withValues(scenario, changes);
    // The fitted values once more, for each target's interval (the same seeds: the same means as their evaluation).
    const perRun = await targetValues(fitted, plan.targets, options);
    const fit: FitSummary = {
      scenario: scenario.name ?? null,
      method: search.method,
      seed,
      runs,
      months: base.months,
      start: base.start,
      evaluations: evaluations.length,
      stop: found.stop,
      failed: evaluations.filter((e) => e.error !== undefined).length,
      bestEvaluation,
      objective: found.value,
      parameters: Object.fromEntries(plan.parameters.map((p, j) => [p.path, found.x[j]])),
      targets: plan.targets.map(({ columns: _, ...t }, i) => {
        const s = summarise(perRun[i]);
        return { ...t, mean: s.mean, ciLow: s.ciLow, ciHigh: s.ciHigh, z: (s.mean - t.value) / t.sd };
      }),
    };
    writeFileAtomic(join(folder.partial, FIT_JSON_FILE), fitJson(fit));
    writeFileAtomic(join(folder.partial, FIT_MD_FILE), fitMarkdown(fit, record));
    writeFileAtomic(join(folder.partial, FITTED_FILE), fittedYaml(record.extends, fitted, plan.locations, found.value));
    const manifest = folder.finish(
      (files) =>
        buildCalibrationManifest({
          scenario,
          calibration: record,
          seed,
          runs,
          months: base.months,
          start: base.start,
          evaluations: evaluations.length,
          stop: found.stop,
          command: [...command],
          wallTimeSeconds: (performance.now() - began) / 1000,
          files,
        }),
      options.signal,
    );
    return { dir: out, manifest, fit, alreadyComplete: false };
  } catch (e) {
    const failure = folder.failure(e, evaluations.length, search.maxEvaluations);
    if (failure instanceof InterruptedError && e instanceof InterruptedError)
      throw new InterruptedError(calibrationInterrupted(e.signal, evaluations.length, folder.partial, resumeLine), e.signal, evaluations.length, search.maxEvaluations);
    throw fileSystemError(failure, out);
  }
}

/** One evaluation at `x`: a scenario or model error is its outcome (+∞), not the calibration's. */
async function evaluate(scenario: Scenario, plan: CalibrationPlan, x: readonly number[], index: number, options: CalibrationOptions): Promise<Evaluation> {
  const parameters = [...x];
  try {
    const changed = withValues(scenario, plan.parameters.map((p, j) => ({ path: p.path, value: x[j], label: `${p.path}=${x[j]}` })));
    const perRun = await targetValues(changed, plan.targets, options);
    const means = perRun.map((v) => summarise(v).mean);
    const objective = plan.targets.reduce((sum, t, i) => sum + ((means[i] - t.value) / t.sd) ** 2, 0);
    return { index, parameters, objective, means };
  } catch (e) {
    if (e instanceof InterruptedError || !(e instanceof UsageError || e instanceof ModelError || e instanceof ScenarioError)) throw e;
    return { index, parameters, objective: Infinity, means: plan.targets.map(() => NaN), error: printable(e.message, 500) };
  }
}

/** Each target's value (the sum of its metrics at its month) in every run of `scenario`. */
async function targetValues(scenario: Scenario, targets: readonly PlannedTarget[], options: CalibrationOptions): Promise<Float64Array[]> {
  const compiled = compile(scenario);
  const { runs } = scenario;
  const sink = memorySink(runs);
  await runReplications(compiled, { runs, executor: options.executor, sink, signal: options.signal, scenarioFile: options.scenarioFile });
  const M = compiled.metricNames.length;
  return targets.map((t) => {
    // By name: the columns of the scenario planned against, the same unless a changed value changes the metrics.
    const columns = t.metrics.map((m) => compiled.metricNames.indexOf(m));
    if (columns.some((c) => c < 0)) throw new ModelError(`the metrics of a target are not all metrics of the scenario at these values: ${t.metrics.join(', ')}`);
    return Float64Array.from(sink.values, (v) => {
      let sum = 0;
      for (const c of columns) sum += v![t.month * M + c];
      return sum;
    });
  });
}
