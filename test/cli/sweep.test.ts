/** `shakeout sweep` end to end: the folder it writes, its refusals, and bad input. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { files } from '../folder-files.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
const scratch = mkdtempSync(join(tmpdir(), 'shakeout-sweep-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
copyFileSync(join(root, 'scenarios', 'minimal.yaml'), join(scratch, 'minimal.yaml'));

function shakeout(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: scratch, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const csv = (path: string) => {
  const [header, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const names = header.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v])));
};

describe('shakeout sweep', () => {
  const args = ['sweep', 'minimal.yaml', '--set', 'classes.small.hazard=0.01,0.03', '--range', 'providers.budget.price=0.3:0.9:3', '--runs', '4', '--metric', 'startups.alive@end', '--no-charts'];

  it('runs every point of the grid and writes sweep.csv, points.csv, the summaries and a manifest', () => {
    const r = shakeout(...args, '--out', 'grid', '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('wrote grid: 6 points × 4 runs of 24 months');
    expect([...files(join(scratch, 'grid')).keys()].sort()).toEqual(['manifest.json', 'points.csv', 'summary.json', 'summary.md', 'sweep.csv']);
    const rows = csv(join(scratch, 'grid', 'sweep.csv'));
    expect(rows).toHaveLength(6 * 4);
    expect(Object.keys(rows[0])).toEqual(['point', 'classes.small.hazard', 'providers.budget.price', 'replication', 'seed', 'startups.alive_t23']);
    // points.csv's mean is the mean of the point's rows in sweep.csv.
    for (const p of csv(join(scratch, 'grid', 'points.csv'))) {
      const mine = rows.filter((x) => x.point === p.point).map((x) => Number(x['startups.alive_t23']));
      expect(Number(p['startups.alive_t23_mean'])).toBeCloseTo(mine.reduce((a, b) => a + b, 0) / mine.length, 9);
      expect(p.status).toBe('ok');
    }
    const manifest = JSON.parse(readFileSync(join(scratch, 'grid', 'manifest.json'), 'utf8'));
    expect(manifest.format).toBe('shakeout-sweep/1');
    expect(manifest.design.points).toEqual([[0.01, 0.3], [0.01, 0.6], [0.01, 0.9], [0.03, 0.3], [0.03, 0.6], [0.03, 0.9]]);
    expect(JSON.parse(r.stdout).points).toHaveLength(6);
  });

  it('a point at the scenario\'s own values holds the values `run` gives, replication by replication', () => {
    expect(shakeout('sweep', 'minimal.yaml', '--set', 'classes.small.hazard=0.016', '--runs', '3', '--metric', 'startups.alive@12', '--out', 'own', '--no-charts', '--quiet').code).toBe(0);
    expect(shakeout('run', 'minimal.yaml', '--runs', '3', '--out', 'alone', '--no-charts', '--quiet').code).toBe(0);
    const swept = csv(join(scratch, 'own', 'sweep.csv')).map((x) => Number(x['startups.alive_t12']));
    const index = JSON.parse(readFileSync(join(scratch, 'alone', 'runs', 'index.json'), 'utf8'));
    const values = new Float64Array(readFileSync(join(scratch, 'alone', 'runs', 'values.f64')).buffer.slice(0));
    const M = index.metrics.length;
    const m = index.metrics.indexOf('startups.alive');
    expect(swept).toEqual([0, 1, 2].map((r) => values[r * index.months * M + 12 * M + m]));
  });

  it('replaces only a sweep, with --force; never a result or a folder of the user', () => {
    mkdirSync(join(scratch, 'mine'));
    writeFileSync(join(scratch, 'mine', 'notes.txt'), 'mine');
    for (const target of ['mine', 'alone']) {
      const before = files(join(scratch, target));
      const r = shakeout(...args, '--out', target, '--force');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/is (a folder|a result), not a shakeout sweep/);
      expect(files(join(scratch, target))).toEqual(before);
    }
    expect(shakeout(...args, '--out', 'grid').code).toBe(2);
    expect(shakeout(...args, '--out', 'grid', '--force', '--quiet').code).toBe(0);
  });

  it('bad input: one line, exit 2, nothing written', () => {
    const cases: [string[], RegExp][] = [
      [['minimal.yaml'], /sweep needs at least one --set/],
      [['minimal.yaml', '--set', 'classes.small.hazrd=0.1,0.2'], /"classes\.small\.hazrd" is not a numeric value of this scenario \(did you mean classes\.small\.hazard\?\)/],
      [['minimal.yaml', '--range', 'classes.small.hazard=0.1:0.2'], /needs a number of values for a grid/],
      [['minimal.yaml', '--set', 'classes.small.hazard=0.1', '--metric', 'hhi.tokns@end'], /no metric named hhi\.tokns \(did you mean hhi\.tokens\?\)/],
      [['minimal.yaml', '--set', 'classes.small.hazard=0.1', '--metric', 'hhi.tokens@99'], /99 is not a month of the run \(0 to 23/],
    ];
    for (const [rest, message] of cases) {
      const r = shakeout('sweep', ...rest, '--out', 'never');
      expect(r.code, rest.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    // A flag's value refused by its parser: commander's own error, which says how to get help on a second line.
    const flag = shakeout('sweep', 'minimal.yaml', '--set', 'classes.small.hazard=a,b', '--out', 'never');
    expect(flag.code).toBe(2);
    expect(flag.stderr.split('\n')[0]).toMatch(/--set takes <path>=<value>,<value>,… with numbers/);
    expect(existsSync(join(scratch, 'never'))).toBe(false);
    const chart = shakeout('check', 'grid');
    expect(chart.code).toBe(2);
    expect(chart.stderr).toContain('grid is a sweep (written by `shakeout sweep`), not a result folder');
  });
});
