/**
 * The ensemble driver. Phases of a run, and where each lives:
 *
 *   load → validate → compile      sim/scenario, sim/model/compile (before this)
 *   init → step/record             runReplication, once per run (here)
 *   spill                          each run's values into the run store (here)
 *   aggregate                      aggregate.ts, streaming over the store
 *   write                          sim/output/result-folder.ts
 *
 * Replications go through a ReplicationExecutor, so a worker pool can take
 * the inline executor's place. Each result is written at its run's own
 * offset in the store, so neither the number of workers nor the order in
 * which runs finish changes any output byte.
 */
import type { CompiledScenario } from '../model/compile.js';
import { runReplication } from '../model/replication.js';
import { UsageError } from '../errors.js';
import { createRunStore, type RunStoreReader } from '../output/run-store.js';
import { badRunCount } from './messages.js';

export { aggregate, type TimeseriesRow } from './aggregate.js';

/** Runs replications; a worker pool implements the same interface. */
export interface ReplicationExecutor {
  /** Replications in flight at once. */
  readonly concurrency: number;
  /** Values of replication r (0-based), row-major `values[t · metrics + m]`. */
  run(replication: number): Promise<Float64Array>;
  /** Releases workers; called once when the ensemble ends, also on failure. */
  close(): Promise<void>;
}

/** Runs replications one at a time on this thread. */
export function inlineExecutor(compiled: CompiledScenario): ReplicationExecutor {
  return {
    concurrency: 1,
    async run(replication) {
      // Yield to the event loop between runs so signals and progress output get through.
      await new Promise<void>((resolve) => setImmediate(resolve));
      return runReplication(compiled, replication);
    },
    async close() {},
  };
}

export interface EnsembleOptions {
  /** Number of replications, ≥ 1. */
  runs: number;
  /** The (temporary) result folder; the store goes to `<dir>/runs/`. */
  dir: string;
  /** Called after each finished run with (runs done, runs in total). */
  onProgress?: (done: number, total: number) => void;
  /** Default: inlineExecutor(compiled). */
  executor?: ReplicationExecutor;
}

/** Runs replications 0 … runs − 1 into a run store in `dir` and returns its reader. */
export async function runEnsemble(compiled: CompiledScenario, options: EnsembleOptions): Promise<RunStoreReader> {
  const { runs, dir, onProgress } = options;
  if (!(Number.isInteger(runs) && runs >= 1)) throw new UsageError(badRunCount(runs));
  const executor = options.executor ?? inlineExecutor(compiled);
  const store = createRunStore(dir, {
    metrics: compiled.metricNames,
    months: compiled.months,
    runs,
    start: compiled.start,
  });
  let next = 0;
  let done = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < runs) {
      const r = next++;
      try {
        const values = await executor.run(r);
        if (failed) return;
        store.write(r, values);
      } catch (e) {
        failed = true;
        throw e;
      }
      onProgress?.(++done, runs);
    }
  };
  // Settle every lane before closing the store, so no late result writes to a closed file.
  const lanes = Array.from({ length: Math.min(Math.max(1, executor.concurrency), runs) }, lane);
  const settled = await Promise.allSettled(lanes);
  try {
    await executor.close();
  } catch (e) {
    store.abort();
    throw e;
  }
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) {
    store.abort();
    throw failure.reason;
  }
  return store.finish();
}
