import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { toArray } from '../async.js';
import { aggregate, inlineExecutor, type ReplicationExecutor, runEnsemble } from '../../sim/ensemble/ensemble.js';
import { compile } from '../../sim/model/compile.js';
import { runReplication } from '../../sim/model/replication.js';
import { UsageError } from '../../sim/errors.js';
import { timeseriesLine } from '../../sim/output/timeseries-csv.js';
import { tempDir } from '../output/tmp.js';
import { tinyScenario } from './fixtures.js';

const compiled = compile(tinyScenario({ months: 5 }));

/** Finishes runs out of order, several at a time, as a worker pool would. */
function shuffledExecutor(concurrency: number): ReplicationExecutor {
  return {
    concurrency,
    run: (r) => new Promise((resolve) => setTimeout(() => resolve(runReplication(compiled, r)), ((r * 7) % 5) * 2)),
    close: async () => {},
  };
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
    const one = await runEnsemble(compiled, { runs: 9, dir: a, executor: inlineExecutor(compiled) });
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

  test('a failing replication aborts the ensemble', async () => {
    const failing: ReplicationExecutor = {
      concurrency: 2,
      run: async (r) => {
        if (r === 2) throw new Error('boom');
        return runReplication(compiled, r);
      },
      close: async () => {},
    };
    await expect(runEnsemble(compiled, { runs: 5, dir: tempDir(), executor: failing })).rejects.toThrow('boom');
  });

  test('refuses a run count below 1', async () => {
    await expect(runEnsemble(compiled, { runs: 0, dir: tempDir() })).rejects.toThrow(UsageError);
  });
});
