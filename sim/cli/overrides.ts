/**
 * Flags that override a scenario's own values (precedence: defaults <
 * scenario file < flags), parsed with one-line errors.
 */
import { InvalidArgumentError } from 'commander';
import { availableParallelism } from 'node:os';
import { moreWorkersThanCores, tooManyWorkers } from '../ensemble/messages.js';
import { maxWorkers } from '../ensemble/worker-pool.js';
import type { Scenario } from '../scenario/schema.js';

export interface ScenarioFlags {
  runs?: number;
  seed?: string | number;
  months?: number;
}

export function positiveInteger(name: string, max = Number.MAX_SAFE_INTEGER) {
  return (text: string): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}, got "${text}"`);
    return n;
  };
}

/** The `--workers` flag: 1 to maxWorkers() (worker-pool.ts), refused above with the reason. */
export function parseWorkers(text: string): number {
  const max = maxWorkers();
  if (/^\s*\d+\s*$/.test(text) && Number(text) > max) throw new InvalidArgumentError(tooManyWorkers(text, max, availableParallelism()));
  return positiveInteger('--workers', max)(text);
}

/** Tells stderr when `workers` threads will share fewer cores (not an error: oversubscribing can be meant). */
export function noteOversubscription(workers: number, quiet = false): void {
  const cores = availableParallelism();
  if (!quiet && workers > cores) process.stderr.write(moreWorkersThanCores(workers, cores) + '\n');
}

/** A seed is any text; digits alone are a number, as they would be in the file. */
export function parseSeed(text: string): string | number {
  return /^\d{1,15}$/.test(text) ? Number(text) : text;
}

export function applyFlags(scenario: Scenario, flags: ScenarioFlags): Scenario {
  return {
    ...scenario,
    ...(flags.runs !== undefined && { runs: flags.runs }),
    ...(flags.seed !== undefined && { seed: flags.seed }),
    ...(flags.months !== undefined && { months: flags.months }),
  };
}
