/**
 * Typed errors of the library. The library throws; only the CLI prints
 * and picks exit codes (2 for bad input, see sim/cli).
 */
import { printable } from './printable.js';

/** One problem in a scenario file, located for the user. */
export interface Diagnostic {
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
