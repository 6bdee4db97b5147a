/**
 * Replications on worker threads: a ReplicationExecutor (ensemble.ts) that
 * runs each replication on one of N workers. Each worker compiles the
 * scenario once and runs the replication indices it is handed, one at a
 * time; the values come back transferred, not copied. Results are written
 * by run index (run-store.ts), so the output bytes do not depend on N.
 *
 * Lifecycle: workers are spawned on demand (the first N runs), unref'd while
 * idle (an executor that is never closed cannot keep the process alive), and
 * terminated by close(). When a replication throws, every outstanding run
 * fails with the error of the lowest failing replication, the one a single
 * thread would have met first, so the message does not depend on N; runs
 * above it are abandoned at once (their workers terminated), only runs
 * below it are waited for. That error carries its `replication` (see
 * failedReplication). A worker that crashes fails everything at once.
 *
 * Workers can also be started before the scenario is read (startWorkers):
 * a worker needs about 0.15 s to start and load the expression parser, which
 * then overlaps the main thread's reading of the file instead of following
 * it, and the pool adopts them.
 *
 * Measured here (2 cores, bench-10k, 64 runs): see test/bench/README.md.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CompiledScenario } from '../model/compile.js';
import { inlineExecutor, type ReplicationExecutor } from './ensemble.js';
import { type Init, type Job, type Reply, reviveError, type WorkerInput } from './worker-protocol.js';

export interface WorkerPoolOptions {
  /** Worker threads, ≥ 1. */
  workers: number;
  /**
   * The compiled worker entry. Default: `replication-worker.js` beside this
   * module, which is right when running from dist/; code run from the
   * TypeScript sources (tests) points it at dist/sim/ensemble/replication-worker.js.
   */
  script?: URL | string;
  /** Workers from startWorkers, used before any is spawned; the pool stops them when it closes. */
  started?: StartedWorker[];
}

/** A worker started by startWorkers, waiting for its scenario. */
export interface StartedWorker {
  readonly worker: Worker;
  /** The error it met or how it exited while waiting, if it did. */
  problem(): Error | null;
  /** Removes the listeners that watch it while it waits (its pool attaches its own). */
  detach(): void;
}

/**
 * Starts `count` workers before the scenario is known; each loads the
 * engine and the expression parser and waits. Give them to a pool
 * (`started` of replicationExecutor), which stops those it does not need;
 * workers never given to a pool do not keep the process alive.
 */
export function startWorkers(count: number, script: URL | string = new URL('./replication-worker.js', import.meta.url)): StartedWorker[] {
  return Array.from({ length: count }, () => {
    const worker = new Worker(script, { workerData: {} satisfies WorkerInput });
    let problem: Error | null = null;
    const onError = (e: unknown) => (problem ??= e instanceof Error ? e : new Error(String(e)));
    const onExit = (code: number) => (problem ??= new Error(`a replication worker stopped unexpectedly (exit code ${code})`));
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.unref();
    return {
      worker,
      problem: () => problem,
      detach() {
        worker.off('error', onError);
        worker.off('exit', onExit);
      },
    };
  });
}

/** The default number of workers: the cores this process may use. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * Workers worth starting before the scenario is read (startWorkers): no
 * more than the cores, whose start-up they overlap, nor than the runs
 * when they are already known (`--runs`); the pool spawns any others on
 * demand, once the runs are known.
 */
export function earlyWorkers(wanted: number, runs?: number, cores = availableParallelism()): number {
  const n = Math.min(wanted, cores, runs ?? wanted);
  return n > 1 ? n : 0;
}

/**
 * The most worker threads a command accepts: 4 × the cores, and at least 8.
 * Each worker costs about 64 MB before it runs anything (limits.ts) and a
 * replication in flight; past the cores they only take turns, so a
 * thousand of them were 21 s of start-up and 5.3 GB for nothing. The
 * factor leaves room to oversubscribe on purpose (I/O-bound neighbours,
 * a machine whose core count is under-reported); the floor keeps a small
 * machine able to test a few workers.
 */
export function maxWorkers(cores = availableParallelism()): number {
  return Math.max(8, 4 * cores);
}

interface Task {
  replication: number;
  resolve: (values: Float64Array) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  task: Task | null;
  /** Terminated on purpose: its exit is no failure. */
  retired: boolean;
}

/** A pool of `options.workers` worker threads running replications of `compiled`. */
export function workerPool(compiled: CompiledScenario, options: WorkerPoolOptions): ReplicationExecutor {
  const { workers } = options;
  if (!(Number.isInteger(workers) && workers >= 1)) throw new RangeError(`workers: expected a whole number ≥ 1, got ${workers}`);
  const script = options.script ?? new URL('./replication-worker.js', import.meta.url);
  const input: WorkerInput = { scenario: compiled.scenario };
  const adoptable = [...(options.started ?? [])];
  const slots: Slot[] = [];
  /** Runs waiting for a worker, in the order asked. */
  const queue: Task[] = [];
  /** Runs that will fail with the ensemble's error once it is known. */
  const held: Task[] = [];
  const stopping: Promise<number>[] = [];
  /** The lowest replication that has failed so far, and its error. */
  let lowest: { replication: number; error: Error } | null = null;
  /** The error every run fails with from now on. */
  let failure: Error | null = null;
  let closed = false;

  const retire = (slot: Slot) => {
    slot.retired = true;
    slots.splice(slots.indexOf(slot), 1);
    stopping.push(slot.worker.terminate());
  };

  const outstanding = () => [...held.splice(0), ...queue.splice(0), ...slots.flatMap((s) => (s.task ? [s.task] : []))];

  /** Fails every outstanding run with `error` and stops the workers. */
  const failAll = (error: Error) => {
    if (failure || closed) return;
    failure = error;
    const pending = outstanding();
    for (const slot of [...slots]) retire(slot);
    for (const task of pending) task.reject(error);
  };

  const dispatch = () => {
    while (queue.length > 0) {
      const slot = slots.find((s) => !s.task) ?? (slots.length < workers ? (adopt() ?? spawn()) : undefined);
      if (!slot) break;
      if (failure) return; // an adopted worker had already failed
      const task = queue.shift()!;
      slot.task = task;
      slot.worker.ref();
      slot.worker.postMessage({ replication: task.replication } satisfies Job);
    }
    // Idle workers do not keep the process alive (an executor that is never closed cannot hang it).
    for (const slot of slots) if (!slot.task) slot.worker.unref();
  };

  /**
   * After a replication failed: the ensemble fails with the error of the
   * lowest failing replication, as it would on one thread, whatever the
   * number of workers or the order in which runs end. Runs above it are
   * held (their workers stopped); once none below it is outstanding, every
   * run fails with its error.
   */
  const settle = () => {
    if (!lowest || failure) return;
    const r = lowest.replication;
    for (let i = queue.length - 1; i >= 0; i--) if (queue[i].replication > r) held.push(...queue.splice(i, 1));
    for (const slot of [...slots])
      if (slot.task && slot.task.replication > r) {
        held.push(slot.task);
        slot.task = null;
        retire(slot);
      }
    if (queue.length > 0 || slots.some((s) => s.task)) dispatch();
    else failAll(lowest.error);
  };

  /** A started worker, given its scenario, or undefined when none is left. */
  const adopt = (): Slot | undefined => {
    const started = adoptable.shift();
    if (!started) return undefined;
    started.detach();
    const slot = attach(started.worker);
    const problem = started.problem();
    if (problem) failAll(problem);
    else started.worker.postMessage({ scenario: compiled.scenario } satisfies Init);
    return slot;
  };

  const spawn = (): Slot => attach(new Worker(script, { workerData: input }));

  const attach = (worker: Worker): Slot => {
    const slot: Slot = { worker, task: null, retired: false };
    worker.on('message', (reply: Reply) => {
      const task = slot.task;
      if (slot.retired || !task || task.replication !== reply.replication) return;
      slot.task = null;
      if ('error' in reply) {
        held.push(task);
        if (!lowest || task.replication < lowest.replication) lowest = { replication: task.replication, error: reviveError(reply.error, task.replication) };
        settle();
        return;
      }
      task.resolve(reply.values);
      if (lowest) settle();
      else dispatch();
    });
    // A worker that crashes or cannot start fails the ensemble at once: no run of it is to be trusted.
    worker.on('error', (e) => slot.retired || failAll(e instanceof Error ? e : new Error(String(e))));
    worker.on('exit', (code) => slot.retired || failAll(new Error(`a replication worker stopped unexpectedly (exit code ${code})`)));
    slots.push(slot);
    return slot;
  };

  return {
    concurrency: workers,
    run(replication) {
      if (failure) return Promise.reject(failure);
      if (closed) return Promise.reject(new Error('the worker pool is closed'));
      return new Promise<Float64Array>((resolve, reject) => {
        const task: Task = { replication, resolve, reject };
        if (lowest && replication > lowest.replication) held.push(task);
        else {
          queue.push(task);
          dispatch();
        }
      });
    },
    async close() {
      if (closed) return;
      const pending = outstanding();
      closed = true;
      const error = failure ?? new Error('the worker pool is closed');
      for (const task of pending) task.reject(error);
      for (const slot of [...slots]) retire(slot);
      for (const started of adoptable.splice(0)) stopping.push(started.worker.terminate());
      await Promise.all(stopping);
    },
  };
}

export interface ExecutorOptions {
  /** Worker threads; default defaultWorkers(). */
  workers?: number;
  /** Replications the executor will be asked for; no more workers than this are used. */
  runs: number;
  /** See WorkerPoolOptions.script. */
  script?: URL | string;
  /** Workers from startWorkers; those not needed are stopped. */
  started?: StartedWorker[];
}

/**
 * The executor for a run: replications on this thread when only one worker
 * would be used (`workers` or `runs` is 1: no worker is spawned), else a
 * pool of min(workers, runs) threads.
 */
export function replicationExecutor(compiled: CompiledScenario, options: ExecutorOptions): ReplicationExecutor {
  const workers = Math.min(options.workers ?? defaultWorkers(), options.runs);
  const started = options.started ?? [];
  for (const unneeded of started.splice(Math.max(0, workers <= 1 ? 0 : workers))) void unneeded.worker.terminate();
  if (workers <= 1) return inlineExecutor(compiled);
  return workerPool(compiled, { workers, script: options.script, started });
}
