/**
 * The calibration of the 2024 case holds at the shipped run count and seed
 * (docs/calibration.md): with OpenAI's exit, the ensemble means of token
 * shares at 2025-06 are IDC's 2025 H1 figures within ±5 percentage points
 * and the HHI of tokens is within ±300 of 3,450; without the exit, the
 * 12-month dead fraction of small startups is BLS's 17–19 % within ±3 pp.
 * A change to the engine or to the scenarios that breaks these fails here.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { tempDir } from './output/tmp.js';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');

/** Runs a shipped scenario as it is and returns the ensemble means of one month, by metric. */
function meansAt(scenario: string, month: number): Map<string, number> {
  const out = join(tempDir(), 'result');
  const r = spawnSync(process.execPath, [cli, 'run', scenario, '--out', out, '--no-charts', '--quiet'], { cwd: root, encoding: 'utf8' });
  expect(r.status, r.stderr).toBeLessThanOrEqual(1); // 1: an expectation failed, which is a finding, not an error
  const [header, ...lines] = readFileSync(join(out, 'timeseries.csv'), 'utf8').trim().split('\n');
  const columns = header.split(',');
  const [m, t, mean] = ['metric', 'month', 'mean'].map((c) => columns.indexOf(c));
  const means = new Map<string, number>();
  for (const line of lines) {
    const cells = line.split(',');
    if (Number(cells[t]) === month) means.set(cells[m], Number(cells[mean]));
  }
  return means;
}

describe('the calibration of the 2024 case', () => {
  test('the exit scenario reproduces IDC 2025 H1 token shares and concentration', () => {
    const at = meansAt('scenarios/china-2024-openai-exit.yaml', 12); // 2025-06
    const share = (id: string) => at.get(`share.tokens.${id}`)!;
    const idc = { volcano: 0.492, alibaba: 0.27, baidu: 0.17 };
    for (const [id, value] of Object.entries(idc)) expect(Math.abs(share(id) - value), id).toBeLessThanOrEqual(0.05);
    const others = 1 - share('volcano') - share('alibaba') - share('baidu');
    expect(Math.abs(others - 0.068)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(at.get('hhi.tokens')! - 3450)).toBeLessThanOrEqual(300);
  }, 300_000);

  test('without the exit, small startups die at the rate BLS reports', () => {
    const at = meansAt('scenarios/counterfactual-no-exit.yaml', 11); // twelve months after 2024-06
    const dead = at.get('cohort.dead.small.fraction')!;
    expect(dead).toBeGreaterThanOrEqual(0.17 - 0.03);
    expect(dead).toBeLessThanOrEqual(0.19 + 0.03);
  }, 300_000);
});
