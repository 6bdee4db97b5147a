/**
 * A worker thread of the pool (worker-pool.ts): compiles each scenario it
 * is given once, from the checked trees of its expressions (so mathjs is
 * never loaded here), then runs one replication per message (for a baseline
 * loaded with what-ifs that share its first months, of all of them:
 * shared-runs.ts). runReplication is a pure function of (scenario, replication), so the
 * values are the same bytes the main thread would have computed.
 *
 * After the runs it may be given a file of the result folder's tail to
 * write (output-job.ts), read from the run store on disk; the writers are
 * loaded then, not when the worker starts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { compile } from '../model/compile.js';
import { useKernelModule } from '../model/kernel.js';
import { runReplication } from '../model/replication.js';
import { runSharedReplication } from '../model/shared-replication.js';
import { withCheckedExpressions } from '../scenario/expression.js';
import { packShared } from './shared-rows.js';
import { errorData, type ErrorData, type Output, type OutputReply, type Reply, type Request, type WorkerInput } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('replication-worker.js runs as a worker thread of the pool, not on its own');

useKernelModule((workerData as WorkerInput).kernel);

/** Loaded scenarios by handle: how to run one of its replications, or the error compiling met (reported with each of its jobs). */
const loaded = new Map<number, { run: (replication: number) => Float64Array } | ErrorData>();

/** Output jobs under way, by id: what stops each. */
const outputs = new Map<number, AbortController>();

async function output({ id, job }: Output): Promise<void> {
  const stop = new AbortController();
  outputs.set(id, stop);
  let reply: OutputReply;
  try {
    const { runOutputJob } = await import('../output/output-job.js');
    await runOutputJob(job, { signal: stop.signal });
    reply = { output: id };
  } catch (e) {
    reply = { output: id, error: errorData(e) };
  } finally {
    outputs.delete(id);
  }
  port!.postMessage(reply);
}

port.on('message', (message: Request) => {
  if (message.kind === 'output') {
    void output(message);
    return;
  }
  if (message.kind === 'stop-output') {
    outputs.get(message.id)?.abort(message.reason);
    return;
  }
  if (message.kind === 'load') {
    try {
      const compiled = withCheckedExpressions(message.expressions, () => compile(message.scenario));
      const { sharing } = message;
      if (!sharing) loaded.set(message.handle, { run: (r) => runReplication(compiled, r) });
      else {
        const whatIfs = sharing.map((w) => ({ compiled: withCheckedExpressions(w.expressions, () => compile(w.scenario)), shared: w.shared }));
        loaded.set(message.handle, { run: (r) => packShared(runSharedReplication(compiled, whatIfs, r)) });
      }
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
  const scenario = loaded.get(handle) ?? errorData(new Error('a replication worker got a job for a scenario it was not given'));
  if (!('run' in scenario)) {
    port.postMessage({ handle, replication, error: scenario } satisfies Reply);
    return;
  }
  let values: Float64Array;
  try {
    values = scenario.run(replication);
  } catch (e) {
    port.postMessage({ handle, replication, error: errorData(e) } satisfies Reply);
    return;
  }
  // Transfer only a buffer the values own whole; a view into a larger one is copied out first.
  if (values.byteOffset !== 0 || values.byteLength !== values.buffer.byteLength) values = values.slice();
  port.postMessage({ handle, replication, values } satisfies Reply, [values.buffer as ArrayBuffer]);
});
