/**
 * Startup keys (MODEL.md section 10): a startup's random numbers are keyed
 * by its birth group and its rank in that group, never by its index in the
 * table. Group 0 is the t = 0 population, group t + 1 the entrants of month
 * t. A what-if with one entrant more in some month then gives every other
 * startup the same draws as its baseline (common random numbers), where a
 * global index would have shifted every later entrant onto another
 * startup's draws.
 *
 * No slot of the 56-byte record is spent on the key: births of one group
 * are contiguous in the table, so the group of index i is found in a small
 * table of each group's first index (one entry per month with births).
 * The kernel keys startups from this table (sim/kernel/layout.ts,
 * startupKey), which kernel-tables.ts copies before each call that needs it.
 */

export interface BirthGroups {
  /** first[g]: the table index of the first startup of the g-th group opened. */
  readonly first: Int32Array;
  /** group[g]: that group's number (0: the t = 0 population, t + 1: month t's entrants). */
  readonly group: Int32Array;
  /** Groups opened so far. */
  count: number;
}

/** Room for the t = 0 population and one group of entrants per month. */
export function createBirthGroups(months: number): BirthGroups {
  return { first: new Int32Array(months + 1), group: new Int32Array(months + 1), count: 0 };
}

/** Starts group `group`, whose births take the table indices from `first` on. */
export function openBirthGroup(groups: BirthGroups, group: number, first: number): void {
  groups.first[groups.count] = first;
  groups.group[groups.count] = group;
  groups.count++;
}
