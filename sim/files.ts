/**
 * Reading a file someone else may have made: only a regular file, and at
 * most a given number of bytes of it. A device (`/dev/zero`, `/dev/stdin`),
 * a named pipe or a folder, also behind a symbolic link, is refused without
 * being read, and opening does not block on a pipe. Used for scenario files
 * and for the files of a result folder (docs/security.md).
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** Why a file was refused: `ENOTREGULAR` (a device, a pipe, a socket) or `ETOOLARGE`; fs codes (ENOENT, EISDIR, …) pass through. */
export class FileRefused extends Error {
  constructor(
    readonly code: 'ENOTREGULAR' | 'ETOOLARGE' | 'EISDIR',
    readonly path: string,
    /** The limit, bytes (ETOOLARGE). */
    readonly limit = 0,
  ) {
    super(code === 'ETOOLARGE' ? `larger than ${limit} bytes` : code === 'EISDIR' ? 'is a folder' : 'not a regular file');
    this.name = 'FileRefused';
  }
}

/** Opens `path` for reading without blocking (a pipe), and refuses it, closed, unless it is a regular file of at most `maxBytes`. */
function openRegular(path: string, maxBytes: number): { fd: number; stat: Stats } {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new FileRefused('EISDIR', path);
    if (!stat.isFile()) throw new FileRefused('ENOTREGULAR', path);
    if (stat.size > maxBytes) throw new FileRefused('ETOOLARGE', path, maxBytes);
    return { fd, stat };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/**
 * The bytes of `path`, at most `maxBytes` of them. Throws FileRefused when
 * it is not a regular file or holds more, and Node's error (with its `code`)
 * when it cannot be opened.
 */
export function readRegularFile(path: string, maxBytes: number): Buffer {
  const { fd, stat } = openRegular(path, maxBytes);
  try {
    // The size can be stale (a growing file, /proc): read until the end, and one byte past the limit at most.
    let buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes) throw new FileRefused('ETOOLARGE', path, maxBytes);
        const bigger = Buffer.alloc(Math.min(maxBytes + 1, buffer.length * 2));
        buffer.copy(bigger);
        buffer = bigger;
      }
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) return buffer.subarray(0, length);
      length += n;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Calls `visit` with each line of the regular file `path` (without its
 * line end), reading it in chunks: the same checks as readRegularFile,
 * without holding the file in memory. Returns the text after the last line
 * end ('' when the file ends with one).
 */
export function forEachLineOfRegularFile(path: string, maxBytes: number, visit: (line: string) => void): string {
  const { fd } = openRegular(path, maxBytes);
  try {
    const decoder = new StringDecoder('utf8');
    const chunk = Buffer.alloc(LINE_CHUNK_BYTES);
    let rest = '';
    let total = 0;
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      total += n;
      if (total > maxBytes) throw new FileRefused('ETOOLARGE', path, maxBytes);
      if (n === 0) return rest + decoder.end();
      const text = rest + decoder.write(chunk.subarray(0, n));
      let from = 0;
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', from)) {
        visit(text.slice(from, end));
        from = end + 1;
      }
      rest = text.slice(from);
    }
  } finally {
    closeSync(fd);
  }
}

/** Bytes read at a time by forEachLineOfRegularFile. */
const LINE_CHUNK_BYTES = 1 << 20;
