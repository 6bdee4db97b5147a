/**
 * What shakeout may replace, move or remove (docs/security.md, "Your files
 * are never removed"). Besides an unfinished run, only two kinds of folder:
 *
 *   a sealed result      a real folder (not a link) whose manifest.json is
 *                        shakeout's (RESULT_FORMAT, or COMPARISON_FORMAT for
 *                        a comparison, SWEEP_FORMAT for a sweep,
 *                        SENSITIVITY_FORMAT for a sensitivity analysis,
 *                        CALIBRATION_FORMAT for a calibration, SHARD_FORMAT
 *                        for a shard) and that has no PARTIAL marker: what
 *                        `run --force` (a result), `compare --force` (a
 *                        comparison), `sweep --force` (a sweep),
 *                        `sensitivity --force` (a sensitivity analysis),
 *                        `calibrate --force` (a calibration) and any of the
 *                        first four with `--shard` (a shard) may replace;
 *   a provable leftover  a folder holding an owner record (`lock`) with
 *                        shakeout's format tag, this host, a process that
 *                        no longer runs, the target it was made for and the
 *                        path it was made at (so one renamed or copied since
 *                        is not a leftover any more).
 *
 * An unfinished run (`<out>.partial`) is recognised by its PARTIAL marker,
 * whose text is shakeout's. A name proves nothing: `res.old-2023` beside
 * `res` is the user's, whatever it looks like. Names only narrow the search.
 */
import { closeSync, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CALIBRATION_FORMAT, COMPARISON_FORMAT, MANIFEST_FILE, RESULT_FORMAT, SENSITIVITY_FORMAT, SHARD_FORMAT, SWEEP_FORMAT } from './manifest.js';
import { PARTIAL_HEADLINE } from './messages.js';

export const PARTIAL_MARKER = 'PARTIAL';
/** The owner record of a folder shakeout made (for `<out>.partial`, also its writer's lock). */
export const OWNER_FILE = 'lock';
export const OWNER_FORMAT = 'shakeout-lock/1';

/**
 * What a folder with an owner record is: an unfinished run or the folder it
 * is staged in (`partial`), a result moved aside while --force replaces it
 * (`aside`), the temporaries of files written into a finished folder (`scratch`).
 */
export type OwnerRole = 'partial' | 'aside' | 'scratch';

export interface OwnerRecord {
  format: typeof OWNER_FORMAT;
  role: OwnerRole;
  pid: number;
  host: string;
  /** Absolute: the folder this one serves (`--out`, or the folder written into). */
  target: string;
  /** Absolute: where this folder was made. */
  path: string;
}

/** Largest owner record read (it holds two paths); larger is not one of ours. */
const OWNER_MAX_BYTES = 64 << 10;
/** Largest PARTIAL marker read (it quotes the command line). */
const MARKER_MAX_BYTES = 1 << 20;
/** Largest manifest.json read when deciding whether a folder is a result (a manifest holds the resolved scenario). */
const MANIFEST_MAX_BYTES = 64 << 20;

/** `lstat`, undefined when nothing is there: links are not followed. */
function entry(path: string) {
  return lstatSync(path, { throwIfNoEntry: false });
}

/** Whether anything (a dangling link included) is at `path`. */
export function present(path: string): boolean {
  return entry(path) !== undefined;
}

/** The text of regular file `path` (not through a link) when it has at most `max` bytes, else null. */
export function readSmallFile(path: string, max: number): string | null {
  if (!entry(path)?.isFile()) return null;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const size = fstatSync(fd).size;
    if (size > max) return null;
    const bytes = Buffer.alloc(size);
    let done = 0;
    while (done < size) {
      const n = readSync(fd, bytes, done, size - done, done);
      if (n === 0) break;
      done += n;
    }
    return bytes.subarray(0, done).toString('utf8');
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** What sealed shakeout folder `dir` is: a real folder, shakeout's manifest.json of either format, no PARTIAL marker. */
export function sealedKind(dir: string): 'result' | 'comparison' | 'sweep' | 'sensitivity analysis' | 'calibration' | 'shard' | null {
  if (!entry(dir)?.isDirectory() || present(join(dir, PARTIAL_MARKER))) return null;
  const text = readSmallFile(join(dir, MANIFEST_FILE), MANIFEST_MAX_BYTES);
  if (text === null) return null;
  try {
    const m = JSON.parse(text) as { format?: unknown; files?: unknown };
    if (!Array.isArray(m.files)) return null;
    const kinds = { [RESULT_FORMAT]: 'result', [COMPARISON_FORMAT]: 'comparison', [SWEEP_FORMAT]: 'sweep', [SENSITIVITY_FORMAT]: 'sensitivity analysis', [CALIBRATION_FORMAT]: 'calibration', [SHARD_FORMAT]: 'shard' } as const;
    return typeof m.format === 'string' && Object.hasOwn(kinds, m.format) ? kinds[m.format as keyof typeof kinds] : null;
  } catch {
    return null;
  }
}

/** Whether `dir` is a sealed shakeout folder (a result, a comparison, a sweep, a sensitivity analysis, a calibration, a shard): provably shakeout's own. */
export function isSealedResult(dir: string): boolean {
  return sealedKind(dir) !== null;
}

/** Whether `dir` is an unfinished shakeout run: a real folder whose PARTIAL marker is shakeout's text. */
export function isUnfinishedRun(dir: string): boolean {
  if (!entry(dir)?.isDirectory()) return false;
  return readSmallFile(join(dir, PARTIAL_MARKER), MARKER_MAX_BYTES)?.startsWith(PARTIAL_HEADLINE) ?? false;
}

/** What is at `path`, in the words of a message. */
export type Occupant = 'nothing' | 'a result' | 'a comparison' | 'a sweep' | 'a sensitivity analysis' | 'a calibration' | 'a shard' | 'a file' | 'a symbolic link' | 'an unfinished run' | 'a folder' | 'something else';

export function occupant(path: string): Occupant {
  const st = entry(path);
  if (!st) return 'nothing';
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFile()) return 'a file';
  if (!st.isDirectory()) return 'something else';
  const sealed = sealedKind(path);
  if (sealed) return `a ${sealed}`;
  if (isUnfinishedRun(path)) return 'an unfinished run';
  return 'a folder';
}

/** The owner record of folder `dir`, when it holds a well-formed one. */
export function readOwner(dir: string): OwnerRecord | null {
  const text = readSmallFile(join(dir, OWNER_FILE), OWNER_MAX_BYTES);
  if (text === null) return null;
  try {
    const r = JSON.parse(text) as Partial<OwnerRecord>;
    const wellFormed =
      r.format === OWNER_FORMAT &&
      (r.role === 'partial' || r.role === 'aside' || r.role === 'scratch') &&
      Number.isSafeInteger(r.pid) &&
      typeof r.host === 'string' &&
      typeof r.target === 'string' &&
      typeof r.path === 'string';
    return wellFormed ? (r as OwnerRecord) : null;
  } catch {
    return null;
  }
}

/** Whether process `pid` on `host` may still be running (another host: assume so; this process: no). */
export function processAlive(pid: number, host: string): boolean {
  if (host !== hostname()) return true;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/** The owner record of a folder this process makes at `path` for `target`. */
export function ownerText(role: OwnerRole, target: string, path: string): string {
  const record: OwnerRecord = { format: OWNER_FORMAT, role, pid: process.pid, host: hostname(), target: resolve(target), path: resolve(path) };
  return JSON.stringify(record) + '\n';
}

/**
 * Whether `dir` is a leftover of a `role` folder made for `target` by a
 * process of this host that no longer runs, at the path it still has: the
 * only folders, besides sealed results and unfinished runs, that shakeout
 * removes.
 */
export function isOwnedLeftover(dir: string, target: string, role: OwnerRole): boolean {
  if (!entry(dir)?.isDirectory()) return false;
  const r = readOwner(dir);
  return (
    r !== null && r.role === role && r.target === resolve(target) && r.path === resolve(dir) && r.host === hostname() && !processAlive(r.pid, r.host)
  );
}

/** Paths of the entries of `parent` named `<prefix>…`, other than `except` (none when `parent` cannot be read). */
function entriesNamed(parent: string, prefix: string, except?: string): string[] {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  return names.filter((n) => n.startsWith(prefix) && n !== except).map((n) => join(parent, n));
}

/** Entries of `parent` named `<prefix>…` (other than `except`) that are leftovers of `role` for `target`. */
export function ownedLeftovers(parent: string, prefix: string, target: string, role: OwnerRole, except?: string): string[] {
  return entriesNamed(parent, prefix, except).filter((p) => isOwnedLeftover(p, target, role));
}

/**
 * Folders named `<prefix>…-<pid>` (or `…-<pid>-<n>`, as createOwnedFolder
 * names them) after a process of this host that no longer runs, holding
 * nothing but at most the start of an owner record: a kill between the
 * folder's mkdir and its record's fsync leaves one. They hold no data, so
 * removing them loses nothing; without this rule they would stay forever,
 * never provably ours.
 */
export function stillbornLeftovers(parent: string, prefix: string, except?: string): string[] {
  return entriesNamed(parent, prefix, except).filter(isStillborn);
}

function isStillborn(dir: string): boolean {
  const m = /-(\d+)(?:-\d+)?$/.exec(basename(dir));
  if (m === null || !entry(dir)?.isDirectory()) return false;
  const pid = Number(m[1]);
  if (!Number.isSafeInteger(pid) || pid === process.pid || processAlive(pid, hostname())) return false;
  let inside: string[];
  try {
    inside = readdirSync(dir);
  } catch {
    return false;
  }
  if (inside.length === 0) return true;
  if (inside.length !== 1 || inside[0] !== OWNER_FILE) return false;
  const text = readSmallFile(join(dir, OWNER_FILE), OWNER_MAX_BYTES);
  // A complete record ends with a newline; isOwnedLeftover judges those.
  if (text === null || text.endsWith('\n')) return false;
  const head = `{"format":"${OWNER_FORMAT}"`;
  return head.startsWith(text) || text.startsWith(head);
}

/**
 * Creates a new folder `<base>-<pid>` (or `<base>-<pid>-<n>` when that name
 * is taken: nothing there is ever removed to make room) holding this
 * process's owner record, flushed to disk before anything else goes in.
 * Returns its path.
 */
export function createOwnedFolder(base: string, role: OwnerRole, target: string): string {
  for (let n = 0; ; n++) {
    const dir = n === 0 ? `${base}-${process.pid}` : `${base}-${process.pid}-${n}`;
    try {
      mkdirSync(dir);
    } catch (e) {
      if ((e as { code?: string }).code === 'EEXIST') continue;
      throw e;
    }
    try {
      writeOwner(dir, role, target);
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    return dir;
  }
}

/** Writes this process's owner record into `dir` (exclusively: an existing record is not overwritten). */
export function writeOwner(dir: string, role: OwnerRole, target: string): void {
  const fd = openSync(join(dir, OWNER_FILE), 'wx');
  try {
    const bytes = Buffer.from(ownerText(role, target, dir), 'utf8');
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Removes a folder shakeout owns: everything but its owner record, then
 * the record, then the folder, so that a kill half way leaves a folder that
 * is still provably a leftover.
 */
export function removeOwned(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return;
    throw e;
  }
  for (const name of names) if (name !== OWNER_FILE) rmSync(join(dir, name), { recursive: true, force: true });
  rmSync(join(dir, OWNER_FILE), { force: true });
  rmdirSync(dir);
}

/** Whether `path` is the root of its file system (`/`, `C:\`): no sibling can be made beside it. */
export function isFileSystemRoot(path: string): boolean {
  const absolute = resolve(path);
  return dirname(absolute) === absolute;
}

/** Whether folder `dir` is a mount point: on another device than its parent, so it cannot be renamed. */
export function isMountPoint(dir: string): boolean {
  const here = entry(dir);
  const parent = entry(dirname(resolve(dir)));
  return !!here && !!parent && here.dev !== parent.dev;
}

/**
 * The first link met going from folder `root` down to `path` (`path`
 * included, `root` excluded), or null: used before writing inside a
 * result folder, whose links may point anywhere. `path` outside `root`: null.
 */
export function linkBelow(root: string, path: string): string | null {
  const top = resolve(root);
  const rel = relative(top, resolve(path));
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return null;
  let at = top;
  for (const part of rel.split(sep)) {
    at = join(at, part);
    if (entry(at)?.isSymbolicLink()) return at;
  }
  return null;
}
