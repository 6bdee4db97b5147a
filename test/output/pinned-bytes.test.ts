/**
 * The bytes every shipped scenario gives, pinned: a refactoring of the
 * engine, the ensemble or the result folder must leave them alone. A change
 * that moves results on purpose updates them in its own commit (run the
 * tests with GOLDEN_UPDATE=1 and say why in the commit message).
 *
 * Each scenario runs through the built CLI at a small size, on one worker
 * and on two (the bytes may not depend on the worker count).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { tempDir } from './tmp.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
const GOLDEN = join(import.meta.dirname, 'golden', 'pinned-bytes.json');
const update = process.env.GOLDEN_UPDATE === '1';

/** Scenario → the flags that keep it small (bench-1m: one replication of three months). */
const SHIPPED: Record<string, string[]> = {
  'scenarios/minimal.yaml': ['--runs', '3'],
  'scenarios/base/china-2024.yaml': ['--runs', '3'],
  'scenarios/china-2024-openai-exit.yaml': ['--runs', '3'],
  'scenarios/counterfactual-no-exit.yaml': ['--runs', '3'],
  'scenarios/policy-interoperability.yaml': ['--runs', '3'],
  'scenarios/policy-compute-vouchers.yaml': ['--runs', '3'],
  'scenarios/policy-open-weights.yaml': ['--runs', '3'],
  'scenarios/policy-export-controls.yaml': ['--runs', '3'],
  'scenarios/subsidy-war.yaml': ['--runs', '3'],
  'scenarios/bench/bench-10k.yaml': ['--runs', '3'],
  'scenarios/bench/bench-1m.yaml': ['--runs', '1', '--months', '3'],
};
const PINNED_FILES = ['runs/values.f64', 'timeseries.csv'];

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function run(scenario: string, flags: string[], workers: number): Record<string, string> {
  const out = join(tempDir(), 'result');
  const r = spawnSync(process.execPath, [cli, 'run', scenario, ...flags, '--workers', String(workers), '--out', out, '--no-charts', '--quiet'], {
    cwd: root,
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return Object.fromEntries(PINNED_FILES.map((f) => [f, sha256(join(out, f))]));
}

describe('pinned bytes of the shipped scenarios', () => {
  const golden: Record<string, Record<string, string>> = existsSync(GOLDEN) ? JSON.parse(readFileSync(GOLDEN, 'utf8')) : {};

  test.each(Object.entries(SHIPPED))('%s', (scenario, flags) => {
    const one = run(scenario, flags, 1);
    if (update) {
      Object.assign(golden, { [scenario]: one });
      writeFileSync(GOLDEN, JSON.stringify(golden, null, 2) + '\n');
    }
    expect(golden[scenario], `${scenario} is not pinned; run the tests with GOLDEN_UPDATE=1`).toBeDefined();
    expect(one).toEqual(golden[scenario]);
    expect(run(scenario, flags, 2)).toEqual(one);
  });

  test('every shipped scenario is pinned', () => {
    const shipped = spawnSync('git', ['ls-files', 'scenarios/*.yaml', 'scenarios/**/*.yaml'], { cwd: root, encoding: 'utf8' });
    // scenarios/calibration/ holds calibration targets files, not scenarios.
    const files = (shipped.status === 0 ? shipped.stdout.split('\n').filter(Boolean) : Object.keys(SHIPPED)).filter((f) => !f.startsWith('scenarios/calibration/'));
    expect(files.filter((f) => !(f in SHIPPED))).toEqual([]);
  });
});
