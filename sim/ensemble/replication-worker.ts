/**
 * A worker thread of the pool (worker-pool.ts): compiles each scenario it
 * is given once, from the checked trees of its expressions (so mathjs is
 * never loaded here), then runs one replication per message.
 * runReplication is a pure function of (scenario, replication), so the
 * values are the same bytes the main thread would have computed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { compile, type CompiledScenario } from '../model/compile.js';
import { useKernelModule } from '../model/kernel.js';
import { runReplication } from '../model/replication.js';
import { withCheckedExpressions } from '../scenario/expression.js';
import { errorData, type ErrorData, type Reply, type Request, type WorkerInput } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('replication-worker.js runs as a worker thread of the pool, not on its own');

useKernelModule((workerData as WorkerInput).kernel);

/** Loaded scenarios by handle: compiled, or the error compiling met (reported with each of its jobs). */
const loaded = new Map<number, CompiledScenario | ErrorData>();

port.on('message', (message: Request) => {
  if (message.kind === 'load') {
    try {
      loaded.set(message.handle, withCheckedExpressions(message.expressions, () => compile(message.scenario)));
    } catch (e) {
      loaded.set(message.handle, errorData(e));
    }
    return;
  }
  if (message.kind === 'forget') {
    loaded.delete(message.handle);
    return;
  }
  const { handle, replication } = message;
  const compiled = loaded.get(handle) ?? errorData(new Error('a replication worker got a job for a scenario it was not given'));
  if (!('scenario' in compiled)) {
    port.postMessage({ handle, replication, error: compiled } satisfies Reply);
    return;
  }
  let values: Float64Array;
  try {
    values = runReplication(compiled, replication);
  } catch (e) {
    port.postMessage({ handle, replication, error: errorData(e) } satisfies Reply);
    return;
  }
  // Transfer only a buffer the values own whole; a view into a larger one is copied out first.
  if (values.byteOffset !== 0 || values.byteLength !== values.buffer.byteLength) values = values.slice();
  port.postMessage({ handle, replication, values } satisfies Reply, [values.buffer as ArrayBuffer]);
});
