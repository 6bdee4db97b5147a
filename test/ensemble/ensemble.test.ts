import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { toArray } from '../async.js';
import { aggregate, inlineExecutor, type ReplicationExecutor, runEnsemble, runReplications } from '../../sim/ensemble/ensemble.js';
import { aggregateBlocks } from '../../sim/ensemble/aggregate.js';
import { memorySink } from '../../sim/ensemble/memory-sink.js';
import { executorOf } from './executors.js';
import { compile } from '../../sim/model/compile.js';
import { runReplication } from '../../sim/model/replication.js';
import { InterruptedError, UsageError } from '../../sim/errors.js';
import { timeseriesLine } from '../../sim/output/timeseries-csv.js';
import { tempDir } from '../output/tmp.js';
import { tinyScenario } from './fixtures.js';

const compiled = compile(tinyScenario({ months: 5 }));

/** Finishes runs out of order, several at a time, as a worker pool would. */
function shuffledExecutor(concurrency: number): ReplicationExecutor {
  return executorOf(concurrency, (r) => new Promise((resolve) => setTimeout(() => resolve(runReplication(compiled, r)), ((r * 7) % 5) * 2)));
}

type Store = Awaited<ReturnType<typeof runEnsemble>>;
const csv = async (store: Store, budgetBytes?: number) => (await toArray(aggregate(store, { budgetBytes }))).map(timeseriesLine).join('');

describe('runEnsemble', () => {
  test('stores every run and reports progress', async () => {
    const dir = tempDir();
    const progress: number[][] = [];
    const store = await runEnsemble(compiled, { runs: 6, dir, onProgress: (d, n) => progress.push([d, n]) });
    expect(progress).toEqual([1, 2, 3, 4, 5, 6].map((d) => [d, 6]));
    await store.forEachRun((r, rec) => expect(rec).toEqual(runReplication(compiled, r)));
  });

  test('worker count and finishing order change no byte, store or aggregate', async () => {
    const a = tempDir();
    const b = tempDir();
    const one = await runEnsemble(compiled, { runs: 9, dir: a, executor: inlineExecutor() });
    const four = await runEnsemble(compiled, { runs: 9, dir: b, executor: shuffledExecutor(4) });
    expect(readFileSync(join(b, 'runs/values.f64'))).toEqual(readFileSync(join(a, 'runs/values.f64')));
    expect(await csv(four)).toBe(await csv(one));
    expect(await csv(four, 8)).toBe(await csv(one)); // a budget of one value at a time changes nothing either
  });

  test('aggregate yields metric by metric, month by month', async () => {
    const dir = tempDir();
    const store = await runEnsemble(compiled, { runs: 3, dir });
    const rows = await toArray(aggregate(store));
    expect(rows.map((r) => `${r.metric}@${r.month}`)).toEqual(
      compiled.metricNames.flatMap((m) => [0, 1, 2, 3, 4].map((t) => `${m}@${t}`)),
    );
    expect(rows[1].date).toBe('2024-07');
  });

  test("aggregateBlocks gives a slab's rows at a time: one metric each, whole or in month ranges, the rows of aggregate", async () => {
    const store = await runEnsemble(compiled, { runs: 3, dir: tempDir() });
    for (const budgetBytes of [undefined, 3 * 8 * 2]) {
      const blocks = await toArray(aggregateBlocks(store, { budgetBytes }));
      expect(blocks.flat()).toEqual(await toArray(aggregate(store, { budgetBytes })));
      for (const rows of blocks) expect(new Set(rows.map((r) => r.metric)).size).toBe(1);
      // 5 months: whole metrics, or (2 months of 3 runs to a slab) months 0-1, 2-3 and 4.
      expect(blocks.map((rows) => rows.length)).toEqual(compiled.metricNames.flatMap(() => (budgetBytes ? [2, 2, 1] : [5])));
    }
  });

  test('a failing replication aborts the ensemble', async () => {
    const failing = executorOf(2, async (r) => {
      if (r === 2) throw new Error('boom');
      return runReplication(compiled, r);
    });
    await expect(runEnsemble(compiled, { runs: 5, dir: tempDir(), executor: failing })).rejects.toThrow('boom');
    // The scenario is released, the executor left open for its owner.
    expect(failing.seen).toEqual({ loads: 1, releases: 1, closes: 0 });
  });

  test('refuses a run count below 1', async () => {
    await expect(runEnsemble(compiled, { runs: 0, dir: tempDir() })).rejects.toThrow(UsageError);
  });
});

describe('runReplications (the seam)', () => {
  test('runs every replication into any sink, on an executor it never closes', async () => {
    const executor = shuffledExecutor(3);
    const sink = memorySink(6);
    const progress: number[] = [];
    await runReplications(compiled, { runs: 6, executor, sink, onProgress: (d) => progress.push(d) });
    expect(sink.count).toBe(6);
    sink.values.forEach((v, r) => expect(v).toEqual(runReplication(compiled, r)));
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    // Loaded once and released once per ensemble; the executor serves the next one.
    await runReplications(compiled, { runs: 2, executor, sink: memorySink(2) });
  });

  test('skips the runs the sink already holds', async () => {
    const asked: number[] = [];
    const executor = executorOf(2, async (r) => {
      asked.push(r);
      return runReplication(compiled, r);
    });
    const sink = memorySink(5);
    sink.write(1, runReplication(compiled, 1));
    sink.write(3, runReplication(compiled, 3));
    await runReplications(compiled, { runs: 5, executor, sink });
    expect(asked.sort()).toEqual([0, 2, 4]);
    expect(executor.seen).toEqual({ loads: 1, releases: 1, closes: 0 });
  });

  test('an abort stops between runs with InterruptedError, the runs stored kept', async () => {
    const controller = new AbortController();
    const sink = memorySink(8);
    const executor = executorOf(1, async (r) => {
      if (r === 3) controller.abort('SIGTERM');
      return runReplication(compiled, r);
    });
    const e = await runReplications(compiled, { runs: 8, executor, sink, signal: controller.signal }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InterruptedError);
    expect((e as InterruptedError).signal).toBe('SIGTERM');
    expect(sink.count).toBe(3);
    expect(executor.seen.closes).toBe(0);
  });

  test('is the one loop of runEnsemble: the store holds the bytes the memory sink holds', async () => {
    const sink = memorySink(4);
    await runReplications(compiled, { runs: 4, executor: inlineExecutor(), sink });
    const store = await runEnsemble(compiled, { runs: 4, dir: tempDir() });
    await store.forEachRun((r, values) => expect(values).toEqual(sink.values[r]));
  });
});
