/**
 * A result folder (ARCHITECTURE.md, "Result folder"), the pieces that
 * write one:
 *
 *   manifest.json     what ran, with what, when, how long (timestamps only here)
 *   timeseries.csv    metric,month,date,mean,sd,p05,p50,p95,ci_low,ci_high
 *   runs.csv          one row per run: final, key-month and expectation values
 *   runs.parquet      every value of every run, long format (runs-parquet.ts)
 *   summary.json/.md  headline numbers and expectation verdicts
 *   runs/             per-run values (run-store.ts)
 *
 * The ensemble drives them (sim/ensemble/run-to-folder.ts): checkTarget
 * (repair an interrupted swap, check `out`) → its own checks → claimTarget
 * (an unfinished `<out>.partial`: resume it, or discard it with `force`) →
 * openPartialFolder: create `<out>.partial`, the runs go into its store →
 * finish: timeseries.csv from the aggregated rows while collecting the
 * summary's rows → runs.csv → runs.parquet → expectations → summary →
 * manifest → seal and rename into place (folder-swap.ts). Given a thread
 * to write it on (`offload`, output-job.ts), runs.parquet is written
 * there, from the store on disk, while this thread writes timeseries.csv
 * and runs.csv, and is awaited before the expectations; should this
 * thread fail first, the job is stopped and waited for before the folder
 * is kept or removed, and the error is this thread's, as it would have
 * been without the other thread.
 *
 * What is kept when it goes wrong (`failure`): an interruption (signal) or
 * a full disk keeps `<out>.partial` for `--resume`; any other failure
 * removes it. An existing `<out>` is never touched until the new folder
 * replaces it.
 */
import { join } from 'node:path';
import { InterruptedError } from '../errors.js';
import type { Scenario } from '../scenario/schema.js';
import { writeFileAtomic } from './atomic-write.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import { claimCollection, type CollectionKind, manifestIdentity, openCollectionFolder } from './collection-folder.js';
import { assertNotForeign, assertTarget, PARTIAL_FORMAT, type PartialRecord, recoverSwap } from './folder-swap.js';
import { manifestSchema } from './folder-schema.js';
import { installationGitStateSoon } from './installation.js';
import { buildManifest, buildProvenance, type Manifest, shakeoutVersion } from './manifest.js';
import { commandLine, notAResultFolder } from './messages.js';
import { readSummary } from './read-folder.js';
import type { ExpectationResult, TimeseriesRow } from './result-types.js';
import type { RunStoreReader } from './run-store.js';
import { RUNS_FILE, writeRunsCsv } from './runs-csv.js';
import { type FolderMetricFamily, metricCatalog } from './metric-catalog.js';
import { type OutputOffload, RUNS_PARQUET_FILE, type RunsParquetJob, startElsewhere } from './output-job.js';
import { type Summary, SUMMARY_JSON_FILE, summaryCollector, summaryJson } from './summary.js';
import { SUMMARY_MD_FILE, summaryMarkdown } from './summary-md.js';
import { TIMESERIES_FILE, writeTimeseriesCsv } from './timeseries-csv.js';

/** What a result folder records of the run that fills it (a compiled scenario is one). */
export interface RunOfScenario {
  readonly scenario: Scenario;
  /** Metric names in column order. */
  readonly metricNames: readonly string[];
  /** The registry's families and their blocks of columns (a compiled scenario's layout). */
  readonly layout?: { readonly families: readonly FolderMetricFamily[] };
  readonly months: number;
  /** `YYYY-MM` of t = 0. */
  readonly start: string;
}

/** The command that finishes this run: its own, with `--resume`. */
export function resumeCommand(command: readonly string[]): string {
  return commandLine(command.includes('--resume') ? command : [...command, '--resume']);
}

/** What `<out>.partial` records of the run that fills it (resume.json), to recognise it on `--resume`. */
export function partialRecord(run: RunOfScenario, runs: number, force: boolean, command: readonly string[]): PartialRecord {
  const { scenario } = run;
  return {
    format: PARTIAL_FORMAT,
    shakeoutVersion: shakeoutVersion(),
    nodeVersion: process.version,
    scenarioSha256: sha256Hex(canonicalJson(scenario)),
    scenarioName: scenario.name ?? null,
    seed: scenario.seed,
    runs,
    months: run.months,
    force,
    command: [...command],
    createdAt: new Date().toISOString(),
  };
}

/** A result folder as a sealed folder of collection-folder.ts: its manifest, what run it is, and a summary to read. */
const resultKind: CollectionKind<Manifest> = {
  occupant: 'a result',
  parseManifest(data) {
    const parsed = manifestSchema.safeParse(data);
    return parsed.success ? (parsed.data as Manifest) : null;
  },
  identity: (m) => manifestIdentity(m, m.scenarioSha256),
  complete(dir, manifest) {
    try {
      readSummary(dir, manifest);
      return true;
    } catch {
      return false;
    }
  },
  notComplete: notAResultFolder,
};

/**
 * The checks on `out` that come first: not the root of a file system,
 * an interrupted swap repaired, and not a file or folder of the user's
 * (never replaced, ownership.ts), so nothing is discarded for a run that
 * could not end. @throws UsageError
 */
export function checkTarget(out: string): void {
  assertTarget(out);
  recoverSwap(out);
  // Before anything is discarded: a file or a folder of the user's at `out` is never replaced, so the run could not end.
  assertNotForeign(out);
}

/** What claimTarget found: `out` already holds the result, or the run goes on in `<out>.partial`. */
export type Claim =
  | { kind: 'done'; manifest: Manifest; summary: Summary; alreadyComplete: boolean }
  | { kind: 'open'; resuming: boolean; replace: boolean };

export interface ClaimOptions {
  resume: boolean;
  force: boolean;
  /** The command that finishes this run (resumeCommand), for messages. */
  resumeLine: string;
}

/**
 * Decides what becomes of `<out>.partial` and `out` for the run `record`
 * describes: with `resume`, a complete result of this run is taken as it
 * is, an unfinished run of it is claimed to be finished and a sealed one
 * moved into place; without, an unfinished run is in the way unless
 * `force` discards it. Then checks that `out` can be written (or replaced).
 * @throws UsageError
 */
export function claimTarget(out: string, record: PartialRecord, options: ClaimOptions): Claim {
  const claim = claimCollection(out, record, resultKind, options);
  return claim.kind === 'done' ? { ...claim, summary: readSummary(out, claim.manifest) } : claim;
}

export interface FinishOptions {
  run: RunOfScenario;
  runs: number;
  /** The aggregated rows, in store order, a block (a slab's rows) at a time (timeseries.csv). */
  rows: AsyncIterable<readonly TimeseriesRow[]>;
  /** The store of the runs (runs.csv, runs.parquet). */
  store: RunStoreReader;
  /** The expectations' verdicts, asked for once runs.csv is written. */
  expectations: () => Promise<ExpectationResult[]>;
  /** Recorded in the manifest, program name first. */
  command: readonly string[];
  /** performance.now() when the command began (the manifest's wall time). */
  began: number;
  /** Checked between blocks of the values (run-store.ts) and once more before the seal. */
  signal?: AbortSignal;
  /** Writes runs.parquet on another thread while this one writes the CSV files; default: this thread, after them. */
  offload?: OutputOffload;
  /** Rows per row group of runs.parquet; default ROW_GROUP_ROWS. */
  rowGroupRows?: number;
}

/** `<out>.partial` while a run fills it: create it, finish it, and clean up after a failure. */
export interface PartialFolder {
  /** `<out>.partial`. */
  readonly partial: string;
  /** Creates `<out>.partial` (unless resuming, when it is there already). */
  create(): void;
  /** Writes the tables, summary and manifest, seals the folder and moves it into place. */
  finish(options: FinishOptions): Promise<{ manifest: Manifest; summary: Summary }>;
  /**
   * What to throw for `e`, thrown while the folder was being filled
   * (`done` of `runs` runs stored): `<out>.partial` kept for `--resume`
   * (interrupted, no room), kept as a finished result (sealed), or removed.
   */
  failure(e: unknown, done: number, runs: number): unknown;
}

export function openPartialFolder(out: string, record: PartialRecord, claim: { resuming: boolean; replace: boolean }, resumeLine: string): PartialFolder {
  const folder = openCollectionFolder(out, record, claim, resumeLine);
  const { partial } = folder;
  return {
    partial,
    create: () => folder.create(),
    async finish({ run, runs, rows, store, expectations, command, began, signal, offload, rowGroupRows }) {
      const { scenario } = run;
      const collector = summaryCollector(metricCatalog(run.metricNames, run.layout?.families), {
        scenario: scenario.name ?? null,
        seed: scenario.seed,
        runs,
        months: run.months,
        start: run.start,
      });
      const parquet: RunsParquetJob = {
        kind: 'runs-parquet',
        path: join(partial, RUNS_PARQUET_FILE),
        storeDir: store.dir,
        provenance: buildProvenance({ scenario, runs, months: run.months, start: run.start }),
        rowGroupRows,
      };
      const elsewhere = offload ? startElsewhere(offload, parquet, signal) : null;
      try {
        // From here to the seal, `signal` is checked between blocks of the values file (run-store.ts).
        await writeTimeseriesCsv(join(partial, TIMESERIES_FILE), rows, collector.take);
        const csvScenario = {
          name: scenario.name ?? null,
          seed: scenario.seed,
          classes: Object.keys(scenario.classes),
          expectations: scenario.expect,
        };
        await writeRunsCsv(join(partial, RUNS_FILE), store, csvScenario, { signal });
      } catch (e) {
        await elsewhere?.stop();
        throw e;
      }
      if (elsewhere) await elsewhere.done();
      else {
        // Loaded only here: with a pool, this thread never needs the parquet writer (output-job.ts).
        const { writeRunsParquet } = await import('./runs-parquet.js');
        await writeRunsParquet(parquet.path, store, parquet.provenance, { signal, rowGroupRows });
      }
      const summary = collector.build(await expectations());
      // Asked of git in the background when the command began (installation.ts); settled by now, as a rule.
      await installationGitStateSoon();
      writeFileAtomic(join(partial, SUMMARY_JSON_FILE), summaryJson(summary));
      writeFileAtomic(join(partial, SUMMARY_MD_FILE), summaryMarkdown(summary));
      // The manifest goes in last; a signal until then keeps the folder unsealed, for --resume.
      const manifest = folder.finish(
        (files) => buildManifest({ scenario, runs, months: run.months, start: run.start, command, wallTimeSeconds: (performance.now() - began) / 1000, files }),
        signal,
      );
      return { manifest, summary };
    },
    // An interrupted ensemble counts the runs its store kept.
    failure: (e, done, runs) => (e instanceof InterruptedError ? folder.failure(e, e.done, e.runs) : folder.failure(e, done, runs)),
  };
}

export { readResultFolder, type ResultFolder } from './read-folder.js';
