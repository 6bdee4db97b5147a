/** "Did you mean …?" candidates for a mistyped name. */
import { editDistanceWithin, type WorkBudget } from './edit-distance.js';

/** At most this many edits, whatever the name's length: a typo, and a bounded cost per candidate. */
const MAX_EDITS = 8;

/**
 * Cells of distance computed for one name, at most (about 0.4 s here).
 * A million metric names (1,000 providers' `flows.<from>.<to>`) that all
 * differ from a long name by a few edits took 17 s to compare in full; past
 * this budget the suggestions come from the candidates compared so far.
 */
const MAX_CELLS = 50_000_000;

/**
 * Up to `max` names from `candidates` closest to `name` by edit distance,
 * within a third of its length (at least 2, at most MAX_EDITS), ties in
 * candidate order. Cheap by construction (edit-distance.ts): a candidate
 * whose length is too far off costs one comparison, a long name none, and
 * all of them together at most MAX_CELLS.
 */
export function closeNames(name: string, candidates: readonly string[], max = 3): string[] {
  const limit = Math.min(MAX_EDITS, Math.max(2, Math.floor(name.length / 3)));
  const lower = name.toLowerCase();
  const found: { c: string; i: number; d: number }[] = [];
  const work: WorkBudget = { cells: MAX_CELLS };
  for (let i = 0; i < candidates.length && work.cells > 0; i++) {
    const c = candidates[i];
    if (Math.abs(c.length - name.length) > limit) continue;
    const d = editDistanceWithin(lower, c.toLowerCase(), limit, false, work);
    if (d <= limit) found.push({ c, i, d });
  }
  return found
    .sort((x, y) => x.d - y.d || x.i - y.i)
    .slice(0, max)
    .map((x) => x.c);
}
