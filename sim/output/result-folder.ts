/**
 * A result folder (ARCHITECTURE.md, "Result folder"), written and read:
 *
 *   manifest.json     what ran, with what, when, how long (timestamps only here)
 *   timeseries.csv    metric,month,date,mean,sd,p05,p50,p95,ci_low,ci_high
 *   runs.csv          one row per run: final and key-month values
 *   summary.json/.md  headline numbers and expectation verdicts
 *   runs/             per-run values (run-store.ts)
 *
 * Pipeline: check the target → locate expectations (fail before any compute)
 * → run the ensemble into `<out>.partial-<pid>` → aggregate into
 * timeseries.csv while collecting the summary's rows → runs.csv →
 * expectations → summary → manifest → rename into place.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { CompiledScenario } from '../model/compile.js';
import { aggregate, type TimeseriesRow } from '../ensemble/aggregate.js';
import { type ReplicationExecutor, runEnsemble } from '../ensemble/ensemble.js';
import { evaluateExpectations, resolveExpectations } from '../ensemble/expectations.js';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { assertWritable, commitPartial, folderPath, preparePartial } from './folder-swap.js';
import { buildManifest, MANIFEST_FILE, type Manifest } from './manifest.js';
import { notAResultFolder } from './messages.js';
import { RUNS_FILE, writeRunsCsv } from './runs-csv.js';
import { type Summary, SUMMARY_JSON_FILE, summaryCollector, summaryJson } from './summary.js';
import { SUMMARY_MD_FILE, summaryMarkdown } from './summary-md.js';
import { readTimeseriesCsv, TIMESERIES_FILE, writeTimeseriesCsv } from './timeseries-csv.js';

export interface WriteResultFolderOptions {
  /** The result folder to create. */
  out: string;
  /** Replications, ≥ 1; default the scenario's `runs`. */
  runs?: number;
  /** Replace an existing `out` (only once the new folder is complete). */
  force?: boolean;
  /** Recorded in the manifest, program name first; default `shakeout` and this process's arguments. */
  command?: readonly string[];
  /** After each run: (runs done, runs in total). */
  onProgress?: (done: number, total: number) => void;
  /** Default: one replication at a time on this thread. */
  executor?: ReplicationExecutor;
  /** Bytes of per-run values the aggregator holds at once; default 64 MiB. */
  budgetBytes?: number;
}

export interface WrittenResult {
  dir: string;
  manifest: Manifest;
  summary: Summary;
}

/** Passes rows through, showing each to `see` on the way. */
function* tap<T>(rows: Iterable<T>, see: (row: T) => void): Generator<T> {
  for (const row of rows) {
    see(row);
    yield row;
  }
}

/** Every file under `dir`, relative, `/`-separated. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)).split(sep).join('/'));
}

/**
 * Runs the ensemble and writes the complete result folder `options.out`.
 * Throws UsageError (nothing written) when `out` exists without `force`, or
 * when an expectation names an unknown metric or a month outside the run.
 */
export async function writeResultFolder(
  compiled: CompiledScenario,
  options: WriteResultFolderOptions,
): Promise<WrittenResult> {
  const began = performance.now();
  const out = folderPath(options.out);
  const { runs = compiled.scenario.runs, force = false } = options;
  assertWritable(out, force);
  const expectations = resolveExpectations(compiled);
  const partial = preparePartial(out);
  try {
    const store = await runEnsemble(compiled, {
      runs,
      dir: partial,
      onProgress: options.onProgress,
      executor: options.executor,
    });
    const { scenario } = compiled;
    const collector = summaryCollector(compiled.metricNames, {
      scenario: scenario.name ?? null,
      seed: scenario.seed,
      runs,
      months: compiled.months,
      start: compiled.start,
    });
    const rows = aggregate(store, { budgetBytes: options.budgetBytes });
    writeTimeseriesCsv(join(partial, TIMESERIES_FILE), tap(rows, collector.take));
    writeRunsCsv(join(partial, RUNS_FILE), store);
    const summary = collector.build(evaluateExpectations(expectations, store.cells));
    writeFileAtomic(join(partial, SUMMARY_JSON_FILE), summaryJson(summary));
    writeFileAtomic(join(partial, SUMMARY_MD_FILE), summaryMarkdown(summary));
    const manifest = buildManifest({
      scenario,
      runs,
      months: compiled.months,
      start: compiled.start,
      command: options.command ?? ['shakeout', ...process.argv.slice(2)],
      wallTimeSeconds: (performance.now() - began) / 1000,
      files: listFiles(partial),
    });
    writeFileAtomic(join(partial, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
    commitPartial(partial, out, force);
    return { dir: out, manifest, summary };
  } catch (e) {
    rmSync(partial, { recursive: true, force: true });
    throw e;
  }
}

export interface ResultFolder {
  dir: string;
  manifest: Manifest;
  timeseries: TimeseriesRow[];
}

/** Reads a result folder's manifest and timeseries rows (empty statistics as NaN). */
export function readResultFolder(dir: string): ResultFolder {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
  } catch {
    throw new UsageError(notAResultFolder(dir));
  }
  return { dir, manifest, timeseries: readTimeseriesCsv(join(dir, TIMESERIES_FILE)) };
}
