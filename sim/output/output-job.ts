/**
 * A file of the result folder's tail that another thread can write: the
 * job is plain data (it crosses postMessage), names the file and the run
 * store to read it from (`<out>.partial/runs/`, on disk), and is written
 * through the same atomic writer, so the bytes are those this thread
 * would have written. runs.parquet is the one: it needs nothing but the
 * store, while this thread aggregates into timeseries.csv and writes
 * runs.csv (result-folder.ts).
 *
 * Whoever runs jobs elsewhere (a worker pool, sim/ensemble) is handed in
 * as an OutputOffload, so this layer never imports it.
 */
import type { RunProvenance } from './manifest.js';
import { openRunStore, type ReadOptions } from './run-store.js';

export const RUNS_PARQUET_FILE = 'runs.parquet';

/** runs.parquet at `path`, from the store in `<storeDir>/runs/`. */
export interface RunsParquetJob {
  kind: 'runs-parquet';
  path: string;
  storeDir: string;
  provenance: RunProvenance;
  /** Rows per row group; default ROW_GROUP_ROWS. */
  rowGroupRows?: number;
}

export type OutputJob = RunsParquetJob;

/**
 * Runs `job` on another thread; settles once its file is written (or its
 * temporary removed, when it fails). `signal` stops it between blocks of
 * the values, with InterruptedError, as on this thread.
 */
export type OutputOffload = (job: OutputJob, signal?: AbortSignal) => Promise<void>;

/**
 * Runs `job` on this thread (a worker's, or the main one). The parquet
 * writer and its encoders are loaded here, when a file is written, not
 * when the command starts: with a pool, the main thread never loads them.
 */
export async function runOutputJob(job: OutputJob, options: ReadOptions = {}): Promise<void> {
  const { writeRunsParquet } = await import('./runs-parquet.js');
  await writeRunsParquet(job.path, openRunStore(job.storeDir), job.provenance, { signal: options.signal, rowGroupRows: job.rowGroupRows });
}

/** A job started elsewhere, while this thread does its own part of the tail. */
export interface StartedJob {
  /** Settles as the job does. */
  done(): Promise<void>;
  /** Stops the job and waits until it has ended, whatever the outcome (this thread failed: nothing of it is wanted). */
  stop(): Promise<void>;
}

/** Starts `job` on `offload`; `signal` stops it as it would this thread's own work. */
export function startElsewhere(offload: OutputOffload, job: OutputJob, signal?: AbortSignal): StartedJob {
  const stopper = new AbortController();
  const forward = () => stopper.abort(signal?.reason);
  if (signal?.aborted) forward();
  else signal?.addEventListener('abort', forward, { once: true });
  const running = offload(job, stopper.signal).finally(() => signal?.removeEventListener('abort', forward));
  // Awaited by done() or stop(); until then a failure must not count as unhandled.
  running.catch(() => {});
  return {
    done: () => running,
    async stop() {
      if (!stopper.signal.aborted) stopper.abort('stopped');
      await running.catch(() => {});
    },
  };
}
