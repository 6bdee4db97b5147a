/** `shakeout sensitivity` end to end: the folder it writes, what it prints, its refusals, and bad input. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { files } from '../folder-files.js';
import { decodePng } from '../viz/png.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
const scratch = mkdtempSync(join(tmpdir(), 'shakeout-sensitivity-'));
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

/** A number of indices.csv as a chart spec holds it: 4 significant digits. */
const digits4 = (text: string) => Number(Number(text).toPrecision(4));

describe('shakeout sensitivity', () => {
  const common = [
    'sensitivity', 'minimal.yaml',
    '--param', 'classes.small.hazard=0.005:0.03', '--param', 'providers.budget.price=0.3:1',
    '--metric', 'startups.alive@end', '--runs', '2', '--months', '13',
  ];
  const args = [...common, '--samples', '4'];

  it("writes indices.csv, the design with its outputs, the summaries and a manifest of its own kind", () => {
    const r = shakeout(...args, '--out', 'sobol', '--json');
    expect(r.code, r.stderr).toBe(0);
    // The design's size before it starts: N(d + 2) = 16 points.
    expect(r.stderr.split('\n')[0]).toBe("Saltelli design, N = 4 over 2 parameters: 16 points × 2 runs = 32 runs of 13 months");
    expect(r.stderr).toMatch(/startups\.alive at 2025-06: noise is [\d.]+ % of one run's variance/);
    const chart = 'charts/sensitivity-startups-alive-t12';
    expect([...files(join(scratch, 'sobol')).keys()].sort()).toEqual(
      [...['pdf', 'png', 'svg', 'vl.json'].map((f) => `${chart}.${f}`), 'indices.csv', 'manifest.json', 'points.csv', 'summary.json', 'summary.md', 'sweep.csv'].sort(),
    );
    const indices = csv(join(scratch, 'sobol', 'indices.csv'));
    expect(Object.keys(indices[0])).toEqual(['metric', 'month', 'date', 'method', 'parameter', 'index', 'value', 'ci_low', 'ci_high']);
    expect(indices.map((x) => `${x.parameter} ${x.index}`)).toEqual(['classes.small.hazard S1', 'classes.small.hazard ST', 'providers.budget.price S1', 'providers.budget.price ST']);
    for (const x of indices) expect(Number(x.ci_low)).toBeLessThanOrEqual(Number(x.ci_high));
    // The chart draws indices.csv: a bar per parameter and index, its interval across it; one column of a paper wide.
    const spec = JSON.parse(readFileSync(join(scratch, 'sobol', `${chart}.vl.json`), 'utf8'));
    expect(spec.data.values).toEqual(
      indices.map((x) => ({ parameter: x.parameter, index: x.index === 'S1' ? 'S1, first order' : 'ST, total', value: digits4(x.value), low: digits4(x.ci_low), high: digits4(x.ci_high) })),
    );
    expect(spec.title.text.join(' ')).toBe("Sobol' indices of startups.alive");
    expect(decodePng(readFileSync(join(scratch, 'sobol', `${chart}.png`))).width).toBe(3.5 * 72 * 4);
    expect(shakeout('chart', 'sobol', '--format', 'svg', '--out', 'sobol-charts', '--quiet').code).toBe(0);
    expect(readFileSync(join(scratch, 'sobol-charts', 'sensitivity-startups-alive-t12.svg')).equals(readFileSync(join(scratch, 'sobol', `${chart}.svg`)))).toBe(true);
    expect(csv(join(scratch, 'sobol', 'sweep.csv'))).toHaveLength(16 * 2);
    const manifest = JSON.parse(readFileSync(join(scratch, 'sobol', 'manifest.json'), 'utf8'));
    expect(manifest.format).toBe('shakeout-sensitivity/1');
    expect(manifest.design.kind).toBe('saltelli');
    expect(manifest.analysis.method).toBe('sobol');
    const json = JSON.parse(r.stdout);
    expect(json.sensitivity.metrics[0].indices).toHaveLength(4);
    expect(json.sensitivity.metrics[0].noise.replications).toBe(2);
  });

  it('Morris: r(d + 1) points and μ, μ*, σ per parameter', () => {
    const r = shakeout(...common, '--method', 'morris', '--samples', '3', '--out', 'morris');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.split('\n')[0]).toBe('Morris design, 3 trajectories over 2 parameters: 9 points × 2 runs = 18 runs of 13 months');
    const indices = csv(join(scratch, 'morris', 'indices.csv'));
    expect(indices.map((x) => x.index)).toEqual(['mu', 'mu_star', 'sigma', 'mu', 'mu_star', 'sigma']);
    // The chart: μ* beside σ for each parameter, from indices.csv.
    const spec = JSON.parse(readFileSync(join(scratch, 'morris', 'charts', 'sensitivity-startups-alive-t12.vl.json'), 'utf8'));
    expect(spec.data.values.map((v: { parameter: string; index: string; value: number }) => [v.parameter, v.index, v.value])).toEqual(
      indices.filter((x) => x.index !== 'mu').map((x) => [x.parameter, x.index === 'mu_star' ? 'μ*' : 'σ', digits4(x.value)]),
    );
  });

  it('a failed design point: the folder without indices, one line naming the failed points, exit 2', () => {
    const r = shakeout('sensitivity', 'minimal.yaml', '--param', 'classes.small.hazard=0.5:1.5', '--metric', 'startups.alive@end', '--samples', '4', '--runs', '2', '--months', '13', '--out', 'failed');
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^Saltelli design/);
    expect(lines.slice(1)).toHaveLength(1);
    expect(lines[1]).toMatch(/^indices not computed: \d+ of 12 design points failed \([\d, ]+; the first: .*classes\.small\.hazard: expected a probability in 0–1/);
    expect(existsSync(join(scratch, 'failed', 'sweep.csv'))).toBe(true);
    expect(existsSync(join(scratch, 'failed', 'indices.csv'))).toBe(false);
  });

  it('replaces only a sensitivity analysis, with --force; never a sweep, a result or a folder of the user', () => {
    mkdirSync(join(scratch, 'mine'));
    writeFileSync(join(scratch, 'mine', 'notes.txt'), 'mine');
    expect(shakeout('sweep', 'minimal.yaml', '--set', 'classes.small.hazard=0.01', '--runs', '2', '--months', '13', '--out', 'swept', '--quiet').code).toBe(0);
    for (const [target, what] of [['mine', 'a folder'], ['swept', 'a sweep']]) {
      const before = files(join(scratch, target));
      const r = shakeout(...args, '--out', target, '--force');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`is ${what}, not a shakeout sensitivity analysis`);
      expect(files(join(scratch, target))).toEqual(before);
    }
    // And a sweep does not replace an analysis.
    const sweep = shakeout('sweep', 'minimal.yaml', '--set', 'classes.small.hazard=0.01', '--runs', '2', '--months', '13', '--out', 'sobol', '--force');
    expect(sweep.code).toBe(2);
    expect(sweep.stderr).toContain('sobol is a sensitivity analysis, not a shakeout sweep');
    expect(shakeout(...args, '--out', 'sobol').code).toBe(2);
    expect(shakeout(...args, '--out', 'sobol', '--force', '--quiet').code).toBe(0);
    expect(shakeout(...args, '--out', 'sobol', '--resume', '--quiet').code).toBe(0);
  });

  it('bad input and absurd sizes: one line, exit 2, nothing written', () => {
    const cases: [string[], RegExp][] = [
      [['--metric', 'startups.alive@end'], /sensitivity needs at least one --param/],
      [['--param', 'classes.small.hazard=0.01:0.02'], /sensitivity needs at least one --metric/],
      [['--param', 'classes.small.hazrd=0.01:0.02', '--metric', 'startups.alive@end'], /"classes\.small\.hazrd" is not a numeric value of this scenario \(did you mean classes\.small\.hazard\?\)/],
      [['--param', 'classes.small.hazard=0.01:0.02', '--metric', 'hhi.tokns@end'], /no metric named hhi\.tokns \(did you mean hhi\.tokens\?\)/],
      [['--param', 'classes.small.hazard=0.01:0.02', '--param', 'classes.small.hazard=0.02:0.03', '--metric', 'startups.alive@end'], /classes\.small\.hazard is given twice/],
      [['--param', 'classes.small.hazard=0.01:0.02', '--metric', 'startups.alive@end', '--runs', '1'], /at least 2 replications/],
      [['--param', 'classes.small.hazard=0.01:0.02', '--metric', 'startups.alive@end', '--samples', '100000', '--runs', '1000'], /the design has 300000 points × 1000 runs = 300000000 runs, more than/],
    ];
    for (const [rest, message] of cases) {
      const r = shakeout('sensitivity', 'minimal.yaml', ...rest, '--out', 'never');
      expect(r.code, rest.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    // Values refused by their parsers: commander's own errors, which say how to get help on a second line.
    for (const [flag, value, message] of [
      ['--param', 'classes.small.hazard=0.02:0.01', /--param takes <path>=<lo>:<hi>/],
      ['--method', 'sobel', /Allowed choices are sobol, morris/],
    ] as const) {
      const r = shakeout('sensitivity', 'minimal.yaml', flag, value, '--out', 'never');
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(message);
    }
    expect(existsSync(join(scratch, 'never'))).toBe(false);
    // `chart` draws an analysis's indices (above); the others want a result folder.
    for (const command of ['report', 'check']) {
      const r = shakeout(command, 'sobol');
      expect(r.code, command).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining('sobol is a sensitivity analysis (written by `shakeout sensitivity`), not a result folder')]);
    }
  });
});
