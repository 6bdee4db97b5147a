/**
 * Writing files into a folder that is not being built: a finished result's
 * charts/, its report.html. Each file is written atomically, its temporary
 * in a scratch folder of this process's own inside the target folder
 * (`.shakeout-tmp-<pid>`, holding an owner record, ownership.ts) and
 * removed at the end. A process killed while writing leaves only that
 * folder, provably its own, never a loose temporary among the user's files:
 * the next writer into the same folder removes it.
 */
import { mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { linkInResult } from './messages.js';
import { createOwnedFolder, linkBelow, ownedLeftovers, removeOwned } from './ownership.js';

const SCRATCH = '.shakeout-tmp';

export interface FolderWriter {
  /** Writes `data` (text as UTF-8) to `path`, a file directly inside the folder, atomically. */
  write(path: string, data: string | Uint8Array): void;
  /** Removes the scratch folder. */
  close(): void;
}

/**
 * Opens folder `dir` (created if need be) for writing: removes the scratch
 * folders killed writers left there, and makes this process's own.
 */
export function openFolderWriter(dir: string): FolderWriter {
  mkdirSync(dir, { recursive: true });
  for (const left of ownedLeftovers(dir, SCRATCH, dir, 'scratch')) removeOwned(left);
  const scratch = createOwnedFolder(join(dir, SCRATCH), 'scratch', dir);
  return {
    write(path, data) {
      if (resolve(dirname(path)) !== resolve(dir)) throw new Error(`${path} is not directly inside ${dir}`);
      writeFileAtomic(path, data, join(scratch, `${basename(path)}.tmp`));
    },
    close: () => removeOwned(scratch),
  };
}

/** Closes `writer` after a failed write: the first error is the one to report, and the scratch folder stays provably ours. */
function closeAfterFailure(writer: FolderWriter): void {
  try {
    writer.close();
  } catch {
    // Reported already: the write's error.
  }
}

/** Runs `write` with a writer into `dir`; the scratch folder is removed however it ends. */
export async function writeIntoFolder<T>(dir: string, write: (writer: FolderWriter) => T | Promise<T>): Promise<T> {
  const writer = openFolderWriter(dir);
  let result: T;
  try {
    result = await write(writer);
  } catch (e) {
    closeAfterFailure(writer);
    throw e;
  }
  writer.close();
  return result;
}

/** Writes one file, `path`, as openFolderWriter does. */
export function writeFileInto(path: string, data: string | Uint8Array): void {
  const writer = openFolderWriter(dirname(path));
  try {
    writer.write(path, data);
  } catch (e) {
    closeAfterFailure(writer);
    throw e;
  }
  writer.close();
}

/**
 * Refuses to write `path` when it, or a folder between the result folder
 * `results` and it, is a symbolic link: a received result folder's links
 * may point anywhere. A `path` outside `results` is the user's choice.
 */
export function assertNoLinkInside(results: string, path: string): void {
  const link = linkBelow(results, path);
  if (link) throw new UsageError(linkInResult(link, results));
}
