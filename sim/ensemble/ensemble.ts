/**
 * The ensemble seam. Phases of a run, and where each lives:
 *
 *   load → validate → compile      sim/scenario, sim/model/compile (before this)
 *   init → step/record             runReplication, once per run, on an executor (executor.ts)
 *   store                          each run's values into a sink (here: runReplications)
 *   aggregate                      aggregate.ts, streaming over the run store
 *   write                          run-to-folder.ts, into sim/output/result-folder.ts
 *
 * runReplications is the one place replications are run: any compiled
 * scenario, on any executor, into any sink (the run store on disk, or an
 * in-memory one that a calibration objective reads, memory-sink.ts). It
 * loads the scenario into the executor and releases it at the end, but
 * never closes the executor, which belongs to the command and serves every
 * ensemble the command runs. Each result is stored at its run's own index,
 * so neither the number of workers nor the order in which runs finish
 * changes any output byte.
 *
 * Every value a replication returns is checked to be finite before it is
 * stored: a NaN or an infinity stops the ensemble with a ModelError that
 * names the metric, the month, the replication and the seed, and the
 * command that reproduces it. Runs the sink already holds are skipped; an
 * aborted ensemble stops between runs, keeps what it stored and throws
 * InterruptedError.
 */
import type { CompiledScenario } from '../model/compile.js';
import { monthLabel } from '../calendar.js';
import { InterruptedError, ModelError, UsageError } from '../errors.js';
import { createRunStore, type RunStoreReader } from '../output/run-store.js';
import { inlineExecutor, type ReplicationExecutor } from './executor.js';
import { assertResources } from './limits.js';
import { badRunCount, inReplication, notFinite, reproduceCommand } from './messages.js';
import { failedReplication } from './worker-protocol.js';

export { aggregate } from './aggregate.js';
export { inlineExecutor, type LoadedScenarioRuns, type ReplicationExecutor } from './executor.js';
export type { TimeseriesRow } from '../output/result-types.js';

/** Where runReplications puts each run's values. */
export interface RunSink {
  /** Replication r is already held (a resumed store): it is not run again. */
  has(replication: number): boolean;
  /** Stores the values of replication r; a throw stops the ensemble. */
  write(replication: number, values: Float64Array): void;
}

export interface ReplicationsOptions {
  /** Replications 0 … runs − 1, runs ≥ 1. */
  runs: number;
  /** Where they run; loaded with the scenario and released at the end, never closed. */
  executor: ReplicationExecutor;
  sink: RunSink;
  /** Called after each run stored with (runs held, runs in total). */
  onProgress?: (done: number, total: number) => void;
  /** Stops between runs (its reason, if a string, names the signal): the runs stored stay, and InterruptedError is thrown. */
  signal?: AbortSignal;
  /** The scenario file as the user named it, for the command in error messages. */
  scenarioFile?: string;
}

/** Index of the first value that is NaN or infinite, or −1. */
export function firstNonFinite(values: Float64Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

/** Runs the replications 0 … runs − 1 of `compiled` that `sink` lacks, on `executor`, into `sink`. */
export async function runReplications(compiled: CompiledScenario, options: ReplicationsOptions): Promise<void> {
  const { runs, executor, sink, onProgress, signal } = options;
  if (!(Number.isInteger(runs) && runs >= 1)) throw new UsageError(badRunCount(runs));
  assertResources(compiled.scenario, { workers: executor.concurrency, runs, file: options.scenarioFile });
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

  const todo: number[] = [];
  for (let r = 0; r < runs; r++) if (!sink.has(r)) todo.push(r);
  let done = runs - todo.length;
  if (todo.length === 0) return;

  const scenario = executor.load(compiled);
  let next = 0;
  let failed = false;
  const stopped = () => failed || !!signal?.aborted;
  // An abort stops the runs in flight at once (a pool stops their workers); they are not stored.
  const onAbort = () => void scenario.release().catch(() => {});
  signal?.addEventListener('abort', onAbort, { once: true });
  const lane = async () => {
    while (!stopped() && next < todo.length) {
      const r = todo[next++];
      let values: Float64Array;
      try {
        values = checked(r, await scenario.run(r));
      } catch (e) {
        if (signal?.aborted) return; // a run cut short by the abort, not a failure
        failed = true;
        // A worker pool fails every run in flight with the lowest failing run's error, which names its run.
        throw located(failedReplication(e) ?? r, e);
      }
      if (stopped()) return;
      try {
        sink.write(r, values);
      } catch (e) {
        failed = true;
        throw e;
      }
      onProgress?.(++done, runs);
    }
  };
  // Settle every lane before returning, so no late result writes to a sink its owner has closed.
  const lanes = Array.from({ length: Math.min(Math.max(1, executor.concurrency), todo.length) }, lane);
  const settled = await Promise.allSettled(lanes);
  signal?.removeEventListener('abort', onAbort);
  await scenario.release();
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
  if (signal?.aborted && done < runs) {
    const name = typeof signal.reason === 'string' ? signal.reason : 'SIGINT';
    throw new InterruptedError(`interrupted by ${name}: ${done} of ${runs} runs are done`, name, done, runs);
  }
}

export interface EnsembleOptions {
  /** Number of replications, ≥ 1. */
  runs: number;
  /** The (temporary) result folder; the store goes to `<dir>/runs/`. */
  dir: string;
  /** Called after each finished run with (runs done, runs in total); with `resume`, first with the runs kept. */
  onProgress?: (done: number, total: number) => void;
  /** Default: a new inlineExecutor(). Not closed here: the caller owns it. */
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

/** Runs replications 0 … runs − 1 into a run store in `dir` and returns its reader. */
export async function runEnsemble(compiled: CompiledScenario, options: EnsembleOptions): Promise<RunStoreReader> {
  const { runs, dir } = options;
  const executor = options.executor ?? inlineExecutor();
  if (!(Number.isInteger(runs) && runs >= 1)) throw new UsageError(badRunCount(runs));
  assertResources(compiled.scenario, { workers: executor.concurrency, runs, file: options.scenarioFile });
  const store = createRunStore(dir, { metrics: compiled.metricNames, families: compiled.layout.families, months: compiled.months, runs, start: compiled.start }, { resume: options.resume });
  if (options.resume) options.onProgress?.(store.count, runs);
  try {
    await runReplications(compiled, { ...options, executor, sink: store });
  } catch (e) {
    if (e instanceof InterruptedError) {
      store.sync();
      store.abort();
      throw new InterruptedError(`interrupted by ${e.signal}: ${store.count} of ${runs} runs are stored in ${dir}`, e.signal, store.count, runs);
    }
    store.abort();
    throw e;
  }
  return store.finish();
}
