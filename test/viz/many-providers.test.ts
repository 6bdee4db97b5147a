/**
 * Charts of a run with many providers (docs/security.md, "Bounded resources
 * and interruptions"): 600 providers, within the limit of 1,000, make
 * 359,400 flows metrics; the charts draw the largest eleven providers and
 * one "Other", and read only the rows they draw, so they fit in a small heap.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_PROVIDERS_SHOWN } from '../../viz/table.js';
import { manyProvidersYaml } from '../worlds.js';
import { root } from './fixtures.js';

const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
const scratch = mkdtempSync(join(tmpdir(), 'shakeout-many-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const PROVIDERS = 600;

/** A valid scenario with `n` providers and otherwise as small as it gets: 3 months, 20 startups, 1 run. */
function manyProviders(n: number): string {
  return manyProvidersYaml({ name: 'Many providers', providers: n, months: 3, seed: 3, runs: 1, named: true });
}

function shakeout(nodeFlags: string[], ...args: string[]) {
  const r = spawnSync(process.execPath, [...nodeFlags, cli, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, signal: r.signal, stderr: r.stderr };
}

describe('charts of a run with many providers', () => {
  it(`draws every chart of ${PROVIDERS} providers in a 256 MB heap, with ${MAX_PROVIDERS_SHOWN} rows at most`, () => {
    const file = join(scratch, 'many.yaml');
    writeFileSync(file, manyProviders(PROVIDERS));
    const out = join(scratch, 'many');
    const run = shakeout([], 'run', file, '--out', out, '--no-charts', '--quiet', '--workers', '1');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // Before: the chart read all 1.08 million rows of timeseries.csv and drew a 600 × 599 matrix, and died (SIGABRT, heap exhausted).
    const charts = join(scratch, 'charts');
    const chart = shakeout(['--max-old-space-size=256'], 'chart', out, '--format', 'svg', '--out', charts);
    expect(chart.signal).toBeNull();
    expect(chart.code).toBe(0);
    for (const name of ['hhi-tokens', 'shares-tokens', 'survival', 'deaths', 'flows', 'providers']) expect(existsSync(join(charts, `${name}.svg`))).toBe(true);

    const flows = JSON.parse(readFileSync(join(charts, 'flows.vl.json'), 'utf8'));
    const rows = new Set(flows.data.values.map((v: { from: string }) => v.from));
    expect(rows.size).toBe(MAX_PROVIDERS_SHOWN);
    expect(rows.has(`Other (${PROVIDERS - MAX_PROVIDERS_SHOWN + 1})`)).toBe(true);
    // Eleven providers and Other: every pair but a provider with itself; Other to Other is the moves among the grouped.
    expect(flows.data.values).toHaveLength(MAX_PROVIDERS_SHOWN * MAX_PROVIDERS_SHOWN - (MAX_PROVIDERS_SHOWN - 1));
    expect(flows.title.subtitle.join(' ')).toContain(`${MAX_PROVIDERS_SHOWN - 1} largest of ${PROVIDERS} providers`);

    const shares = JSON.parse(readFileSync(join(charts, 'shares-tokens.vl.json'), 'utf8'));
    const panels = shares.concat as { layer: { data: { values: { date: string; mean: number; label?: string }[] } }[] }[];
    expect(panels).toHaveLength(MAX_PROVIDERS_SHOWN);
    // Each panel's name is its last layer, a text mark.
    expect(panels.at(-1)!.layer.at(-1)!.data.values[0].label).toBe(`Other (${PROVIDERS - MAX_PROVIDERS_SHOWN + 1})`);
    // The means still sum to one over the panels: the grouped providers' means are added up in Other, not dropped.
    const last = panels.flatMap((p) => p.layer[0].data.values.filter((v) => v.date === '2024-03'));
    expect(last.reduce((s, v) => s + v.mean, 0)).toBeCloseTo(1, 2);
  }, 120_000);
});
