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
import { replicationExecutor, workerPool } from '../../sim/ensemble/worker-pool.js';
import { errorData, failedReplication, reviveError } from '../../sim/ensemble/worker-protocol.js';
import { InterruptedError, ModelError, ScenarioError, UsageError } from '../../sim/errors.js';
import { compile, type CompiledScenario } from '../../sim/model/compile.js';
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

/** Replication r's values or the error it throws, on this thread. */
function outcome(c: CompiledScenario, r: number): Float64Array | Error {
  try {
    return runReplication(c, r);
  } catch (e) {
    return e as Error;
  }
}

describe('workerPool', () => {
  test('returns the values runReplication gives on this thread, in any order', async () => {
    const pool = workerPool({ workers: 3, script });
    try {
      const runs = pool.load(compiled);
      const got = await Promise.all([5, 0, 3, 1, 4, 2].map((r) => runs.run(r)));
      [5, 0, 3, 1, 4, 2].forEach((r, i) => expect(got[i]).toEqual(runReplication(compiled, r)));
    } finally {
      await pool.close();
    }
  });

  test('serves several scenarios at once, each with its own bytes', async () => {
    const other = compile(tinyScenario({ months: 6, seed: 'other' }));
    const pool = workerPool({ workers: 2, script });
    try {
      const a = pool.load(compiled);
      const b = pool.load(other);
      const asked = [0, 1, 2, 3].flatMap((r) => [a.run(r), b.run(r)]);
      const got = await Promise.all(asked);
      [0, 1, 2, 3].forEach((r) => {
        expect(got[2 * r]).toEqual(runReplication(compiled, r));
        expect(got[2 * r + 1]).toEqual(runReplication(other, r));
      });
    } finally {
      await pool.close();
    }
  });

  test('an ensemble on 2 workers stores exactly the bytes of one on this thread', async () => {
    const a = tempDir();
    const b = tempDir();
    await runEnsemble(compiled, { runs: 7, dir: a, executor: inlineExecutor() });
    const pool = workerPool({ workers: 2, script });
    await runEnsemble(compiled, { runs: 7, dir: b, executor: pool });
    await pool.close();
    expect(readFileSync(join(b, 'runs/values.f64'))).toEqual(readFileSync(join(a, 'runs/values.f64')));
  });

  test("a worker's ModelError reaches the caller as a ModelError with the worker's message", async () => {
    const inline = await inlineExecutor().load(failing).run(0).catch((e: unknown) => e);
    expect(inline).toBeInstanceOf(ModelError);
    const pool = workerPool({ workers: 2, script });
    const runs = pool.load(failing);
    const errors = await Promise.all([0, 1, 2, 3].map((r) => runs.run(r).catch((e: unknown) => e)));
    for (const e of errors) {
      expect(e).toBeInstanceOf(ModelError);
      expect((e as Error).message).toBe((inline as Error).message);
    }
    await expect(runs.run(4)).rejects.toBe(errors[0]);
    await pool.close();
  });

  test('fails with the error of the lowest failing replication, whatever ends first', async () => {
    const outcomes = Array.from({ length: 12 }, (_, r) => outcome(sometimes, r));
    const failed = outcomes.flatMap((e, r) => (e instanceof Error ? [r] : []));
    expect(failed.length).toBeGreaterThan(1); // the fixture must fail in some runs, not all
    const first = outcomes[failed[0]] as Error;
    for (const workers of [2, 3, 5]) {
      const executor = workerPool({ workers, script });
      const e = await runEnsemble(sometimes, { runs: 12, dir: tempDir(), executor }).catch((x: unknown) => x);
      await executor.close();
      expect(e).toBeInstanceOf(ModelError);
      // The ensemble may add where the run failed; the engine's message comes first.
      expect((e as Error).message.startsWith(first.message)).toBe(true);
    }
    // Asked in reverse, the higher failing run is in flight first (and may fail first): the lower one's error still wins.
    const pool = workerPool({ workers: 2, script });
    const runs = pool.load(sometimes);
    const [high, low] = await Promise.all([runs.run(failed[1]), runs.run(failed[0])].map((p) => p.catch((x: unknown) => x)));
    expect(low).toBe(high);
    expect((low as Error).message).toBe(first.message);
    expect(failedReplication(low)).toBe(failed[0]);
    await pool.close();
  });

  test("one scenario's failure leaves the pool serving the others", async () => {
    const pool = workerPool({ workers: 2, script });
    try {
      const good = pool.load(compiled);
      const bad = pool.load(failing);
      const [broken, fine] = await Promise.all([
        Promise.all([0, 1, 2].map((r) => bad.run(r).catch((e: unknown) => e))),
        Promise.all([0, 1, 2].map((r) => good.run(r))),
      ]);
      for (const e of broken) expect(e).toBeInstanceOf(ModelError);
      [0, 1, 2].forEach((r) => expect(fine[r]).toEqual(runReplication(compiled, r)));
      expect(await good.run(5)).toEqual(runReplication(compiled, 5));
      expect(await pool.load(compiled).run(6)).toEqual(runReplication(compiled, 6));
    } finally {
      await pool.close();
    }
  });

  test('release fails the runs still outstanding, forgets the scenario and keeps the pool open', async () => {
    const pool = workerPool({ workers: 2, script });
    try {
      const runs = pool.load(compiled);
      const pending = [0, 1, 2, 3].map((r) => runs.run(r).catch((e: unknown) => e));
      await runs.release();
      const results = await Promise.all(pending);
      // Every run ended: each with its values (it finished before the release) or with the release's error.
      for (const [r, x] of results.entries()) {
        if (x instanceof Error) expect(x.message).toMatch(/released/);
        else expect(x).toEqual(runReplication(compiled, r));
      }
      expect(results.some((x) => x instanceof Error)).toBe(true);
      await expect(runs.run(4)).rejects.toThrow(/released/);
      expect(await pool.load(compiled).run(4)).toEqual(runReplication(compiled, 4));
    } finally {
      await pool.close();
    }
  });

  test('runEnsemble rethrows the ModelError and leaves the pool open for the next ensemble', async () => {
    const pool = workerPool({ workers: 2, script });
    await expect(runEnsemble(failing, { runs: 6, dir: tempDir(), executor: pool })).rejects.toThrow(ModelError);
    const store = await runEnsemble(compiled, { runs: 3, dir: tempDir(), executor: pool });
    await store.forEachRun((r, values) => expect(values).toEqual(runReplication(compiled, r)));
    await pool.close();
  });

  test('a worker that cannot start fails the runs instead of hanging them', async () => {
    const pool = workerPool({ workers: 2, start: 2, script: pathToFileURL('/nonexistent/replication-worker.js') });
    await expect(pool.load(compiled).run(0)).rejects.toThrow();
    await pool.close();
  });

  test('workers started at once give the bytes of this thread', async () => {
    const pool = workerPool({ workers: 2, start: 2, script });
    const a = tempDir();
    const b = tempDir();
    await runEnsemble(compiled, { runs: 7, dir: a });
    await runEnsemble(compiled, { runs: 7, dir: b, executor: pool });
    await pool.close();
    expect(readFileSync(join(b, 'runs/values.f64'))).toEqual(readFileSync(join(a, 'runs/values.f64')));
  });

  test('close refuses further runs and loads', async () => {
    const pool = workerPool({ workers: 2, script });
    const runs = pool.load(compiled);
    await runs.run(0);
    await pool.close();
    await expect(runs.run(1)).rejects.toThrow('closed');
    expect(() => pool.load(compiled)).toThrow('closed');
  });

  test('refuses a worker count below 1', () => {
    expect(() => workerPool({ workers: 0, script })).toThrow(RangeError);
  });
});

describe('replicationExecutor', () => {
  test('one worker stays on this thread', async () => {
    // A script that does not exist proves that no worker is spawned.
    const executor = replicationExecutor({ workers: 1, start: 1, script: pathToFileURL('/nonexistent/replication-worker.js') });
    expect(executor.concurrency).toBe(1);
    expect(await executor.load(compiled).run(0)).toEqual(runReplication(compiled, 0));
    await executor.close();
  });

  test('more workers make a pool of that many', async () => {
    const executor = replicationExecutor({ workers: 3, script });
    expect(executor.concurrency).toBe(3);
    await executor.close();
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

  test("keep an interruption's signal and runs, and a file-system error's code, errno, system call and path", () => {
    const stopped = reviveError(structuredClone(errorData(new InterruptedError('interrupted by SIGTERM', 'SIGTERM', 3, 7))));
    expect(stopped).toBeInstanceOf(InterruptedError);
    expect([stopped.message, (stopped as InterruptedError).signal, (stopped as InterruptedError).done, (stopped as InterruptedError).runs]).toEqual(['interrupted by SIGTERM', 'SIGTERM', 3, 7]);
    let thrown: NodeJS.ErrnoException | undefined;
    try {
      readFileSync(join(tempDir(), 'missing'));
    } catch (e) {
      thrown = e as NodeJS.ErrnoException;
    }
    const back = reviveError(structuredClone(errorData(thrown))) as NodeJS.ErrnoException;
    expect([back.name, back.message, back.code, back.errno, back.syscall, back.path]).toEqual([thrown!.name, thrown!.message, 'ENOENT', thrown!.errno, 'open', thrown!.path]);
  });
});
