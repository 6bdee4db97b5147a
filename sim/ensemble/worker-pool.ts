/**
 * Replications on worker threads: a ReplicationExecutor (executor.ts) that
 * lives as long as the command and serves every scenario loaded into it.
 * Each worker compiles a loaded scenario once, when first given one of its
 * runs, from the checked trees of its expressions (no mathjs on a worker),
 * with the WebAssembly kernel this thread compiled once; the values come
 * back transferred, not copied. Results are written by run index
 * (run-store.ts), so the output bytes do not depend on the worker count.
 *
 * Lifecycle: `start` workers are spawned at once (their start-up then
 * overlaps the reading of the scenario), the others on demand; idle workers
 * are unref'd (an executor that is never closed cannot keep the process
 * alive), and close() terminates them all.
 *
 * Failures are per scenario. When a replication throws, every outstanding
 * run of its scenario fails with the error of the lowest failing
 * replication, the one a single thread would have met first, so the
 * message does not depend on the worker count; runs above it are abandoned
 * at once (their workers stopped, others started when needed), only runs
 * below it are waited for. That error carries its `replication` (see
 * failedReplication). A worker that crashes fails the scenario it was
 * running; other scenarios go on.
 *
 * Output jobs (runOutput: a file of the result folder's tail, output-job.ts)
 * go to an idle worker before any queued run; the worker keeps the
 * process alive while it writes, a signal stops it between blocks of the
 * values, and its error comes back as the main thread would have thrown
 * it (worker-protocol.ts).
 *
 * Measured here (2 cores): see test/bench/README.md.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CompiledScenario } from '../model/compile.js';
import { expressionTrees } from '../model/expression-trees.js';
import { kernelModule } from '../model/kernel.js';
import type { OutputJob } from '../output/output-job.js';
import { inlineExecutor, type LoadedScenarioRuns, type ReplicationExecutor } from './executor.js';
import type { SharingWhatIf } from '../model/shared-replication.js';
import { type Load, type OutputReply, type Reply, type Request, reviveError, type WorkerInput } from './worker-protocol.js';

export interface WorkerPoolOptions {
  /** Worker threads, ≥ 1. */
  workers: number;
  /** Workers to spawn at once, before any scenario is loaded (default 0: all on demand). */
  start?: number;
  /**
   * The compiled worker entry. Default: `replication-worker.js` beside this
   * module, which is right when running from dist/; code run from the
   * TypeScript sources (tests) points it at dist/sim/ensemble/replication-worker.js.
   */
  script?: URL | string;
}

/** The default number of workers: the cores this process may use. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * Workers worth starting before the scenario is read (WorkerPoolOptions.start): no
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
  readonly scenario: Entry;
  readonly replication: number;
  resolve: (values: Float64Array) => void;
  reject: (error: Error) => void;
}

/** A scenario loaded into the pool. */
interface Entry {
  readonly handle: number;
  readonly load: Load;
  /** The lowest of its replications that has failed so far, and its error. */
  lowest: { replication: number; error: Error } | null;
  /** The error each of its runs fails with from now on (it failed, or was released). */
  failure: Error | null;
  /** Its runs above the lowest failing one, which fail with that run's error once no run below is outstanding. */
  readonly held: Task[];
}

/** An output job, waiting for a worker or being written on one. */
interface OutputTask {
  readonly id: number;
  readonly job: OutputJob;
  readonly signal?: AbortSignal;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  /** Stops listening to the signal, once the job has ended. */
  forget?: () => void;
}

interface Slot {
  readonly worker: Worker;
  task: Task | null;
  output: OutputTask | null;
  /** Handles of the scenarios this worker has compiled. */
  readonly loaded: Set<number>;
  /** Terminated on purpose, or gone: its messages and exit are no longer news. */
  retired: boolean;
}

/** A pool of up to `options.workers` worker threads, for every scenario loaded into it. */
export function workerPool(options: WorkerPoolOptions): ReplicationExecutor {
  const { workers } = options;
  if (!(Number.isInteger(workers) && workers >= 1)) throw new RangeError(`workers: expected a whole number ≥ 1, got ${workers}`);
  const script = options.script ?? new URL('./replication-worker.js', import.meta.url);
  const input: WorkerInput = { kernel: kernelModule() };
  const slots: Slot[] = [];
  /** Runs waiting for a worker, in the order asked. */
  const queue: Task[] = [];
  const entries = new Map<number, Entry>();
  /** Output jobs waiting for a worker, in the order asked. */
  const outputs: OutputTask[] = [];
  const stopping = new Set<Promise<number>>();
  let nextHandle = 0;
  let nextOutput = 0;
  let closed = false;

  const retire = (slot: Slot) => {
    if (slot.retired) return;
    slot.retired = true;
    slots.splice(slots.indexOf(slot), 1);
    const stopped = slot.worker.terminate();
    stopping.add(stopped);
    void stopped.finally(() => stopping.delete(stopped));
  };

  /** Takes the entry's runs out of the queue and off the workers (stopping those), with its held runs. */
  const withdraw = (entry: Entry, above = -1): Task[] => {
    const taken: Task[] = [];
    for (let i = queue.length - 1; i >= 0; i--) if (queue[i].scenario === entry && queue[i].replication > above) taken.unshift(...queue.splice(i, 1));
    for (const slot of [...slots])
      if (slot.task?.scenario === entry && slot.task.replication > above) {
        taken.push(slot.task);
        slot.task = null;
        retire(slot);
      }
    return taken;
  };

  /** Fails every outstanding run of `entry` with `error`; the pool goes on with other scenarios. */
  const failScenario = (entry: Entry, error: Error) => {
    if (entry.failure) return;
    entry.failure = error;
    for (const task of [...entry.held.splice(0), ...withdraw(entry)]) task.reject(error);
    dispatch();
  };

  /**
   * After one of its replications failed: the scenario fails with the error
   * of its lowest failing replication, as it would on one thread, whatever
   * the number of workers or the order in which runs end. Runs above it are
   * held (their workers stopped); once none below it is outstanding, every
   * run fails with its error.
   */
  const settle = (entry: Entry) => {
    if (!entry.lowest || entry.failure) return;
    entry.held.push(...withdraw(entry, entry.lowest.replication));
    const waiting = queue.some((t) => t.scenario === entry) || slots.some((s) => s.task?.scenario === entry);
    if (waiting) dispatch();
    else failScenario(entry, entry.lowest.error);
  };

  const idleSlots = () => slots.filter((s) => !s.task && !s.output);

  /** Gives output job `task` to `slot`'s worker; the task's signal stops it there. */
  const startOutput = (slot: Slot, task: OutputTask) => {
    slot.output = task;
    slot.worker.ref();
    post(slot, { kind: 'output', id: task.id, job: task.job });
    const { signal } = task;
    if (!signal) return;
    const stop = () => {
      if (slot.output === task) post(slot, { kind: 'stop-output', id: task.id, reason: typeof signal.reason === 'string' ? signal.reason : 'SIGINT' });
    };
    if (signal.aborted) stop();
    else {
      signal.addEventListener('abort', stop, { once: true });
      task.forget = () => signal.removeEventListener('abort', stop);
    }
  };

  /** Settles output job `task`: done, or failed with `error`. */
  const endOutput = (task: OutputTask, error?: Error) => {
    task.forget?.();
    if (error) task.reject(error);
    else task.resolve();
  };

  const dispatch = () => {
    while (outputs.length > 0 && !closed) {
      const slot = idleSlots()[0] ?? (slots.length < workers ? spawn() : undefined);
      if (!slot) break;
      startOutput(slot, outputs.shift()!);
    }
    while (queue.length > 0 && !closed) {
      const handle = queue[0].scenario.handle;
      const idle = idleSlots();
      const slot = idle.find((s) => s.loaded.has(handle)) ?? idle[0] ?? (slots.length < workers ? spawn() : undefined);
      if (!slot) break;
      const task = queue.shift()!;
      slot.task = task;
      slot.worker.ref();
      if (!slot.loaded.has(handle)) {
        slot.loaded.add(handle);
        post(slot, task.scenario.load);
      }
      post(slot, { kind: 'run', handle, replication: task.replication });
    }
    // Idle workers do not keep the process alive (an executor that is never closed cannot hang it).
    for (const slot of slots) if (!slot.task && !slot.output) slot.worker.unref();
  };

  const post = (slot: Slot, request: Request) => slot.worker.postMessage(request);

  const spawn = (): Slot => {
    const worker = new Worker(script, { workerData: input });
    const slot: Slot = { worker, task: null, output: null, loaded: new Set(), retired: false };
    worker.on('message', (reply: Reply | OutputReply) => {
      if ('output' in reply) {
        const output = slot.output;
        if (slot.retired || !output || output.id !== reply.output) return;
        slot.output = null;
        endOutput(output, 'error' in reply ? reviveError(reply.error) : undefined);
        dispatch();
        return;
      }
      const task = slot.task;
      if (slot.retired || !task || task.scenario.handle !== reply.handle || task.replication !== reply.replication) return;
      slot.task = null;
      const entry = task.scenario;
      if ('error' in reply) {
        entry.held.push(task);
        if (!entry.lowest || task.replication < entry.lowest.replication)
          entry.lowest = { replication: task.replication, error: reviveError(reply.error, task.replication) };
        settle(entry);
        return;
      }
      task.resolve(reply.values);
      if (entry.lowest) settle(entry);
      else dispatch();
    });
    // A worker that crashes or cannot start fails the scenario it was running: no run of that one is to be trusted.
    const gone = (error: Error) => {
      if (slot.retired) return;
      const task = slot.task;
      slot.task = null;
      const output = slot.output;
      slot.output = null;
      retire(slot);
      if (output) endOutput(output, error);
      if (task) {
        task.scenario.held.push(task);
        failScenario(task.scenario, error);
      } else dispatch();
    };
    worker.on('error', (e) => gone(e instanceof Error ? e : new Error(String(e))));
    worker.on('exit', (code) => gone(new Error(`a replication worker stopped unexpectedly (exit code ${code})`)));
    slots.push(slot);
    worker.unref();
    return slot;
  };

  const closedError = () => new Error('the worker pool is closed');

  for (let i = 0; i < Math.min(options.start ?? 0, workers); i++) spawn();

  /** A scenario (with the what-ifs that share its first months, shared-runs.ts) loaded under a new handle. */
  const loadEntry = (compiled: CompiledScenario, sharing?: readonly SharingWhatIf[]): LoadedScenarioRuns => {
    if (closed) throw closedError();
    const handle = nextHandle++;
    const load: Load = { kind: 'load', handle, scenario: compiled.scenario, expressions: expressionTrees(compiled) };
    if (sharing) load.sharing = sharing.map((w) => ({ scenario: w.compiled.scenario, expressions: expressionTrees(w.compiled), shared: w.shared }));
    const entry: Entry = {
      handle,
      load,
      lowest: null,
      failure: null,
      held: [],
    };
    entries.set(handle, entry);
    return {
      run(replication) {
        if (closed) return Promise.reject(closedError());
        if (entry.failure) return Promise.reject(entry.failure);
        return new Promise<Float64Array>((resolve, reject) => {
          const task: Task = { scenario: entry, replication, resolve, reject };
          if (entry.lowest && replication > entry.lowest.replication) entry.held.push(task);
          else {
            queue.push(task);
            dispatch();
          }
        });
      },
      async release() {
        if (!entries.delete(handle)) return;
        failScenario(entry, new Error('the scenario was released'));
        for (const slot of slots)
          if (slot.loaded.delete(handle)) post(slot, { kind: 'forget', handle });
      },
    };
  };

  return {
    concurrency: workers,
    load: (compiled) => loadEntry(compiled),
    loadShared: (baseline, whatIfs) => loadEntry(baseline, whatIfs),
    runOutput(job, signal) {
      if (closed) return Promise.reject(closedError());
      return new Promise<void>((resolve, reject) => {
        outputs.push({ id: nextOutput++, job, signal, resolve, reject });
        dispatch();
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      const error = closedError();
      const pending = [...queue.splice(0), ...slots.flatMap((s) => (s.task ? [s.task] : [])), ...[...entries.values()].flatMap((e) => e.held.splice(0))];
      const writing = [...outputs.splice(0), ...slots.flatMap((s) => (s.output ? [s.output] : []))];
      for (const slot of [...slots]) retire(slot);
      for (const entry of entries.values()) entry.failure ??= error;
      for (const task of pending) task.reject(error);
      for (const task of writing) endOutput(task, error);
      entries.clear();
      await Promise.all(stopping);
    },
  };
}

export interface ExecutorOptions {
  /** Worker threads; default defaultWorkers(). */
  workers?: number;
  /** Workers to spawn at once (see WorkerPoolOptions.start). */
  start?: number;
  /** See WorkerPoolOptions.script. */
  script?: URL | string;
}

/**
 * The executor for a command: replications on this thread when one worker
 * is asked for (no worker is spawned), else a pool of that many threads.
 */
export function replicationExecutor(options: ExecutorOptions = {}): ReplicationExecutor {
  const workers = options.workers ?? defaultWorkers();
  if (workers <= 1) return inlineExecutor();
  return workerPool({ workers, start: options.start, script: options.script });
}
