/**
 * Relative expectations end to end (the built CLI on files in a temporary
 * folder): `check` and `run` run the baseline with the same seeds, `check`
 * exits 1 on a FAIL, summary.md/summary.json name the baseline, `compare`
 * reports a what-if's verdicts against its baseline from the paired runs,
 * and bad baselines are refused with exit 2 at their line.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../output/tmp.js';
import { BASE, relativeExpect } from '../worlds.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');

function shakeout(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A folder holding base.yaml and `files`. */
function world(files: Record<string, string>): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'base.yaml'), BASE);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

interface Reported {
  target: string;
  expectations: { name: string; holds: number; runs: number; verdict: string; baseline?: string; ratio?: number; difference?: number; value?: number }[];
}

describe('check with relative expectations', () => {
  it('a what-if identical to its baseline: ratio 1 holds in every run (exit 0), difference 0.0001 in none (exit 1)', () => {
    const dir = world({
      'same.yaml': `extends: base.yaml\nname: Same\n${relativeExpect('as many deaths', 'base.yaml', 'ratio: 1')}`,
      'more.yaml': `extends: base.yaml\nname: More\n${relativeExpect('more deaths', 'base.yaml', 'difference: 0.0001')}`,
    });
    const same = shakeout(dir, 'check', 'same.yaml', '--workers', '1', '--json');
    expect(same.code).toBe(0);
    const [report] = JSON.parse(same.stdout) as Reported[];
    expect(report.expectations).toEqual([expect.objectContaining({ name: 'as many deaths', baseline: 'base.yaml', ratio: 1, holds: 20, runs: 20, verdict: 'PASS' })]);
    expect(report.expectations[0]).not.toHaveProperty('value');
    expect(same.stderr).toContain('same.yaml: 20 runs, and 20 runs of its baseline');
    expect(same.stderr).toMatch(/^ {2}PASS {2}as many deaths {2}cohort\.dead\.fraction >= 1 × the same in base\.yaml at end: holds in 20\/20 runs/m);

    const more = shakeout(dir, 'check', 'more.yaml', '--workers', '2', '--json', '--quiet');
    expect(more.code).toBe(1);
    expect((JSON.parse(more.stdout) as Reported[])[0].expectations[0]).toMatchObject({ difference: 0.0001, holds: 0, runs: 20, verdict: 'FAIL' });
    expect(more.stderr).toContain('FAIL  more deaths  cohort.dead.fraction >= the same in base.yaml + 0.0001 at end: holds in 0/20 runs');
  });

  it('--runs and --seed apply to the baseline too: the pairing holds at any seed', () => {
    // Hazard doubled: with the same random numbers every run that loses a startup in the baseline loses it here too.
    const dir = world({ 'riskier.yaml': `extends: base.yaml\nclasses: { small: { hazard: 0.1 } }\n${relativeExpect('at least as many', 'base.yaml', 'difference: 0')}` });
    for (const seed of ['1', 'other']) {
      const r = shakeout(dir, 'check', 'riskier.yaml', '--runs', '7', '--seed', seed, '--workers', '1', '--json', '--quiet');
      expect(r.code).toBe(0);
      expect((JSON.parse(r.stdout) as Reported[])[0].expectations[0]).toMatchObject({ holds: 7, runs: 7 });
    }
  });

  it('two scenarios naming each other as baselines: each checks against the other once, nothing loops', () => {
    const dir = world({
      'a.yaml': `extends: base.yaml\nname: A\n${relativeExpect('a vs b', 'b.yaml', 'ratio: 1')}`,
      'b.yaml': `extends: base.yaml\nname: B\n${relativeExpect('b vs a', 'a.yaml', 'ratio: 1', '<=')}`,
    });
    const r = shakeout(dir, 'check', 'a.yaml', '--runs', '4', '--workers', '1', '--json');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Reported[]).map((x) => x.expectations.map((e) => e.name))).toEqual([['a vs b']]);
  });

  it.each([
    ['a missing baseline', relativeExpect('x', 'nope.yaml', 'ratio: 1'), 'bad.yaml:7: expect[0].baseline: the baseline "nope.yaml" cannot be loaded: nope.yaml: cannot read the file: no such file'],
    ['the scenario itself', relativeExpect('x', 'bad.yaml', 'ratio: 1'), 'bad.yaml:7: expect[0].baseline: a scenario cannot be its own baseline (name another scenario file)'],
    ['ratio and difference', relativeExpect('x', 'base.yaml', 'ratio: 1\n    difference: 0'), 'bad.yaml:9: expect[0].difference: give either ratio or difference, not both'],
  ])('%s: exit 2, one line at the file and line', (_what, expectText, message) => {
    const dir = world({ 'bad.yaml': `extends: base.yaml\n${expectText}` });
    for (const command of ['check', 'run', 'validate']) {
      const r = shakeout(dir, command, 'bad.yaml', ...(command === 'validate' ? [] : ['--runs', '2', '--workers', '1']));
      expect(r.stderr).toBe(`${message}\n`);
      expect(r.code).toBe(2);
    }
  });

  it('a metric the baseline does not record: exit 2 at the metric: line', () => {
    const dir = world({
      'other.yaml': `extends: base.yaml\nproviders:\n  - { id: other, price: 1, quality: 1, unitCost: 0.5, cash: 1e12 }\nstartups: { initialProviders: { other: 1 } }\nexpect:\n  - { name: x, metric: share.tokens.other, at: end, op: ">=", baseline: base.yaml, ratio: 1 }\n`,
    });
    const r = shakeout(dir, 'check', 'other.yaml', '--runs', '2');
    expect(r.stderr).toBe(
      'other.yaml:6: expect[0].metric: the baseline base.yaml records no metric named "share.tokens.other" (it records share.tokens.only): a relative expectation compares a metric both scenarios record\n',
    );
    expect(r.code).toBe(2);
  });
});

describe('run and compare with relative expectations', () => {
  const files = {
    'same.yaml': `extends: base.yaml\nname: Same\n${relativeExpect('as many', 'base.yaml', 'ratio: 1')}  - { name: absolute, metric: cohort.dead.fraction, at: end, op: ">", value: 0 }\n${relativeExpect('more', 'base.yaml', 'difference: 0.0001').replace('expect:\n', '')}`,
  };

  it('run: the verdicts in expect order in summary.json and summary.md, the baseline named; check on the folder exits 1', () => {
    const dir = world(files);
    const r = shakeout(dir, 'run', 'same.yaml', '--runs', '6', '--workers', '1', '--out', 'out', '--no-charts');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/wrote out: 6 runs of 12 months, and 6 runs of its baseline in /);
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8'));
    expect(summary.expectations.map((e: Record<string, unknown>) => [e.name, e.baseline ?? null, e.holds])).toEqual([
      ['as many', 'base.yaml', 6],
      ['absolute', null, 6],
      ['more', 'base.yaml', 0],
    ]);
    const md = readFileSync(join(dir, 'out', 'summary.md'), 'utf8');
    expect(md).toContain('| as many | cohort.dead.fraction ≥ 1 × the same in base.yaml at end (t = 11) | 1 (6/6) |');
    expect(md).toContain('| more | cohort.dead.fraction ≥ the same in base.yaml + 0.0001 at end (t = 11) | 0 (0/6) |');
    // Only the scenario's folder is written: the baseline's runs are not kept.
    expect(r.stderr).not.toContain('base/');
    const check = shakeout(dir, 'check', 'out');
    expect(check.stderr).toMatch(/^ {2}FAIL {10}more {6}cohort\.dead\.fraction >= the same in base\.yaml \+ 0\.0001 at end: holds in 0\/6 runs/m);
    expect(check.code).toBe(1);
  });

  it('compare: the what-if result folder holds the verdicts run gives; the comparison summary lists those against its baseline', () => {
    const dir = world(files);
    expect(shakeout(dir, 'run', 'same.yaml', '--runs', '6', '--workers', '1', '--out', 'alone', '--no-charts').code).toBe(0);
    const r = shakeout(dir, 'compare', 'base.yaml', 'same.yaml', '--runs', '6', '--workers', '2', '--out', 'cmp', '--no-charts');
    expect(r.code).toBe(0);
    const alone = JSON.parse(readFileSync(join(dir, 'alone', 'summary.json'), 'utf8'));
    const inComparison = JSON.parse(readFileSync(join(dir, 'cmp', 'same', 'summary.json'), 'utf8'));
    expect(inComparison.expectations).toEqual(alone.expectations);
    const comparison = JSON.parse(readFileSync(join(dir, 'cmp', 'summary.json'), 'utf8'));
    expect(comparison.whatIfs[0].expectations.map((e: Record<string, unknown>) => [e.name, e.holds, e.verdict])).toEqual([
      ['as many', 6, 'INCONCLUSIVE'],
      ['more', 0, 'FAIL'],
    ]);
    expect(readFileSync(join(dir, 'cmp', 'summary.md'), 'utf8')).toContain('Its expectations relative to base:');
    expect(r.stderr).toContain('  its expectations relative to base:');
    // The comparison folder reads back (its summary's schema takes the verdicts).
    expect(shakeout(dir, 'report', 'cmp').code).toBe(0);
  });
});
