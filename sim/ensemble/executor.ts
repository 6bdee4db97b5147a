/**
 * Where replications run. An executor lives as long as the command that
 * made it: scenarios are loaded into it one by one (a comparison's
 * baseline and what-ifs, a sweep's points), each by a handle that runs its
 * replications, and the executor is closed once, by the command, at the
 * end. The worker pool (worker-pool.ts) and the inline executor below
 * implement it; runReplication is a pure function of (scenario,
 * replication), so both give the same bytes.
 */
import type { CompiledScenario } from '../model/compile.js';
import { runReplication } from '../model/replication.js';
import { runSharedReplication } from '../model/shared-replication.js';
import { giveBackSpareMemories } from '../model/startups.js';
import type { SharingWhatIf } from '../model/shared-replication.js';
import type { OutputJob } from '../output/output-job.js';
import { packShared } from './shared-rows.js';

export interface ReplicationExecutor {
  /** Replications in flight at once. */
  readonly concurrency: number;
  /** Makes `compiled` runnable here; a pool's workers compile it once each, when first asked for one of its runs. */
  load(compiled: CompiledScenario): LoadedScenarioRuns;
  /**
   * Loads a baseline with what-ifs that share its first months
   * (shared-runs.ts): each run answers with the rows of all of them, packed
   * (packShared), computed on one thread. Optional: without it, a
   * comparison runs every scenario alone.
   */
  loadShared?(baseline: CompiledScenario, whatIfs: readonly SharingWhatIf[]): LoadedScenarioRuns;
  /**
   * Writes a file of the result folder's tail on one of its threads
   * (output-job.ts: runs.parquet, from the store on disk) while the caller
   * writes the others; `signal` stops it between blocks of the values.
   * Optional: without it (one thread), the caller writes every file itself.
   */
  runOutput?(job: OutputJob, signal?: AbortSignal): Promise<void>;
  /** Stops every worker; runs still outstanding reject. Once, by the owner, at the end. */
  close(): Promise<void>;
}

/** One scenario loaded into an executor. */
export interface LoadedScenarioRuns {
  /** Values of replication r (0-based), row-major `values[t · metrics + m]`. */
  run(replication: number): Promise<Float64Array>;
  /**
   * Forgets the scenario: its runs still outstanding reject at once (a
   * pool stops the workers busy with them and starts others when needed),
   * and the executor stays open for other scenarios.
   */
  release(): Promise<void>;
}

/** Runs replications one at a time on this thread. */
export function inlineExecutor(): ReplicationExecutor {
  return {
    concurrency: 1,
    load(compiled) {
      return inline((replication) => runReplication(compiled, replication));
    },
    loadShared(baseline, whatIfs) {
      return inline((replication) => packShared(runSharedReplication(baseline, whatIfs, replication)));
    },
    async close() {},
  };
}

function inline(run: (replication: number) => Float64Array): LoadedScenarioRuns {
  let released = false;
  return {
    async run(replication) {
      // Yield to the event loop between runs so signals and progress output get through.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (released) throw new Error('the scenario was released');
      return run(replication);
    },
    async release() {
      released = true;
      giveBackSpareMemories();
    },
  };
}
