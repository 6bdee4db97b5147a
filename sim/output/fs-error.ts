/** File-system errors that are the user's to fix (a full disk, a read-only folder) as one line each. */
import { UsageError } from '../errors.js';
import { cannotWrite, fileSystemReason } from './messages.js';

/** The `code` of a file-system error with a message of its own (messages.ts), else undefined. */
export function fileSystemCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && fileSystemReason(code) ? code : undefined;
}

/** A file-system error as one line (UsageError naming its path, else `path`), other errors as they are. */
export function fileSystemError(e: unknown, path: string): unknown {
  const code = fileSystemCode(e);
  if (e instanceof UsageError || !code) return e;
  const where = (e as { path?: unknown }).path;
  return new UsageError(cannotWrite(typeof where === 'string' ? where : path, code));
}
