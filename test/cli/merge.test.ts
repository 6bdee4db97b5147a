/**
 * `--shard k/n` and `shakeout merge` end to end (the built CLI on real
 * files): each of run, sweep, sensitivity and compare split into shards and
 * merged gives, in every file, the bytes one process writes (the
 * manifests differ only in the command, the time and the wall time); the
 * shards that do not belong together are refused, one line each, exit 2;
 * a shard is no result to chart or report.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectSameFolder, files } from '../folder-files.js';
import { canonicalJson, sha256Hex } from '../../sim/output/canonical-json.js';
import { comparisonScenariosSha256 } from '../../sim/output/comparison-folder.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
const scratch = mkdtempSync(join(tmpdir(), 'shakeout-merge-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function shakeout(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: scratch, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(...args: string[]) {
  const r = shakeout(...args);
  expect(r.stderr, args.join(' ')).not.toMatch(/internal error/);
  expect(r.code, r.stderr).toBe(0);
  return r;
}

const minimal = join(root, 'scenarios', 'minimal.yaml');
copyFileSync(minimal, join(scratch, 'base.yaml'));
writeFileSync(
  join(scratch, 'grant.yaml'),
  'extends: base.yaml\nname: Bigger grant\nevents:\n  - id: rival-migration\n    at: 2024-08\n    campaign: { provider: rival, grant: 110, validity: 3, eligible: migrants, from: [leader], support: 0.5, budget: 20000, until: 2024-12 }\n',
);

describe('run --shard and merge', () => {
  const flags = ['--runs', '4', '--months', '13'];
  const one = ['--workers', '1'];
  it('three shards merged are the one-process result folder, byte for byte, charts included', () => {
    ok('run', 'base.yaml', ...flags, '--out', 'run-one', '--quiet');
    for (const k of [1, 2, 3]) ok('run', 'base.yaml', ...flags, '--shard', `${k}/3`, '--out', `run-shards/${k}`, '--workers', String(k), '--quiet');
    const r = ok('merge', 'run-shards/3', 'run-shards/1', 'run-shards/2', '--out', 'run-merged');
    expect(r.stderr).toContain('merged 3 shards into the result folder run-merged');
    expectSameFolder(join(scratch, 'run-merged'), join(scratch, 'run-one'));
  });

  it('a shard folder says which k of n it is, holds only its runs and no aggregate, and is no result to chart or report', () => {
    const dir = join(scratch, 'run-shards', '2');
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(m.format).toBe('shakeout-shard/1');
    expect(m.shardOf).toBe('run');
    // Contiguous blocks: ⌊(k − 1)·4/3⌋ … ⌊k·4/3⌋ − 1 for k = 2 is run 1 alone.
    expect(m.shard).toEqual({ index: 2, count: 3, first: 1, end: 2 });
    expect(m).toMatchObject({ items: 4, runs: 4, seed: 42, months: 13, designSha256: null });
    expect(m.scenarioSha256).toMatch(/^[0-9a-f]{64}$/);
    expect([...files(dir).keys()].sort()).toEqual(['manifest.json', 'runs/index.json', 'runs/values.f64']);
    // Its one run is run 1 of the one-process store, at its own seed.
    const one = readFileSync(join(scratch, 'run-one', 'runs', 'values.f64'));
    const record = one.length / 4;
    expect(readFileSync(join(dir, 'runs', 'values.f64')).equals(one.subarray(record, 2 * record))).toBe(true);
    for (const command of [['chart', 'run-shards/2'], ['report', 'run-shards/2']]) {
      const r = shakeout(...command);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe('run-shards/2 is shard 2 of 3 of a run (written with --shard), not a finished result: join the shards first with `shakeout merge <shard folders…> --out <dir>`');
    }
  });

  it('refuses shards that do not belong together, one line each, exit 2, and writes nothing', () => {
    ok('run', 'base.yaml', ...flags, ...one, '--seed', '7', '--shard', '3/3', '--out', 'other-seed', '--quiet');
    ok('run', 'base.yaml', ...flags, ...one, '--shard', '2/2', '--out', 'other-count', '--quiet');
    ok('sweep', 'base.yaml', '--runs', '2', '--months', '13', '--set', 'classes.small.hazard=0.01,0.02', '--shard', '3/3', '--out', 'other-kind', '--quiet', '--workers', '1');
    const cases: [string[], string][] = [
      [['run-shards/1', 'run-shards/2'], 'shard 3 of 3 is missing: merge needs all 3'],
      [['run-shards/1', 'run-shards/2', 'run-shards/2', 'run-shards/3'], 'run-shards/2 and run-shards/2 are both shard 2 of 3: pass each shard once'],
      [['run-shards/1', 'run-shards/2', 'other-seed'], 'run-shards/1 and other-seed are not shards of the same work: the seed is 42 in the first and 7 in the second'],
      [['run-shards/1', 'other-count'], 'run-shards/1 and other-count are not shards of the same work: the shard count is 3 in the first and 2 in the second'],
      [['run-shards/1', 'run-shards/2', 'other-kind'], 'run-shards/1 and other-kind are not shards of the same work: the command (shardOf) is run in the first and sweep in the second'],
      [['run-shards/1', 'run-shards/2', 'run-one'], 'run-one is not a shard folder (no readable manifest.json of a shard): pass the folders that `--shard k/n` wrote'],
    ];
    for (const [dirs, message] of cases) {
      const r = shakeout('merge', ...dirs, '--out', 'refused', '--no-charts');
      expect(r.code, dirs.join(' ')).toBe(2);
      expect(r.stderr.trim()).toBe(message);
      expect(existsSync(join(scratch, 'refused'))).toBe(false);
    }
    // Changed after it was written: its block is not shard 2 of 3's.
    const tampered = join(scratch, 'tampered');
    ok('run', 'base.yaml', ...flags, ...one, '--shard', '2/3', '--out', 'tampered', '--quiet');
    const m = JSON.parse(readFileSync(join(tampered, 'manifest.json'), 'utf8'));
    m.shard.end = 3;
    writeFileSync(join(tampered, 'manifest.json'), JSON.stringify(m));
    const r = shakeout('merge', 'run-shards/1', 'tampered', 'run-shards/3', '--out', 'refused', '--no-charts');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('tampered says it is shard 2 of 3 but holds items 1…2, not 1…1; it was changed after it was written');
  });

  it('never writes into a shard, and replaces only its own kind with --force', () => {
    const before = files(join(scratch, 'run-shards', '1'));
    const inside = shakeout('merge', 'run-shards/1', 'run-shards/2', 'run-shards/3', '--out', 'run-shards/1/merged', '--no-charts');
    expect(inside.code).toBe(2);
    expect(inside.stderr).toContain('merge never writes into its shards');
    const over = shakeout('merge', 'run-shards/1', 'run-shards/2', 'run-shards/3', '--out', 'run-shards', '--no-charts');
    expect(over.code).toBe(2);
    expect(files(join(scratch, 'run-shards', '1'))).toEqual(before);
    const exists = shakeout('merge', 'run-shards/1', 'run-shards/2', 'run-shards/3', '--out', 'run-merged', '--no-charts');
    expect(exists.code).toBe(2);
    expect(exists.stderr).toContain('already exists; use --force');
    // A sweep is not replaced by a result, even with --force.
    const foreign = shakeout('merge', 'run-shards/1', 'run-shards/2', 'run-shards/3', '--out', 'other-kind', '--no-charts', '--force');
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain('is a shard, not a shakeout result');
  });
});

describe('sweep, sensitivity and compare --shard and merge', () => {
  it('a sweep in two shards merged is the one-process sweep, byte for byte', () => {
    const sweep = ['sweep', 'base.yaml', '--runs', '3', '--months', '13', '--set', 'classes.small.hazard=0.01,0.02,0.03', '--set', 'providers.budget.price=0.4,0.8', '--no-charts', '--quiet', '--workers', '1'];
    ok(...sweep, '--out', 'sweep-one');
    ok(...sweep, '--shard', '1/2', '--out', 'sweep-shards/a');
    ok(...sweep, '--shard', '2/2', '--out', 'sweep-shards/b');
    expect([...files(join(scratch, 'sweep-shards', 'b')).keys()].sort()).toEqual(['manifest.json', 'points/3.json', 'points/4.json', 'points/5.json']);
    ok('merge', 'sweep-shards/b', 'sweep-shards/a', '--out', 'sweep-merged', '--no-charts', '--quiet');
    expectSameFolder(join(scratch, 'sweep-merged'), join(scratch, 'sweep-one'));
  });

  it("a Sobol' analysis in three shards merged is the one-process analysis, byte for byte", () => {
    const analysis = ['sensitivity', 'base.yaml', '--param', 'classes.small.hazard=0.005:0.03', '--param', 'providers.budget.price=0.3:1', '--metric', 'startups.alive@end', '--samples', '4', '--runs', '2', '--months', '13', '--no-charts', '--quiet', '--workers', '1'];
    ok(...analysis, '--out', 'sens-one');
    for (const k of [1, 2, 3]) ok(...analysis, '--shard', `${k}/3`, '--out', `sens-shards/${k}`);
    ok('merge', 'sens-shards/1', 'sens-shards/2', 'sens-shards/3', '--out', 'sens-merged', '--no-charts', '--quiet');
    expect(existsSync(join(scratch, 'sens-merged', 'indices.csv'))).toBe(true);
    expectSameFolder(join(scratch, 'sens-merged'), join(scratch, 'sens-one'));
  });

  it('a comparison in three shards merged is the one-process comparison, byte for byte', () => {
    const compare = ['compare', 'base.yaml', 'grant.yaml', '--runs', '4', '--months', '13', '--no-charts', '--quiet', '--workers', '1'];
    ok(...compare, '--out', 'cmp-one');
    for (const k of [1, 2, 3]) ok(...compare, '--shard', `${k}/3`, '--out', `cmp-shards/${k}`);
    ok('merge', 'cmp-shards/2', 'cmp-shards/3', 'cmp-shards/1', '--out', 'cmp-merged', '--no-charts', '--quiet');
    expectSameFolder(join(scratch, 'cmp-merged'), join(scratch, 'cmp-one'));
  });

  it("a shard is untrusted: a scenario's folder that is a path is refused, even with its hashes made to match", () => {
    // A received shard names its comparison's folders; `../escape` would write beside the merged folder.
    for (const k of [1, 2, 3]) cpSync(join(scratch, 'cmp-shards', String(k)), join(scratch, 'evil', String(k)), { recursive: true });
    const path = join(scratch, 'evil', '2', 'manifest.json');
    const m = JSON.parse(readFileSync(path, 'utf8'));
    m.work.scenarios[1].folder = '../escape';
    const hashes = m.work.scenarios.map((s: { folder: string; scenario: unknown }) => [s.folder, sha256Hex(canonicalJson(s.scenario))]);
    m.designSha256 = sha256Hex(canonicalJson(hashes));
    expect(m.designSha256).toBe(comparisonScenariosSha256(hashes.map(([folder, scenarioSha256]: string[]) => ({ folder, scenarioSha256 }))));
    writeFileSync(path, JSON.stringify(m));
    const r = shakeout('merge', 'evil/2', '--out', 'evil-merged', '--no-charts');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("evil/2: manifest.json's work does not match its own hashes; the folder was changed after it was written");
    expect(existsSync(join(scratch, 'escape'))).toBe(false);
    expect(existsSync(join(scratch, 'evil-merged'))).toBe(false);
  });
});
