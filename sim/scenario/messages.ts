/**
 * Every user-facing message about a scenario file, in one place, so the
 * wording stays consistent: say what is wrong, show what was found, and
 * name the fix when there is an obvious one.
 */
import type { z } from 'zod';
import { printable, quote } from '../printable.js';
import { grouped } from '../grouped.js';
import { editDistanceWithin } from '../edit-distance.js';
import {
  MAX_CLASSES,
  MAX_EXPANDED_BYTES,
  MAX_EXTENDS_DEPTH,
  MAX_PROVIDERS,
  MAX_SCENARIO_BYTES,
  MAX_SCENARIO_VALUES,
  SCENARIO_EXTENSIONS,
} from './limits.js';

export { printable, quote };

/** A short rendering of a bad value: strings quoted, YAML spellings for non-finite numbers. */
export function describe(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (typeof input === 'string') return quote(input, 40);
  if (typeof input === 'number') {
    if (Number.isNaN(input)) return '.nan';
    if (input === Infinity) return '.inf';
    if (input === -Infinity) return '-.inf';
    return String(input);
  }
  if (typeof input === 'boolean') return String(input);
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a map';
  return `a ${typeof input}`;
}

/** `expected <what>, got <value>`. */
export function expected(what: string, input: unknown): string {
  return `expected ${what}, got ${describe(input)}`;
}

/** As `expected`, for a number field: .inf and .nan are numbers to YAML, so say that it must be finite. */
export function expectedNumber(what: string, input: unknown): string {
  if (typeof input === 'number' && !Number.isFinite(input)) return `expected a finite number, got ${describe(input)}`;
  return expected(what, input);
}

export const missingField = 'missing required field';

export function unknownKey(key: string, known: readonly string[]): string {
  const near = closest(key, known);
  return near ? `unknown key ${quote(key)} (did you mean ${quote(near)}?)` : `unknown key ${quote(key)}`;
}

const typeNames: Record<string, string> = {
  number: 'a number',
  string: 'text',
  object: 'a map',
  record: 'a map',
  array: 'a list',
  boolean: 'true or false',
};

/**
 * Messages for the issues the schema does not word itself (types, list
 * lengths, literals). Passed to every `safeParse` of a scenario.
 */
export const issueMessage: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type': {
      const what = typeNames[iss.expected] ?? iss.expected;
      if (iss.expected === 'number') return expectedNumber(what, iss.input);
      const inQuotes = iss.expected === 'string' && (typeof iss.input === 'number' || typeof iss.input === 'boolean');
      return expected(what, iss.input) + (inQuotes ? ' (put it in quotes)' : '');
    }
    case 'too_small':
      if (iss.origin === 'array') return `expected a list of at least ${String(iss.minimum)}, got ${Array.isArray(iss.input) ? iss.input.length : describe(iss.input)}`;
      if (iss.origin === 'string') return 'expected text, got ""';
      return expectedNumber(`a number ${iss.inclusive ? '≥' : '>'} ${String(iss.minimum)}`, iss.input);
    case 'too_big':
      return expectedNumber(`a number ${iss.inclusive ? '≤' : '<'} ${String(iss.maximum)}`, iss.input);
    case 'invalid_value':
      return expected(iss.values.map((v) => JSON.stringify(v)).join(' or '), iss.input);
    case 'invalid_union':
      return `unexpected value ${describe(iss.input)}`;
    default:
      return undefined;
  }
};

// ---- reading files and `extends` ----

export function cannotRead(reason: string): string {
  return `cannot read the file: ${reason}`;
}

export function cannotReadBase(base: string, reason: string): string {
  return `extends ${quote(base, 200)}, which cannot be read: ${reason}`;
}

export function extendsCycle(chain: readonly string[]): string {
  return `extends forms a cycle: ${chain.map((f) => quote(f, 200).slice(1, -1)).join(' → ')}`;
}

export const extendsNotText = 'expected the file name of the base scenario';
export const emptyFile = 'the file is empty; a scenario is a map of keys such as start, months, providers';
export const topNotMap = (input: unknown) => expected('a map of keys such as start, months, providers', input);
export const keyNotText = 'expected a plain key (text, a number or true/false)';
export const forbiddenKey = (key: string) => `the key ${quote(key)} is not allowed`;
export const unsupportedValue = (tag: string) =>
  `unsupported value${tag ? ` (${tag.replace('tag:yaml.org,2002:', '!!')})` : ''}; use numbers, text, lists and maps`;
export const unknownAlias = (name: string) => `unknown alias *${name}`;
export const recursiveAlias = (name: string) => `the alias *${name} refers to itself`;
export const tooDeep = 'the file nests too deeply';
export const multipleDocuments = 'a scenario file holds one document; remove the second "---" and what follows, or split the file';
export const tooManyAliases = 'too many aliases (more than 1000 expansions)';
export const duplicateKey = (key: string, firstLine: number) =>
  `the key ${quote(key)} is written twice${firstLine > 0 ? ` (first on line ${firstLine})` : ''}; keep one`;
export const tooManyValues =
  `the scenario holds more than ${grouped(MAX_SCENARIO_VALUES)} values (aliases counted as what they expand to); ` +
  'a scenario is a few hundred: use expressions or fewer events';
export const tooMuchText =
  `the scenario expands to more than ${grouped(MAX_EXPANDED_BYTES / 1024)} KiB of text (aliases counted as what they expand to); ` +
  'write long text once, not through aliases';
/** A number literal (in YAML or an expression) that overflows a double; a long one is cut. */
export function numberTooLarge(literal: string): string {
  const shown = literal.length > 40 ? `${printable(literal, 40)} (${grouped(literal.length)} characters)` : printable(literal);
  return `the number ${shown} is too large; every number must be finite`;
}

const kib = (bytes: number) => `${grouped(bytes / 1024)} KiB`;
/** Why a scenario file was not read, by the code its reader gave. */
export const notRegularFile = 'it is not a regular file';
export const fileTooLarge = `it is larger than ${kib(MAX_SCENARIO_BYTES)}, the limit for a scenario file`;
export const scenarioTooLarge = (bytes: number) =>
  `this scenario and the files it extends hold ${kib(bytes)}, more than the ${kib(MAX_SCENARIO_BYTES)} a scenario may have`;
export const extendsTooDeep = `extends goes more than ${MAX_EXTENDS_DEPTH} files deep; merge some of the base files`;
export const extendsNotScenario = (name: string) =>
  `extends ${quote(name, 200)}, which is not a scenario file; name a ${SCENARIO_EXTENSIONS.join(', ').replace(/, ([^,]*)$/, ' or $1')} file`;
export const moreProblems = (n: number | undefined) =>
  n === undefined ? 'more problems not shown (fix these first)' : `${grouped(n)} more problem${n === 1 ? '' : 's'} not shown`;
export const dropWithFields = 'a drop event takes only "id" and "drop: true"';

// ---- whole-document rules ----

export const duplicateProvider = (id: string, first: string) => `provider id "${id}" is already used (${first})`;
export const enterExisting = (id: string, first: string) =>
  `provider "${id}" already exists (${first}); an enter event adds a new provider`;
export const duplicateEvent = (id: string, first: string) => `event id "${id}" is already used (${first})`;
export const unknownProvider = (id: string, known: readonly string[]) => unknownName('provider', id, known);
export const unknownClass = (id: string, known: readonly string[]) => unknownName('class', id, known);
export const tooManyProviders = (n: number) =>
  `${grouped(n)} providers (at start and entering), more than the ${grouped(MAX_PROVIDERS)} a scenario may have`;
export const tooManyClasses = (n: number) => `${n} startup classes, more than the ${MAX_CLASSES} a scenario may have`;
export const notAtStart = (id: string) => `provider "${id}" is not among the providers at start (it enters later)`;

function unknownName(kind: string, id: string, names: readonly string[]): string {
  const known = [...new Set(names)];
  const near = closest(id, known);
  if (near) return `unknown ${kind} ${quote(id)} (did you mean ${quote(near)}?)`;
  const listed = known.length > 12 ? `${known.slice(0, 12).join(', ')}, … (${known.length} in all)` : known.join(', ');
  return known.length ? `unknown ${kind} ${quote(id)}; the ${kind === 'class' ? 'classes' : kind + 's'} are ${listed}` : `unknown ${kind} ${quote(id)}`;
}

/** A path that names no numeric value of the scenario (value-paths.ts); `label`: the change as typed; `close`: valid paths near it. */
export function unknownValuePath(label: string, path: string, close: readonly string[]): string {
  const hint = close.length === 1 ? ` (did you mean ${close[0]}?)` : close.length ? `; paths near it: ${close.join(', ')}` : '; paths look like providers.<id>.price, classes.<class>.hazard, startups.entry.rate, events.<event id>.campaign.grant';
  return `${label}: ${quote(path, 80)} is not a numeric value of this scenario${hint}`;
}

/** A --set (or sweep) change that makes the scenario invalid. */
export const badValueChange = (label: string, path: string, message: string) => `${label}: ${path ? `${path}: ` : ''}${message}`;

export const eventDoesNothing = 'an event needs one of exit, enter, campaign or set';
export const eventDoesMany = (keys: readonly string[]) =>
  `an event does one thing, but this one has ${keys.join(' and ')}; split it into ${keys.length} events`;
export const dropUnmatched = (id: string | undefined) =>
  id === undefined ? 'a drop event needs the id of the base event it removes' : `no event "${id}" in the base files to drop`;
export const beforeStart = (month: string, start: string) => `${month} is before start (${start})`;
export const untilBeforeAt = (until: string, at: string) => `${until} is before the event's month (${at})`;
export const outsideRun = (month: string, start: string, last: string) =>
  `${month} is outside the run (${start} to ${last}); use a month in it or "end"`;
export const migrantsNeedFrom = 'eligible: migrants needs "from", the providers the migrants leave';
export const fromNeedsMigrants = (eligible: string) => `"from" applies only to eligible: migrants, not ${eligible}`;

export const sharesSum = (sum: number) => `shares sum to ${round(sum)}, expected 1`;
export const mixedInitialProviders =
  'expected either shares by provider ({openai: 0.6, zhipu: 0.4}) or, per class, maps of shares by provider';
export const classNotServed = (cls: string) =>
  `no provider listed here with a share > 0 serves class "${cls}"`;
export const providerNotServing = (provider: string, cls: string) => `provider "${provider}" does not serve class "${cls}"`;
export const classMissing = (cls: string) => `missing initial providers for class "${cls}"`;

export const badExpression = (what: string | undefined, source: string, reason: string) =>
  `expected ${what ? `${what} or ` : ''}an expression, got ${describe(source)}: ${reason}`;
export const emptySet = 'a set event needs at least one <path>: <value>';
export const noValueAtStart = (field: string, variable: string, target: string) =>
  `${field} reads "${variable}", which has no value at the provider's first month: ` +
  `give ${target} a number, or write it {initial: <number>, then: <expression>}`;

/** Why `path` cannot be set, by what it starts with. */
export function notSettable(path: string): string {
  const [head, , field] = path.split('.');
  if (head === 'providers') {
    return 'cannot be set; a provider\'s settable fields are price, quality, unitCost, fixedCost, exitRisk, serves, switchCostFactor, funding and funding.below, .probability, .amount';
  }
  if (head === 'classes') {
    if (field === 'share') return 'cannot be set: the class shares must keep summing to 1';
    return 'cannot be set; a class\'s settable fields are all but share, e.g. classes.small.hazard or classes.small.switchCost.median';
  }
  return 'cannot be set; settable are providers.<id>.<field>, classes.<class>.<field>, horizon, qualityReference (or its .value and .frontierWeight), startups.entry.rate and startups.entry.qualityElasticity';
}
export const noFundingToChange = (id: string) =>
  `provider "${id}" has no funding to change; set providers.${id}.funding to {below, probability, amount} first`;

function round(x: number): string {
  return String(Math.round(x * 1e9) / 1e9);
}

/** The candidate closest to `word` by edit distance, when it is close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  // One-letter and two-letter words are too short to guess at unless only the case differs.
  const allowed = word.length < 3 ? 0 : Math.min(MAX_SUGGESTED_EDITS, Math.max(1, Math.floor(word.length / 4)));
  let best: string | undefined;
  let bestDistance = allowed + 1;
  const lower = word.toLowerCase();
  for (const c of candidates) {
    if (Math.abs(c.length - word.length) > allowed) continue;
    const d = editDistanceWithin(lower, c.toLowerCase(), Math.min(allowed, bestDistance - 1), true);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** A "did you mean" is a typo or two: more edits than this suggest nothing useful, and cost more to look for. */
const MAX_SUGGESTED_EDITS = 6;

// The targets file of `shakeout calibrate` (targets.ts).
export const targetsScenarioNotScenario = (name: string) => `${quote(name, 200)} is not a scenario file (expected .yaml, .yml or .json)`;
export const metricOrMetrics = 'a target names one metric (metric: <name>) or a sum of metrics (metrics: [<name>, …]), not both';
export const noMetric = 'a target needs metric: <name> or metrics: [<name>, …]';
export const boundsOrder = (lower: number, upper: number) => `lower (${lower}) must be below upper (${upper})`;
export const startOutside = (start: number, lower: number, upper: number) => `start (${start}) is outside [${lower}, ${upper}]`;
export const duplicateParameter = (path: string, line: number) => `${quote(path, 200)} is calibrated twice (first on line ${line})`;
export const duplicateMetric = (metric: string) => `${quote(metric, 200)} is listed twice in the sum`;
export const badTargetMonth = (at: string) => `expected a month: YYYY-MM, a month index (0, 1, …) or end, got ${quote(at, 40)}`;
/** An expectation's metric the scenario does not record, with the close names. */
export function unknownMetric(metric: string, suggestions: readonly string[]): string {
  const hint = suggestions.length ? ` (did you mean ${suggestions.map((s) => printable(s)).join(', ')}?)` : '; `shakeout metrics <scenario>` lists them';
  return `no metric named ${quote(metric)}${hint}`;
}
export const unknownTargetMetric = (metric: string, close: readonly string[]) =>
  `no metric named ${quote(metric, 200)}${close.length ? ` (did you mean ${close.map((c) => quote(c, 200)).join(', ')}?)` : ''}; \`shakeout metrics <scenario>\` lists the metrics`;
export const targetMonthOutside = (at: string, last: number, start: string, end: string) => `${at} is not a month of the run (0 to ${last}, ${start} to ${end}, or end)`;
// ---- expectations: absolute (value) or relative (baseline with ratio or difference) ----

export const valueAndBaseline = 'an expectation has either a value or a baseline, not both';
export const ratioAndDifference = 'give either ratio or difference, not both';
export const withoutBaseline = (field: string) => `${field} needs a baseline: the scenario file whose runs this one is compared with`;
export const baselineWithout = 'a baseline needs a ratio (this metric op ratio × the baseline\'s) or a difference (op the baseline\'s + difference)';
export const missingBaseline = 'missing baseline: the scenario file whose runs the ratio or difference compares with';
export const missingValue = 'missing value (or, for a relative expectation, baseline with ratio or difference)';
export const baselineNotScenario = (name: string) => `the baseline ${JSON.stringify(name)} is not a scenario file (.yaml, .yml or .json)`;
export const baselineIsItself = 'a scenario cannot be its own baseline (name another scenario file)';
/** The baseline's first problem (its own file and line) and how many more it has. */
export const baselineDoesNotLoad = (name: string, problems: readonly string[]) =>
  `the baseline ${JSON.stringify(name)} cannot be loaded: ${problems[0] ?? 'unknown problem'}` +
  (problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''}: run \`shakeout validate\` on it)` : '');
