/**
 * A worker thread of the pool (worker-pool.ts): compiles the scenario it is
 * given once, then runs one replication per message. runReplication is a
 * pure function of (scenario, replication), so the values are the same bytes
 * the main thread would have computed.
 *
 * A worker started before the scenario was read (startWorkers) loads the
 * expression parser while it waits, the slow part of compiling a scenario,
 * and gets the scenario as its first message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { compile, type CompiledScenario } from '../model/compile.js';
import { runReplication } from '../model/replication.js';
import { loadExpressionParser } from '../scenario/expression.js';
import { errorData, type ErrorData, type Init, type Job, type Reply, type WorkerInput } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('replication-worker.js runs as a worker thread of the pool, not on its own');

let compiled: CompiledScenario | null = null;
let compileError: ErrorData | null = null;

function init(input: WorkerInput | Init): void {
  try {
    compiled = compile(input.scenario!);
  } catch (e) {
    // Reported with the first job, so it reaches the caller like any run's error.
    compileError = errorData(e);
  }
}

const input = workerData as WorkerInput;
if (input.scenario) init(input);
else loadExpressionParser();

port.on('message', (message: Job | Init) => {
  if ('scenario' in message) {
    init(message);
    return;
  }
  const { replication } = message;
  if (compileError || !compiled) {
    port.postMessage({ replication, error: compileError ?? errorData(new Error('a replication worker got a job before its scenario')) } satisfies Reply);
    return;
  }
  let values: Float64Array;
  try {
    values = runReplication(compiled, replication);
  } catch (e) {
    port.postMessage({ replication, error: errorData(e) } satisfies Reply);
    return;
  }
  // Transfer only a buffer the values own whole; a view into a larger one is copied out first.
  if (values.byteOffset !== 0 || values.byteLength !== values.buffer.byteLength) values = values.slice();
  port.postMessage({ replication, values } satisfies Reply, [values.buffer as ArrayBuffer]);
});
