/**
 * `shakeout check` verdicts end to end (the built CLI on real files): the
 * exit codes of PASS, FAIL and INCONCLUSIVE with and without --strict, and
 * the seed-to-seed flipping that the Wilson verdict ends.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../output/tmp.js';
import { coinFlipYaml, type CoinFlipWorld } from '../worlds.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
const scratch = mkdtempSync(join(tmpdir(), 'shakeout-check-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function shakeout(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function coinFlip(w: CoinFlipWorld, dir = scratch, name = `coin-${w.seed}.yaml`): string {
  const file = join(dir, name);
  writeFileSync(file, coinFlipYaml(w));
  return file;
}

interface Reported {
  target: string;
  expectations: { holds: number; runs: number; probability: number; verdict: string; pass: boolean; runsToSettle: number | null }[];
}

describe('shakeout check: exit codes by verdict', () => {
  // Seed 5: 10 of 20 runs, [0.30, 0.70] around the required 0.5.
  const inconclusive = coinFlip({ seed: 5 }, scratch, 'inconclusive.yaml');
  // Nobody has to die: holds in every run, [0.84, 1] ≥ 0.5.
  const pass = coinFlip({ seed: 5, value: 0 }, scratch, 'pass.yaml');
  // Everybody has to die: holds in none, [0, 0.16] < 0.5.
  const fail = coinFlip({ seed: 5, value: 1 }, scratch, 'fail.yaml');
  const files: Record<string, string> = { PASS: pass, INCONCLUSIVE: inconclusive, FAIL: fail };

  it.each([
    ['PASS', '', 0],
    ['PASS', ' --strict', 0],
    ['INCONCLUSIVE', '', 0],
    ['INCONCLUSIVE', ' --strict', 1],
    ['FAIL', '', 1],
    ['FAIL', ' --strict', 1],
  ])('%s%s: exit %d', (verdict, strict, code) => {
    const flags = strict ? [strict.trim()] : [];
    const file = files[verdict];
    const r = shakeout('check', file, '--workers', '1', ...flags);
    expect(r.stderr).toMatch(new RegExp(`^  ${verdict} +near its threshold `, 'm'));
    expect(r.code).toBe(code);
  });

  it('an INCONCLUSIVE verdict says what would settle it; --json carries the verdict and the count', () => {
    const r = shakeout('check', inconclusive, '--workers', '1', '--json', '--quiet');
    expect(r.code).toBe(0);
    // --quiet shows what is not a PASS.
    expect(r.stderr).toContain('INCONCLUSIVE  near its threshold');
    expect(r.stderr).toContain('holds in 10/20 runs (50 %, 95 % CI 30 %–70 %), needs 50 %; no number of runs settles it at this fraction');
    const [report] = JSON.parse(r.stdout) as Reported[];
    expect(report.expectations[0]).toMatchObject({ holds: 10, runs: 20, verdict: 'INCONCLUSIVE', pass: false, runsToSettle: null });
    expect(shakeout('check', pass, '--workers', '1', '--quiet').stderr).toBe('');
  });

  it('a result folder: the verdicts it holds, and --strict on them; one from before verdicts reads PASS or FAIL as written', () => {
    const out = join(tempDir(), 'result');
    expect(shakeout('run', inconclusive, '--workers', '1', '--out', out, '--quiet', '--no-charts').code).toBe(0);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('| INCONCLUSIVE: no number of runs settles it at this fraction |');
    expect(shakeout('check', out).code).toBe(0);
    expect(shakeout('check', out, '--strict').code).toBe(1);
    // As an older shakeout wrote it: `pass` alone, here false (10 of 20 against 0.5 passed then; edited to fail).
    const path = join(out, 'summary.json');
    const summary = JSON.parse(readFileSync(path, 'utf8'));
    summary.expectations = summary.expectations.map(({ verdict: _v, runsToSettle: _r, ...e }: Record<string, unknown>) => ({ ...e, pass: false }));
    writeFileSync(path, JSON.stringify(summary, null, 2));
    const r = shakeout('check', out);
    expect(r.stderr).toMatch(/^ {2}FAIL {2}near its threshold /m);
    expect(r.code).toBe(1);
  });
});

describe('the same claim over seeds 1–5 at 20 runs', () => {
  it('flipped between PASS and FAIL by `fraction >= probability`; its verdicts now never do', () => {
    const dir = join(tempDir(), 'seeds');
    mkdirSync(dir);
    for (const seed of [1, 2, 3, 4, 5]) coinFlip({ seed }, dir);
    const r = shakeout('check', dir, '--workers', '1', '--json', '--quiet');
    const reports = JSON.parse(r.stdout) as Reported[];
    expect(reports.map((x) => x.target.slice(-11))).toEqual(['coin-1.yaml', 'coin-2.yaml', 'coin-3.yaml', 'coin-4.yaml', 'coin-5.yaml']);
    const claims = reports.map((x) => x.expectations[0]);
    expect(claims.every((c) => c.runs === 20)).toBe(true);
    // The old rule on the same counts: both verdicts occur, so `check` exited 0 or 1 by the seed.
    const old = new Set(claims.map((c) => (c.holds / c.runs >= c.probability ? 'PASS' : 'FAIL')));
    expect(old).toEqual(new Set(['PASS', 'FAIL']));
    // Now: never both PASS and FAIL, and the exit code is the same for every seed.
    const verdicts = new Set(claims.map((c) => c.verdict));
    expect(verdicts.has('PASS') && verdicts.has('FAIL')).toBe(false);
    expect([...verdicts]).toEqual(['INCONCLUSIVE']);
    expect(r.code).toBe(0);
  });
});
