import { ModelError } from '../errors.js';
import { printable } from '../printable.js';
import type { Locate } from '../scenario/issues.js';

/**
 * A ModelError that names the value that led to it (an expression that went
 * negative), prefixed with that value's file and line, as the loader writes
 * them: `scenarios/x.yaml:31: providers.rival.price: "…" gave -1 in 2024-09 …`.
 * Other errors pass through.
 */
export function withSource(e: unknown, locate: Locate): unknown {
  if (!(e instanceof ModelError) || !e.location) return e;
  const { file, line } = locate(e.location);
  return new ModelError(`${printable(file)}${line > 0 ? `:${line}` : ''}: ${e.message}`, e.location);
}
