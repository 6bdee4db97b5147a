/**
 * `extends` (MODEL.md section 11): a child document merged over its base.
 *
 * - maps merge key by key; a child key set to null removes the base's key
 *   (JSON Merge Patch), e.g. to switch off a base provider's `funding`;
 * - lists whose items all have an `id` (providers) merge by id: base
 *   order, new ids appended;
 * - every other list, and `expect`, `sources` and
 *   `startups.initialProviders` (one distribution, not a patch), is
 *   replaced;
 * - `events` of both apply, the base's first; a child event with the id of
 *   a base event replaces it in place, or removes it with `drop: true`.
 *
 * Merged nodes keep the origin of the file that wrote them.
 */
import type { Diagnostic } from '../errors.js';
import * as msg from './messages.js';
import { idPattern } from './schema.js';
import { textAt, type ListNode, type MapEntry, type MapNode, type TreeNode } from './tree.js';

const replacedWhole = new Set(['expect', 'sources', 'startups.initialProviders']);

export function mergeDocuments(base: MapNode, child: MapNode): { tree: MapNode; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const merge = (b: TreeNode, c: TreeNode, path: string): TreeNode => {
    if (path === 'events' && b.kind === 'list' && c.kind === 'list') return mergeEvents(b, c, diagnostics);
    if (replacedWhole.has(path)) return c;
    if (b.kind === 'map' && c.kind === 'map') return mergeMaps(b, c, path);
    if (b.kind === 'list' && c.kind === 'list' && byId(b, c)) return mergeById(b, c, path);
    return c;
  };
  const mergeMaps = (b: MapNode, c: MapNode, path: string): MapNode => {
    const entries = new Map<string, MapEntry>(b.entries);
    for (const [key, entry] of c.entries) {
      const old = entries.get(key);
      if (old && entry.node.kind === 'scalar' && entry.node.value === null) entries.delete(key);
      else if (old) entries.set(key, { keyAt: entry.keyAt, node: merge(old.node, entry.node, path ? `${path}.${key}` : key) });
      else entries.set(key, entry);
    }
    return { kind: 'map', entries, at: b.at };
  };
  const mergeById = (b: ListNode, c: ListNode, path: string): ListNode => {
    const items = [...b.items];
    const index = new Map<string, number>();
    items.forEach((item, i) => {
      const id = textAt(item, 'id');
      if (id !== undefined && !index.has(id)) index.set(id, i);
    });
    for (const item of c.items) {
      const i = index.get(textAt(item, 'id') ?? '');
      if (i === undefined) items.push(item);
      else items[i] = merge(items[i], item, `${path}[]`);
    }
    return { kind: 'list', items, at: b.at };
  };
  return { tree: mergeMaps(base, child, ''), diagnostics };
}

/** A list merges by id when the child has items and every item on both sides has a text `id`. */
function byId(b: ListNode, c: ListNode): boolean {
  const hasId = (item: TreeNode) => textAt(item, 'id') !== undefined;
  return c.items.length > 0 && b.items.every(hasId) && c.items.every(hasId);
}

function mergeEvents(base: ListNode, child: ListNode, diagnostics: Diagnostic[]): ListNode {
  const items: (TreeNode | undefined)[] = [...base.items];
  const index = new Map<string, number>();
  items.forEach((item, i) => {
    const id = item && textAt(item, 'id');
    if (id !== undefined && !index.has(id)) index.set(id, i);
  });
  for (const event of child.items) {
    const id = textAt(event, 'id');
    const i = id === undefined ? undefined : index.get(id);
    if (i === undefined) {
      // New events, and drops with nothing to remove (semantics reports those).
      items.push(event);
    } else if (isDrop(event)) {
      items[i] = undefined;
      if (event.kind === 'map' && [...event.entries.keys()].some((k) => k !== 'id' && k !== 'drop')) {
        const path = id !== undefined && idPattern.test(id) ? `events.${id}` : 'events';
        diagnostics.push({ code: 'E_EVENT', file: event.at.file, line: event.at.line, path, message: msg.dropWithFields });
      }
    } else {
      items[i] = event;
    }
  }
  return { kind: 'list', items: items.filter((x): x is TreeNode => x !== undefined), at: base.at };
}

function isDrop(event: TreeNode): boolean {
  if (event.kind !== 'map') return false;
  const drop = event.entries.get('drop')?.node;
  return drop?.kind === 'scalar' && drop.value === true;
}
