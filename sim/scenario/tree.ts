/**
 * A scenario document as a tree whose every node remembers the file and
 * line it came from. `extends` merges these trees, so after the merge each
 * value still points at the file that set it, and a schema issue (a path
 * into the plain data) can be traced back to a line.
 */

export interface Origin {
  /** The file as the user named it. */
  readonly file: string;
  /** 1-based; 0 when unknown. */
  readonly line: number;
  /** A list item's index in its list as written in its file (after `extends`, the merged list numbers it differently). */
  readonly index?: number;
}

export type Scalar = string | number | boolean | null;

export interface ScalarNode {
  readonly kind: 'scalar';
  readonly value: Scalar;
  readonly at: Origin;
}
export interface MapEntry {
  /** Where the key is written. */
  readonly keyAt: Origin;
  readonly node: TreeNode;
}
export interface MapNode {
  readonly kind: 'map';
  /** In the order written (base keys first after a merge). */
  readonly entries: ReadonlyMap<string, MapEntry>;
  readonly at: Origin;
}
export interface ListNode {
  readonly kind: 'list';
  readonly items: readonly TreeNode[];
  readonly at: Origin;
}
export type TreeNode = ScalarNode | MapNode | ListNode;

export type PathSegment = string | number;

/** The plain data zod validates. */
export function toPlain(node: TreeNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'list':
      return node.items.map(toPlain);
    case 'map': {
      // Keys named __proto__ are refused when the tree is read, so plain assignment is safe.
      const out: Record<string, unknown> = {};
      for (const [key, entry] of node.entries) out[key] = toPlain(entry.node);
      return out;
    }
  }
}

/**
 * Where to point for a problem at `path`: the key that names the value
 * there (a list item: the item), or, where the path leaves the tree (a
 * missing key), the deepest value on the way. With `key`, that key of the
 * map at `path`.
 */
export function originOf(root: TreeNode, path: readonly PathSegment[], key?: string): Origin {
  let node: TreeNode = root;
  let at = root.at;
  for (const segment of [...path, ...(key === undefined ? [] : [key])]) {
    const next = step(node, segment);
    if (!next) return at;
    [node, at] = next;
  }
  return at;
}

/** The child at `segment` and where it is named: its key's line in a map, its own in a list. */
function step(node: TreeNode, segment: PathSegment): [TreeNode, Origin] | undefined {
  if (node.kind === 'map' && typeof segment === 'string') {
    const entry = node.entries.get(segment);
    return entry && [entry.node, entry.keyAt];
  }
  if (node.kind === 'list' && typeof segment === 'number') {
    const item = node.items[segment];
    return item && [item, item.at];
  }
  return undefined;
}

/** The text of a scalar string at `key` of a map node, if there is one. */
export function textAt(node: TreeNode, key: string): string | undefined {
  if (node.kind !== 'map') return undefined;
  const entry = node.entries.get(key)?.node;
  return entry?.kind === 'scalar' && typeof entry.value === 'string' ? entry.value : undefined;
}
