/**
 * Flags that override a scenario's own values (precedence: defaults <
 * scenario file < flags), parsed with one-line errors.
 */
import { InvalidArgumentError } from 'commander';
import { availableParallelism } from 'node:os';
import { moreWorkersThanCores, tooManyWorkers } from '../ensemble/messages.js';
import { maxWorkers } from '../ensemble/worker-pool.js';
import type { Scenario } from '../scenario/schema.js';
import { printable, quote } from '../printable.js';
import { withValues } from '../scenario/value-paths.js';
import { UsageError } from '../errors.js';
import { parseShard, type Shard } from '../output/shard.js';

export interface ScenarioFlags {
  runs?: number;
  seed?: string | number;
  months?: number;
  /** `--set <path>=<value>` changes, in the order given. */
  set?: ValueChange[];
}

export interface ValueChange {
  path: string;
  /** A number, or text (an expression), as the scenario file would hold it. */
  value: number | string;
  /** The flag as typed, for messages. */
  label: string;
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Commander's parser of a repeatable `--set <path>=<value>`: collects the changes in order. */
export function parseSet(text: string, previous: ValueChange[] = []): ValueChange[] {
  const at = text.indexOf('=');
  const path = at < 0 ? '' : text.slice(0, at).trim();
  const raw = at < 0 ? '' : text.slice(at + 1).trim();
  if (!path || !raw) throw new InvalidArgumentError(`--set takes <path>=<value>, e.g. --set providers.zhipu.price=0.5, got ${quote(text, 80)}`);
  const value = NUMBER.test(raw) && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  return [...previous, { path, value, label: `--set ${printable(text, 80)}` }];
}


export function positiveInteger(name: string, max = Number.MAX_SAFE_INTEGER) {
  // Without a maximum of its own, the bound is only the largest exact integer: not worth quoting.
  const range = max === Number.MAX_SAFE_INTEGER ? 'a whole number ≥ 1' : `a whole number from 1 to ${max}`;
  return (text: string): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`${name} must be ${range}, got "${text}"`);
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

/**
 * The scenario with the flags applied: `--set` changes first (validated as
 * a whole), then --runs, --seed and --months.
 * @throws UsageError when a `--set` path or value does not fit the scenario
 */
export function applyFlags(file: Scenario, flags: ScenarioFlags): Scenario {
  const scenario = flags.set?.length ? withValues(file, flags.set) : file;
  return {
    ...scenario,
    ...(flags.runs !== undefined && { runs: flags.runs }),
    ...(flags.seed !== undefined && { seed: flags.seed }),
    ...(flags.months !== undefined && { months: flags.months }),
  };
}

/** Commander's parser of `--shard k/n` (sim/output/shard.ts). */
export function parseShardFlag(text: string): Shard {
  try {
    return parseShard(text);
  } catch (e) {
    throw e instanceof UsageError ? new InvalidArgumentError(e.message) : e;
  }
}

/** Where a shard goes by default: beside the folder the whole work would go to, `<out>-shard-<k>-of-<n>`. */
export function shardOut(out: string, shard: Shard): string {
  return `${out.replace(/[/\\]+$/, '')}-shard-${shard.index}-of-${shard.count}`;
}

/** The line a shard command ends with. */
export function shardLine(out: string, written: { range: { first: number; end: number }; alreadyComplete: boolean; manifest: { shard: { index: number; count: number }; items: number } }, what: string, seconds: string): string {
  const { index, count } = written.manifest.shard;
  const { first, end } = written.range;
  if (written.alreadyComplete) return `${out} is already complete: nothing to resume`;
  const block = end - first > 1 ? `${what} ${first + 1}–${end} of ${written.manifest.items}` : end > first ? `${what.replace(/s$/, '')} ${end} of ${written.manifest.items}` : `no ${what} (of ${written.manifest.items})`;
  return `wrote shard ${index} of ${count} to ${out}: ${block} in ${seconds} s; join the shards with \`shakeout merge\``;
}
