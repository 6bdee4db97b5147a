/**
 * The shard partition (`--shard k/n`): how the replications of a run or a
 * comparison, or the design points of a sweep or a sensitivity analysis,
 * are split between n processes.
 *
 * Shard k of n (k = 1 … n) holds the contiguous block of items
 * ⌊(k − 1)·N/n⌋ … ⌊k·N/n⌋ − 1 of N: blocks differ in size by one at most,
 * and shard k's block ends where shard k + 1's begins, so the blocks in
 * shard order are the items in order. Contiguous blocks rather than every
 * n-th item: a shard's per-run values are one range of the run store's
 * file (run-store.ts), and the merge joins the shards by concatenation. The
 * partition depends on k, n and N alone, never on the number of workers,
 * and an item's seed is its index among all N, so a merged folder is byte
 * for byte the one a single process writes.
 */
import { UsageError } from '../errors.js';
import { badShard } from './messages.js';

/** The most shards a piece of work is split into. */
export const MAX_SHARDS = 100_000;

export interface Shard {
  /** 1-based: 1 … count. */
  index: number;
  count: number;
}

/** Items `first` … `end − 1` (0-based) of a shard. */
export interface ShardRange {
  first: number;
  end: number;
}

/** `--shard k/n`, e.g. `3/8`. @throws UsageError */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d{1,9})\s*\/\s*(\d{1,9})\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!(count >= 1 && count <= MAX_SHARDS && index >= 1 && index <= count)) throw new UsageError(badShard(text, MAX_SHARDS));
  return { index, count };
}

/** The block of `items` items that shard `shard` holds. */
export function shardRange(shard: Shard, items: number): ShardRange {
  const at = (k: number) => Math.floor((k * items) / shard.count);
  return { first: at(shard.index - 1), end: at(shard.index) };
}
