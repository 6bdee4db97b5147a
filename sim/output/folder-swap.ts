/**
 * Putting a finished result folder in place, and keeping an unfinished one
 * so that `--resume` can complete it. Beside the target `<out>` (an
 * absolute path, folderPath):
 *
 *   <out>.partial              the folder being built, until it is complete:
 *     PARTIAL                  says what the folder is and how to finish it
 *     resume.json              which run it is (scenario sha256, runs, versions)
 *     lock                     the process writing it (an owner record, ownership.ts)
 *   <out>.partial.tmp-<pid>    where <out>.partial is staged, so that it never
 *                              exists without its marker
 *   <out>.old-<pid>            holds, as `result/`, the folder --force replaces,
 *                              for the instant between the two renames of the
 *                              swap, and while it is deleted (manifest first)
 *
 * The staging and set-aside folders hold an owner record (`lock`: this
 * process, host and target) from the moment they are made, before anything
 * else goes in. The next run repairs or removes only the folders whose
 * record proves them leftovers of a dead process for the same `<out>`; a
 * sibling whose name merely looks like one (`res.old-2023`, a backup) is
 * never touched. `--force` replaces only a sealed result (ownership.ts).
 *
 * Everything is a sibling of `<out>` (same file system: renames are atomic).
 * Sealing order: manifest.json written → resume.json and lock removed →
 * PARTIAL removed → renamed to `<out>`. So at every instant a folder without
 * a PARTIAL marker is complete, and a reader never sees half a result. A
 * run killed between the first two steps leaves a marked folder without
 * resume.json, whose manifest says what it is: `--resume` finishes its seal
 * (claimCollection, collection-folder.ts).
 */
import { closeSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { MANIFEST_FILE } from './manifest.js';
import { fileSystemRoot, folderExists, mountPoint, notReplaceable, partialLocked, partialUnknown } from './messages.js';
import {
  createOwnedFolder,
  isFileSystemRoot,
  isMountPoint,
  isSealedResult,
  isUnfinishedRun,
  occupant,
  OWNER_FILE,
  ownedLeftovers,
  ownerText,
  PARTIAL_MARKER,
  present,
  processAlive,
  readSmallFile,
  removeOwned,
  stillbornLeftovers,
} from './ownership.js';
import { DONE_FILE, RUNS_DIR } from './run-store.js';

export { PARTIAL_MARKER } from './ownership.js';
export const RESUME_FILE = 'resume.json';
export const LOCK_FILE = OWNER_FILE;
export const PARTIAL_FORMAT = 'shakeout-partial/1';
/** Inside `<out>.old-<pid>`: the folder being replaced. */
const ASIDE_RESULT = 'result';

/**
 * `out` as an absolute, normalised path (no trailing separator), so that
 * `<out>.partial` and `<out>.old-<pid>` are siblings: `.` is the folder it
 * names, not a name to append to.
 */
export function folderPath(out: string): string {
  return resolve(out);
}

/** The sibling folder a result for `out` is built in. */
export function partialPath(out: string): string {
  return `${out}.partial`;
}

/** Refuses a target no folder can be put beside: the root of a file system. */
export function assertTarget(out: string): void {
  if (isFileSystemRoot(out)) throw new UsageError(fileSystemRoot(out));
}

/** The sealed folder a command makes, and so may replace: `run`'s result, `compare`'s comparison, `sweep`'s sweep, `sensitivity`'s analysis, `calibrate`'s calibration, a shard of any of the first four. */
export type SealedOccupant = 'a result' | 'a comparison' | 'a sweep' | 'a sensitivity analysis' | 'a calibration' | 'a shard';

/** Refuses an `out` that holds something other than a sealed folder of the `kind` this command makes (a file, a link, any other folder). */
export function assertNotForeign(out: string, kind: SealedOccupant = 'a result'): void {
  const what = occupant(out);
  if (what !== 'nothing' && what !== kind) throw new UsageError(notReplaceable(out, what, kind));
}

/**
 * Refuses an `out` that may not be replaced: anything there but a sealed
 * result (a file, a link, any other folder), with or without `force`; a
 * result without `force`; a result that is a mount point (it cannot be
 * renamed aside).
 */
export function assertWritable(out: string, force: boolean, kind: SealedOccupant = 'a result'): void {
  const what = occupant(out);
  if (what === 'nothing') return;
  if (what !== kind) throw new UsageError(notReplaceable(out, what, kind));
  if (!force) throw new UsageError(folderExists(out));
  if (isMountPoint(out)) throw new UsageError(mountPoint(out));
}

/** What an unfinished run is (resume.json): a resume must be the same run. */
export interface PartialRecord {
  format: typeof PARTIAL_FORMAT;
  shakeoutVersion: string;
  /** `process.version` of the process that started it: outputs are byte-identical within a Node.js major. */
  nodeVersion: string;
  /** Of the resolved scenario, flags applied (as manifest.json's). */
  scenarioSha256: string;
  scenarioName: string | null;
  seed: number | string;
  runs: number;
  months: number;
  /** Started with --force: it may replace an existing `<out>`. */
  force: boolean;
  command: string[];
  createdAt: string;
}

export type PartialState =
  | { kind: 'none' }
  /** A PARTIAL marker of shakeout's: runs may be missing. `record` is null when resume.json is already gone (sealing). */
  | { kind: 'unfinished'; dir: string; record: PartialRecord | null }
  /** A sealed result (ownership.ts): finished, killed before its rename. */
  | { kind: 'complete'; dir: string }
  /** Neither: not something shakeout made. */
  | { kind: 'unknown'; dir: string };

function readJson<T>(path: string): T | null {
  const text = readSmallFile(path, 1 << 20);
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/** What is at `<out>.partial`. */
export function inspectPartial(out: string): PartialState {
  const dir = partialPath(out);
  if (!present(dir)) return { kind: 'none' };
  if (isUnfinishedRun(dir)) {
    const record = readJson<PartialRecord>(join(dir, RESUME_FILE));
    return { kind: 'unfinished', dir, record: record?.format === PARTIAL_FORMAT ? record : null };
  }
  return isSealedResult(dir) ? { kind: 'complete', dir } : { kind: 'unknown', dir };
}

/** Who holds a lock: the owner record, or the `{pid, host}` of earlier versions. */
interface Lock {
  pid: number;
  host: string;
}

function readLock(path: string): Lock | null {
  const held = readJson<Partial<Lock>>(path);
  return held && Number.isSafeInteger(held.pid) ? { pid: held.pid!, host: typeof held.host === 'string' ? held.host : hostname() } : null;
}

/**
 * Makes this process the writer of `<out>.partial`.
 * @throws UsageError while another live process holds its lock
 */
export function claimPartial(out: string): void {
  const dir = partialPath(out);
  const path = join(dir, LOCK_FILE);
  const held = readLock(path);
  if (held && processAlive(held.pid, held.host)) {
    throw new UsageError(partialLocked(dir, held.pid, held.host, held.host === hostname()));
  }
  rmSync(path, { force: true });
  let fd: number;
  try {
    // Exclusive: of two processes claiming a stale lock at once, one wins.
    fd = openSync(path, 'wx');
  } catch (e) {
    if ((e as { code?: string }).code !== 'EEXIST') throw e;
    const other = readLock(path);
    throw new UsageError(partialLocked(dir, other?.pid ?? 0, other?.host ?? hostname(), true));
  }
  try {
    writeSync(fd, ownerText('partial', out, dir));
  } finally {
    closeSync(fd);
  }
  removeTemporaries(dir);
}

/**
 * Deletes the temporary files of atomic writes (`<name>.tmp-<pid>`,
 * atomic-write.ts) a killed process left in `dir`: `dir` is an unfinished
 * run whose lock this process holds, so none of them will ever be renamed
 * into place.
 */
function removeTemporaries(dir: string): void {
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && /\.tmp-\d+$/.test(entry.name)) rmSync(join(entry.parentPath, entry.name), { force: true });
  }
}

/** Gives up the lock of `partial` (an interrupted run leaves the folder to whoever resumes it). */
export function releasePartial(partial: string): void {
  const path = join(partial, LOCK_FILE);
  const held = readLock(path);
  if (held?.pid === process.pid && held.host === hostname()) rmSync(path, { force: true });
}

/** Deletes `<out>.partial` (an unfinished run whose lock the caller has claimed). */
export function removePartial(out: string): void {
  rmSync(partialPath(out), { recursive: true, force: true });
}

/**
 * Creates `<out>.partial` holding its marker, `record` and this process's
 * lock, all at once: they are written in a staging folder, lock first,
 * that is then renamed. Creates the parent folders of `out` as needed.
 * @throws UsageError when another process created `<out>.partial` meanwhile
 */
export function createPartial(out: string, record: PartialRecord, marker: string): string {
  const partial = partialPath(out);
  mkdirSync(dirname(out), { recursive: true });
  const staging = createOwnedFolder(`${partial}.tmp`, 'partial', out);
  try {
    writeFileAtomic(join(staging, PARTIAL_MARKER), marker);
    writeFileAtomic(join(staging, RESUME_FILE), JSON.stringify(record, null, 2) + '\n');
    renameSync(staging, partial);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    const code = (e as { code?: string }).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') {
      const held = readLock(join(partial, LOCK_FILE));
      throw new UsageError(partialLocked(partial, held?.pid ?? 0, held?.host ?? hostname(), (held?.host ?? hostname()) === hostname()));
    }
    throw e;
  }
  return partial;
}

/**
 * Drops the resume bookkeeping, then the marker: from here on `partial` is
 * a complete result folder (its manifest already written).
 */
export function sealPartial(partial: string): void {
  rmSync(join(partial, RESUME_FILE), { force: true });
  rmSync(join(partial, LOCK_FILE), { force: true });
  rmSync(join(partial, RUNS_DIR, DONE_FILE), { force: true });
  rmSync(join(partial, PARTIAL_MARKER), { force: true });
}

/**
 * Renames the finished `partial` to `out`. An existing `out` is refused
 * unless it is a sealed result and `force` is set; then the old folder is
 * moved into a set-aside folder of this process's own, the new one moved
 * in, and the old one deleted (moved back if the move in fails).
 * @throws UsageError when `out` may not be replaced (the caller keeps `partial`)
 */
export function commitPartial(partial: string, out: string, force: boolean): void {
  if (!present(out)) {
    try {
      renameSync(partial, out);
      return;
    } catch (e) {
      // Someone created `out` since we looked: fall through to the rules below.
      if (!present(out)) throw e;
    }
  }
  if (!force || !isSealedResult(out)) throw new UsageError(folderExists(out));
  const aside = createOwnedFolder(`${out}.old`, 'aside', out);
  const old = join(aside, ASIDE_RESULT);
  try {
    renameSync(out, old);
  } catch (e) {
    removeOwned(aside);
    throw e;
  }
  try {
    renameSync(partial, out);
  } catch (e) {
    renameSync(old, out);
    removeOwned(aside);
    throw e;
  }
  discardAside(aside);
}

/**
 * Deletes a set-aside folder, the replaced result's manifest first (a
 * folder killed half-deleted no longer looks complete) and its owner
 * record last (it stays provably a leftover until it is gone).
 */
function discardAside(aside: string): void {
  rmSync(join(aside, ASIDE_RESULT, MANIFEST_FILE), { force: true });
  removeOwned(aside);
}

/**
 * Repairs what a process killed in the middle of putting `<out>` in place
 * left behind, touching only the folders it proves are such leftovers
 * (ownership.ts): a staging folder is deleted; a result set aside by
 * --force goes back to `<out>` unless the finished folder that replaces it
 * is there (then that one is moved in); a finished `<out>.partial` with no
 * `<out>` is moved in. Run before anything else looks at `<out>`.
 * @throws UsageError when `<out>.partial` is something shakeout did not make
 */
export function recoverSwap(out: string): void {
  const parent = dirname(out);
  const prefix = `${basename(out)}.`;
  const partialName = basename(partialPath(out));
  for (const staging of ownedLeftovers(parent, prefix, out, 'partial', partialName)) rmSync(staging, { recursive: true, force: true });
  for (const stillborn of stillbornLeftovers(parent, prefix, partialName)) rmSync(stillborn, { recursive: true, force: true });
  const state = inspectPartial(out);
  if (state.kind === 'unknown') throw new UsageError(partialUnknown(state.dir));
  for (const aside of ownedLeftovers(parent, prefix, out, 'aside', partialName)) {
    const old = join(aside, ASIDE_RESULT);
    if (!present(out)) {
      // Killed between the two renames of the swap: do the second, or undo the first.
      if (state.kind === 'complete' && present(state.dir)) renameSync(state.dir, out);
      else if (isSealedResult(old)) renameSync(old, out);
    }
    // A result still aside is deleted only once a result is in its place; half-deleted, it is finished off.
    if (isSealedResult(out) || !isSealedResult(old)) discardAside(aside);
  }
  if (state.kind === 'complete' && present(state.dir) && !present(out)) renameSync(state.dir, out);
}
