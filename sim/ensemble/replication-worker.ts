/**
 * A worker thread of the pool (worker-pool.ts): compiles the scenario it is
 * given once, then runs one replication per message. runReplication is a
 * pure function of (scenario, replication), so the values are the same bytes
 * the main thread would have computed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { compile, type CompiledScenario } from '../model/compile.js';
import { runReplication } from '../model/replication.js';
import { errorData, type ErrorData, type Job, type Reply, type WorkerInput } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('replication-worker.js runs as a worker thread of the pool, not on its own');

let compiled: CompiledScenario | null = null;
let compileError: ErrorData | null = null;
try {
  compiled = compile((workerData as WorkerInput).scenario);
} catch (e) {
  // Reported with the first job, so it reaches the caller like any run's error.
  compileError = errorData(e);
}

port.on('message', ({ replication }: Job) => {
  if (compileError) {
    port.postMessage({ replication, error: compileError } satisfies Reply);
    return;
  }
  let values: Float64Array;
  try {
    values = runReplication(compiled!, replication);
  } catch (e) {
    port.postMessage({ replication, error: errorData(e) } satisfies Reply);
    return;
  }
  // Transfer only a buffer the values own whole; a view into a larger one is copied out first.
  if (values.byteOffset !== 0 || values.byteLength !== values.buffer.byteLength) values = values.slice();
  port.postMessage({ replication, values } satisfies Reply, [values.buffer as ArrayBuffer]);
});
