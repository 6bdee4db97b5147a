/**
 * A result folder (ARCHITECTURE.md, "Result folder"), written and read:
 *
 *   manifest.json     what ran, with what, when, how long (timestamps only here)
 *   timeseries.csv    metric,month,date,mean,sd,p05,p50,p95,ci_low,ci_high
 *   runs.csv          one row per run: final and key-month values
 *   summary.json/.md  headline numbers and expectation verdicts
 *   runs/             per-run values (run-store.ts)
 *
 * Pipeline: repair an interrupted swap → check the target, the
 * expectations, the memory and the disk (fail before any compute) → run the
 * ensemble into `<out>.partial` (or, with `resume`, finish the runs an
 * interrupted one left there) → aggregate into timeseries.csv while
 * collecting the summary's rows → runs.csv → expectations → summary →
 * manifest → seal and rename into place (folder-swap.ts).
 *
 * What is kept when it goes wrong: an interruption (signal) or a full disk
 * keeps `<out>.partial` for `--resume`; any other failure removes it. An
 * existing `<out>` is never touched until the new folder replaces it.
 */
import { existsSync, readdirSync, rmSync, statfsSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { CompiledScenario } from '../model/compile.js';
import { aggregate } from '../ensemble/aggregate.js';
import { inlineExecutor, type ReplicationExecutor, runEnsemble } from '../ensemble/ensemble.js';
import { evaluateExpectations, resolveExpectations } from '../ensemble/expectations.js';
import { assertResources } from '../ensemble/limits.js';
import { formatBytes } from '../ensemble/messages.js';
import { InterruptedError, UsageError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import {
  assertNotForeign,
  assertTarget,
  assertWritable,
  claimPartial,
  commitPartial,
  createPartial,
  folderPath,
  inspectPartial,
  PARTIAL_FORMAT,
  type PartialRecord,
  partialPath,
  recoverSwap,
  releasePartial,
  removePartial,
  sealPartial,
} from './folder-swap.js';
import { buildManifest, MANIFEST_FILE, type Manifest, shakeoutVersion } from './manifest.js';
import { fileSystemCode, fileSystemError } from './fs-error.js';
import {
  appeared,
  cannotResume,
  commandLine,
  interrupted,
  NO_ROOM_CODES,
  noRoom,
  notAResultFolder,
  notEnoughDisk,
  notMovedIntoPlace,
  partialExists,
  partialMarkerText,
} from './messages.js';
import { readManifest, readSummary } from './read-folder.js';
import { DEFAULT_SLAB_BYTES, recordBytes, RUNS_DIR, VALUES_FILE } from './run-store.js';
import { RUNS_FILE, writeRunsCsv } from './runs-csv.js';
import { type Summary, SUMMARY_JSON_FILE, summaryCollector, summaryJson } from './summary.js';
import { SUMMARY_MD_FILE, summaryMarkdown } from './summary-md.js';
import { TIMESERIES_FILE, writeTimeseriesCsv } from './timeseries-csv.js';

export interface WriteResultFolderOptions {
  /** The result folder to create (relative to the working folder, or absolute). */
  out: string;
  /** Replications, ≥ 1; default the scenario's `runs`. */
  runs?: number;
  /** Replace an existing `out` (only once the new folder is complete), or discard an unfinished `<out>.partial`. */
  force?: boolean;
  /**
   * Finish the interrupted run of this same scenario (sha256, runs, versions)
   * in `<out>.partial`, computing only the runs it lacks; with none there,
   * run from scratch (or, when `out` already holds this result, do nothing).
   */
  resume?: boolean;
  /** Stops between runs: `<out>.partial` is kept for `resume`, and InterruptedError is thrown. */
  signal?: AbortSignal;
  /** The scenario file as the user named it, for messages. */
  scenarioFile?: string;
  /** Recorded in the manifest, program name first; default `shakeout` and this process's arguments. */
  command?: readonly string[];
  /** After each run: (runs done, runs in total). */
  onProgress?: (done: number, total: number) => void;
  /** Default: one replication at a time on this thread. */
  executor?: ReplicationExecutor;
  /** Bytes of per-run values the aggregator holds at once; default DEFAULT_SLAB_BYTES (16 MiB). */
  budgetBytes?: number;
  /** The caller draws the charts into `<out>/charts` afterwards: the disk check counts them. */
  charts?: boolean;
}

export interface WrittenResult {
  /** `out`, absolute. */
  dir: string;
  manifest: Manifest;
  summary: Summary;
  /** Runs taken over from an interrupted run (`resume`). */
  reused: number;
  /** `resume` found `out` already holding this result: nothing was run or written. */
  alreadyComplete: boolean;
}

/** Passes rows through, showing each to `see` on the way. */
async function* tap<T>(rows: AsyncIterable<T>, see: (row: T) => void): AsyncGenerator<T> {
  for await (const row of rows) {
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

/** The command that finishes this run: its own, with `--resume`. */
function resumeCommand(command: readonly string[]): string {
  return commandLine(command.includes('--resume') ? command : [...command, '--resume']);
}

function partialRecord(compiled: CompiledScenario, runs: number, force: boolean, command: readonly string[]): PartialRecord {
  const { scenario } = compiled;
  return {
    format: PARTIAL_FORMAT,
    shakeoutVersion: shakeoutVersion(),
    nodeVersion: process.version,
    scenarioSha256: sha256Hex(canonicalJson(scenario)),
    scenarioName: scenario.name ?? null,
    seed: scenario.seed,
    runs,
    months: compiled.months,
    force,
    command: [...command],
    createdAt: new Date().toISOString(),
  };
}

/** What a sealed folder's manifest says about the run that made it, for comparing with a resume. */
type RunIdentity = Pick<PartialRecord, 'scenarioSha256' | 'runs' | 'seed' | 'months' | 'shakeoutVersion' | 'nodeVersion'>;

function recordOfManifest(dir: string): (RunIdentity & { force: boolean }) | null {
  try {
    const m = readManifest(dir);
    return {
      scenarioSha256: m.scenarioSha256,
      runs: m.runs,
      seed: m.seed,
      months: m.months,
      shakeoutVersion: m.shakeoutVersion,
      nodeVersion: m.nodeVersion,
      force: m.command.includes('--force'),
    };
  } catch {
    return null;
  }
}

const nodeMajor = (version: string) => version.replace(/^v/, '').split('.')[0];

/** Why the run recorded in `theirs` is not the run `ours` asks for, or null when it is. */
function difference(theirs: RunIdentity | null, ours: PartialRecord): string | null {
  if (!theirs) return 'it does not say which run it is (resume.json and manifest.json are missing or damaged)';
  if (theirs.runs !== ours.runs) return `it has ${theirs.runs} runs and this command asks for ${ours.runs}`;
  if (theirs.seed !== ours.seed) return `it has seed ${theirs.seed} and this command has ${ours.seed}`;
  if (theirs.months !== ours.months) return `it has ${theirs.months} months and this command has ${ours.months}`;
  if (theirs.scenarioSha256 !== ours.scenarioSha256)
    return `it is a run of another scenario (sha256 ${String(theirs.scenarioSha256).slice(0, 12)}…, this one is ${ours.scenarioSha256.slice(0, 12)}…): the file or a base it extends changed`;
  if (theirs.shakeoutVersion !== ours.shakeoutVersion) return `it was started by shakeout ${theirs.shakeoutVersion}, and this is ${ours.shakeoutVersion}`;
  if (nodeMajor(theirs.nodeVersion) !== nodeMajor(ours.nodeVersion))
    return `it was started with Node.js ${theirs.nodeVersion}, and this is ${ours.nodeVersion} (results are byte-identical only within one major version)`;
  return null;
}

/** `out`, when it is a complete result of exactly the run `record` describes. */
function completeResult(out: string, record: PartialRecord): { manifest: Manifest; summary: Summary } | null {
  const theirs = recordOfManifest(out);
  if (!theirs || difference(theirs, record)) return null;
  try {
    const manifest = readManifest(out);
    if (!manifest.files.every((f) => existsSync(join(out, f)))) return null;
    return { manifest, summary: readSummary(out, manifest) };
  } catch {
    return null;
  }
}

/**
 * Bytes of the standard charts (viz/draw.ts), generously: a fixed part per
 * chart (its PNG, PDF, SVG and spec: 1.0 MB for all six of the shipped
 * 2024 scenario over 24 months, PNG at the default scale) and a part that
 * grows with the points drawn (the specs hold the rows they chart).
 */
export function chartsBytes(months: number, metrics: number): number {
  return 6 * 256 * 1024 + (months + 1) * metrics * 100;
}

/** Bytes a run writes under `out`: the per-run values not yet written, the tables, and the charts when drawn. */
export function diskNeeded(compiled: CompiledScenario, runs: number, written: number, charts: boolean): number {
  const metrics = compiled.metricNames.length;
  const values = recordBytes({ metrics: compiled.metricNames, months: compiled.months, runs, start: compiled.start }) * runs;
  // The text files: ~120 bytes per timeseries row, ~16 per runs.csv cell; and the aggregation's
  // scratch copy of the values while they are read slab by slab (run-store.ts, SCRATCH_FILE).
  const tables = metrics * compiled.months * 120 + runs * metrics * 16;
  const scratch = values > DEFAULT_SLAB_BYTES ? values : 0;
  return values - written + scratch + tables + (charts ? chartsBytes(compiled.months, metrics) : 0);
}

/** Refuses up front when the disk under `out` cannot hold what the run will write. */
function assertDiskSpace(out: string, compiled: CompiledScenario, runs: number, resuming: boolean, charts: boolean): void {
  const written = resuming ? (statSync(join(partialPath(out), RUNS_DIR, VALUES_FILE), { throwIfNoEntry: false })?.size ?? 0) : 0;
  const needed = diskNeeded(compiled, runs, written, charts);
  let dir = dirname(out);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  let free: number;
  try {
    const fs = statfsSync(dir);
    free = fs.bavail * fs.bsize;
  } catch {
    return; // no statfs here: the writes will say so if the disk fills
  }
  if (needed > free) throw new UsageError(notEnoughDisk(out, formatBytes(needed), formatBytes(free), charts));
}

/**
 * Runs the ensemble and writes the complete result folder `options.out`.
 * Throws UsageError (nothing written) when `out` exists without `force`,
 * holds anything but a sealed result (never replaced, ownership.ts) or is
 * the root of a file system, an unfinished run is in the way, an
 * expectation names an unknown metric or a month outside the run, or the
 * run cannot fit in memory or on the disk;
 * InterruptedError when `signal` stops it (`<out>.partial` is kept).
 */
export async function writeResultFolder(
  compiled: CompiledScenario,
  options: WriteResultFolderOptions,
): Promise<WrittenResult> {
  const began = performance.now();
  const out = folderPath(options.out);
  const { runs = compiled.scenario.runs, force = false, resume = false } = options;
  const command = options.command ?? ['shakeout', ...process.argv.slice(2)];
  const executor = options.executor ?? inlineExecutor(compiled);
  const partial = partialPath(out);
  const record = partialRecord(compiled, runs, force, command);
  const resumeLine = resumeCommand(command);

  // ---- checks: nothing is created or changed before they pass ----
  let resuming = false;
  let replace = force;
  try {
    assertTarget(out);
    recoverSwap(out);
    // Before anything is discarded: a file or a folder of the user's at `out` is never replaced, so the run could not end.
    assertNotForeign(out);
    const expectations = resolveExpectations(compiled);
    assertResources(compiled.scenario, { workers: executor.concurrency, runs, file: options.scenarioFile });
    const state = inspectPartial(out);
    if (resume && state.kind === 'none') {
      const done = completeResult(out, record);
      if (done) {
        await executor.close();
        return { dir: out, ...done, reused: runs, alreadyComplete: true };
      }
    }
    if (state.kind === 'unfinished' || state.kind === 'complete') {
      if (resume) {
        const theirs = state.kind === 'unfinished' && state.record ? state.record : recordOfManifest(state.dir);
        const why = difference(theirs, record);
        if (why) throw new UsageError(cannotResume(partial, why));
        replace = force || !!theirs?.force;
        if (state.kind === 'complete') {
          // Finished and sealed, killed before its rename (recoverSwap moved it in if `out` was free).
          commitPartial(partial, out, replace);
          const done = completeResult(out, record);
          if (!done) throw new UsageError(notAResultFolder(out));
          await executor.close();
          return { dir: out, ...done, reused: runs, alreadyComplete: false };
        }
        claimPartial(out);
        resuming = true;
      } else {
        if (!force) throw new UsageError(partialExists(partial, resumeLine));
        claimPartial(out);
        removePartial(out);
      }
    }
    assertWritable(out, replace);
    assertDiskSpace(out, compiled, runs, resuming, !!options.charts);
    return await build(expectations);
  } catch (e) {
    await executor.close().catch(() => {});
    throw fileSystemError(e, out);
  }

  async function build(expectations: ReturnType<typeof resolveExpectations>): Promise<WrittenResult> {
    let created = false;
    let sealed = false;
    let done = 0;
    try {
      if (!resuming) {
        createPartial(out, record, partialMarkerText(out, resumeLine, record.scenarioName ?? 'unnamed', runs, record.createdAt));
        created = true;
      }
      let reused = -1;
      const store = await runEnsemble(compiled, {
        runs,
        dir: partial,
        resume: resuming,
        signal: options.signal,
        scenarioFile: options.scenarioFile,
        executor,
        onProgress: (d, total) => {
          if (reused < 0) reused = resuming ? d : 0;
          done = d;
          options.onProgress?.(d, total);
        },
      });
      done = runs;
      const { scenario } = compiled;
      const collector = summaryCollector(compiled.metricNames, {
        scenario: scenario.name ?? null,
        seed: scenario.seed,
        runs,
        months: compiled.months,
        start: compiled.start,
      });
      // From here to the seal, `signal` is checked between blocks of the values file (run-store.ts).
      const { signal } = options;
      const rows = aggregate(store, { budgetBytes: options.budgetBytes, signal });
      await writeTimeseriesCsv(join(partial, TIMESERIES_FILE), tap(rows, collector.take));
      await writeRunsCsv(join(partial, RUNS_FILE), store, { signal });
      const columns = await store.cells(expectations.map((e) => e.cell), { signal });
      const summary = collector.build(evaluateExpectations(expectations, () => columns));
      writeFileAtomic(join(partial, SUMMARY_JSON_FILE), summaryJson(summary));
      writeFileAtomic(join(partial, SUMMARY_MD_FILE), summaryMarkdown(summary));
      const manifest = buildManifest({
        scenario,
        runs,
        months: compiled.months,
        start: compiled.start,
        command,
        wallTimeSeconds: (performance.now() - began) / 1000,
        files: listFiles(partial).filter((f) => !BOOKKEEPING.has(f)),
      });
      writeFileAtomic(join(partial, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
      // The last moment a signal keeps the folder unsealed, for --resume.
      if (signal?.aborted) throw new InterruptedError('interrupted', signalName(signal), runs, runs);
      sealPartial(partial);
      sealed = true;
      try {
        commitPartial(partial, out, replace);
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        throw new UsageError(appeared(out, partial));
      }
      return { dir: out, manifest, summary, reused: Math.max(0, reused), alreadyComplete: false };
    } catch (e) {
      // A sealed folder is a finished result: never thrown away.
      if (sealed) {
        const code = fileSystemCode(e);
        throw code ? new UsageError(notMovedIntoPlace(out, partial, code)) : e;
      }
      if (e instanceof InterruptedError) {
        releasePartial(partial);
        throw new InterruptedError(interrupted(e.signal, e.done, e.runs, partial, resumeLine), e.signal, e.done, e.runs);
      }
      const code = fileSystemCode(e);
      if (code && NO_ROOM_CODES.has(code) && existsSync(partial)) {
        releasePartial(partial);
        throw new UsageError(noRoom(out, code, done, runs, partial, resumeLine));
      }
      // Anything else cannot be finished by running again: do not leave a folder to resume.
      if (created || resuming) rmSync(partial, { recursive: true, force: true });
      throw e;
    }
  }
}

const signalName = (signal: AbortSignal) => (typeof signal.reason === 'string' ? signal.reason : 'SIGINT');

/** Files of `<out>.partial` that are not part of the result (folder-swap.ts), left out of the manifest. */
const BOOKKEEPING: ReadonlySet<string> = new Set(['PARTIAL', 'resume.json', 'lock', 'runs/done']);

export { readResultFolder, type ResultFolder } from './read-folder.js';
