/**
 * What shakeout may replace or remove (ownership.ts): sealed results, and
 * leftovers whose owner record proves them a dead process's, made for the
 * same target at the same path. Nothing else, whatever its name.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createOwnedFolder, isOwnedLeftover, isSealedResult, linkBelow, ownedLeftovers } from '../../sim/output/ownership.js';
import { recoverSwap } from '../../sim/output/folder-swap.js';
import { chartsBytes, diskNeeded, writeResultFolder } from '../../sim/ensemble/run-to-folder.js';
import { handCompiled } from '../ensemble/fixtures.js';
import { handExecutor, handWorld } from './hand-made.js';
import { deadPid, leftover } from './leftovers.js';
import { files } from '../folder-files.js';
import { tempDir } from './tmp.js';

const command = ['shakeout', 'run', 'x.yaml'];

describe('isSealedResult', () => {
  test('a result folder is one; with a PARTIAL marker, another manifest, through a link, or a file, it is not', async () => {
    const parent = tempDir();
    const out = join(parent, 'result');
    await writeResultFolder(handWorld(), { out, runs: 2, executor: handExecutor(), command });
    expect(isSealedResult(out)).toBe(true);

    symlinkSync(out, join(parent, 'link'));
    expect(isSealedResult(join(parent, 'link'))).toBe(false);

    writeFileSync(join(out, 'PARTIAL'), 'x');
    expect(isSealedResult(out)).toBe(false);

    const other = join(parent, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'manifest.json'), JSON.stringify({ format: 'someone-else/1', files: [] }));
    expect(isSealedResult(other)).toBe(false);
    writeFileSync(join(other, 'manifest.json'), '{"format": "shakeout-result/1", "files": [');
    expect(isSealedResult(other)).toBe(false);

    writeFileSync(join(parent, 'file'), '{}');
    expect(isSealedResult(join(parent, 'file'))).toBe(false);
    expect(isSealedResult(join(parent, 'nothing'))).toBe(false);
  });
});

describe('isOwnedLeftover', () => {
  test("a dead process's folder for this target, where it was made, is one", () => {
    const parent = tempDir();
    const out = join(parent, 'res');
    expect(isOwnedLeftover(leftover(join(parent, 'res.old-1'), 'aside', out), out, 'aside')).toBe(true);
  });

  test('not when its process runs, it was made on another host, for another target, in another role, or has since moved', () => {
    const parent = tempDir();
    const out = join(parent, 'res');
    expect(isOwnedLeftover(leftover(join(parent, 'a'), 'aside', out, { pid: process.ppid }), out, 'aside')).toBe(false);
    expect(isOwnedLeftover(leftover(join(parent, 'b'), 'aside', out, { host: 'elsewhere.example' }), out, 'aside')).toBe(false);
    expect(isOwnedLeftover(leftover(join(parent, 'c'), 'aside', join(parent, 'other')), out, 'aside')).toBe(false);
    expect(isOwnedLeftover(leftover(join(parent, 'd'), 'partial', out), out, 'aside')).toBe(false);
    leftover(join(parent, 'e'), 'aside', out);
    renameSync(join(parent, 'e'), join(parent, 'moved'));
    expect(isOwnedLeftover(join(parent, 'moved'), out, 'aside')).toBe(false);
  });

  test('not without a well-formed record: a name proves nothing', () => {
    const parent = tempDir();
    const out = join(parent, 'res');
    const bare = join(parent, `res.old-${deadPid()}`);
    mkdirSync(bare);
    expect(isOwnedLeftover(bare, out, 'aside')).toBe(false);
    writeFileSync(join(bare, 'lock'), JSON.stringify({ pid: deadPid(), host: 'x' }));
    expect(isOwnedLeftover(bare, out, 'aside')).toBe(false);
    expect(ownedLeftovers(parent, 'res.', out, 'aside')).toEqual([]);
  });
});

describe('createOwnedFolder', () => {
  test('never takes a name that is in use, and writes its record before anything else', () => {
    const parent = tempDir();
    const out = join(parent, 'res');
    const taken = join(parent, `res.old-${process.pid}`);
    mkdirSync(taken);
    writeFileSync(join(taken, 'mine.txt'), 'x');
    const made = createOwnedFolder(join(parent, 'res.old'), 'aside', out);
    expect(made).toBe(`${taken}-1`);
    expect(readdirSync(taken)).toEqual(['mine.txt']);
    expect(readdirSync(made)).toEqual(['lock']);
    expect(JSON.parse(readFileSync(join(made, 'lock'), 'utf8'))).toMatchObject({ format: 'shakeout-lock/1', role: 'aside', pid: process.pid, target: out, path: made });
  });
});

describe('a folder killed before its owner record was complete', () => {
  test('is removed when it holds nothing or the start of a record; anything else stays', () => {
    const parent = tempDir();
    const out = join(parent, 'res');
    const pid = deadPid();
    const empty = join(parent, `res.partial.tmp-${pid}`);
    const cut = join(parent, `res.old-${pid}`);
    const withData = join(parent, `res.partial.tmp-${pid}-1`);
    const alive = join(parent, `res.partial.tmp-${process.ppid}`);
    for (const d of [empty, cut, withData, alive]) mkdirSync(d);
    writeFileSync(join(cut, 'lock'), '{"format":"shakeout-lo');
    writeFileSync(join(withData, 'notes.txt'), 'mine');
    recoverSwap(out);
    expect(readdirSync(parent).sort()).toEqual([`res.partial.tmp-${pid}-1`, `res.partial.tmp-${process.ppid}`].sort());
  });
});

describe('linkBelow', () => {
  test('finds a link between a folder and a path inside it; a path outside is not its business', () => {
    const parent = tempDir();
    const res = join(parent, 'res');
    mkdirSync(join(res, 'charts'), { recursive: true });
    expect(linkBelow(res, join(res, 'charts', 'x.svg'))).toBeNull();
    symlinkSync(parent, join(res, 'up'));
    expect(linkBelow(res, join(res, 'up', 'x.svg'))).toBe(join(res, 'up'));
    expect(linkBelow(res, join(parent, 'elsewhere', 'x.svg'))).toBeNull();
  });
});

describe('the disk check', () => {
  test.each([1, 10, 200])('counts every byte a run of %i writes, runs.parquet included', async (runs) => {
    const out = join(tempDir(), 'result');
    await writeResultFolder(handWorld(), { out, runs, executor: handExecutor(), command });
    const written = [...files(out).values()].reduce((sum, bytes) => sum + bytes.length, 0);
    expect(files(out).has('runs.parquet')).toBe(true);
    expect(written).toBeLessThanOrEqual(diskNeeded(handWorld(), runs, 0, false));
  });

  test('counts the charts when they will be drawn', async () => {
    const compiled = handWorld();
    expect(diskNeeded(compiled, 4, 0, true) - diskNeeded(compiled, 4, 0, false)).toBe(chartsBytes(compiled.months, compiled.metricNames.length));
    expect(chartsBytes(24, 175)).toBeGreaterThan(1_025_062); // the charts of the shipped 2024 scenario over 24 months
    // A million runs of 1,000 metrics over 1,200 months: refused, and the message counts the charts and offers --no-charts.
    const wide = handCompiled(Array.from({ length: 1000 }, (_, i) => `m${i}`), 1200, { expect: [] });
    await expect(writeResultFolder(wide, { out: join(tempDir(), 'result'), runs: 1_000_000, executor: handExecutor(), command, charts: true })).rejects.toThrow(
      /^cannot write .*result: it needs about [\d.]+ TB of disk \(the per-run values, runs × months × metrics × 8 bytes, in runs\/ and runs\.parquet, and the charts\), but only .* are free there; free some space, lower --runs, add --no-charts, or choose another folder with --out$/,
    );
  });
});
