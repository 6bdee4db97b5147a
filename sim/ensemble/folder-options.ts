/**
 * What every writer of a folder of ensembles is given (a comparison, a
 * sweep or sensitivity analysis, a calibration, a shard): the folder, what
 * to do with one already there or interrupted, when to stop, the command
 * to record and where the replications run. Each writer's options extend
 * these with its own.
 */
import type { ReplicationExecutor } from './executor.js';

export interface FolderOptions {
  /** The folder to create (relative to the working folder, or absolute). */
  out: string;
  /** Replace an existing folder of this kind, once the new one is complete; never one that is not its own. */
  force?: boolean;
  /** Finish an interrupted one (`<out>.partial`) of the same inputs, without computing again what it holds. */
  resume?: boolean;
  /** Stops between runs: `<out>.partial` is kept for `resume`. */
  signal?: AbortSignal;
  /** Recorded in the manifests, program name first; default `shakeout` and this process's arguments. */
  command?: readonly string[];
  /** Where the replications run; not closed here. */
  executor: ReplicationExecutor;
}
