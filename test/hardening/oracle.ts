/**
 * The fuzz suites' oracle (docs/security.md, "Scenario files"): a scenario
 * text, whatever it holds, ends in a valid run or in a clean error, one
 * located line per problem, within 5 s. Anything else thrown (a TypeError,
 * a RangeError from a stack overflow) fails the case.
 */
import { expect } from 'vitest';
import { ModelError, ScenarioError, UsageError } from '../../sim/errors.js';
import { firstNonFinite } from '../../sim/ensemble/ensemble.js';
import { assertResources, estimateResources } from '../../sim/ensemble/limits.js';
import { compile } from '../../sim/model/compile.js';
import { runReplication } from '../../sim/model/replication.js';
import { parseScenario } from '../../sim/scenario/load.js';

/** The bound on one case, from the issue: never a hang over 5 s. */
export const CASE_MS = 5000;

/** Worlds small enough to run one replication of in the fuzz loop. */
const RUNNABLE_STARTUPS = 400;
const RUNNABLE_MONTHS = 24;

/** Texts of JavaScript's own errors, which must never reach a user as a message. */
const LEAKS = /\n\s+at |\[object Object\]|Cannot read propert|is not a function|is not iterable|Maximum call stack|Invalid array length|Invalid typed array length|Unexpected token/;

export type Outcome = 'ran' | 'refused' | 'invalid' | 'stopped';

export interface Tally {
  cases: number;
  ran: number;
  refused: number;
  invalid: number;
  stopped: number;
  slowestMs: number;
}

export function tally(): Tally {
  return { cases: 0, ran: 0, refused: 0, invalid: 0, stopped: 0, slowestMs: 0 };
}

/** A clean error: one line per problem, each naming its file (and line where it has one), no JavaScript internals. */
export function expectCleanLines(message: string, files: readonly string[]): void {
  expect(message.trim()).not.toBe('');
  expect(message, message).not.toMatch(LEAKS);
  for (const line of message.split('\n')) {
    expect(line.trim(), message).not.toBe('');
    expect(
      files.some((f) => line.startsWith(`${f}:`) || line.startsWith(`${f}: `)),
      `not located in ${files.join(', ')}: ${line}`,
    ).toBe(true);
  }
}

/**
 * Loads `text` as `file` (bases through `readFile`); when it loads and fits,
 * compiles it and, when small, runs one replication. Asserts the outcome is
 * clean and records it in `t`.
 */
export function loadCleanly(text: string, t: Tally, file = 'gen.yaml', readFile?: (path: string) => string, files: readonly string[] = [file]): Outcome {
  return attempt(text, t, file, readFile, files).outcome;
}

/** As loadCleanly, also giving the message the case ended with ('' for a run). */
export function attempt(
  text: string,
  t: Tally,
  file = 'gen.yaml',
  readFile?: (path: string) => string,
  files: readonly string[] = [file],
): { outcome: Outcome; message: string } {
  const began = performance.now();
  let outcome: Outcome;
  let message = '';
  try {
    const { scenario } = parseScenario(text, file, readFile);
    try {
      assertResources(scenario, { file });
      const estimate = estimateResources(scenario);
      const compiled = compile(scenario);
      if (estimate.startups <= RUNNABLE_STARTUPS && scenario.months <= RUNNABLE_MONTHS) {
        try {
          const values = runReplication(compiled, 0);
          // A non-finite value is what the ensemble turns into a ModelError (numeric.test.ts).
          if (firstNonFinite(values) >= 0) outcome = 'stopped';
          else outcome = 'ran';
        } catch (e) {
          if (!(e instanceof ModelError)) throw e;
          expect(e.message).not.toMatch(LEAKS);
          message = e.message;
          outcome = 'stopped';
        }
      } else outcome = 'ran';
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      expect(e.message).toMatch(/needs about .* of memory/);
      expectCleanLines(e.message, [file]);
      message = e.message;
      outcome = 'refused';
    }
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    expect(e.diagnostics.length).toBeGreaterThan(0);
    for (const d of e.diagnostics) {
      expect(d.line).toBeGreaterThanOrEqual(0);
      expect(d.message.trim()).not.toBe('');
      expect(d.message).not.toContain('\n');
    }
    expectCleanLines(e.message, files);
    message = e.message;
    outcome = 'invalid';
  }
  const ms = performance.now() - began;
  expect(ms, `took ${Math.round(ms)} ms`).toBeLessThan(CASE_MS);
  t.cases++;
  t[outcome]++;
  t.slowestMs = Math.max(t.slowestMs, ms);
  return { outcome, message };
}
