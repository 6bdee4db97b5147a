/**
 * Putting a finished result folder in place. It is built beside its target
 * as `<out>.partial-<pid>` (same parent, so renames stay on one file system)
 * and renamed in only when complete: a reader never sees half a folder, and
 * an old folder replaced with --force is removed only once the new one is in.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../errors.js';
import { folderExists } from './messages.js';

/** `out` without trailing separators, so that `<out>.partial-…` is a sibling, not a child. */
export function folderPath(out: string): string {
  return out.replace(/(?<=.)[\\/]+$/, '');
}

/** The sibling folder a result for `out` is built in. */
export function partialPath(out: string): string {
  return `${out}.partial-${process.pid}`;
}

/** Throws the --force hint when `out` exists and may not be replaced. */
export function assertWritable(out: string, force: boolean): void {
  if (!force && existsSync(out)) throw new UsageError(folderExists(out));
}

/** Creates an empty build folder for `out` (replacing a stale one of this process). */
export function preparePartial(out: string): string {
  const partial = partialPath(out);
  mkdirSync(dirname(out), { recursive: true });
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial);
  return partial;
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
  rmSync(aside, { recursive: true, force: true });
}
