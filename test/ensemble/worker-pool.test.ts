/**
 * The worker pool in this process. Its workers run the compiled worker
 * entry from dist/ (built by `npm test`), while this file runs the
 * TypeScript sources: the same code, so the same bytes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import { inlineExecutor, runEnsemble } from '../../sim/ensemble/ensemble.js';
import { replicationExecutor, startWorkers, type StartedWorker, workerPool } from '../../sim/ensemble/worker-pool.js';
import { errorData, failedReplication, reviveError } from '../../sim/ensemble/worker-protocol.js';
import { ModelError, ScenarioError, UsageError } from '../../sim/errors.js';
import { compile } from '../../sim/model/compile.js';
import { runReplication } from '../../sim/model/replication.js';
import { tempDir } from '../output/tmp.js';
import { tinyScenario } from './fixtures.js';

const script = pathToFileURL(join(import.meta.dirname, '..', '..', 'dist', 'sim', 'ensemble', 'replication-worker.js'));
const compiled = compile(tinyScenario({ months: 8 }));
/** Its only provider's price turns negative at t = 6: every run throws a ModelError there. */
const failing = compile(
  tinyScenario({ months: 8, providers: [{ id: 'a', price: '5 - t', quality: 1, unitCost: 2, cash: 1e9 }] }),
);

/** Provider a's price is its customer share − 0.45: negative, a ModelError, in some runs only, in different months. */
const sometimes = compile(
  tinyScenario({
    months: 8,
    providers: [
      { id: 'a', price: { initial: 1, then: 'share - 0.45' }, quality: 1, unitCost: 0.5, cash: 1e9 },
      { id: 'b', price: 1, quality: 1, unitCost: 0.5, cash: 1e9 },
    ],
  }),
);

describe('workerPool', () => {
  test('returns the values runReplication gives on this thread, in any order', async () => {
    const pool = workerPool(compiled, { workers: 3, script });
    try {
      const got = await Promise.all([5, 0, 3, 1, 4, 2].map((r) => pool.run(r)));
      [5, 0, 3, 1, 4, 2].forEach((r, i) => expect(got[i]).toEqual(runReplication(compiled, r)));
    } finally {
      await pool.close();
    }
  });

  test('an ensemble on 2 workers stores exactly the bytes of one on this thread', async () => {
    const a = tempDir();
    const b = tempDir();
    await runEnsemble(compiled, { runs: 7, dir: a, executor: inlineExecutor(compiled) });
    await runEnsemble(compiled, { runs: 7, dir: b, executor: workerPool(compiled, { workers: 2, script }) });
    expect(readFileSync(join(b, 'runs/values.f64'))).toEqual(readFileSync(join(a, 'runs/values.f64')));
  });

  test("a worker's ModelError reaches the caller as a ModelError with the worker's message", async () => {
    const inline = await inlineExecutor(failing).run(0).catch((e: unknown) => e);
    expect(inline).toBeInstanceOf(ModelError);
    const pool = workerPool(failing, { workers: 2, script });
    const runs = [0, 1, 2, 3].map((r) => pool.run(r).catch((e: unknown) => e));
    const errors = await Promise.all(runs);
    for (const e of errors) {
      expect(e).toBeInstanceOf(ModelError);
      expect((e as Error).message).toBe((inline as Error).message);
    }
    await expect(pool.run(4)).rejects.toBe(errors[0]);
    await pool.close();
  });

  test('fails with the error of the lowest failing replication, whatever ends first', async () => {
    const outcomes = Array.from({ length: 12 }, (_, r) => {
      try {
        runReplication(sometimes, r);
        return null;
      } catch (e) {
        return e as Error;
      }
    });
    const failed = outcomes.flatMap((e, r) => (e ? [r] : []));
    expect(failed.length).toBeGreaterThan(1); // the fixture must fail in some runs, not all
    const first = outcomes[failed[0]]!;
    for (const workers of [2, 3, 5]) {
      const executor = workerPool(sometimes, { workers, script });
      const e = await runEnsemble(sometimes, { runs: 12, dir: tempDir(), executor }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ModelError);
      // The ensemble may add where the run failed; the engine's message comes first.
      expect((e as Error).message.startsWith(first.message)).toBe(true);
    }
    // Asked in reverse, the higher failing run is in flight first (and may fail first): the lower one's error still wins.
    const pool = workerPool(sometimes, { workers: 2, script });
    const [high, low] = await Promise.all([pool.run(failed[1]), pool.run(failed[0])].map((p) => p.catch((x: unknown) => x)));
    expect(low).toBe(high);
    expect((low as Error).message).toBe(first.message);
    expect(failedReplication(low)).toBe(failed[0]);
    await pool.close();
  });

  test('runEnsemble rethrows the ModelError and closes the pool', async () => {
    await expect(runEnsemble(failing, { runs: 6, dir: tempDir(), executor: workerPool(failing, { workers: 2, script }) })).rejects.toThrow(
      ModelError,
    );
  });

  test('a worker that cannot start fails the runs instead of hanging them', async () => {
    const pool = workerPool(compiled, { workers: 2, script: pathToFileURL('/nonexistent/replication-worker.js') });
    await expect(pool.run(0)).rejects.toThrow();
    await pool.close();
  });

  test('close refuses further runs', async () => {
    const pool = workerPool(compiled, { workers: 2, script });
    await pool.run(0);
    await pool.close();
    await expect(pool.run(1)).rejects.toThrow('closed');
  });

  test('refuses a worker count below 1', () => {
    expect(() => workerPool(compiled, { workers: 0, script })).toThrow(RangeError);
  });
});

describe('replicationExecutor', () => {
  // A script that does not exist proves that no worker is spawned.
  const nowhere = pathToFileURL('/nonexistent/replication-worker.js');

  test('one worker, or one run, stays on this thread', async () => {
    for (const options of [{ workers: 1, runs: 10 }, { workers: 4, runs: 1 }]) {
      const executor = replicationExecutor(compiled, { ...options, script: nowhere });
      expect(executor.concurrency).toBe(1);
      expect(await executor.run(0)).toEqual(runReplication(compiled, 0));
      await executor.close();
    }
  });

  test('uses no more workers than runs', async () => {
    const executor = replicationExecutor(compiled, { workers: 8, runs: 3, script });
    expect(executor.concurrency).toBe(3);
    await executor.close();
  });
});

describe('workers started before the scenario (startWorkers)', () => {
  /** Resolves with the exit code once the worker has stopped. */
  const stopped = (s: StartedWorker) => new Promise<number>((resolve) => s.worker.once('exit', resolve));

  test('are adopted by the pool and give the bytes of this thread', async () => {
    const started = startWorkers(2, script);
    const a = tempDir();
    const b = tempDir();
    await runEnsemble(compiled, { runs: 7, dir: a, executor: inlineExecutor(compiled) });
    await runEnsemble(compiled, { runs: 7, dir: b, executor: replicationExecutor(compiled, { workers: 2, runs: 7, script, started }) });
    expect(readFileSync(join(b, 'runs/values.f64'))).toEqual(readFileSync(join(a, 'runs/values.f64')));
  });

  test('those not needed are stopped: all of them for one run, the extra ones for fewer runs than workers', async () => {
    const all = startWorkers(2, script);
    const exits = all.map(stopped);
    const single = replicationExecutor(compiled, { workers: 2, runs: 1, script, started: all });
    expect(single.concurrency).toBe(1);
    expect(await Promise.all(exits)).toHaveLength(2);
    await single.close();

    const three = startWorkers(3, script);
    const extraExit = stopped(three[2]);
    const two = replicationExecutor(compiled, { workers: 3, runs: 2, script, started: three });
    expect(two.concurrency).toBe(2);
    await extraExit;
    expect(await two.run(1)).toEqual(runReplication(compiled, 1));
    await two.close();
  });

  test('a started worker that failed while waiting fails the runs instead of hanging them', async () => {
    const broken = startWorkers(2, pathToFileURL('/nonexistent/replication-worker.js'));
    await Promise.all(broken.map(stopped));
    const pool = replicationExecutor(compiled, { workers: 2, runs: 4, script, started: broken });
    await expect(pool.run(0)).rejects.toThrow();
    await pool.close();
  });
});

describe('worker errors as data', () => {
  test('keep their class, message and diagnostics', () => {
    const diagnostics = [{ file: 'x.yaml', line: 3, path: 'providers.a.price', message: 'expected a number' }];
    for (const e of [new ModelError('bad price'), new UsageError('bad flag'), new ScenarioError(diagnostics)]) {
      const back = reviveError(structuredClone(errorData(e)));
      expect(back).toBeInstanceOf(e.constructor);
      expect(back.message).toBe(e.message);
    }
    expect((reviveError(errorData(new ScenarioError(diagnostics))) as ScenarioError).diagnostics).toEqual(diagnostics);
    const other = reviveError(errorData(new TypeError('x is not a function')));
    expect([other.name, other.message]).toEqual(['TypeError', 'x is not a function']);
  });
});
