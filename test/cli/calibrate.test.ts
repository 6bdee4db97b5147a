/** `shakeout calibrate` end to end: the folder it writes, its refusals, and bad input. */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { files } from '../folder-files.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
const scratch = mkdtempSync(join(tmpdir(), 'shakeout-calibrate-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
mkdirSync(join(scratch, 'scenarios'));
mkdirSync(join(scratch, 'calibration'));
copyFileSync(join(root, 'scenarios', 'minimal.yaml'), join(scratch, 'scenarios', 'minimal.yaml'));

function shakeout(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: scratch, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const targets = `scenario: ../scenarios/minimal.yaml   # relative to this file
runs: 2
targets:
  - { metric: share.tokens.budget, at: 2025-06, value: 0.05, sd: 0.01, source: "made up" }
  - { metrics: [share.tokens.leader, share.tokens.rival], at: end, value: 0.95, sd: 0.02 }
parameters:
  - { path: classes.small.network, lower: 0, upper: 1.5, start: 0.5 }
maxEvaluations: 6
`;
writeFileSync(join(scratch, 'calibration', 'toy.yaml'), targets);

describe('shakeout calibrate', () => {
  it('writes fitted.yaml, fit.json, fit.md, evaluations.csv, the chart and a manifest into results/<targets name>', () => {
    const r = shakeout('calibrate', 'calibration/toy.yaml', '--workers', '1', '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^wrote results\/toy: 6 evaluations × 2 runs of 24 months in [\d.]+ s; objective [\d.]+ \(stopped at maxEvaluations 6\)$/m);
    expect(r.stderr).toMatch(/^ {2}classes\.small\.network = [\d.]+$/m);
    expect(r.stderr).toMatch(/^ {2}share\.tokens\.leader \+ share\.tokens\.rival at 2026-05: target 0\.95 ± 0\.02, mean /m);
    const out = join(scratch, 'results', 'toy');
    expect([...files(out).keys()].sort()).toEqual([
      'charts/objective.pdf',
      'charts/objective.png',
      'charts/objective.svg',
      'charts/objective.vl.json',
      'evaluations.csv',
      'fit.json',
      'fit.md',
      'fitted.yaml',
      'manifest.json',
    ]);
    const fit = JSON.parse(readFileSync(join(out, 'fit.json'), 'utf8'));
    expect(JSON.parse(r.stdout)).toEqual(fit);
    expect(fit.targets[0]).toMatchObject({ metrics: ['share.tokens.budget'], month: 12, date: '2025-06', value: 0.05, sd: 0.01, source: 'made up' });
    expect(fit.targets[0].ciLow).toBeLessThanOrEqual(fit.targets[0].mean);
    // The objective is Σ ((mean − value) / sd)² of the means fit.json reports.
    expect(fit.objective).toBeCloseTo(fit.targets.reduce((s: number, t: { mean: number; value: number; sd: number }) => s + ((t.mean - t.value) / t.sd) ** 2, 0), 9);
    const rows = readFileSync(join(out, 'evaluations.csv'), 'utf8').trimEnd().split('\n');
    expect(rows[0]).toBe('evaluation,classes.small.network,objective,share.tokens.budget_t12,share.tokens.leader_share.tokens.rival_t23,error');
    expect(rows).toHaveLength(7);
    expect(rows[1]).toMatch(/^0,0\.5,/);
    expect(Math.min(...rows.slice(1).map((l) => Number(l.split(',')[2])))).toBe(fit.objective);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ format: 'shakeout-calibration/1', runs: 2, seed: 42, months: 24, evaluations: 6, stop: 'maxEvaluations' });
    expect(manifest.calibration).toMatchObject({ method: 'nelder-mead', maxEvaluations: 6, extends: '../../scenarios/minimal.yaml' });
    // fitted.yaml runs as it is, from anywhere: its extends is relative to the folder.
    expect(readFileSync(join(out, 'fitted.yaml'), 'utf8')).toContain(`extends: ../../scenarios/minimal.yaml\nclasses:\n  small:\n    network: ${fit.parameters['classes.small.network']}\n`);
    const run = shakeout('run', 'results/toy/fitted.yaml', '--runs', '2', '--out', 'fitted-run', '--no-charts', '--quiet');
    expect(run.code).toBe(0);
    const fm = readFileSync(join(out, 'fit.md'), 'utf8');
    expect(fm).toContain('| classes.small.network |');
    expect(fm).toContain('made up');
  });

  it('is complete on --resume, asks for --force to be replaced, and never replaces a folder that is not a calibration', () => {
    expect(shakeout('calibrate', 'calibration/toy.yaml', '--workers', '1', '--resume', '--no-charts').stderr).toContain('results/toy is already complete: nothing to resume');
    const again = shakeout('calibrate', 'calibration/toy.yaml', '--workers', '1', '--no-charts');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^\/.*\/results\/toy already exists; use --force to replace it, or --out to write elsewhere\n$/);
    expect(shakeout('calibrate', 'calibration/toy.yaml', '--workers', '1', '--no-charts', '--force', '--quiet').code).toBe(0);
    mkdirSync(join(scratch, 'mine'));
    writeFileSync(join(scratch, 'mine', 'notes.txt'), 'mine');
    const foreign = shakeout('calibrate', 'calibration/toy.yaml', '--out', 'mine', '--force', '--no-charts');
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(/^\/.*\/mine is a folder, not a shakeout calibration .* so shakeout will not replace it, even with --force/);
    expect(readFileSync(join(scratch, 'mine', 'notes.txt'), 'utf8')).toBe('mine');
    // A run's --force does not replace a calibration either.
    const run = shakeout('run', 'scenarios/minimal.yaml', '--runs', '2', '--out', 'results/toy', '--force', '--no-charts');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^\/.*\/results\/toy is a calibration, not a shakeout result/);
  });

  it('bad input: one line naming the file, line and field, exit 2, nothing written', () => {
    writeFileSync(join(scratch, 'calibration', 'typo.yaml'), targets.replace('metric: share.tokens.budget', 'metric: share.tokens.budgte').replace('maxEvaluations: 6', 'maxEvaluations: 0'));
    const schema = shakeout('calibrate', 'calibration/typo.yaml');
    expect(schema.code).toBe(2);
    expect(schema.stderr).toBe('calibration/typo.yaml:8: maxEvaluations: expected a number ≥ 1, got 0\n');
    writeFileSync(join(scratch, 'calibration', 'typo.yaml'), targets.replace('metric: share.tokens.budget', 'metric: share.tokens.budgte'));
    const metric = shakeout('calibrate', 'calibration/typo.yaml');
    expect(metric.code).toBe(2);
    expect(metric.stderr).toBe(
      'calibration/typo.yaml:4: targets[0].metric: no metric named "share.tokens.budgte" (did you mean "share.tokens.budget", "share.tokens.leader", "share.tokens.rival"?); `shakeout metrics <scenario>` lists the metrics\n',
    );
    writeFileSync(join(scratch, 'calibration', 'typo.yaml'), targets.replace('../scenarios/minimal.yaml', '../scenarios/nowhere.yaml'));
    const missing = shakeout('calibrate', 'calibration/typo.yaml');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('scenarios/nowhere.yaml: cannot read the file: no such file\n');
    expect(existsSync(join(scratch, 'results', 'typo'))).toBe(false);
    expect(shakeout('calibrate', 'calibration/none.yaml').stderr).toBe('calibration/none.yaml: cannot read the file: no such file\n');
  });

  it('chart draws the objective of a calibration folder', () => {
    const r = shakeout('chart', 'results/toy', '--format', 'svg', '--out', 'toy-charts');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('wrote 1 chart (vl.json, svg) to toy-charts: objective');
    const svg = readFileSync(join(scratch, 'toy-charts', 'objective.svg'), 'utf8');
    expect(svg).toContain('Calibration objective over the evaluations');
  });

  it('Ctrl-C keeps the evaluations made, and --resume ends with the bytes of an uninterrupted calibration', async () => {
    writeFileSync(join(scratch, 'calibration', 'long.yaml'), targets.replace('maxEvaluations: 6', 'maxEvaluations: 30').replace('runs: 2', 'runs: 1'));
    const args = ['calibrate', 'calibration/long.yaml', '--workers', '1', '--no-charts', '--quiet'];
    expect(shakeout(...args, '--out', 'long-whole').code).toBe(0);
    // Interrupted once the journal holds two evaluations (a condition waited for, not a time).
    const journal = join(scratch, 'long-cut.partial', 'evaluations.csv');
    const ended = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [cli, ...args, '--out', 'long-cut'], { cwd: scratch, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const poll = setInterval(() => {
        if (existsSync(journal) && readFileSync(journal, 'utf8').split('\n').length > 3) {
          clearInterval(poll);
          child.kill('SIGINT');
        }
      }, 5);
      child.on('close', (code) => {
        clearInterval(poll);
        resolve({ code, stderr });
      });
    });
    expect(ended.stderr).toMatch(/^interrupted by SIGINT: \d+ evaluations are saved in .*long-cut\.partial; to continue without computing them again, run: shakeout calibrate calibration\/long\.yaml --workers 1 --no-charts --quiet --out long-cut --resume\n$/);
    expect(ended.code).toBe(130);
    const resumed = shakeout(...args, '--out', 'long-cut', '--resume');
    expect(resumed.code).toBe(0);
    const whole = files(join(scratch, 'long-whole'));
    const cut = files(join(scratch, 'long-cut'));
    whole.delete('manifest.json');
    cut.delete('manifest.json');
    // fitted.yaml names the scenario relative to its own folder: the same path from both.
    expect(cut).toEqual(whole);
  }, 60_000);
});
