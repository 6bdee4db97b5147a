/**
 * The numeric values of a scenario, by path (MODEL.md section 9, "Paths"):
 * what `run --set`, sweeps, sensitivity analysis and calibration may
 * change. One grammar, read off the schema and the scenario itself:
 *
 *   horizon | qualityReference | qualityReference.value | qualityReference.frontierWeight
 *   startups.initial | startups.entry.<field> | startups.initialProviders.<id> (or .<class>.<id>)
 *   providers.<id>.<field>            price, quality, unitCost, fixedCost, exitRisk, cash
 *   providers.<id>.<field>.initial    the t = 0 number of an {initial, then} field
 *   providers.<id>.funding.<field>
 *   classes.<class>.<field>[.<part>]  share, hazard, …, cash.median, growth.sd, …
 *   events.<event id>.<kind>.<field>  events.zhipu-migration.campaign.grant
 *   events.<event id>.set.<path>      the value a `set` event writes
 *
 * A value is numeric where its schema accepts a number (so fields that may
 * also be expressions are included, and take either). Optional fields left
 * out of the file are included: setting one adds it. Lists are addressed
 * by their items' ids: an event without an `id` has no path.
 *
 * `qualityReference` written as a number is a path itself, and so are its
 * parts `qualityReference.value` and `.frontierWeight` (setting a part turns
 * the number n into `{value: n, frontierWeight: 0}` first); written as
 * `{value, frontierWeight}` only the parts are paths.
 */
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { issuesToDiagnostics } from './issues.js';
import * as msg from './messages.js';
import { scenarioSchema, type Scenario } from './schema.js';
import { checkScenario } from './semantics.js';
import { resolveSetPath } from './set-paths.js';

/** Where a value lives in a `Scenario`: keys and list indices from the root. */
export type Location = readonly (string | number)[];

export interface ValuePath {
  /** Dotted, with ids: `providers.zhipu.price`. */
  path: string;
  location: Location;
}

/** Top-level keys whose values users vary; the rest (start, months, seed, runs, names, expectations) are fixed by other means. */
const ROOTS = ['horizon', 'qualityReference', 'startups', 'providers', 'classes', 'events'] as const;

/** The longest path text looked up; longer text cannot be a path of a valid scenario (ids are bounded too). */
const MAX_PATH_LENGTH = 400;

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
  return s;
}

/** Whether the schema takes a number here (alone, or as one option of a union with expressions). */
function acceptsNumber(schema: z.ZodType): boolean {
  return [0, 0.5, 1, 12].some((x) => schema.safeParse(x).success);
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Every numeric value path of `s`, in document order. */
export function valuePaths(s: Scenario): ValuePath[] {
  const out: ValuePath[] = [];
  const shape = scenarioSchema.shape;
  for (const root of ROOTS) {
    if (root === 'qualityReference') qualityReference(s.qualityReference);
    else walk((s as Record<string, unknown>)[root], shape[root], [root], root);
  }
  return out;

  function qualityReference(value: unknown): void {
    if (typeof value === 'number') emit('qualityReference', ['qualityReference'], value);
    for (const part of ['value', 'frontierWeight']) emit(`qualityReference.${part}`, ['qualityReference', part], undefined);
  }

  function emit(path: string, location: Location, value: unknown): void {
    out.push({ path, location });
    if (isRecord(value) && typeof value.initial === 'number') out.push({ path: `${path}.initial`, location: [...location, 'initial'] });
  }

  function walk(value: unknown, schema: z.ZodType, location: Location, path: string): void {
    const inner = unwrap(schema);
    if (acceptsNumber(inner)) return emit(path, location, value);
    if (inner instanceof z.ZodArray && Array.isArray(value)) {
      value.forEach((item, k) => {
        if (isRecord(item) && typeof item.id === 'string') walk(item, inner.element as z.ZodType, [...location, k], `${path}.${item.id}`);
      });
      return;
    }
    if (!isRecord(value)) return;
    if (inner instanceof z.ZodObject) {
      for (const [key, child] of Object.entries(inner.shape as Record<string, z.ZodType>)) {
        if (key === 'set' && location[0] === 'events') setEntries(value.set, [...location, 'set'], `${path}.set`);
        else if (key !== 'id' && (value[key] !== undefined || acceptsNumber(unwrap(child)))) walk(value[key], child, [...location, key], `${path}.${key}`);
      }
      return;
    }
    if (inner instanceof z.ZodRecord) {
      for (const [key, child] of Object.entries(value)) walk(child, inner.valueType as z.ZodType, [...location, key], `${path}.${key}`);
      return;
    }
    if (inner instanceof z.ZodUnion) {
      // e.g. initialProviders: shares by provider, or by class then provider. The option the value parses as decides.
      const option = (inner.options as z.ZodType[]).find((o) => o.safeParse(value).success);
      if (option) walk(value, option, location, path);
    }
  }

  /** A `set` event's entries whose value is numeric: `events.<id>.set.<the path it sets>`. */
  function setEntries(set: unknown, location: Location, path: string): void {
    if (!isRecord(set)) return;
    for (const [key, value] of Object.entries(set)) {
      const target = resolveSetPath(s, key);
      if (typeof target !== 'string' && acceptsNumber(unwrap(target.schema))) emit(`${path}.${key}`, [...location, key], value);
    }
  }
}

/**
 * The location of `path` in `s`.
 * @throws UsageError naming the closest valid paths when it is not a numeric value of `s`
 */
export function resolveValuePath(s: Scenario, path: string, label = path): Location {
  const all = valuePaths(s);
  const found = path.length <= MAX_PATH_LENGTH ? all.find((p) => p.path === path) : undefined;
  if (found) return found.location;
  throw new UsageError(msg.unknownValuePath(label, path, path.length <= MAX_PATH_LENGTH ? closePaths(path, all.map((p) => p.path)) : []));
}

/** Up to six valid paths near `path`: its likely typo's correction, else those under its longest valid prefix. */
function closePaths(path: string, valid: readonly string[]): string[] {
  const near = msg.closest(path, valid);
  if (near) return [near];
  const parts = path.split('.');
  for (let n = parts.length - 1; n > 0; n--) {
    const prefix = parts.slice(0, n).join('.') + '.';
    const under = valid.filter((v) => v.startsWith(prefix));
    if (under.length) return under.slice(0, 6);
  }
  return [];
}

/**
 * `s` with the value at each path replaced (in order), validated as a
 * whole: the schema, then the checks of the whole document.
 * @param label how a change is named in messages, e.g. `--set providers.zhipu.price=2`
 * @throws UsageError with one line for the first problem
 */
export function withValues(s: Scenario, changes: readonly { path: string; value: unknown; label: string }[]): Scenario {
  const copy = structuredClone(s) as unknown as Record<string | number, unknown>;
  for (const { path, value, label } of changes) {
    const location = resolveValuePath(s, path, label);
    if (location[0] === 'qualityReference' && location.length === 2 && typeof copy.qualityReference === 'number') {
      copy.qualityReference = { value: copy.qualityReference, frontierWeight: 0 };
    }
    let parent = copy;
    for (const key of location.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
    parent[location[location.length - 1]] = value;
  }
  const parsed = scenarioSchema.safeParse(copy, { error: msg.issueMessage });
  if (!parsed.success) {
    const [first] = issuesToDiagnostics(parsed.error.issues, scenarioSchema, copy, () => ({ file: '', line: 0 }));
    throw new UsageError(msg.badValueChange(labelFor(changes, first.path), first.path, first.message));
  }
  const [problem] = checkScenario(parsed.data);
  if (problem) throw new UsageError(msg.badValueChange(labelFor(changes, problem.path), problem.path, problem.message));
  return parsed.data;
}

/** The change a problem at `path` comes from (the last that touched it or a value under it), else all of them. */
function labelFor(changes: readonly { path: string; label: string }[], path: string): string {
  const hit = [...changes].reverse().find((c) => path === c.path || path.startsWith(`${c.path}.`) || c.path.startsWith(`${path}.`));
  return hit?.label ?? changes.map((c) => c.label).join(' ');
}
