/**
 * Outputs are never lost (docs/security.md, "Interrupted runs"): an
 * interrupted run leaves `<out>.partial`, marked and resumable, and the
 * previous `<out>` untouched; `resume` computes only the missing runs and
 * gives exactly the bytes of an uninterrupted run; a resume of another run
 * is refused; a folder killed in the middle of its swap is repaired; a full
 * disk or a folder that cannot be written gives one line and exit 2.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ReplicationExecutor } from '../../sim/ensemble/ensemble.js';
import { executorOf } from '../ensemble/executors.js';
import { InterruptedError, UsageError } from '../../sim/errors.js';
import { inspectPartial, PARTIAL_MARKER, partialPath, recoverSwap, RESUME_FILE } from '../../sim/output/folder-swap.js';
import { writeResultFolder } from '../../sim/ensemble/run-to-folder.js';
import { handCompiled } from '../ensemble/fixtures.js';
import { handExecutor, handWorld } from '../output/hand-made.js';
import { deadPid, leftover } from '../output/leftovers.js';
import { tempDir } from '../output/tmp.js';
import { files, withoutManifest } from '../folder-files.js';

const RUNS = 12;
const command = ['shakeout', 'run', 'x.yaml', '--runs', String(RUNS)];


/** The hand-made executor, counting the runs it is asked for, stopping (as a signal would) when asked for run `stopAt`. */
function stoppingExecutor(controller: AbortController, stopAt: number, signal = 'SIGINT'): ReplicationExecutor & { asked: number[] } {
  const inner = handExecutor();
  const asked: number[] = [];
  return Object.assign(
    executorOf(1, (r) => {
      asked.push(r);
      if (r === stopAt) controller.abort(signal);
      return inner.run(r);
    }),
    { asked },
  );
}

function counting(): ReplicationExecutor & { asked: number[] } {
  const inner = handExecutor();
  const asked: number[] = [];
  return Object.assign(executorOf(1, (r) => (asked.push(r), inner.run(r))), { asked });
}

async function reference(): Promise<Map<string, Buffer>> {
  const out = join(tempDir(), 'reference');
  await writeResultFolder(handWorld(), { out, runs: RUNS, executor: handExecutor(), command });
  return withoutManifest(out);
}

async function interrupted(out: string, stopAt: number, signal = 'SIGINT', resume = false): Promise<InterruptedError> {
  const controller = new AbortController();
  const executor = stoppingExecutor(controller, stopAt, signal);
  const e = await writeResultFolder(handWorld(), { out, runs: RUNS, executor, command, signal: controller.signal, resume }).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(InterruptedError);
  return e as InterruptedError;
}

describe('an interrupted run', () => {
  test('keeps its finished runs in <out>.partial, marked, with the command that finishes them', async () => {
    const parent = tempDir();
    const out = join(parent, 'result');
    const e = await interrupted(out, 5);
    expect(e.signal).toBe('SIGINT');
    expect(e.done).toBe(5);
    expect(e.message).toBe(
      `interrupted by SIGINT: 5 of ${RUNS} runs are saved in ${out}.partial; to finish them, run: shakeout run x.yaml --runs ${RUNS} --resume`,
    );
    expect(readdirSync(parent)).toEqual(['result.partial']);
    const partial = partialPath(out);
    expect(readFileSync(join(partial, PARTIAL_MARKER), 'utf8')).toContain(`shakeout run x.yaml --runs ${RUNS} --resume`);
    expect(JSON.parse(readFileSync(join(partial, RESUME_FILE), 'utf8'))).toMatchObject({ format: 'shakeout-partial/1', runs: RUNS, seed: 7 });
    // The lock goes with the process that held it; the runs stay.
    expect(existsSync(join(partial, 'lock'))).toBe(false);
    expect(statSync(join(partial, 'runs', 'done')).size).toBe(RUNS * 8);
    expect(inspectPartial(out).kind).toBe('unfinished');
  });

  test('leaves the previous folder byte for byte as it was', async () => {
    const out = join(tempDir(), 'result');
    await writeResultFolder(handWorld(), { out, runs: 3, executor: handExecutor(), command });
    const before = files(out);
    const controller = new AbortController();
    await expect(
      writeResultFolder(handWorld(), { out, runs: RUNS, force: true, executor: stoppingExecutor(controller, 7), command, signal: controller.signal }),
    ).rejects.toThrow(InterruptedError);
    expect(files(out)).toEqual(before);
  });

  test('--resume computes only the missing runs and writes exactly the bytes of an uninterrupted run', async () => {
    const expected = await reference();
    const out = join(tempDir(), 'result');
    await interrupted(out, 4);
    const second = await interrupted(out, 9, 'SIGTERM', true); // resumed, then interrupted again: runs 4 … 8 added
    expect(second.signal).toBe('SIGTERM');
    expect(second.done).toBe(9);
    const executor = counting();
    const written = await writeResultFolder(handWorld(), { out, runs: RUNS, executor, command, resume: true });
    expect(executor.asked).toEqual([9, 10, 11]);
    expect(written.reused).toBe(9);
    expect(withoutManifest(out)).toEqual(expected);
    expect(existsSync(partialPath(out))).toBe(false);
    expect(written.manifest.files).toEqual(['runs.csv', 'runs.parquet', 'runs/index.json', 'runs/values.f64', 'summary.json', 'summary.md', 'timeseries.csv']);
  });

  test('--resume of a run whose --force was meant to replace a folder replaces it', async () => {
    const out = join(tempDir(), 'result');
    await writeResultFolder(handWorld(), { out, runs: 2, executor: handExecutor(), command });
    const controller = new AbortController();
    await expect(
      writeResultFolder(handWorld(), { out, runs: RUNS, force: true, executor: stoppingExecutor(controller, 3), command, signal: controller.signal }),
    ).rejects.toThrow(InterruptedError);
    await writeResultFolder(handWorld(), { out, runs: RUNS, executor: handExecutor(), command, resume: true });
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).runs).toBe(RUNS);
  });

  test('a run that was damaged on disk is computed again', async () => {
    const expected = await reference();
    const out = join(tempDir(), 'result');
    await interrupted(out, 8);
    // Flip a byte of run 2's record: its digest no longer matches.
    const values = join(partialPath(out), 'runs', 'values.f64');
    const bytes = readFileSync(values);
    const record = bytes.length / 8;
    bytes[2 * record + 11] ^= 0xff;
    writeFileSync(values, bytes);
    const executor = counting();
    await writeResultFolder(handWorld(), { out, runs: RUNS, executor, command, resume: true });
    expect(executor.asked).toEqual([2, 8, 9, 10, 11]);
    expect(withoutManifest(out)).toEqual(expected);
  });

  test('resuming another run is refused, naming the difference, and the unfinished one is kept', async () => {
    const out = join(tempDir(), 'result');
    await interrupted(out, 5);
    const keep = files(partialPath(out));
    await expect(writeResultFolder(handWorld(), { out, runs: RUNS + 1, executor: handExecutor(), command, resume: true })).rejects.toThrow(
      `cannot resume ${out}.partial: it has ${RUNS} runs and this command asks for ${RUNS + 1}; run with --force instead of --resume to discard it and start over`,
    );
    const other = handWorld([{ name: 'x', metric: 'hhi.tokens', at: 'end', op: '>=', value: 1 }]);
    await expect(writeResultFolder(other, { out, runs: RUNS, executor: handExecutor(), command, resume: true })).rejects.toThrow(/it is a run of another scenario/);
    expect(files(partialPath(out))).toEqual(keep);
  });

  test('a new run does not silently discard it: --resume or --force', async () => {
    const out = join(tempDir(), 'result');
    await interrupted(out, 5);
    await expect(writeResultFolder(handWorld(), { out, runs: RUNS, executor: handExecutor(), command })).rejects.toThrow(
      `${out}.partial holds an unfinished run; finish it with \`shakeout run x.yaml --runs ${RUNS} --resume\`, or add --force to discard it and start over`,
    );
    const executor = counting();
    await writeResultFolder(handWorld(), { out, runs: RUNS, force: true, executor, command });
    expect(executor.asked).toHaveLength(RUNS);
    expect(existsSync(partialPath(out))).toBe(false);
  });

  test('a folder another live process is writing is left alone; a stale lock is taken over', async () => {
    const out = join(tempDir(), 'result');
    await interrupted(out, 5);
    const lock = join(partialPath(out), 'lock');
    // This test runner's parent is alive; a finished child's pid is not.
    writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: (await import('node:os')).hostname() }));
    await expect(writeResultFolder(handWorld(), { out, runs: RUNS, executor: handExecutor(), command, resume: true })).rejects.toThrow(
      new UsageError(`${out}.partial is being written by another shakeout (process ${process.ppid}); wait for it to finish, or stop it. If no shakeout is running, delete ${out}.partial/lock`),
    );
    const gone = spawnSync(process.execPath, ['-e', 'process.pid']).pid;
    writeFileSync(lock, JSON.stringify({ pid: gone, host: (await import('node:os')).hostname() }));
    await writeResultFolder(handWorld(), { out, runs: RUNS, executor: handExecutor(), command, resume: true });
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
  });

  test('--resume with nothing to resume: an existing complete result is left as it is; none at all runs from scratch', async () => {
    const out = join(tempDir(), 'result');
    const fresh = counting();
    await writeResultFolder(handWorld(), { out, runs: RUNS, executor: fresh, command, resume: true });
    expect(fresh.asked).toHaveLength(RUNS);
    const before = files(out);
    const again = counting();
    const written = await writeResultFolder(handWorld(), { out, runs: RUNS, executor: again, command, resume: true });
    expect(written.alreadyComplete).toBe(true);
    expect(again.asked).toEqual([]);
    expect(files(out)).toEqual(before);
  });
});

describe('a run killed in the middle of putting its folder in place', () => {
  /** A complete result at `<out>.partial` (sealed: no marker), as a kill between sealing and renaming leaves it. */
  async function sealedPartial(out: string): Promise<void> {
    const built = join(tempDir(), 'built');
    await writeResultFolder(handWorld(), { out: built, runs: RUNS, executor: handExecutor(), command });
    renameSync(built, partialPath(out));
  }

  /** A complete result of 2 runs, moved into a set-aside folder `<out>.old-<pid>` of a dead process (as `result/`). */
  async function setAside(out: string): Promise<Map<string, Buffer>> {
    const aside = leftover(`${out}.old-${deadPid()}`, 'aside', out);
    await writeResultFolder(handWorld(), { out: join(aside, 'result'), runs: 2, executor: handExecutor(), command });
    return files(join(aside, 'result'));
  }

  test('while sealing (manifest written, resume.json gone, the marker still there): --resume finishes the seal and moves it in, running nothing', async () => {
    const parent = tempDir();
    const out = join(parent, 'result');
    // A genuine marker, from an interrupted run elsewhere, and the owner record of a dead process.
    const other = join(tempDir(), 'other');
    await interrupted(other, 3);
    const marker = readFileSync(join(partialPath(other), PARTIAL_MARKER));
    const lock = readFileSync(join(leftover(join(tempDir(), 'dead'), 'partial', out), 'lock'));
    const built = join(tempDir(), 'built');
    await writeResultFolder(handWorld(), { out: built, runs: RUNS, executor: handExecutor(), command });
    const expected = withoutManifest(built);
    writeFileSync(join(built, PARTIAL_MARKER), marker);
    writeFileSync(join(built, 'lock'), lock);
    renameSync(built, partialPath(out));
    expect(inspectPartial(out)).toMatchObject({ kind: 'unfinished', record: null });

    const again = counting();
    const written = await writeResultFolder(handWorld(), { out, runs: RUNS, executor: again, command, resume: true });
    expect(again.asked).toEqual([]);
    expect(written.manifest.runs).toBe(RUNS);
    expect(readdirSync(parent)).toEqual(['result']);
    expect(withoutManifest(out)).toEqual(expected);
  });

  test('between moving the old folder aside and the new one in: the new one is moved in', async () => {
    const parent = tempDir();
    const out = join(parent, 'result');
    await sealedPartial(out);
    await setAside(out);
    recoverSwap(out);
    expect(readdirSync(parent)).toEqual(['result']);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).runs).toBe(RUNS);
  });

  test('with only the old folder aside: it is put back', async () => {
    const parent = tempDir();
    const out = join(parent, 'result');
    const old = await setAside(out);
    recoverSwap(out);
    expect(readdirSync(parent)).toEqual(['result']);
    expect(files(out)).toEqual(old);
  });

  test('a staging folder of a dead process is removed; <out>.partial that shakeout did not make is refused', () => {
    const parent = tempDir();
    const out = join(parent, 'result');
    const staging = leftover(`${out}.partial.tmp-${deadPid()}`, 'partial', out);
    writeFileSync(join(staging, PARTIAL_MARKER), 'This folder is an unfinished shakeout run: …');
    recoverSwap(out);
    expect(readdirSync(parent)).toEqual([]);
    mkdirSync(partialPath(out));
    writeFileSync(join(partialPath(out), 'mine.txt'), 'x');
    expect(() => recoverSwap(out)).toThrow(`${out}.partial exists but is neither a result nor an unfinished run of shakeout`);
  });
});

describe('the disk says no', () => {
  test('a run too large for the disk is refused before it starts, with the estimate', async () => {
    const parent = tempDir();
    const executor = counting();
    // A million runs of 1,000 metrics over 1,200 months: about 9.6 TB of per-run values.
    const wide = handCompiled(Array.from({ length: 1000 }, (_, i) => `m${i}`), 1200, { expect: [] });
    await expect(writeResultFolder(wide, { out: join(parent, 'result'), runs: 1_000_000, executor, command })).rejects.toThrow(
      /^cannot write .*result: it needs about [\d.]+ TB of disk \(the per-run values, runs × months × metrics × 8 bytes, in runs\/ and runs\.parquet\), but only .* are free there; free some space, lower --runs, or choose another folder with --out$/,
    );
    expect(executor.asked).toEqual([]);
    expect(readdirSync(parent)).toEqual([]);
  });

  test('a folder that is a file is one line, exit-2 kind (UsageError)', async () => {
    const parent = tempDir();
    writeFileSync(join(parent, 'file'), 'x');
    const e = await writeResultFolder(handWorld(), { out: join(parent, 'file', 'result'), runs: 2, executor: handExecutor(), command }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as Error).message).toMatch(/^cannot write .*: a part of the path is a file, not a folder \(ENOTDIR\); choose another folder with --out$/);
  });

  test.skipIf(process.getuid?.() === 0 || process.platform === 'win32')('a read-only folder is one line', async () => {
    const parent = tempDir();
    const { chmodSync } = await import('node:fs');
    chmodSync(parent, 0o555);
    try {
      const e = await writeResultFolder(handWorld(), { out: join(parent, 'result'), runs: 2, executor: handExecutor(), command }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(UsageError);
      expect((e as Error).message).toMatch(/^cannot write .*: permission denied \(EACCES\); choose another folder with --out$/);
    } finally {
      chmodSync(parent, 0o755);
    }
  });
});
