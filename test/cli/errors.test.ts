/**
 * Errors as data through the CLI: every problem with a code and a path
 * (`--json`), an expectation's unknown metric reported with the other
 * problems of its file, and a run-time model error naming the file and
 * line of the expression, the month and the replication.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES } from '../../sim/errors.js';
import { tempDir } from '../output/tmp.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
const minimal = readFileSync(join(root, 'scenarios', 'minimal.yaml'), 'utf8');

function shakeout(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** 1-based line of the first line of `text` containing `needle`. */
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('run-time model errors', () => {
  it("a class's funding probability that gives NaN: exit 2, one line with the file and line, the month and the replication", () => {
    const text = minimal.replace('funding: { probability: 0.5, months: 12 }', 'funding: { probability: "log(2 - t)", months: 12 }');
    const file = join(tempDir(), 'nan-funding.yaml');
    writeFileSync(file, text);
    const r = shakeout('run', file, '--runs', '2', '--workers', '1', '--no-charts', '--out', join(tempDir(), 'never'));
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    // log(2 − t) is log(−1) = NaN first at t = 3, 2024-09; replication 0 meets it first.
    expect(lines[0]).toMatch(
      new RegExp(`^${escaped(file)}:${lineOf(text, 'log(2 - t)')}: classes\\.small\\.funding\\.probability: "log\\(2 - t\\)" gave NaN in 2024-09 \\(t = 3\\); expected a number \\(replication 0, seed 42`),
    );
  });

  it('set by an event, the error points at the line of the set', () => {
    const text = minimal.replace(
      'events:                            # things that happen on a date\n',
      'events:                            # things that happen on a date\n  - id: climate\n    at: 2024-07\n    set:\n      classes.small.funding.probability: "log(3 - t)"\n',
    );
    const file = join(tempDir(), 'nan-set.yaml');
    writeFileSync(file, text);
    const r = shakeout('run', file, '--runs', '1', '--workers', '1', '--no-charts', '--out', join(tempDir(), 'never'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${escaped(file)}:${lineOf(text, 'log(3 - t)')}: classes\\.small\\.funding\\.probability: "log\\(3 - t\\)" gave NaN in 2024-10 \\(t = 4\\)`));
  });
});

describe('validate', () => {
  it('reports an unknown key, a missing field and an unknown expectation metric in one pass, each with its code (--json)', () => {
    const text = minimal.replace('metric: cohort.dead.small.on.leader.fraction', 'metric: cohort.dead.smal.fraction').replace('hazard: 0.016 ', 'hazrd: 0.016 ');
    const file = join(tempDir(), 'three.yaml');
    writeFileSync(file, text);
    const plain = shakeout('validate', file);
    expect(plain.code).toBe(2);
    expect(plain.stderr.trimEnd().split('\n')).toHaveLength(3);
    const r = shakeout('validate', '--json', file, 'scenarios/minimal.yaml');
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as { files: { file: string; ok: boolean; problems: { code: string; line: number; path: string }[] }[] };
    expect(report.files.map((f) => f.ok)).toEqual([false, true]);
    expect(report.files[0].problems.map(({ code, line, path }) => ({ code, line, path }))).toEqual([
      { code: 'E_MISSING', line: lineOf(text, 'classes:') + 1, path: 'classes.small.hazard' },
      { code: 'E_UNKNOWN_KEY', line: lineOf(text, 'hazrd:'), path: 'classes.small' },
      { code: 'E_UNKNOWN_METRIC', line: lineOf(text, 'metric: cohort.dead.smal.fraction'), path: 'expect[0].metric' },
    ]);
  });

  it('an unknown expectation metric alongside a rule broken (shares), in one pass', () => {
    const text = minimal.replace('metric: cohort.dead.small.on.leader.fraction', 'metric: hhi.token').replace('budget: 0.1 }', 'budget: 0.2 }');
    const file = join(tempDir(), 'rule-and-metric.yaml');
    writeFileSync(file, text);
    const r = shakeout('validate', file);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^${escaped(file)}:${lineOf(text, 'initialProviders:')}: startups\\.initialProviders: `));
    expect(lines[1]).toBe(`${file}:${lineOf(text, 'metric: hhi.token')}: expect[0].metric: no metric named "hhi.token" (did you mean hhi.tokens?)`);
  });

  it('check --json on bad input prints the problems as data: an unknown variable in an expression', () => {
    const text = minimal.replace('"max(cost, min(4, lowestPrice * 1.1))"', '"max(cots, 4)"');
    const file = join(tempDir(), 'unknown-variable.yaml');
    writeFileSync(file, text);
    const r = shakeout('check', file, '--runs', '2', '--json');
    expect(r.code).toBe(2);
    const { problems } = JSON.parse(r.stdout) as { problems: { code: string; file: string; line: number; path: string }[] };
    expect(problems).toEqual([expect.objectContaining({ code: 'E_EXPR_UNKNOWN_VARIABLE', file, line: lineOf(text, '"max(cots, 4)"'), path: 'providers.rival.price' })]);
  });
});

it('docs/errors.md lists every diagnostic code, and no other', () => {
  const doc = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
  const listed = [...doc.matchAll(/^\| `(E_[A-Z_]+)` \|/gm)].map((m) => m[1]);
  expect(listed).toEqual([...DIAGNOSTIC_CODES]);
});
