/**
 * `shakeout compare` end to end (the built CLI on real files): pairing that
 * works (an identical what-if differs by exactly zero; a small change is
 * estimated far more tightly than with independent runs), the folder it
 * writes, and the folders it refuses to touch.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { files, withoutManifest } from '../folder-files.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
const scratch = mkdtempSync(join(tmpdir(), 'shakeout-compare-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function shakeout(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: scratch, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** diff.csv as records, by column name. */
function diffRows(dir: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(join(dir, 'diff.csv'), 'utf8').trimEnd().split('\n');
  const names = header.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v])));
}

/** timeseries.csv's row of `metric` at `month`, by column name. */
function timeseriesRow(dir: string, metric: string, month: number): Record<string, number> {
  const [header, ...lines] = readFileSync(join(dir, 'timeseries.csv'), 'utf8').trimEnd().split('\n');
  const names = header.split(',');
  const line = lines.find((l) => l.startsWith(`${metric},${month},`))!;
  return Object.fromEntries(line.split(',').map((v, i) => [names[i], Number(v)]));
}

copyFileSync(join(root, 'scenarios', 'minimal.yaml'), join(scratch, 'base.yaml'));
copyFileSync(join(root, 'scenarios', 'minimal.yaml'), join(scratch, 'same.yaml'));
const campaign = (grant: number) => `
  - id: rival-migration
    at: 2024-08
    campaign: { provider: rival, grant: ${grant}, validity: 3, eligible: migrants, from: [leader], support: 0.5, budget: 20000, until: 2024-12 }`;
// One campaign's grant +10 %: a small change.
writeFileSync(join(scratch, 'grant.yaml'), `extends: base.yaml\nname: Bigger grant\nevents:${campaign(110)}\n`);

describe('shakeout compare', () => {
  const out = join(scratch, 'cmp');

  it('writes a result folder per scenario, diff.csv, the summaries and a manifest, and exits 0', () => {
    const r = shakeout('compare', 'base.yaml', 'same.yaml', 'grant.yaml', '--runs', '12', '--out', 'cmp', '--no-charts', '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('wrote cmp: 3 scenarios × 12 paired runs of 24 months');
    expect(r.stderr).toMatch(/grant − base \(12 paired runs\):\n\s+measure\s+baseline\s+what-if\s+difference \[95 % CI\]\s+variance reduction\n\s+HHI of tokens, t = 12/);
    const top = [...files(out).keys()].filter((f) => !f.includes('/')).sort();
    expect(top).toEqual(['diff.csv', 'manifest.json', 'summary.json', 'summary.md']);
    for (const s of ['base', 'same', 'grant']) expect(existsSync(join(out, s, 'runs', 'values.f64'))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.format).toBe('shakeout-comparison/1');
    expect(manifest.scenarios.map((s: { folder: string }) => s.folder)).toEqual(['base', 'same', 'grant']);
    expect([manifest.seed, manifest.runs, manifest.months]).toEqual([42, 12, 24]);
    expect(manifest.files).toContain('grant/timeseries.csv');
    const summary = JSON.parse(r.stdout);
    expect(summary).toEqual(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')));
    expect(summary.whatIfs.map((w: { folder: string }) => w.folder)).toEqual(['same', 'grant']);
    expect(summary.whatIfs[1].headline.map((h: { metric: string; month: number }) => `${h.metric}@${h.month}`)).toEqual([
      'hhi.tokens@12',
      'hhi.tokens@23',
      'cohort.dead.small.fraction@12',
      'cohort.dead.fraction@12',
      'cohort.dead.small.on.leader.fraction@12',
      'providers.active@23',
      'deaths.cumulative@23',
    ]);
  });

  it("each scenario's folder holds exactly the bytes `run` writes for it", () => {
    const r = shakeout('run', 'grant.yaml', '--runs', '12', '--out', 'grant-alone', '--no-charts', '--quiet');
    expect(r.code).toBe(0);
    expect(withoutManifest(join(out, 'grant'))).toEqual(withoutManifest(join(scratch, 'grant-alone')));
  });

  it('--no-shared-history writes the same files as sharing the months the what-ifs share with the baseline', () => {
    // same.yaml shares all 24 months with base.yaml, grant.yaml the two before its campaign (2024-08).
    const r = shakeout('compare', 'base.yaml', 'same.yaml', 'grant.yaml', '--runs', '12', '--out', 'cmp-alone', '--no-charts', '--quiet', '--no-shared-history');
    expect(r.code).toBe(0);
    const withoutManifests = (dir: string) => new Map([...files(dir)].filter(([name]) => !name.endsWith('manifest.json')));
    const alone = withoutManifests(join(scratch, 'cmp-alone'));
    expect(alone.size).toBeGreaterThan(10);
    expect(alone).toEqual(withoutManifests(out));
    expect(shakeout('compare', '--help').stdout).toContain('--no-shared-history');
  });

  it('an identical what-if differs from its baseline by exactly zero, for every metric and month', () => {
    const same = diffRows(out).filter((r) => r.scenario === 'same');
    expect(same.length).toBeGreaterThan(1000);
    for (const row of same) {
      for (const c of ['mean', 'sd', 'ci_low', 'ci_high', 'p_lower', 'p_higher']) expect(row[c], `${row.metric}@${row.month} ${c}`).toBe('0');
      expect(row.baseline_mean).toBe(row.whatif_mean);
    }
  });

  it('pairs: for one grant +10 %, the interval of the difference is at least 3× narrower than from independent runs', () => {
    // Enough runs that the grant moves the last month's HHI in some of them (in 40, in none).
    const runs = 100;
    expect(shakeout('compare', 'base.yaml', 'grant.yaml', '--runs', String(runs), '--out', 'pairing', '--no-charts', '--quiet').code).toBe(0);
    // The same what-if, seeded independently of the baseline.
    expect(shakeout('run', 'grant.yaml', '--runs', String(runs), '--seed', 'independent', '--out', 'independent', '--no-charts', '--quiet').code).toBe(0);
    const last = 23;
    const paired = diffRows(join(scratch, 'pairing')).find((r) => r.scenario === 'grant' && r.metric === 'hhi.tokens' && Number(r.month) === last)!;
    const pairedWidth = Number(paired.ci_high) - Number(paired.ci_low);
    // Welch's interval of the difference of two independent means.
    const b = timeseriesRow(join(scratch, 'pairing', 'base'), 'hhi.tokens', last);
    const w = timeseriesRow(join(scratch, 'independent'), 'hhi.tokens', last);
    const se = Math.sqrt(b.sd ** 2 / runs + w.sd ** 2 / runs);
    const independentWidth = 2 * 1.972 * se; // t(0.975, 198) = 1.972
    expect(pairedWidth).toBeGreaterThan(0);
    expect(independentWidth / pairedWidth).toBeGreaterThanOrEqual(3);
  });

  it('refuses to overwrite an existing comparison without --force, and replaces it with --force', () => {
    const before = files(out);
    const refused = shakeout('compare', 'base.yaml', 'same.yaml', '--runs', '3', '--out', 'cmp', '--no-charts');
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('--force');
    expect(files(out)).toEqual(before);
    const replaced = shakeout('compare', 'base.yaml', 'same.yaml', '--runs', '3', '--out', 'cmp', '--no-charts', '--force', '--quiet');
    expect(replaced.code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).runs).toBe(3);
    expect(existsSync(join(out, 'grant'))).toBe(false);
  });

  it('never replaces a folder that is not a comparison, even with --force: a result, or a folder of the user', () => {
    mkdirSync(join(scratch, 'thesis'));
    writeFileSync(join(scratch, 'thesis', 'chapter1.tex'), 'mine');
    for (const target of ['thesis', 'grant-alone']) {
      const before = files(join(scratch, target));
      const r = shakeout('compare', 'base.yaml', 'same.yaml', '--runs', '2', '--out', target, '--no-charts', '--force');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/is (a folder|a result), not a shakeout comparison/);
      expect(files(join(scratch, target))).toEqual(before);
    }
  });

  it('check given a comparison names its result folders; chart and report draw the comparison', () => {
    const r = shakeout('check', 'cmp');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('cmp is a comparison (written by `shakeout compare`), not a result folder: use one of its scenarios\' result folders (cmp/base, cmp/same)');
    const chart = shakeout('chart', 'cmp', '--format', 'svg', '--out', 'cmp-charts', '--json', '--quiet');
    expect(chart.code, chart.stderr).toBe(0);
    expect(JSON.parse(chart.stdout).map((c: { name: string }) => c.name)).toEqual(['compare-hhi-tokens', 'compare-survival', 'difference-hhi-tokens', 'difference-survival', 'forest']);
    const report = shakeout('report', 'cmp', '--out', 'cmp-report.html', '--quiet');
    expect(report.code, report.stderr).toBe(0);
    expect(readFileSync(join(scratch, 'cmp-report.html'), 'utf8')).toContain('Comparison against base');
  });

  it('--resume of a finished comparison leaves it as it is', () => {
    const before = files(out);
    const r = shakeout('compare', 'base.yaml', 'same.yaml', '--runs', '3', '--out', 'cmp', '--no-charts', '--resume');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('cmp is already complete: nothing to resume');
    expect(files(out)).toEqual(before);
  });

  it('bad input: one line, exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['base.yaml', 'base.yaml'], /base\.yaml and base\.yaml would both be written to "base"/],
      [['base.yaml', 'missing.yaml'], /missing\.yaml/],
    ];
    for (const [args, message] of cases) {
      const r = shakeout('compare', ...args, '--runs', '2', '--out', 'never', '--no-charts');
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    // Commander's own errors say how to get help on a second line, as for every command.
    const missing = shakeout('compare', 'base.yaml', '--out', 'never');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: missing required argument 'what-if'\n/);
    expect(existsSync(join(scratch, 'never'))).toBe(false);
  });
});
