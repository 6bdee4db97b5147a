/**
 * The ensemble driver. Phases of a run, and where each lives:
 *
 *   load → validate → compile      sim/scenario, sim/model/compile (before this)
 *   init → step/record             runReplication, once per run (here)
 *   spill                          each run's values into the run store (here)
 *   aggregate                      aggregate.ts, streaming over the store
 *   write                          run-to-folder.ts, into sim/output/result-folder.ts
 *
 * Replications go through a ReplicationExecutor, so a worker pool can take
 * the inline executor's place. Each result is written at its run's own
 * offset in the store, so neither the number of workers nor the order in
 * which runs finish changes any output byte.
 *
 * Every value a replication returns is checked to be finite before it is
 * stored: a NaN or an infinity stops the ensemble with a ModelError that
 * names the metric, the month, the replication and the seed, and the
 * command that reproduces it. A resumed ensemble skips the runs the store
 * already holds; an aborted one stops between runs, keeps what it stored
 * and throws InterruptedError.
 */
import type { CompiledScenario } from '../model/compile.js';
import { runReplication } from '../model/replication.js';
import { monthLabel } from '../calendar.js';
import { InterruptedError, ModelError, UsageError } from '../errors.js';
import { createRunStore, type RunStoreReader } from '../output/run-store.js';
import { assertResources } from './limits.js';
import { badRunCount, inReplication, notFinite, reproduceCommand } from './messages.js';
import { failedReplication } from './worker-protocol.js';

export { aggregate } from './aggregate.js';
export type { TimeseriesRow } from '../output/result-types.js';

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
  /** Called after each finished run with (runs done, runs in total); with `resume`, first with the runs kept. */
  onProgress?: (done: number, total: number) => void;
  /** Default: inlineExecutor(compiled). */
  executor?: ReplicationExecutor;
  /** Keep the runs an interrupted ensemble stored in `dir` and compute only the others. */
  resume?: boolean;
  /**
   * Stops the ensemble between runs (its reason, if a string, names the
   * signal): the runs finished stay in the store, and InterruptedError is thrown.
   */
  signal?: AbortSignal;
  /** The scenario file as the user named it, for the command in error messages. */
  scenarioFile?: string;
}

/** Index of the first value that is NaN or infinite, or −1. */
export function firstNonFinite(values: Float64Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

/** Runs replications 0 … runs − 1 into a run store in `dir` and returns its reader. */
export async function runEnsemble(compiled: CompiledScenario, options: EnsembleOptions): Promise<RunStoreReader> {
  const { runs, dir, onProgress, signal } = options;
  const executor = options.executor ?? inlineExecutor(compiled);
  const seed = compiled.scenario.seed;
  const M = compiled.metricNames.length;
  const reproduce = (r: number) => reproduceCommand(options.scenarioFile, seed, r + 1, compiled.months);

  /** The replication's values, or a ModelError naming the first value that is not finite. */
  const checked = (r: number, values: Float64Array): Float64Array => {
    const i = firstNonFinite(values);
    if (i < 0) return values;
    const t = Math.floor(i / M);
    const metric = compiled.metricNames[i % M] ?? `metric ${i % M}`;
    throw new ModelError(notFinite(metric, values[i], monthLabel(compiled.start, t), t, r, seed, reproduce(r)));
  };
  /** A model error from the engine, with the replication and the command that reproduces it. */
  const located = (r: number, e: unknown): unknown =>
    e instanceof ModelError && !/to reproduce/i.test(e.message) ? new ModelError(inReplication(e.message, r, seed, reproduce(r)), e.location) : e;

  let store: ReturnType<typeof createRunStore> | undefined;
  try {
    if (!(Number.isInteger(runs) && runs >= 1)) throw new UsageError(badRunCount(runs));
    assertResources(compiled.scenario, { workers: executor.concurrency, runs, file: options.scenarioFile });
    store = createRunStore(dir, { metrics: compiled.metricNames, months: compiled.months, runs, start: compiled.start }, { resume: options.resume });
  } catch (e) {
    await executor.close();
    throw e;
  }
  const writer = store;
  const todo: number[] = [];
  for (let r = 0; r < runs; r++) if (!writer.has(r)) todo.push(r);
  let done = runs - todo.length;
  if (options.resume) onProgress?.(done, runs);

  let next = 0;
  let failed = false;
  const stopped = () => failed || !!signal?.aborted;
  // An abort stops the workers at once; the runs they had in hand are not stored.
  const onAbort = () => void executor.close().catch(() => {});
  signal?.addEventListener('abort', onAbort, { once: true });
  const lane = async () => {
    while (!stopped() && next < todo.length) {
      const r = todo[next++];
      let values: Float64Array;
      try {
        values = checked(r, await executor.run(r));
      } catch (e) {
        if (signal?.aborted) return; // a run cut short by the abort, not a failure
        failed = true;
        // A worker pool fails every run in flight with the lowest failing run's error, which names its run.
        throw located(failedReplication(e) ?? r, e);
      }
      if (stopped()) return;
      try {
        writer.write(r, values);
      } catch (e) {
        failed = true;
        throw e;
      }
      onProgress?.(++done, runs);
    }
  };
  // Settle every lane before closing the store, so no late result writes to a closed file.
  const lanes = Array.from({ length: Math.min(Math.max(1, executor.concurrency), Math.max(1, todo.length)) }, lane);
  const settled = await Promise.allSettled(lanes);
  signal?.removeEventListener('abort', onAbort);
  try {
    await executor.close();
  } catch (e) {
    if (!signal?.aborted) {
      writer.abort();
      throw e;
    }
  }
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) {
    writer.abort();
    throw failure.reason;
  }
  if (signal?.aborted && writer.count < runs) {
    writer.sync();
    writer.abort();
    const name = typeof signal.reason === 'string' ? signal.reason : 'SIGINT';
    throw new InterruptedError(`interrupted by ${name}: ${writer.count} of ${runs} runs are stored in ${dir}`, name, writer.count, runs);
  }
  return writer.finish();
}
