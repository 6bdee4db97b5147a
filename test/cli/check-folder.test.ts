/**
 * `shakeout check <folder>` end to end: every scenario under the folder
 * (subfolders too) checked on one pool, one table of all verdicts, files
 * that are not scenarios and scenarios without expectations listed as
 * skipped, exit 1 on a FAIL (or an INCONCLUSIVE with --strict), and exit 2
 * naming every invalid scenario before anything runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findScenarios } from '../../sim/scenario/find.js';
import { tempDir } from '../output/tmp.js';
import { BASE, coinFlipYaml, relativeExpect } from '../worlds.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');

function shakeout(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A folder of files (path → text). */
function tree(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const schema = readFileSync(join(root, 'scenarios', 'scenario.schema.json'), 'utf8');
// Coin-flip worlds (test/worlds.ts): nobody has to die holds in every run, everybody in none.
const pass = coinFlipYaml({ seed: 1, value: 0 });
const fail = coinFlipYaml({ seed: 1, value: 1 });

const mixed = () =>
  tree({
    'base.yaml': BASE,
    'scenario.schema.json': schema,
    'notes.json': '{"note": "not a scenario"}\n',
    'list.yaml': '- a\n- b\n',
    'b-fail.yaml': fail,
    'sub/deeper/a-pass.yaml': pass,
    'sub/same.yaml': `extends: ../base.yaml\n${relativeExpect('as many', '../base.yaml', 'ratio: 1')}`,
    '.hidden/ignored.yaml': fail,
    'results/old/manifest.json': '{}\n',
    'results/old/kept.yaml': fail,
  });

interface Reported {
  target: string;
  expectations: { verdict: string }[];
  skipped?: string;
}

describe('findScenarios', () => {
  it('scenarios in path order, subfolders included; schemas and other data skipped; hidden and result folders not entered', () => {
    const dir = mixed();
    const found = findScenarios(dir);
    expect(found.scenarios).toEqual(['b-fail.yaml', 'base.yaml', 'sub/deeper/a-pass.yaml', 'sub/same.yaml'].map((f) => join(dir, f)));
    expect(found.skipped).toEqual([
      { file: join(dir, 'list.yaml'), reason: 'not a scenario (no start, providers, classes or extends at its top level)' },
      { file: join(dir, 'notes.json'), reason: 'not a scenario (no start, providers, classes or extends at its top level)' },
      { file: join(dir, 'scenario.schema.json'), reason: 'a JSON Schema' },
    ]);
    expect(found.truncated).toBe(false);
  });

  it('a file that does not parse is a scenario (loading says where it is wrong)', () => {
    const dir = tree({ 'broken.yaml': 'start: [2024-01\n' });
    expect(findScenarios(dir).scenarios).toEqual([join(dir, 'broken.yaml')]);
  });
});

describe('shakeout check <folder>', () => {
  it('one table of every verdict, the skipped files listed, exit 1 on the FAIL', () => {
    const dir = mixed();
    const r = shakeout(dir, 'check', '.', '--runs', '4', '--workers', '2', '--json');
    expect(r.code).toBe(1);
    const reports = JSON.parse(r.stdout) as Reported[];
    expect(reports.map((x) => [x.target, x.expectations.map((e) => e.verdict), x.skipped ?? null])).toEqual([
      ['b-fail.yaml', ['FAIL'], null],
      ['sub/deeper/a-pass.yaml', ['PASS'], null],
      ['sub/same.yaml', ['INCONCLUSIVE'], null],
      ['base.yaml', [], 'no expectations'],
      ['list.yaml', [], 'not a scenario (no start, providers, classes or extends at its top level)'],
      ['notes.json', [], 'not a scenario (no start, providers, classes or extends at its top level)'],
      ['scenario.schema.json', [], 'a JSON Schema'],
    ]);
    const table = r.stderr.split('\n').filter((l) => / {2}(PASS|FAIL|INCONCLUSIVE) {2}/.test(l));
    expect(table).toHaveLength(3);
    expect(table[0]).toMatch(/^b-fail\.yaml +FAIL +near its threshold  cohort\.dead\.fraction >= 1 at end: holds in 0\/4 runs/);
    expect(table[1]).toMatch(/^sub\/deeper\/a-pass\.yaml  PASS +near its threshold  cohort\.dead\.fraction >= 0 at end: holds in 4\/4 runs/);
    expect(table[2]).toMatch(/^sub\/same\.yaml +INCONCLUSIVE  as many +cohort\.dead\.fraction >= 1 × the same in \.\.\/base\.yaml at end/);
    // One table: the verdicts, names and metrics start in the same columns on every line.
    for (const word of [/PASS|FAIL|INCONCLUSIVE/, /near|as many/, /cohort/]) expect(new Set(table.map((l) => l.search(word))).size).toBe(1);
    expect(r.stderr).toContain('skipped:\n  base.yaml: no expectations\n  list.yaml: not a scenario');
  });

  it('--quiet: only what is not a PASS; --strict: an INCONCLUSIVE fails too', () => {
    const dir = tree({ 'a.yaml': pass, 'sub/b.yaml': `extends: ../base.yaml\n${relativeExpect('as many', '../base.yaml', 'ratio: 1')}`, 'base.yaml': BASE });
    const quiet = shakeout(dir, 'check', '.', '--runs', '4', '--quiet');
    expect(quiet.code).toBe(0);
    expect(quiet.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^sub\/b\.yaml {2}INCONCLUSIVE {2}as many /)]);
    expect(shakeout(dir, 'check', '.', '--runs', '4', '--quiet', '--strict').code).toBe(1);
  });

  it('every invalid scenario named at its line, exit 2, nothing run', () => {
    const dir = tree({
      'a-good.yaml': pass,
      'b-bad.yaml': pass.replace('months: 12', 'months: 0'),
      'sub/c-bad.yaml': `extends: ../a-good.yaml\n${relativeExpect('x', 'missing.yaml', 'ratio: 2')}`,
    });
    const r = shakeout(dir, 'check', '.', '--runs', '4');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'b-bad.yaml:3: months: expected a whole number of months in 1–1200, got 0\n' +
        'sub/c-bad.yaml:7: expect[0].baseline: the baseline "missing.yaml" cannot be loaded: sub/missing.yaml: cannot read the file: no such file\n',
    );
  });

  it('a folder with no scenario in it: exit 2', () => {
    const dir = tree({ 'notes.json': '{}\n' });
    const r = shakeout(dir, 'check', '.');
    expect(r.stderr).toBe('no scenario files in . (.yaml, .yml or .json)\n');
    expect(r.code).toBe(2);
  });
});
