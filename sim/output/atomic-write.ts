/**
 * Atomic file writes: the data goes to a temporary file in the same folder
 * (so the rename stays on one file system), is flushed to disk, and is then
 * renamed over the target. Readers see the old file or the new one, never
 * a torn one. The temporary is `<name>.tmp-<pid>` beside the target, for
 * folders whose owner removes such files (an unfinished run, folder-swap.ts),
 * or a path the caller names (in a scratch folder, folder-writer.ts).
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

function temporaryPath(path: string): string {
  return `${path}.tmp-${process.pid}`;
}

/** writeSync may write less than asked; loop until all bytes are out. */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
}

/** Writes `data` (text as UTF-8) to `path` atomically, through `temporary` (same file system). */
export function writeFileAtomic(path: string, data: string | Uint8Array, temporary = temporaryPath(path)): void {
  const writer = createAtomicWriter(path, temporary);
  try {
    writer.write(data);
    writer.commit();
  } catch (e) {
    writer.abort();
    throw e;
  }
}

export interface AtomicWriter {
  /** Appends text (UTF-8) or bytes; buffered. */
  write(data: string | Uint8Array): void;
  /** Flushes, syncs and renames into place. */
  commit(): void;
  /** Drops the temporary file; the target is left as it was. */
  abort(): void;
}

/** Streams a file that appears at `path` only on commit; memory is bounded by a 1 MiB buffer. */
export function createAtomicWriter(path: string, tmp = temporaryPath(path)): AtomicWriter {
  const fd = openSync(tmp, 'w');
  let open = true;
  let pending: string[] = [];
  let pendingLength = 0;
  const flush = () => {
    if (pendingLength === 0) return;
    writeAll(fd, Buffer.from(pending.join(''), 'utf8'));
    pending = [];
    pendingLength = 0;
  };
  const close = () => {
    if (open) closeSync(fd);
    open = false;
  };
  return {
    write(data) {
      if (typeof data === 'string') {
        pending.push(data);
        pendingLength += data.length;
        if (pendingLength >= 1 << 20) flush();
      } else {
        flush();
        writeAll(fd, data);
      }
    },
    commit() {
      flush();
      fsyncSync(fd);
      close();
      renameSync(tmp, path);
    },
    abort() {
      close();
      rmSync(tmp, { force: true });
    },
  };
}
