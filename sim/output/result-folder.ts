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
 * manifest → seal and rename into place (folder-swap.ts).
 *
 * What is kept when it goes wrong (`failure`): an interruption (signal) or
 * a full disk keeps `<out>.partial` for `--resume`; any other failure
 * removes it. An existing `<out>` is never touched until the new folder
 * replaces it.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { InterruptedError, UsageError } from '../errors.js';
import type { Scenario } from '../scenario/schema.js';
import { writeFileAtomic } from './atomic-write.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import {
  assertNotForeign,
  assertTarget,
  assertWritable,
  claimPartial,
  commitPartial,
  createPartial,
  inspectPartial,
  PARTIAL_FORMAT,
  type PartialRecord,
  partialPath,
  recoverSwap,
  releasePartial,
  removePartial,
  sealPartial,
} from './folder-swap.js';
import { buildManifest, buildProvenance, MANIFEST_FILE, type Manifest, shakeoutVersion } from './manifest.js';
import { fileSystemCode } from './fs-error.js';
import {
  appeared,
  cannotResume,
  commandLine,
  interrupted,
  NO_ROOM_CODES,
  noRoom,
  notAResultFolder,
  notMovedIntoPlace,
  partialExists,
  partialMarkerText,
} from './messages.js';
import { readManifest, readSummary } from './read-folder.js';
import type { ExpectationResult, TimeseriesRow } from './result-types.js';
import type { RunStoreReader } from './run-store.js';
import { RUNS_FILE, writeRunsCsv } from './runs-csv.js';
import { RUNS_PARQUET_FILE, writeRunsParquet } from './runs-parquet.js';
import { type Summary, SUMMARY_JSON_FILE, summaryCollector, summaryJson } from './summary.js';
import { SUMMARY_MD_FILE, summaryMarkdown } from './summary-md.js';
import { TIMESERIES_FILE, writeTimeseriesCsv } from './timeseries-csv.js';

/** What a result folder records of the run that fills it (a compiled scenario is one). */
export interface RunOfScenario {
  readonly scenario: Scenario;
  /** Metric names in column order. */
  readonly metricNames: readonly string[];
  readonly months: number;
  /** `YYYY-MM` of t = 0. */
  readonly start: string;
}

/** Passes rows through, showing each to `see` on the way. */
async function* tap<T>(rows: AsyncIterable<T>, see: (row: T) => void): AsyncGenerator<T> {
  for await (const row of rows) {
    see(row);
    yield row;
  }
}

/** Every file under `dir`, relative, `/`-separated. */
export function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)).split(sep).join('/'));
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

/** What a sealed folder's manifest says about the run that made it, for comparing with a resume. */
export type RunIdentity = Pick<PartialRecord, 'scenarioSha256' | 'runs' | 'seed' | 'months' | 'shakeoutVersion' | 'nodeVersion'>;

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
export function difference(theirs: RunIdentity | null, ours: PartialRecord): string | null {
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
  const { resume, force, resumeLine } = options;
  const partial = partialPath(out);
  let resuming = false;
  let replace = force;
  const state = inspectPartial(out);
  if (resume && state.kind === 'none') {
    const done = completeResult(out, record);
    if (done) return { kind: 'done', ...done, alreadyComplete: true };
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
        return { kind: 'done', ...done, alreadyComplete: false };
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
  return { kind: 'open', resuming, replace };
}

export interface FinishOptions {
  run: RunOfScenario;
  runs: number;
  /** The aggregated rows, in store order (timeseries.csv). */
  rows: AsyncIterable<TimeseriesRow>;
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
  const partial = partialPath(out);
  const { resuming, replace } = claim;
  let created = false;
  let sealed = false;
  return {
    partial,
    create() {
      if (!resuming) {
        createPartial(out, record, partialMarkerText(out, resumeLine, record.scenarioName ?? 'unnamed', record.runs, record.createdAt));
        created = true;
      }
    },
    async finish({ run, runs, rows, store, expectations, command, began, signal }) {
      const { scenario } = run;
      const collector = summaryCollector(run.metricNames, {
        scenario: scenario.name ?? null,
        seed: scenario.seed,
        runs,
        months: run.months,
        start: run.start,
      });
      // From here to the seal, `signal` is checked between blocks of the values file (run-store.ts).
      await writeTimeseriesCsv(join(partial, TIMESERIES_FILE), tap(rows, collector.take));
      const csvScenario = {
        name: scenario.name ?? null,
        seed: scenario.seed,
        classes: Object.keys(scenario.classes),
        expectations: scenario.expect,
      };
      await writeRunsCsv(join(partial, RUNS_FILE), store, csvScenario, { signal });
      const provenance = buildProvenance({ scenario, runs, months: run.months, start: run.start });
      await writeRunsParquet(join(partial, RUNS_PARQUET_FILE), store, provenance, { signal });
      const summary = collector.build(await expectations());
      writeFileAtomic(join(partial, SUMMARY_JSON_FILE), summaryJson(summary));
      writeFileAtomic(join(partial, SUMMARY_MD_FILE), summaryMarkdown(summary));
      const manifest = buildManifest({
        scenario,
        runs,
        months: run.months,
        start: run.start,
        command,
        wallTimeSeconds: (performance.now() - began) / 1000,
        // A manifest.json from an attempt interrupted after writing it is rewritten here, not listed.
        files: listFiles(partial).filter((f) => !BOOKKEEPING.has(f) && f !== MANIFEST_FILE),
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
      return { manifest, summary };
    },
    failure(e, done, runs) {
      // A sealed folder is a finished result: never thrown away.
      if (sealed) {
        const code = fileSystemCode(e);
        return code ? new UsageError(notMovedIntoPlace(out, partial, code)) : e;
      }
      if (e instanceof InterruptedError) {
        releasePartial(partial);
        return new InterruptedError(interrupted(e.signal, e.done, e.runs, partial, resumeLine), e.signal, e.done, e.runs);
      }
      const code = fileSystemCode(e);
      if (code && NO_ROOM_CODES.has(code) && existsSync(partial)) {
        releasePartial(partial);
        return new UsageError(noRoom(out, code, done, runs, partial, resumeLine));
      }
      // Anything else cannot be finished by running again: do not leave a folder to resume.
      if (created || resuming) rmSync(partial, { recursive: true, force: true });
      return e;
    },
  };
}

const signalName = (signal: AbortSignal) => (typeof signal.reason === 'string' ? signal.reason : 'SIGINT');

/** Files of `<out>.partial` that are not part of the result (folder-swap.ts), left out of the manifest. */
export const BOOKKEEPING: ReadonlySet<string> = new Set(['PARTIAL', 'resume.json', 'lock', 'runs/done']);

export { readResultFolder, type ResultFolder } from './read-folder.js';
