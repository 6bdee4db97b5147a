/**
 * The rows of a shared replication (runSharedReplication,
 * sim/model/shared-replication.ts) as one array, so that they cross from a
 * worker in one transfer (shared-runs.ts). Apart from shared-runs.ts so
 * that the executors, which pack, and the comparison, which unpacks,
 * import it without a cycle.
 */

/**
 * A flag per what-if (1: its rows follow, 0: it is to be run alone), then
 * the baseline's rows and each flagged what-if's.
 */
export function packShared(rows: readonly (Float64Array | null)[]): Float64Array {
  const n = rows.length - 1;
  const length = n + rows.reduce((sum, r) => sum + (r?.length ?? 0), 0);
  const packed = new Float64Array(length);
  let at = n;
  rows.forEach((r, i) => {
    if (i > 0) packed[i - 1] = r ? 1 : 0;
    if (!r) return;
    packed.set(r, at);
    at += r.length;
  });
  return packed;
}

/** The inverse of packShared for `whatIfs` what-ifs of rows of `size` values each. */
export function unpackShared(packed: Float64Array, whatIfs: number, size: number): (Float64Array | null)[] {
  const out: (Float64Array | null)[] = [];
  let at = whatIfs;
  for (let i = 0; i <= whatIfs; i++) {
    if (i > 0 && packed[i - 1] !== 1) {
      out.push(null);
      continue;
    }
    out.push(packed.slice(at, at + size));
    at += size;
  }
  return out;
}
