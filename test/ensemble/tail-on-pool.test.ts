/**
 * The result folder's tail on a worker pool: runs.parquet written on one of
 * the pool's workers (runOutput, output-job.ts) while this thread writes
 * timeseries.csv and runs.csv. The same bytes as on one thread, row group
 * by row group; its errors and interruptions reach the caller as they would
 * have on this thread. The workers run the compiled entry from dist/.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parquetMetadata } from 'hyparquet';
import { describe, expect, test } from 'vitest';
import { inlineExecutor } from '../../sim/ensemble/executor.js';
import { writeResultFolder } from '../../sim/ensemble/run-to-folder.js';
import { workerPool } from '../../sim/ensemble/worker-pool.js';
import { InterruptedError, UsageError } from '../../sim/errors.js';
import { compile } from '../../sim/model/compile.js';
import { buildProvenance } from '../../sim/output/manifest.js';
import { type RunsParquetJob, runOutputJob } from '../../sim/output/output-job.js';
import { withoutManifest } from '../folder-files.js';
import { tempDir } from '../output/tmp.js';
import { executorOf } from './executors.js';
import { tinyScenario } from './fixtures.js';

const script = pathToFileURL(join(import.meta.dirname, '..', '..', 'dist', 'sim', 'ensemble', 'replication-worker.js'));
const compiled = compile(tinyScenario({ months: 8 }));
const RUNS = 5;

/** Writes the result folder of `compiled` with `executor` (closed after), runs.parquet in row groups of `rowGroupRows` rows. */
async function folder(executor: ReturnType<typeof inlineExecutor>, rowGroupRows?: number): Promise<string> {
  const out = join(tempDir(), 'result');
  try {
    await writeResultFolder(compiled, { out, runs: RUNS, executor, rowGroupRows, command: ['shakeout', 'run', 'x.yaml'] });
  } finally {
    await executor.close();
  }
  return out;
}

/** A job writing runs.parquet of the finished folder `out` to `path`. */
function jobOf(out: string, path: string, rowGroupRows?: number): RunsParquetJob {
  return { kind: 'runs-parquet', path, storeDir: out, provenance: buildProvenance({ scenario: compiled.scenario, runs: RUNS, months: compiled.months, start: compiled.start }), rowGroupRows };
}

/** What a caller sees of a rejection: class, message, and a file-system error's code and path. */
async function failure(promise: Promise<unknown>): Promise<{ kind: string; message: string; code?: unknown; path?: unknown; signal?: unknown }> {
  try {
    await promise;
  } catch (e) {
    const error = e as Error & { code?: unknown; path?: unknown; signal?: unknown };
    return { kind: error.constructor.name, message: error.message, code: error.code, path: error.path, signal: error.signal };
  }
  throw new Error('expected a rejection');
}

describe('the result folder tail on a worker pool', () => {
  test('writes every file with the bytes of one thread, runs.parquet in several row groups', async () => {
    const rows = RUNS * compiled.months * compiled.metricNames.length;
    const rowGroupRows = Math.ceil(rows / 3) + 7; // three row groups, the last one shorter, not on a run's boundary
    const one = await folder(inlineExecutor(), rowGroupRows);
    const pool = await folder(workerPool({ workers: 2, script }), rowGroupRows);
    const want = withoutManifest(one);
    const got = withoutManifest(pool);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [name, bytes] of want) expect(got.get(name)!.equals(bytes), name).toBe(true);
    const bytes = readFileSync(join(pool, 'runs.parquet'));
    const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    expect(metadata.row_groups.map((g) => Number(g.num_rows))).toEqual([rowGroupRows, rowGroupRows, rows - 2 * rowGroupRows]);
  });

  test('uses the executor that can run output jobs, and writes runs.parquet itself with one that cannot', async () => {
    const jobs: RunsParquetJob[] = [];
    const inline = inlineExecutor();
    const withOutput = { ...inline, runOutput: async (job: RunsParquetJob, signal?: AbortSignal) => (jobs.push(job), runOutputJob(job, { signal })) };
    const out = await folder(withOutput);
    expect(jobs.map((j) => [j.kind, j.path, j.storeDir])).toEqual([['runs-parquet', join(`${out}.partial`, 'runs.parquet'), `${out}.partial`]]);
    expect(existsSync(join(out, 'runs.parquet'))).toBe(true);
    const plain = await folder(executorOf(1, async (r) => inline.load(compiled).run(r)));
    expect(readFileSync(join(plain, 'runs.parquet')).equals(readFileSync(join(out, 'runs.parquet')))).toBe(true);
  });

  test('a job on a worker writes the bytes this thread writes', async () => {
    const out = await folder(inlineExecutor(), 100);
    const pool = workerPool({ workers: 2, script });
    try {
      await pool.runOutput!(jobOf(out, join(out, 'again.parquet'), 100));
    } finally {
      await pool.close();
    }
    expect(readFileSync(join(out, 'again.parquet')).equals(readFileSync(join(out, 'runs.parquet')))).toBe(true);
  });

  test("a job's file-system error comes back with the class, message, code and path this thread would throw", async () => {
    const out = await folder(inlineExecutor());
    const job = jobOf(out, join(out, 'no-such-folder', 'runs.parquet'));
    const here = await failure(runOutputJob(job));
    expect(here.code).toBe('ENOENT');
    const pool = workerPool({ workers: 2, script });
    try {
      expect(await failure(pool.runOutput!(job))).toEqual(here);
    } finally {
      await pool.close();
    }
  });

  test('a stopped job rejects with InterruptedError naming the signal and leaves no temporary file', async () => {
    const out = await folder(inlineExecutor());
    const before = readdirSync(out).sort();
    const pool = workerPool({ workers: 2, script });
    const stop = new AbortController();
    stop.abort('SIGTERM');
    try {
      const seen = await failure(pool.runOutput!(jobOf(out, join(out, 'stopped.parquet')), stop.signal));
      expect(seen).toMatchObject({ kind: 'InterruptedError', signal: 'SIGTERM' });
    } finally {
      await pool.close();
    }
    expect(readdirSync(out).sort()).toEqual(before);
  });

  test('a failing runs.parquet fails the run with the message of one thread, and removes the unfinished folder', async () => {
    /** Runs `executor` with a folder in the way of runs.parquet's temporary file, made once the last run is stored. */
    async function blocked(executor: ReturnType<typeof inlineExecutor>) {
      const out = join(tempDir(), 'result');
      const onProgress = (done: number) => {
        if (done === RUNS) mkdirSync(join(`${out}.partial`, `runs.parquet.tmp-${process.pid}`));
      };
      try {
        const seen = await failure(writeResultFolder(compiled, { out, runs: RUNS, executor, onProgress, command: ['shakeout', 'run', 'x.yaml'] }));
        return { seen: { ...seen, message: seen.message.replaceAll(out, '<out>') }, left: existsSync(`${out}.partial`) || existsSync(out) };
      } finally {
        await executor.close();
      }
    }
    const one = await blocked(inlineExecutor());
    // One line naming the temporary file in the way (fs-error.ts).
    expect(one.seen).toMatchObject({ kind: UsageError.name, message: `cannot write <out>.partial/runs.parquet.tmp-${process.pid}: a folder is in the way of a file (EISDIR); choose another folder with --out` });
    expect(one.left).toBe(false);
    expect(await blocked(workerPool({ workers: 2, script }))).toEqual(one);
  });

  test('a full disk met by the job keeps the unfinished folder for --resume, as on one thread', async () => {
    const inline = inlineExecutor();
    const full = {
      ...inline,
      runOutput: async () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
      },
    };
    const out = join(tempDir(), 'result');
    const seen = await failure(writeResultFolder(compiled, { out, runs: RUNS, executor: full, command: ['shakeout', 'run', 'x.yaml'] }));
    expect(seen.kind).toBe(UsageError.name);
    expect(seen.message).toContain(`${RUNS} of ${RUNS} runs are saved in ${out}.partial`);
    expect(existsSync(join(`${out}.partial`, 'runs', 'index.json'))).toBe(true);
    expect(existsSync(out)).toBe(false);
  });

  test('this thread failing first stops the job and waits for it before the folder is removed', async () => {
    const inline = inlineExecutor();
    let stopped: string | undefined;
    let ended = false;
    const slow = {
      ...inline,
      runOutput: (_job: RunsParquetJob, signal?: AbortSignal) =>
        new Promise<void>((_, reject) =>
          signal!.addEventListener('abort', () => {
            stopped = String(signal!.reason);
            setTimeout(() => {
              ended = true;
              reject(new InterruptedError('interrupted by stopped', 'stopped', 0, 0));
            }, 20);
          }),
        ),
    };
    const out = join(tempDir(), 'result');
    // runs.csv cannot be written: a folder is in its way.
    const onProgress = (done: number) => {
      if (done === RUNS) mkdirSync(join(`${out}.partial`, `runs.csv.tmp-${process.pid}`));
    };
    const seen = await failure(writeResultFolder(compiled, { out, runs: RUNS, executor: slow, onProgress, command: ['shakeout', 'run', 'x.yaml'] }));
    expect(seen.message).toBe(`cannot write ${out}.partial/runs.csv.tmp-${process.pid}: a folder is in the way of a file (EISDIR); choose another folder with --out`);
    expect(stopped).toBe('stopped');
    expect(ended).toBe(true);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });
});
