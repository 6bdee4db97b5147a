/**
 * zod issues to located diagnostics: one diagnostic per problem (one per
 * unknown key), pointing at the offending node, or at the map that lacks a
 * required key.
 */
import { z } from 'zod';
import type { Diagnostic, DiagnosticCode } from '../errors.js';
import * as msg from './messages.js';
import { isAbsent, renderPath } from './paths.js';
import type { Origin, PathSegment } from './tree.js';

/** Where a path (optionally a key of the map there) is written. */
export type Locate = (path: readonly PathSegment[], key?: string) => Origin;

/**
 * @param data the value that was validated, at `base` inside `root`
 * @param root the whole document, for rendering paths with ids
 */
export function issuesToDiagnostics(
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
  data: unknown,
  locate: Locate,
  root: unknown = data,
  base: readonly PathSegment[] = [],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const push = (path: readonly PathSegment[], code: DiagnosticCode, message: string, key?: string) => {
    const full = [...base, ...path];
    const { file, line } = locate(full, key);
    out.push({ code, file, line, path: renderPath(root, full, (item) => locate(item).index), message });
  };
  const visit = (issue: z.core.$ZodIssue, prefix: readonly PathSegment[]) => {
    const path = [...prefix, ...issue.path.filter((p): p is PathSegment => typeof p !== 'symbol')];
    const branch = issue.code === 'invalid_union' ? mapBranch(issue.errors, valueAt(data, path)) : undefined;
    if (branch) {
      for (const inner of branch) visit(inner, path);
    } else if (issue.code === 'unrecognized_keys') {
      const known = keysOf(schemaAt(schema, path));
      for (const key of issue.keys) push(path, 'E_UNKNOWN_KEY', msg.unknownKey(key, known), key);
    } else if (issue.code === 'invalid_key') {
      push(path, 'E_VALUE', issue.issues[0]?.message ?? issue.message);
    } else if ((issue.code === 'invalid_type' || issue.code === 'invalid_union') && isAbsent(data, path)) {
      push(path, 'E_MISSING', msg.missingField);
    } else {
      push(path, codeOf(issue), issue.message);
    }
  };
  for (const issue of issues) visit(issue, []);
  return out;
}

/** The code of a schema issue: a custom one says its own (`params.code`), else by zod's kind of issue. */
function codeOf(issue: z.core.$ZodIssue): DiagnosticCode {
  switch (issue.code) {
    case 'invalid_type':
    case 'invalid_union':
      return 'E_TYPE';
    case 'too_small':
    case 'too_big':
    case 'not_multiple_of':
      return 'E_RANGE';
    case 'custom': {
      const code = (issue.params as { code?: DiagnosticCode } | undefined)?.code;
      return code ?? 'E_VALUE';
    }
    default:
      return 'E_VALUE';
  }
}

/**
 * For a map or list that fits no option of a union, the issues of the
 * option that takes maps or lists (`{initial, then}` of a dynamic field):
 * "then: missing required field" says more than "got a map".
 */
function mapBranch(branches: readonly (readonly z.core.$ZodIssue[])[], value: unknown): readonly z.core.$ZodIssue[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const fitting = branches.filter((b) => !b.some((i) => i.code === 'invalid_type' && i.path.length === 0));
  return fitting.length === 1 ? fitting[0] : undefined;
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let current = data;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<PathSegment, unknown>)[segment];
  }
  return current;
}

/** The schema that validates the value at `path`, looking through optional, default and union wrappers. */
function schemaAt(schema: z.ZodType, path: readonly PathSegment[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (current instanceof z.ZodObject && typeof segment === 'string') current = current.shape[segment];
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else return undefined;
    current = current && unwrap(current);
  }
  return current;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
    else if (s instanceof z.ZodUnion) {
      // The map-shaped option of a union, e.g. `{initial, then}` of a dynamic field.
      const object = (s.options as readonly z.ZodType[]).find((o) => o instanceof z.ZodObject || o instanceof z.ZodRecord);
      if (!object) return s;
      s = object;
    } else return s;
  }
}

function keysOf(schema: z.ZodType | undefined): string[] {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}
