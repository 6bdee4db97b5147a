/**
 * Typed errors of the library. The library throws; only the CLI prints
 * and picks exit codes (2 for bad input, see sim/cli).
 */
import { printable } from './printable.js';

/**
 * What kind of problem a diagnostic is: a closed set, stable across
 * versions, so scripts can act on `--json` output (docs/errors.md lists them).
 */
export type DiagnosticCode =
  /** The file cannot be read (missing, not a regular file, too large). */
  | 'E_READ'
  /** Not YAML, or YAML shakeout refuses (duplicate keys, anchors, tags). */
  | 'E_YAML'
  /** `extends`: a base that cannot be read, a cycle, a merge that cannot be made. */
  | 'E_EXTENDS'
  | 'E_UNKNOWN_KEY'
  | 'E_MISSING'
  /** A value of the wrong type (text for a number, a list for a map). */
  | 'E_TYPE'
  /** A number outside its range. */
  | 'E_RANGE'
  /** A value not of the allowed form or values (an id, a month, an option). */
  | 'E_VALUE'
  /** An expression that does not parse or uses what is not allowed. */
  | 'E_EXPR'
  /** An expression naming a variable that does not exist there. */
  | 'E_EXPR_UNKNOWN_VARIABLE'
  /** A provider, class or event id that the scenario does not define. */
  | 'E_UNKNOWN_ID'
  /** An id defined twice. */
  | 'E_DUPLICATE_ID'
  /** Shares that do not sum to 1. */
  | 'E_SHARES'
  /** A month before the start, outside the run, or before the month it must follow. */
  | 'E_MONTH'
  /** An event that does nothing, or more than one thing. */
  | 'E_EVENT'
  /** A `set` path that does not exist or cannot take its value. */
  | 'E_SET_PATH'
  /** Fields that contradict each other (a class no provider serves, `from` without migrants). */
  | 'E_CONFLICT'
  /** An expectation's metric that the scenario does not record. */
  | 'E_UNKNOWN_METRIC'
  /** A relative expectation's baseline: missing, not a scenario, the scenario itself, invalid, or without the metric or the calendar. */
  | 'E_BASELINE'
  /** Past a limit: providers, classes, problems shown. */
  | 'E_LIMIT'
  /** Bad input outside a scenario file: a flag, a folder. */
  | 'E_USAGE'
  /** The model reached a state it cannot continue from (an expression gave a negative price). */
  | 'E_MODEL';

export const DIAGNOSTIC_CODES = [
  'E_READ',
  'E_YAML',
  'E_EXTENDS',
  'E_UNKNOWN_KEY',
  'E_MISSING',
  'E_TYPE',
  'E_RANGE',
  'E_VALUE',
  'E_EXPR',
  'E_EXPR_UNKNOWN_VARIABLE',
  'E_UNKNOWN_ID',
  'E_DUPLICATE_ID',
  'E_SHARES',
  'E_MONTH',
  'E_EVENT',
  'E_SET_PATH',
  'E_CONFLICT',
  'E_UNKNOWN_METRIC',
  'E_BASELINE',
  'E_LIMIT',
  'E_USAGE',
  'E_MODEL',
] as const satisfies readonly DiagnosticCode[];

/** One problem in a scenario file, located for the user. */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  /** The file as the user named it (relative paths stay relative). */
  file: string;
  /** 1-based line; 0 when the problem has no place in the file. */
  line: number;
  /** Dotted path with ids, e.g. `providers.zhipu.price` or `providers[2].price`. */
  path: string;
  message: string;
}

/**
 * `scenarios/x.yaml:14: providers[2].price: expected a number ≥ 0 …`, on
 * one line whatever text it quotes: line breaks, controls and invisible
 * characters (in a message, or in a base file's name) written as escapes.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}` : d.file;
  return printable(d.path ? `${where}: ${d.path}: ${d.message}` : `${where}: ${d.message}`);
}

/** Bad input: a scenario (or flag) that cannot be run. Carries every problem found. */
export class ScenarioError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'ScenarioError';
    this.diagnostics = diagnostics;
  }
}

/** Bad input that is not inside a scenario file (a flag, a missing folder). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Where a value was written in the scenario document: keys and list indices from the root (the loader's `locate` turns it into a file and line). */
export type DocumentLocation = readonly (string | number)[];

/** The model reached a state it cannot continue from (e.g. a negative price from an expression). */
export class ModelError extends Error {
  /** The value (an expression) that led there, when one did: a caller holding the file can name its line. */
  readonly location?: DocumentLocation;
  constructor(message: string, location?: DocumentLocation) {
    super(message);
    this.name = 'ModelError';
    if (location) this.location = location;
  }
}

/**
 * A run stopped by a signal (SIGINT, SIGTERM, SIGHUP) between replications.
 * The runs already finished are kept, so `--resume` can complete them; the
 * message says how. The CLI exits 128 + the signal's number (130 for SIGINT).
 */
export class InterruptedError extends Error {
  /** The signal's name, e.g. `SIGINT`. */
  readonly signal: string;
  /** Runs finished and kept, and runs in all. */
  readonly done: number;
  readonly runs: number;
  constructor(message: string, signal: string, done: number, runs: number) {
    super(message);
    this.name = 'InterruptedError';
    this.signal = signal;
    this.done = done;
    this.runs = runs;
  }
}

/**
 * Any error of the library as diagnostics, for `--json`: a ScenarioError's
 * own, else one with the class's code (E_USAGE, E_MODEL) and the message.
 * (The code is not a property of the error: `code` on an Error is Node's
 * errno, which callers test.)
 */
export function diagnosticsOf(e: ScenarioError | UsageError | ModelError): Diagnostic[] {
  if (e instanceof ScenarioError) return [...e.diagnostics];
  const path = e instanceof ModelError && e.location ? e.location.map((p) => String(p)).join('.') : '';
  return [{ code: e instanceof ModelError ? 'E_MODEL' : 'E_USAGE', file: '', line: 0, path, message: e.message }];
}
