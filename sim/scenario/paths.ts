/**
 * Paths as users read them (MODEL.md section 9, "Paths"): dotted, with ids
 * for list items that have one (`providers.zhipu.price`,
 * `events.zhipu-migration.campaign.grant`), else an index (`providers[2]`).
 */
import { MAX_ID_LENGTH, MAX_NAME_LENGTH } from './limits.js';
import { quote } from './messages.js';
import { idPattern } from './schema.js';
import type { PathSegment } from './tree.js';

const plainKey = /^[A-Za-z0-9_-]+$/;
/** Characters a path must not print as they are (line breaks, controls, bidirectional overrides). */
const unprintable = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/**
 * Renders `path` into `data` (the plain document, which supplies the ids).
 * An item without an id is numbered by `writtenIndex` of its path when it
 * says (its index in the file that wrote it: after `extends`, the first
 * event of a what-if is its `events[0]`, not the merged list's), else by
 * its place in `data`.
 */
export function renderPath(data: unknown, path: readonly PathSegment[], writtenIndex?: (item: readonly PathSegment[]) => number | undefined): string {
  let out = '';
  let current: unknown = data;
  let parentKey: PathSegment | undefined;
  for (const [i, segment] of path.entries()) {
    if (typeof segment === 'number') {
      const list: unknown[] = Array.isArray(current) ? current : [];
      const id = idOf(list[segment]);
      // An id names the item only if no other item has it.
      const unique = id !== undefined && list.filter((other) => idOf(other) === id).length === 1;
      out += unique ? `.${id}` : `[${writtenIndex?.(path.slice(0, i + 1)) ?? segment}]`;
    } else if (
      (plainKey.test(segment) && segment.length <= MAX_ID_LENGTH) ||
      (parentKey === 'set' && segment.length <= MAX_NAME_LENGTH && !unprintable.test(segment))
    ) {
      // A `set` key is itself a dotted path; it reads best as written.
      out += `.${segment}`;
    } else {
      // Quoted, and cut when long: a key may be anything the file holds.
      out += `[${quote(segment)}]`;
    }
    current = isRecord(current) || Array.isArray(current) ? (current as Record<PathSegment, unknown>)[segment] : undefined;
    parentKey = segment;
  }
  return out.startsWith('.') ? out.slice(1) : out;
}

function idOf(item: unknown): string | undefined {
  if (!isRecord(item) || !Object.hasOwn(item, 'id')) return undefined;
  const id = item.id;
  return typeof id === 'string' && id.length <= MAX_ID_LENGTH && idPattern.test(id) ? id : undefined;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** True when `path` names a key that is absent from its (existing) parent map. */
export function isAbsent(data: unknown, path: readonly PathSegment[]): boolean {
  let current: unknown = data;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    if (isRecord(current) && typeof segment === 'string') {
      if (!Object.hasOwn(current, segment)) return last;
      current = current[segment];
    } else if (Array.isArray(current) && typeof segment === 'number') {
      current = current[segment];
    } else {
      return false;
    }
  }
  return false;
}
