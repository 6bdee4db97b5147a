/**
 * Edit distance for "did you mean" suggestions, cheap by construction: the
 * names compared come from scenario files, so they may be long (a 30,000-
 * character id) and many (a million `flows.<from>.<to>` metrics), and a full
 * distance matrix per pair once took a 60 KB file 21 s and all the heap.
 * Here a pair costs at most MAX_COMPARED_LENGTH · (2 · max + 1) steps, and
 * usually a few rows: the distance is computed only within `max`.
 */

/** Words longer than this get no suggestion: nobody mistypes a 300-character name by a letter or two. */
export const MAX_COMPARED_LENGTH = 256;

/**
 * Edits (insert, delete, substitute; with `swaps`, also a swap of two
 * neighbours, so "openia" is 1 from "openai") from `a` to `b`, when at most
 * `max`; otherwise `max + 1`. Only the band of cells within `max` of the
 * diagonal is computed, and it stops once a whole row is past `max`.
 */
export function editDistanceWithin(a: string, b: string, max: number, swaps = false, work?: WorkBudget): number {
  const over = max + 1;
  if (Math.abs(a.length - b.length) > max || a.length > MAX_COMPARED_LENGTH || b.length > MAX_COMPARED_LENGTH) return over;
  // What the two share at either end costs nothing (metric names share `flows.` and more); a shared
  // character next to a swap stays in, so the swap is still seen.
  let start = 0;
  while (start < a.length && start < b.length && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  if (start > 0 && swaps) start--;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  if (swaps && endA < a.length) {
    endA++;
    endB++;
  }
  const n = endA - start;
  const m = endB - start;
  if (n === 0 || m === 0) return Math.min(Math.max(n, m), over);
  if (rows[0].length < m + 1) rows = [0, 1, 2].map(() => new Int32Array(MAX_COMPARED_LENGTH + 1));
  // Three rows (i − 2, i − 1, i); cells outside the band hold `over`.
  let [before, prev, cur] = rows;
  before.fill(over, 0, m + 1);
  prev.fill(over, 0, m + 1);
  cur.fill(over, 0, m + 1);
  for (let j = 0; j <= Math.min(m, max); j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    const lo = Math.max(1, i - max);
    const hi = Math.min(m, i + max);
    const ai = a.charCodeAt(start + i - 1);
    const aPrev = i > 1 ? a.charCodeAt(start + i - 2) : -1;
    cur[lo - 1] = lo === 1 ? i : over;
    let rowMin = cur[lo - 1];
    for (let j = lo; j <= hi; j++) {
      const bj = b.charCodeAt(start + j - 1);
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ai === bj ? 0 : 1));
      if (swaps && i > 1 && j > 1 && ai === b.charCodeAt(start + j - 2) && aPrev === bj) d = Math.min(d, before[j - 2] + 1);
      cur[j] = d < over ? d : over;
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (hi < m) cur[hi + 1] = over;
    if (work) work.cells -= hi - lo + 1;
    if (rowMin > max) return over;
    [before, prev, cur] = [prev, cur, before];
  }
  return prev[m];
}

/** Cells of distance matrices a caller may still compute; editDistanceWithin counts down what it computes. */
export interface WorkBudget {
  cells: number;
}

/** Rows reused from call to call: a suggestion may compare a million candidates. */
let rows: Int32Array[] = [0, 1, 2].map(() => new Int32Array(MAX_COMPARED_LENGTH + 1));
