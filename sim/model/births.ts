/**
 * Startup keys (MODEL.md section 10): a startup's random numbers are keyed
 * by its birth group and its rank in that group, never by its index in the
 * table. Group 0 is the t = 0 population, group t + 1 the entrants of month
 * t. A what-if with one entrant more in some month then gives every other
 * startup the same draws as its baseline (common random numbers), where a
 * global index would have shifted every later entrant onto another
 * startup's draws.
 *
 * No slot of the 64-byte record is spent on the key: births of one group
 * are contiguous in the table, so the group of index i is found in a small
 * table of each group's first index (one entry per month with births).
 */
import { groupStream, keyOf } from '../rng/keyed.js';

export interface BirthGroups {
  /** first[g]: the table index of the first startup of the g-th group opened. */
  readonly first: Int32Array;
  /** group[g]: that group's number (0: the t = 0 population, t + 1: month t's entrants). */
  readonly group: Int32Array;
  /** Groups opened so far. */
  count: number;
  /** The position found last: choosers and the kernel's calls come in table order, so the next lookup mostly hits it. */
  hint: number;
}

/** Room for the t = 0 population and one group of entrants per month. */
export function createBirthGroups(months: number): BirthGroups {
  return { first: new Int32Array(months + 1), group: new Int32Array(months + 1), count: 0, hint: 0 };
}

/** Starts group `group`, whose births take the table indices from `first` on. */
export function openBirthGroup(groups: BirthGroups, group: number, first: number): void {
  groups.first[groups.count] = first;
  groups.group[groups.count] = group;
  groups.count++;
}

/** The position in `groups` of the group holding table index i. */
export function groupAt(groups: BirthGroups, i: number): number {
  const first = groups.first;
  const h = groups.hint;
  if (first[h] <= i && (h + 1 === groups.count || i < first[h + 1])) return h;
  let hi = groups.count - 1;
  if (i >= first[hi]) return (groups.hint = hi);
  let lo = 0;
  // Invariant: first[lo] ≤ i < first[hi].
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (first[mid] <= i) lo = mid;
    else hi = mid;
  }
  return (groups.hint = lo);
}

/** The key of startup i in `stream`: keyOf(groupStream(stream, its group), its rank). */
export function startupKey(groups: BirthGroups, stream: number, i: number): number {
  const g = groupAt(groups, i);
  return keyOf(groupStream(stream, groups.group[g]), i - groups.first[g]);
}
