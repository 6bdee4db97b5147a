/**
 * `compare`: a baseline and its what-ifs, run with the same replication
 * seeds on one executor, into one comparison folder
 * (sim/output/comparison-folder.ts): a result folder per scenario, then
 * diff.csv (the paired differences, paired.ts), the headline table
 * (headline.ts) as summary.json and summary.md, and the manifest.
 *
 * Pipeline: check the target and every scenario's expectations (fail
 * before any compute) → claim `<out>.partial` → each scenario's result
 * folder (writeResultFolder, resumable each; a what-if that coincides with
 * the baseline up to some month forks from the baseline's world there,
 * shared-runs.ts) → the paired differences of
 * each what-if against the baseline, streamed into diff.csv while the
 * headline cells are collected → summary, manifest → seal and move into place.
 */
import { join, resolve } from 'node:path';
import type { ExpectationResult } from '../output/result-types.js';
import { assertBaselinesGiven, type CompiledBaseline } from './relative.js';
import { UsageError } from '../errors.js';
import type { CompiledScenario } from '../model/compile.js';
import { claimCollection, openCollectionFolder } from '../output/collection-folder.js';
import {
  buildComparisonManifest,
  comparedScenario,
  comparisonJson,
  comparisonMarkdown,
  type ComparisonManifest,
  type ComparisonSummary,
  DIFF_FILE,
  type HeadlineRow,
  type PairedRow,
  writeDiffCsv,
} from '../output/comparison-files.js';
import { comparisonKind, comparisonRecord, readComparisonSummary } from '../output/comparison-folder.js';
import { writeFileAtomic } from '../output/atomic-write.js';
import { SUMMARY_JSON_FILE } from '../output/summary.js';
import { SUMMARY_MD_FILE } from '../output/summary-md.js';
import { comparisonUnreadable } from './messages.js';
import { folderPath } from '../output/folder-swap.js';
import { fileSystemError } from '../output/fs-error.js';
import { resumeCommand } from '../output/result-folder.js';
import { openRunStore } from '../output/run-store.js';
import type { FolderOptions } from './folder-options.js';
import { resolveExpectations } from './expectations.js';
import { headlineCells } from './headline.js';
import { assertResources } from './limits.js';
import { differentShapes } from './messages.js';
import { pairedDifferences, varianceReduction } from './paired.js';
import { writeResultFolder, type WrittenResult } from './run-to-folder.js';
import { planSharing, sharingExecutors } from './shared-runs.js';

/** One scenario of a comparison. */
export interface ComparedInput {
  /** Its result folder's name inside the comparison folder. */
  folder: string;
  compiled: CompiledScenario;
  /** The file as the user named it, for messages; its absolute path tells a relative expectation's baseline among the scenarios. */
  file?: string;
  /**
   * The baselines of its relative expectations (relative.ts), by index in
   * `expect`, compiled with the comparison's runs, seed and months: one
   * that is a scenario of the comparison already written is read from its
   * folder, any other is run.
   */
  baselines?: ReadonlyMap<number, CompiledBaseline>;
}

export interface ComparisonOptions extends FolderOptions {
  /**
   * Let a what-if that coincides with the baseline up to some month take
   * over the baseline's world there instead of simulating those months
   * again (shared-runs.ts); the bytes written are the same. Default true.
   */
  sharedHistory?: boolean;
  /** After each run: the scenario's folder, runs done over all scenarios, runs in total. */
  onProgress?: (folder: string, done: number, total: number) => void;
  /**
   * Writes a scenario's result folder at `out` (inside `<out>.partial`) from
   * runs computed already (the shards of `shakeout merge`) instead of running them.
   */
  writeResult?: (input: ComparedInput, out: string) => Promise<WrittenResult>;
}

export interface WrittenComparison {
  dir: string;
  manifest: ComparisonManifest;
  summary: ComparisonSummary;
  /** Each scenario's result folder as written (empty when `alreadyComplete`). */
  results: WrittenResult[];
  alreadyComplete: boolean;
}

/** Runs every scenario and writes the comparison folder `options.out`. */
export async function writeComparison(baseline: ComparedInput, whatIfs: readonly ComparedInput[], options: ComparisonOptions): Promise<WrittenComparison> {
  const began = performance.now();
  const out = folderPath(options.out);
  const all = [baseline, ...whatIfs];
  const { runs, months, seed } = baseline.compiled.scenario;
  for (const s of whatIfs) {
    const c = s.compiled;
    if (c.scenario.runs !== runs || c.months !== baseline.compiled.months || c.start !== baseline.compiled.start || c.scenario.seed !== seed)
      throw new UsageError(differentShapes({ runs, months: baseline.compiled.months, start: baseline.compiled.start }, { runs: c.scenario.runs, months: c.months, start: c.start }));
  }
  const command = options.command ?? ['shakeout', ...process.argv.slice(2)];
  const scenarios = all.map((s) => comparedScenario(s.folder, s.compiled.scenario));
  const record = comparisonRecord({ scenarios, seed, runs, months }, !!options.force, command);
  const resumeLine = resumeCommand(command);
  const total = runs * all.length;

  let claim: ReturnType<typeof claimCollection<ComparisonManifest>>;
  try {
    for (const s of all) {
      resolveExpectations(s.compiled);
      assertBaselinesGiven(s.compiled, s.baselines);
      assertResources(s.compiled.scenario, { workers: options.executor.concurrency, runs, file: s.file });
    }
    claim = claimCollection(out, record, comparisonKind, { resume: !!options.resume, force: !!options.force, resumeLine });
  } catch (e) {
    throw fileSystemError(e, out);
  }
  if (claim.kind === 'done') {
    const summary = readComparisonSummary(out);
    if (!summary) throw new UsageError(comparisonUnreadable(out));
    return { dir: out, manifest: claim.manifest, summary, results: [], alreadyComplete: claim.alreadyComplete };
  }

  const folder = openCollectionFolder(out, record, claim, resumeLine);
  const shared = options.sharedHistory === false ? whatIfs.map(() => 0) : planSharing(baseline.compiled, whatIfs.map((w) => w.compiled), runs);
  const executors = sharingExecutors(options.executor, baseline.compiled, whatIfs.map((w) => w.compiled), shared);
  let done = 0;
  try {
    folder.create();
    const results: WrittenResult[] = [];
    const keys = all.map((s) => (s.file === undefined ? undefined : resolve(s.file)));
    /** A scenario of the comparison written before scenario k, by its file's absolute path. */
    const heldBefore = (k: number) => (key: string) => {
      const j = keys.findIndex((x, i) => i < k && x === key);
      return j < 0 ? undefined : openRunStore(join(folder.partial, all[j].folder));
    };
    for (const [k, s] of all.entries()) {
      if (options.writeResult) {
        results.push(await options.writeResult(s, join(folder.partial, s.folder)));
        continue;
      }
      results.push(
        await writeResultFolder(s.compiled, {
          out: join(folder.partial, s.folder),
          runs,
          resume: claim.resuming,
          signal: options.signal,
          scenarioFile: s.file,
          command,
          executor: executors[k],
          onProgress: (d) => {
            done = k * runs + d;
            options.onProgress?.(s.folder, done, total);
          },
          relative: s.baselines?.size ? { baselines: s.baselines, held: heldBefore(k) } : undefined,
        }),
      );
      done = (k + 1) * runs;
    }

    const stores = all.map((s) => openRunStore(join(folder.partial, s.folder)));
    const headline = whatIfs.map((w) => ({ cells: headlineCells(baseline.compiled, w.compiled), rows: new Map<string, PairedRow>() }));
    await writeDiffCsv(
      join(folder.partial, DIFF_FILE),
      whatIfs.map((w, i) => ({ scenario: w.folder, rows: keeping(pairedDifferences(stores[0], stores[i + 1], { signal: options.signal }), headline[i]) })),
    );
    const summary: ComparisonSummary = {
      baseline: scenarios[0],
      seed,
      runs,
      months: baseline.compiled.months,
      start: baseline.compiled.start,
      whatIfs: whatIfs.map((w, i) => {
        const relative = againstBaseline(w, results[i + 1].summary.expectations, keys[0]);
        return { ...scenarios[i + 1], headline: headlineRows(headline[i]), ...(relative.length > 0 && { expectations: relative }) };
      }),
    };
    writeFileAtomic(join(folder.partial, SUMMARY_JSON_FILE), comparisonJson(summary));
    writeFileAtomic(join(folder.partial, SUMMARY_MD_FILE), comparisonMarkdown(summary));
    const manifest = folder.finish(
      (files) =>
        buildComparisonManifest({
          baseline: baseline.folder,
          scenarios,
          seed,
          runs,
          months: baseline.compiled.months,
          start: baseline.compiled.start,
          command: [...command],
          wallTimeSeconds: (performance.now() - began) / 1000,
          files,
        }),
      options.signal,
    );
    return { dir: out, manifest, summary, results, alreadyComplete: false };
  } catch (e) {
    throw fileSystemError(folder.failure(e, done, total), out);
  }
}

/** Passes the rows through, keeping those of the headline cells. */
async function* keeping(rows: AsyncIterable<PairedRow>, headline: { cells: { metric: string; month: number }[]; rows: Map<string, PairedRow> }): AsyncGenerator<PairedRow> {
  const wanted = new Set(headline.cells.map((c) => `${c.metric}@${c.month}`));
  for await (const row of rows) {
    const key = `${row.metric}@${row.month}`;
    if (wanted.has(key)) headline.rows.set(key, row);
    yield row;
  }
}

function headlineRows(headline: { cells: { label: string; metric: string; month: number }[]; rows: Map<string, PairedRow> }): HeadlineRow[] {
  return headline.cells.flatMap((c) => {
    const r = headline.rows.get(`${c.metric}@${c.month}`);
    if (!r) return [];
    const v = varianceReduction(r);
    return [
      {
        label: c.label,
        metric: c.metric,
        month: c.month,
        date: r.date,
        baseline: r.baselineMean,
        whatif: r.whatifMean,
        difference: r.mean,
        ciLow: r.ciLow,
        ciHigh: r.ciHigh,
        varianceReduction: v === Infinity ? 'infinite' : Number.isNaN(v) ? null : v,
      },
    ];
  });
}

/** A what-if's verdicts (in `expect` order) on its relative expectations whose baseline is the file `baseline`. */
function againstBaseline(whatIf: ComparedInput, verdicts: readonly ExpectationResult[], baseline: string | undefined): ExpectationResult[] {
  if (baseline === undefined || !whatIf.baselines) return [];
  return verdicts.filter((_, i) => whatIf.baselines!.get(i)?.key === baseline);
}
