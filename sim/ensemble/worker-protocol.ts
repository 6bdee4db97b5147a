/**
 * What the worker pool (worker-pool.ts) and its workers
 * (replication-worker.ts) say to each other. A worker starts with the
 * engine's compiled WebAssembly module (workerData); scenarios are loaded
 * into it by handle (Load: the resolved scenario and the checked trees of
 * its expressions, so the worker compiles it without mathjs), then it
 * takes one replication of one scenario at a time and answers with its
 * values (transferred, not copied) or with the error it threw, flattened
 * to data so that the pool can rethrow it as the same class with the same
 * message. Forget drops a scenario the pool has released.
 *
 * After the runs, an idle worker may be given a file of the result
 * folder's tail to write (Output, output-job.ts), answered once the file is
 * written or with its error (a file-system error keeps its code and path,
 * an interruption its signal); StopOutput stops it between blocks of the
 * values, as a signal stops the main thread's writers.
 */
import { type Diagnostic, type DocumentLocation, InterruptedError, ModelError, ScenarioError, UsageError } from '../errors.js';
import type { OutputJob } from '../output/output-job.js';
import type { ExpressionTree } from '../scenario/expression.js';
import type { Scenario } from '../scenario/schema.js';

export interface WorkerInput {
  /** The engine's kernel, compiled once by the pool's thread. */
  kernel: WebAssembly.Module;
}

/** Pool → worker: compile this scenario under this handle. */
export interface Load {
  kind: 'load';
  handle: number;
  /** The resolved scenario (flags applied). */
  scenario: Scenario;
  /** Every expression it evaluates, checked, by source. */
  expressions: Record<string, ExpressionTree>;
  /**
   * What-ifs that share this scenario's first months (shared-runs.ts): a
   * run then answers with the rows of this scenario and of each of them, packed.
   */
  sharing?: SharingLoad[];
}

/** A what-if loaded with its baseline, and the months 1 … months it shares with it. */
export interface SharingLoad {
  scenario: Scenario;
  expressions: Record<string, ExpressionTree>;
  shared: number;
}

/** Pool → worker: run this replication (0-based) of a loaded scenario. */
export interface Job {
  kind: 'run';
  handle: number;
  replication: number;
}

/** Pool → worker: the scenario was released. */
export interface Forget {
  kind: 'forget';
  handle: number;
}

/** Pool → worker: write this file of the tail (`id` names it in the reply). */
export interface Output {
  kind: 'output';
  id: number;
  job: OutputJob;
}

/** Pool → worker: stop output job `id` (the reason is a signal's name, or why it is no longer wanted). */
export interface StopOutput {
  kind: 'stop-output';
  id: number;
  reason: string;
}

export type Request = Load | Job | Forget | Output | StopOutput;

/** An error as data: structured clone keeps neither custom classes nor their fields. */
export interface ErrorData {
  name: string;
  message: string;
  stack?: string;
  diagnostics?: readonly Diagnostic[];
  /** A ModelError's location in the scenario document. */
  location?: DocumentLocation;
  /** A file-system error's code (`ENOSPC`), errno, system call and path. */
  code?: string;
  errno?: number;
  syscall?: string;
  path?: string;
  /** An InterruptedError's signal, runs kept and runs in all. */
  signal?: string;
  done?: number;
  runs?: number;
}

/** Worker → pool: the values of a replication (row-major `values[t · metrics + m]`), or its error. */
export type Reply =
  | { handle: number; replication: number; values: Float64Array }
  | { handle: number; replication: number; error: ErrorData };

/** Worker → pool: output job `output` is done, or its error. */
export type OutputReply = { output: number } | { output: number; error: ErrorData };

/** A thrown value as data that survives postMessage. */
export function errorData(e: unknown): ErrorData {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const data: ErrorData = { name: e.name, message: e.message, stack: e.stack };
  if (e instanceof ScenarioError) data.diagnostics = e.diagnostics;
  if (e instanceof ModelError && e.location) data.location = e.location;
  if (e instanceof InterruptedError) Object.assign(data, { signal: e.signal, done: e.done, runs: e.runs });
  const { code, errno, syscall, path } = e as NodeJS.ErrnoException;
  if (typeof code === 'string') data.code = code;
  if (typeof errno === 'number') data.errno = errno;
  if (typeof syscall === 'string') data.syscall = syscall;
  if (typeof path === 'string') data.path = path;
  return data;
}

/**
 * An error thrown by a replication on a worker carries the replication's
 * index, so a caller that sees the same error from several runs (the pool
 * fails every outstanding run with it) can tell which run failed.
 */
export type ReplicationError = Error & { replication?: number };

/** The replication an error came from, when a worker pool says so. */
export function failedReplication(e: unknown): number | undefined {
  return e instanceof Error ? (e as ReplicationError).replication : undefined;
}

/**
 * The error `data` was made from: ScenarioError, UsageError, ModelError and
 * InterruptedError by class, anything else as an Error of that name; a
 * file-system error's code, errno, system call and path kept.
 */
export function reviveError(data: ErrorData, replication?: number): ReplicationError {
  let e: Error;
  if (data.name === 'ModelError') e = new ModelError(data.message, data.location);
  else if (data.name === 'UsageError') e = new UsageError(data.message);
  else if (data.name === 'ScenarioError' && data.diagnostics) e = new ScenarioError(data.diagnostics);
  else if (data.name === 'InterruptedError' && data.signal !== undefined) e = new InterruptedError(data.message, data.signal, data.done ?? 0, data.runs ?? 0);
  else {
    e = new Error(data.message);
    e.name = data.name;
  }
  const { code, errno, syscall, path } = data;
  if (code !== undefined) Object.assign(e, { code });
  if (errno !== undefined) Object.assign(e, { errno });
  if (syscall !== undefined) Object.assign(e, { syscall });
  if (path !== undefined) Object.assign(e, { path });
  // The worker's stack says where it went wrong; this thread's would only show the message handler.
  if (data.stack) e.stack = data.stack;
  if (replication !== undefined) Object.defineProperty(e, 'replication', { value: replication, enumerable: false });
  return e;
}
