/**
 * A sink (ensemble.ts) that keeps each run's values in memory, for a
 * caller that reads them at once instead of writing a result folder: a
 * calibration objective, a test.
 */
import type { RunSink } from './ensemble.js';

export interface MemorySink extends RunSink {
  /** values[r]: replication r's values (row-major `[t · metrics + m]`), once stored. */
  readonly values: readonly (Float64Array | undefined)[];
  /** Runs stored. */
  readonly count: number;
}

export function memorySink(runs: number): MemorySink {
  const values: (Float64Array | undefined)[] = new Array(runs).fill(undefined);
  let count = 0;
  return {
    values,
    get count() {
      return count;
    },
    has: (r) => values[r] !== undefined,
    write(r, v) {
      if (values[r] === undefined) count++;
      values[r] = v;
    },
  };
}
