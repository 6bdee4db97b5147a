/**
 * `sweep`: one scenario at every point of a design (sweep-design.ts), each
 * point an ensemble with the same replication seeds (common random numbers
 * across points), all on one executor, into one sweep folder
 * (sim/output/sweep-files.ts, built and sealed as a collection folder).
 *
 * Each finished point's values (every reported cell in every run) are kept
 * in `<out>.partial/points/<i>.json` as soon as it ends, so `--resume`
 * recomputes only the points that were not finished. A point that cannot
 * run (its values make the scenario invalid, or the model fails at them)
 * is recorded as failed with its message; the others go on.
 *
 * An analysis (SweepAnalysis, e.g. sensitivity-analysis.ts) may turn the
 * finished points into more files before the folder is sealed; its folder
 * is then a kind of its own (its manifest's format and `analysis`).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { monthIndex, monthLabel } from '../calendar.js';
import { closeNames } from '../close-names.js';
import { InterruptedError, ModelError, ScenarioError, UsageError } from '../errors.js';
import { compile, type CompiledScenario } from '../model/compile.js';
import { writeFileAtomic } from '../output/atomic-write.js';
import { claimCollection, type CollectionKind, collectionRecord, manifestIdentity, openCollectionFolder } from '../output/collection-folder.js';
import { folderPath } from '../output/folder-swap.js';
import { fileSystemError } from '../output/fs-error.js';
import { resumeCommand } from '../output/result-folder.js';
import { SUMMARY_JSON_FILE } from '../output/summary.js';
import { SUMMARY_MD_FILE } from '../output/summary-md.js';
import type { SensitivityRecord } from '../output/sensitivity-files.js';
import { SENSITIVITY_FORMAT } from '../output/manifest.js';
import {
  buildSweepManifest,
  type PointOutcome,
  POINTS_FILE,
  readPointOutcome,
  SWEEP_FILE,
  SWEEP_FORMAT,
  type SweepCellSpec,
  type SweepManifest,
  sweepJson,
  sweepMarkdown,
  sweepSha256,
  type SweepSummary,
  writePointsCsv,
  writeSweepCsv,
} from '../output/sweep-files.js';
import type { Scenario } from '../scenario/schema.js';
import { resolveValuePath, withValues } from '../scenario/value-paths.js';
import type { FolderOptions } from './folder-options.js';
import { headlineCells } from './headline.js';
import { memorySink } from './memory-sink.js';
import { badSweepMetric } from './messages.js';
import { runReplications } from './ensemble.js';
import { summarise } from './stats.js';
import type { SweepDesign } from './sweep-design.js';

/** Where finished points wait for the end of the sweep, inside `<out>.partial`. */
const POINTS_DIR = 'points';

/** A reported cell, resolved against the scenario: its metric's column. */
export interface SweepCell extends SweepCellSpec {
  column: number;
}

/**
 * The cells of `--metric <name>@<t|YYYY-MM|end>` specs, or, with none, the
 * headline measures of the scenario (headline.ts).
 * @throws UsageError naming an unknown metric (with close names) or a month outside the run
 */
export function sweepCells(compiled: CompiledScenario, specs: readonly string[]): SweepCell[] {
  const last = compiled.months - 1;
  const cell = (metric: string, month: number): SweepCell => ({ metric, month, date: monthLabel(compiled.start, month), column: compiled.metricNames.indexOf(metric) });
  if (specs.length === 0) return headlineCells(compiled, compiled).map((c) => cell(c.metric, c.month));
  return specs.map((spec) => {
    const at = spec.lastIndexOf('@');
    const metric = at < 0 ? spec : spec.slice(0, at);
    const when = at < 0 ? 'end' : spec.slice(at + 1);
    if (!compiled.metricNames.includes(metric)) throw new UsageError(badSweepMetric(spec, `no metric named ${metric}`, closeNames(metric, compiled.metricNames)));
    const month = monthOfRun(compiled, when);
    if (month === null) throw new UsageError(badSweepMetric(spec, `${when} is not a month of the run (0 to ${last}, ${compiled.start} to ${monthLabel(compiled.start, last)}, or end)`, []));
    return cell(metric, month);
  });
}

/** The month index `when` names (a month index, YYYY-MM, or `end`), or null when it is not a month of the run. */
export function monthOfRun(compiled: Pick<CompiledScenario, 'months' | 'start'>, when: string): number | null {
  const last = compiled.months - 1;
  const month = when === 'end' ? last : /^\d+$/.test(when) ? Number(when) : /^\d{4}-\d{2}$/.test(when) ? monthIndex(compiled.start, when) : NaN;
  return Number.isInteger(month) && month >= 0 && month <= last ? month : null;
}

export interface SweepOptions extends FolderOptions {
  /** After each point: points done, points in all. */
  onProgress?: (done: number, total: number) => void;
  /** The scenario file as the user named it, for messages. */
  scenarioFile?: string;
  /**
   * Every point's outcome, computed already (the shards of `shakeout merge`):
   * nothing runs, and the folder is written from them as from its own runs.
   */
  outcomes?: readonly PointOutcome[];
}

/**
 * What a command makes of a sweep's finished points, in the same folder:
 * its files are written into `dir` (`<out>.partial`) after sweep.csv and
 * points.csv, and its summary.json and summary.md replace the sweep's.
 */
export interface SweepAnalysis<R> {
  /** What the manifest records of the analysis; part of the folder's identity. */
  record: SensitivityRecord;
  /** What the folder is called in its PARTIAL marker, e.g. `sensitivity analysis`. */
  name: string;
  write(dir: string, summary: SweepSummary, outcomes: readonly PointOutcome[]): { result: R; json: string; markdown: string };
}

export interface WrittenSweep<R = never> {
  dir: string;
  manifest: SweepManifest;
  summary: SweepSummary;
  alreadyComplete: boolean;
  /** The analysis's result, when there was one and it ran now (not when the folder was already complete). */
  analysis?: R;
}

/** A sweep folder, or with `analysis` a sensitivity analysis's: `--force` replaces only its own kind. */
const sweepKind = (analysis: boolean): CollectionKind<SweepManifest> => ({
  occupant: analysis ? 'a sensitivity analysis' : 'a sweep',
  parseManifest(data) {
    const m = data as SweepManifest | null;
    const format = analysis ? SENSITIVITY_FORMAT : SWEEP_FORMAT;
    return m?.format === format && Array.isArray(m.files) && Array.isArray(m.command) && m.design && Array.isArray(m.cells) && !!m.analysis === analysis ? m : null;
  },
  identity: (m) => manifestIdentity(m, sweepSha256(m.scenario, m.design, m.cells, m.analysis)),
});

/** Runs every point of `design` on `scenario` (resolved, flags applied) and writes the sweep folder `options.out`. */
export async function writeSweep<R = never>(
  scenario: Scenario,
  design: SweepDesign,
  cells: readonly SweepCell[],
  options: SweepOptions & { analysis?: SweepAnalysis<R> },
): Promise<WrittenSweep<R>> {
  const began = performance.now();
  const out = folderPath(options.out);
  // Every path must be a numeric value of the scenario: a typo fails here, not at every point.
  for (const path of design.paths) resolveValuePath(scenario, path, `--set/--range ${path}`);
  const base = compile(scenario);
  const { runs, seed } = scenario;
  const specs: SweepCellSpec[] = cells.map(({ metric, month, date }) => ({ metric, month, date }));
  const designRecord = { kind: design.kind, paths: design.paths, points: design.points };
  const command = options.command ?? ['shakeout', ...process.argv.slice(2)];
  const resumeLine = resumeCommand(command);
  const { analysis } = options;
  const sha = sweepSha256(scenario, designRecord, specs, analysis?.record);
  const record = collectionRecord(sha, `${analysis?.name ?? 'sweep'} of ${scenario.name ?? 'a scenario'} over ${design.points.length} points`, seed, runs, base.months, !!options.force, command);
  const total = design.points.length;

  let claim: ReturnType<typeof claimCollection<SweepManifest>>;
  try {
    claim = claimCollection(out, record, sweepKind(!!analysis), { resume: !!options.resume, force: !!options.force, resumeLine });
  } catch (e) {
    throw fileSystemError(e, out);
  }
  if (claim.kind === 'done') return { dir: out, manifest: claim.manifest, summary: summaryOf(claim.manifest, []), alreadyComplete: claim.alreadyComplete };

  const folder = openCollectionFolder(out, record, claim, resumeLine);
  let done = 0;
  try {
    folder.create();
    const kept = join(folder.partial, POINTS_DIR);
    mkdirSync(kept, { recursive: true });
    const outcomes: PointOutcome[] = [];
    for (const [i, values] of design.points.entries()) {
      const file = join(kept, `${i}.json`);
      let outcome = options.outcomes?.[i] ?? (folder.resuming ? readPointOutcome(file, i, cells.length, runs) : null);
      if (!outcome) {
        outcome = await runPoint(scenario, design.paths, values, i, cells, options);
        writeFileAtomic(file, JSON.stringify(outcome) + '\n');
      }
      outcomes.push(outcome);
      options.onProgress?.(++done, total);
    }
    const summary = summaryOf({ scenario, seed, runs, months: base.months, start: base.start, design: designRecord, cells: specs }, outcomes);
    writeSweepCsv(join(folder.partial, SWEEP_FILE), summary, outcomes);
    writePointsCsv(join(folder.partial, POINTS_FILE), summary);
    const analysed = analysis?.write(folder.partial, summary, outcomes);
    writeFileAtomic(join(folder.partial, SUMMARY_JSON_FILE), analysed?.json ?? sweepJson(summary));
    writeFileAtomic(join(folder.partial, SUMMARY_MD_FILE), analysed?.markdown ?? sweepMarkdown(summary));
    rmSync(kept, { recursive: true, force: true });
    const manifest = folder.finish(
      (files) =>
        buildSweepManifest({
          scenario,
          design: designRecord,
          cells: specs,
          seed,
          runs,
          months: base.months,
          start: base.start,
          failedPoints: summary.points.filter((p) => p.status === 'failed').map((p) => p.point),
          ...(analysis ? { analysis: analysis.record } : {}),
          command: [...command],
          wallTimeSeconds: (performance.now() - began) / 1000,
          files,
        }),
      options.signal,
    );
    return { dir: out, manifest, summary, alreadyComplete: false, ...(analysed ? { analysis: analysed.result } : {}) };
  } catch (e) {
    throw fileSystemError(folder.failure(e, done, total), out);
  }
}

/** One point: the scenario with its values, compiled and run; a scenario or model error is the point's outcome, not the sweep's. */
export async function runPoint(
  scenario: Scenario,
  paths: readonly string[],
  values: readonly number[],
  point: number,
  cells: readonly SweepCell[],
  options: Pick<SweepOptions, 'executor' | 'signal' | 'scenarioFile'>,
): Promise<PointOutcome> {
  const { runs } = scenario;
  let compiled: CompiledScenario;
  const sink = memorySink(runs);
  try {
    compiled = compile(withValues(scenario, paths.map((path, j) => ({ path, value: values[j], label: `${path}=${values[j]}` }))));
    await runReplications(compiled, { runs, executor: options.executor, sink, signal: options.signal, scenarioFile: options.scenarioFile });
  } catch (e) {
    if (e instanceof InterruptedError || !(e instanceof UsageError || e instanceof ModelError || e instanceof ScenarioError)) throw e;
    return { point, error: e.message };
  }
  const M = compiled.metricNames.length;
  return { point, values: cells.map((c) => sink.values.map((v) => v![c.month * M + c.column])) };
}

type SweepRecord = Pick<SweepManifest, 'scenario' | 'seed' | 'runs' | 'months' | 'start' | 'design' | 'cells'>;

/** The summary of a sweep: each point's statistics (from its outcome, when given). */
function summaryOf(m: SweepRecord, outcomes: readonly PointOutcome[]): SweepSummary {
  const points = m.design.points.map((parameters, point) => {
    const o = outcomes[point];
    if (!o) return { point, parameters, status: 'ok' as const };
    if ('error' in o) return { point, parameters, status: 'failed' as const, error: o.error };
    const cells = o.values.map((v) => {
      const s = summarise(v);
      return { mean: s.mean, sd: s.sd, ciLow: s.ciLow, ciHigh: s.ciHigh };
    });
    return { point, parameters, status: 'ok' as const, cells };
  });
  return {
    scenario: m.scenario.name ?? null,
    seed: m.seed,
    runs: m.runs,
    months: m.months,
    start: m.start,
    design: m.design.kind,
    paths: m.design.paths,
    cells: m.cells,
    points,
    failed: points.filter((p) => p.status === 'failed').length,
  };
}
