/**
 * Putting a finished result folder in place, and keeping an unfinished one
 * so that `--resume` can complete it. Beside the target `<out>`:
 *
 *   <out>.partial              the folder being built, until it is complete:
 *     PARTIAL                  says what the folder is and how to finish it
 *     resume.json              which run it is (scenario sha256, runs, versions)
 *     lock                     the process writing it ({pid, host})
 *   <out>.partial.tmp-<pid>    where <out>.partial is staged, so that it never
 *                              exists without its marker
 *   <out>.old-<pid>            the folder --force replaces, for the instant
 *                              between the two renames of the swap, and
 *                              while it is deleted (manifest first)
 *
 * Everything is a sibling of `<out>` (same file system: renames are atomic).
 * Sealing order: manifest.json written → resume.json and lock removed →
 * PARTIAL removed → renamed to `<out>`. So at every instant a folder without
 * a PARTIAL marker is complete, and a reader never sees half a result.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { MANIFEST_FILE } from './manifest.js';
import { folderExists, partialLocked, partialUnknown } from './messages.js';
import { DONE_FILE, RUNS_DIR } from './run-store.js';

export const PARTIAL_MARKER = 'PARTIAL';
export const RESUME_FILE = 'resume.json';
export const LOCK_FILE = 'lock';
export const PARTIAL_FORMAT = 'shakeout-partial/1';

/** `out` without trailing separators, so that `<out>.partial` is a sibling, not a child. */
export function folderPath(out: string): string {
  return out.replace(/(?<=.)[\\/]+$/, '');
}

/** The sibling folder a result for `out` is built in. */
export function partialPath(out: string): string {
  return `${out}.partial`;
}

/** Throws the --force hint when `out` exists and may not be replaced. */
export function assertWritable(out: string, force: boolean): void {
  if (!force && existsSync(out)) throw new UsageError(folderExists(out));
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
  /** PARTIAL present: runs may be missing. `record` is null when resume.json is already gone (sealing). */
  | { kind: 'unfinished'; dir: string; record: PartialRecord | null }
  /** No PARTIAL, a manifest: finished, killed before its rename. */
  | { kind: 'complete'; dir: string }
  /** Neither: not something shakeout made. */
  | { kind: 'unknown'; dir: string };

function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** What is at `<out>.partial`. */
export function inspectPartial(out: string): PartialState {
  const dir = partialPath(out);
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return existsSync(dir) ? { kind: 'unknown', dir } : { kind: 'none' };
  if (existsSync(join(dir, PARTIAL_MARKER))) {
    const record = readJson<PartialRecord>(join(dir, RESUME_FILE));
    return { kind: 'unfinished', dir, record: record?.format === PARTIAL_FORMAT ? record : null };
  }
  return existsSync(join(dir, MANIFEST_FILE)) ? { kind: 'complete', dir } : { kind: 'unknown', dir };
}

interface Lock {
  pid: number;
  host: string;
}

/** Whether the process that wrote `lock` may still be running (another host: assume so). */
function alive(lock: Lock): boolean {
  if (lock.host !== hostname()) return true;
  if (lock.pid === process.pid) return false;
  try {
    process.kill(lock.pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

function lockText(): string {
  return JSON.stringify({ pid: process.pid, host: hostname() } satisfies Lock) + '\n';
}

/**
 * Makes this process the writer of `<out>.partial`.
 * @throws UsageError while another live process holds its lock
 */
export function claimPartial(out: string): void {
  const dir = partialPath(out);
  const path = join(dir, LOCK_FILE);
  const held = readJson<Lock>(path);
  if (held && typeof held.pid === 'number' && alive(held)) {
    throw new UsageError(partialLocked(dir, held.pid, held.host, held.host === hostname()));
  }
  rmSync(path, { force: true });
  let fd: number;
  try {
    // Exclusive: of two processes claiming a stale lock at once, one wins.
    fd = openSync(path, 'wx');
  } catch (e) {
    if ((e as { code?: string }).code !== 'EEXIST') throw e;
    const other = readJson<Lock>(path);
    throw new UsageError(partialLocked(dir, other?.pid ?? 0, other?.host ?? hostname(), true));
  }
  try {
    writeSync(fd, lockText());
  } finally {
    closeSync(fd);
  }
  removeTemporaries(dir);
}

/**
 * Deletes the temporary files of atomic writes (`<name>.tmp-<pid>`,
 * atomic-write.ts) a killed process left in `dir`: whoever holds the lock
 * is the only writer, so none of them will ever be renamed into place.
 */
function removeTemporaries(dir: string): void {
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && /\.tmp-\d+$/.test(entry.name)) rmSync(join(entry.parentPath, entry.name), { force: true });
  }
}

/** Gives up the lock of `partial` (an interrupted run leaves the folder to whoever resumes it). */
export function releasePartial(partial: string): void {
  const path = join(partial, LOCK_FILE);
  const held = readJson<Lock>(path);
  if (held?.pid === process.pid && held.host === hostname()) rmSync(path, { force: true });
}

/** Deletes `<out>.partial` (the caller has claimed it). */
export function removePartial(out: string): void {
  rmSync(partialPath(out), { recursive: true, force: true });
}

/**
 * Creates `<out>.partial` holding its marker, `record` and this process's
 * lock, all at once: they are written in a staging folder that is then
 * renamed. Creates the parent folders of `out` as needed.
 * @throws UsageError when another process created `<out>.partial` meanwhile
 */
export function createPartial(out: string, record: PartialRecord, marker: string): string {
  const partial = partialPath(out);
  const staging = `${partial}.tmp-${process.pid}`;
  mkdirSync(dirname(out), { recursive: true });
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  try {
    writeFileAtomic(join(staging, PARTIAL_MARKER), marker);
    writeFileAtomic(join(staging, RESUME_FILE), JSON.stringify(record, null, 2) + '\n');
    writeFileAtomic(join(staging, LOCK_FILE), lockText());
    renameSync(staging, partial);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    const code = (e as { code?: string }).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') {
      const held = readJson<Lock>(join(partial, LOCK_FILE));
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
 * without `force`; with it, the old folder is moved aside, the new one moved
 * in, then the old one deleted (restored if the move in fails).
 */
export function commitPartial(partial: string, out: string, force: boolean): void {
  if (!existsSync(out)) {
    try {
      renameSync(partial, out);
      return;
    } catch (e) {
      // Someone created `out` since we looked: fall through to the rules below.
      if (!existsSync(out)) throw e;
    }
  }
  if (!force) throw new UsageError(folderExists(out));
  const aside = `${out}.old-${process.pid}`;
  rmSync(aside, { recursive: true, force: true });
  renameSync(out, aside);
  try {
    renameSync(partial, out);
  } catch (e) {
    renameSync(aside, out);
    throw e;
  }
  discard(aside);
}

/**
 * Deletes a replaced result folder, its manifest first: a folder killed
 * half-deleted no longer looks complete.
 */
function discard(dir: string): void {
  rmSync(join(dir, MANIFEST_FILE), { force: true });
  rmSync(dir, { recursive: true, force: true });
}

/** Sibling folders `<out><suffix><pid>` of processes no longer running, with their paths. */
function deadSiblings(out: string, suffix: string): string[] {
  const parent = dirname(out);
  const prefix = basename(out) + suffix;
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(prefix) && /^\d+$/.test(n.slice(prefix.length)))
    .filter((n) => !alive({ pid: Number(n.slice(prefix.length)), host: hostname() }))
    .map((n) => join(parent, n));
}

/**
 * Repairs what a process killed in the middle of putting `<out>` in place
 * left behind: a staging folder is deleted; a folder moved aside by --force
 * goes back to `<out>` unless the finished folder that replaces it is there
 * (then that one is moved in); a finished `<out>.partial` with no `<out>` is
 * moved in. Run before anything else looks at `<out>`.
 * @throws UsageError when `<out>.partial` is something shakeout did not make
 */
export function recoverSwap(out: string): void {
  for (const staging of deadSiblings(out, '.partial.tmp-')) rmSync(staging, { recursive: true, force: true });
  const state = inspectPartial(out);
  if (state.kind === 'unknown') throw new UsageError(partialUnknown(state.dir));
  for (const aside of deadSiblings(out, '.old-')) {
    if (!existsSync(out)) {
      if (state.kind === 'complete' && !existsSync(out)) renameSync(state.dir, out);
      else renameSync(aside, out);
    }
    if (existsSync(aside)) discard(aside);
  }
  if (state.kind === 'complete' && existsSync(state.dir) && !existsSync(out)) renameSync(state.dir, out);
}
