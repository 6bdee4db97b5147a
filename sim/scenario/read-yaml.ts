/**
 * YAML 1.2 text (core schema: `1e12` is a number, `no` is text) to a
 * located tree. JSON files go through the same parser, which accepts JSON
 * and keeps its line numbers.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { Diagnostic } from '../errors.js';
import { MAX_EXPANDED_BYTES, MAX_SCENARIO_VALUES } from './limits.js';
import * as msg from './messages.js';
import type { MapEntry, Origin, TreeNode } from './tree.js';

const maxDepth = 100;
const maxAliasExpansions = 1000;

/**
 * What the files of one scenario (the root and its bases) may still hold,
 * shared along the extends chain. Aliases count as the values and the text
 * they expand to, so an anchor of 100,000 values used 900 times, or of one
 * 500 KB string used 990 times, is refused, not built.
 */
export interface ReadBudget {
  values: number;
  /** UTF-8 bytes of scalars and keys. */
  text: number;
}

export function readBudget(): ReadBudget {
  return { values: MAX_SCENARIO_VALUES, text: MAX_EXPANDED_BYTES };
}

/** Thrown inside the conversion to stop it at once when the budget runs out. */
class OverBudget {
  constructor(
    readonly line: number,
    readonly message: string,
  ) {}
}

/** Bytes a scalar or key stands for in the expanded document; a number or true/false as its short text. */
function textBytes(value: unknown): number {
  return typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 8;
}

export interface ReadResult {
  /** Undefined when the text is not a usable document; `diagnostics` say why (a document that is not a map comes with them). */
  readonly tree?: TreeNode;
  readonly diagnostics: Diagnostic[];
}

export function readYaml(text: string, file: string, budget: ReadBudget = readBudget()): ReadResult {
  const lines = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const lineOf = (offset: number | undefined): number => (offset === undefined ? 0 : lines.linePos(offset).line);
  const report = (line: number, message: string) => diagnostics.push({ code: 'E_YAML', file, line, path: '', message });

  let doc: Document.Parsed;
  try {
    // uniqueKeys: the parser's own check is quadratic in a map's size; keys are checked below instead.
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, version: '1.2', schema: 'core', uniqueKeys: false });
  } catch (e) {
    // The parser recurses; absurdly nested text can exhaust the stack.
    report(0, e instanceof RangeError ? msg.tooDeep : `cannot parse: ${e instanceof Error ? e.message : String(e)}`);
    return { diagnostics };
  }
  for (const problem of [...doc.errors, ...doc.warnings]) {
    const message =
      problem.code === 'MULTIPLE_DOCS' ? msg.multipleDocuments : /call stack/i.test(problem.message) ? msg.tooDeep : lowerFirst(problem.message);
    report(lineOf(problem.pos[0]), message);
  }
  if (diagnostics.length) return { diagnostics };

  let expansions = 0;
  const at = (node: YamlNode | null | undefined, fallback: Origin): Origin =>
    node?.range ? { file, line: lineOf(node.range[0]) } : fallback;

  /** `aliasAt`: inside an alias's expansion, where the alias is (what runs over the budget is reported there). */
  const convert = (node: unknown, fallback: Origin, depth: number, aliases: readonly YamlNode[], aliasAt?: Origin): TreeNode | undefined => {
    if (--budget.values < 0) throw new OverBudget(fallback.line, msg.tooManyValues);
    if (depth > maxDepth) {
      report(fallback.line, msg.tooDeep);
      return undefined;
    }
    if (node === null || node === undefined) return { kind: 'scalar', value: null, at: fallback };
    if (isAlias(node)) {
      const target = node.resolve(doc);
      const here = at(node, fallback);
      if (!target) return fail(here, msg.unknownAlias(node.source));
      if (aliases.includes(target)) return fail(here, msg.recursiveAlias(node.source));
      if (++expansions > maxAliasExpansions) return fail(here, msg.tooManyAliases);
      const resolved = convert(target, here, depth + 1, [...aliases, target], aliasAt ?? here);
      // A scalar alias points at the place it is used, not at its anchor.
      return resolved?.kind === 'scalar' ? { ...resolved, at: here } : resolved;
    }
    if (isScalar(node)) {
      const value = node.value;
      const here = at(node, fallback);
      spend(textBytes(value), aliasAt ?? here);
      if (typeof value === 'number' && !Number.isFinite(value) && node.range) {
        // A literal that overflows (1e400, 0x and 300 hex digits) is refused as in expressions; .inf and .nan are the schema's.
        const literal = text.slice(node.range[0], node.range[1]).trim();
        if (!/^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$/.test(literal)) return fail(here, msg.numberTooLarge(literal));
      }
      if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        return { kind: 'scalar', value, at: here };
      }
      return fail(here, msg.unsupportedValue(node.tag ?? ''));
    }
    if (isSeq(node)) {
      const here = at(node, fallback);
      const items: TreeNode[] = [];
      let ok = true;
      for (const item of node.items) {
        const converted = convert(item, here, depth + 1, aliases, aliasAt);
        if (converted) items.push({ ...converted, at: { ...converted.at, index: items.length } });
        else ok = false;
      }
      return ok ? { kind: 'list', items, at: here } : undefined;
    }
    if (isMap(node)) {
      const here = at(node, fallback);
      const entries = new Map<string, MapEntry>();
      let ok = true;
      for (const pair of node.items) {
        const keyNode = pair.key;
        // A complex key (`? [a, b]`) is reported on its own line, not the map's.
        const keyAt = at(isScalar(keyNode) || isMap(keyNode) || isSeq(keyNode) || isAlias(keyNode) ? keyNode : null, here);
        const key = isScalar(keyNode) ? keyNode.value : undefined;
        if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'boolean') {
          fail(keyAt, msg.keyNotText);
          ok = false;
          continue;
        }
        const name = String(key);
        spend(textBytes(name), aliasAt ?? keyAt);
        if (name === '__proto__') {
          fail(keyAt, msg.forbiddenKey(name));
          ok = false;
          continue;
        }
        const first = entries.get(name);
        if (first) {
          fail(keyAt, msg.duplicateKey(name, first.keyAt.line));
          ok = false;
          continue;
        }
        const value = convert(pair.value, keyAt, depth + 1, aliases, aliasAt);
        if (value) entries.set(name, { keyAt, node: value });
        else ok = false;
      }
      return ok ? { kind: 'map', entries, at: here } : undefined;
    }
    return fail(fallback, msg.unsupportedValue(''));
  };
  const spend = (bytes: number, where: Origin) => {
    budget.text -= bytes;
    if (budget.text < 0) throw new OverBudget(where.line, msg.tooMuchText);
  };
  const fail = (where: Origin, message: string): undefined => {
    report(where.line, message);
    return undefined;
  };

  const start: Origin = { file, line: 1 };
  if (doc.contents === null) {
    report(0, msg.emptyFile);
    return { diagnostics };
  }
  let tree: TreeNode | undefined;
  try {
    tree = convert(doc.contents, start, 0, []);
  } catch (e) {
    if (!(e instanceof OverBudget)) throw e;
    report(e.line, e.message);
    return { diagnostics };
  }
  if (diagnostics.length || !tree) return { diagnostics };
  if (tree.kind !== 'map') {
    report(tree.at.line, msg.topNotMap(tree.kind === 'scalar' ? tree.value : tree.kind === 'list' ? [] : {}));
    // The tree is returned with the problem, so a caller can tell data that is not a scenario (find.ts).
    return { tree, diagnostics };
  }
  return { tree, diagnostics };
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
