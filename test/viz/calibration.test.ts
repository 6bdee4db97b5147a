/**
 * The chart of a calibration folder: the best-so-far line under the
 * evaluations, failed ones left out and counted, a log scale only when the
 * objective spans orders of magnitude; and the folder read back with its
 * checks (a damaged evaluations.csv is refused on its line).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CalibrationFolder, readCalibrationFolder } from '../../sim/output/read-calibration.js';
import { calibrationObjectiveSpec } from '../../viz/charts/calibration.js';
import { reportHtml } from '../../viz/report.js';
import { renderSvg } from '../../viz/render/svg.js';
import { tempDir } from '../output/tmp.js';

const folder = (objectives: number[]): CalibrationFolder => {
  const finite = objectives.filter(Number.isFinite);
  const best = Math.min(...finite);
  return {
    dir: 'x',
    manifest: {} as CalibrationFolder['manifest'],
    fit: { scenario: 'S', method: 'nelder-mead', seed: 42, runs: 4, evaluations: objectives.length, stop: 'tolerance', failed: objectives.length - finite.length, bestEvaluation: objectives.indexOf(best), objective: best },
    objectives,
  };
};

describe('calibration chart', () => {
  it('draws every evaluation and the best so far, leaves failed ones out and says how many', async () => {
    const spec = calibrationObjectiveSpec(folder([5, 7, Infinity, 3, 4, 1.5])) as Record<string, any>;
    expect(spec.data.values).toEqual([
      { evaluation: 0, objective: 5, best: 5 },
      { evaluation: 1, objective: 7, best: 5 },
      { evaluation: 2, objective: null, best: 5 },
      { evaluation: 3, objective: 3, best: 3 },
      { evaluation: 4, objective: 4, best: 3 },
      { evaluation: 5, objective: 1.5, best: 1.5 },
    ]);
    expect(spec.title.subtitle.join(' ')).toContain('6 evaluations × 4 runs, seed 42; 1 failed left out');
    expect(spec.title.subtitle.join(' ')).toContain('Best 1.5 at evaluation 5; converged');
    expect(spec.layer[1].mark).toMatchObject({ type: 'line', interpolate: 'step-after' });
    expect(spec.layer[0].encoding.y.scale).toEqual({ zero: true });
    const svg = await renderSvg(spec as never);
    expect(svg.warnings).toEqual([]);
    expect(svg.svg).toContain('Calibration objective over the evaluations');
  });

  it('a symmetric log scale when the objective spans more than two orders of magnitude, with ticks at 0 and the powers of ten', () => {
    const spec = calibrationObjectiveSpec(folder([2500, 300, 12, 0.5, 0])) as Record<string, any>;
    expect(spec.layer[0].encoding.y.scale).toEqual({ type: 'symlog' });
    expect(spec.layer[0].encoding.y.axis.values).toEqual([0, 1, 10, 100, 1000]);
  });
});

describe('readCalibrationFolder', () => {
  const make = (rows: string) => {
    const dir = join(tempDir(), 'fit');
    mkdirSync(dir);
    const calibration = {
      method: 'cma-es',
      maxEvaluations: 2,
      tolerance: 0.01,
      parameters: [{ path: 'classes.small.network', lower: 0, upper: 1, start: 0.5 }],
      targets: [{ metrics: ['startups.alive'], month: 3 }],
      extends: '../x.yaml',
    };
    const written = { shakeoutVersion: '0.1.0', command: ['shakeout', 'calibrate'], nodeVersion: 'v20.20.0', createdAt: '2026-12-06T22:00:00.000Z', wallTimeSeconds: 1, files: [] };
    const manifest = { format: 'shakeout-calibration/1', scenarioName: null, scenarioSha256: 'a'.repeat(64), seed: 1, runs: 2, months: 6, start: '2024-06', evaluations: 2, stop: 'maxEvaluations', calibration, ...written };
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const target = { metrics: ['startups.alive'], month: 3, date: '2024-09', value: 40, sd: 2, source: 'IDC <b>2025</b>', mean: 40, ciLow: null, ciHigh: null, z: 0 };
    const fit = { scenario: null, method: 'cma-es', seed: 1, runs: 2, evaluations: 2, stop: 'maxEvaluations', failed: 1, bestEvaluation: 1, objective: 0.25, parameters: { 'classes.small.network': 0.6 }, targets: [target] };
    writeFileSync(join(dir, 'fit.json'), JSON.stringify(fit));
    writeFileSync(join(dir, 'evaluations.csv'), `evaluation,classes.small.network,objective,startups.alive_t3,error\n${rows}`);
    return dir;
  };

  it('reads the objective of every evaluation, +∞ for a failed one', () => {
    expect(readCalibrationFolder(make('0,0.5,Infinity,,refused\n1,0.6,0.25,40,\n')).objectives).toEqual([Infinity, 0.25]);
  });

  it('refuses a damaged evaluations.csv with one line naming the file and line', () => {
    const dir = make('0,0.5,Infinity,,refused\n1,0.6,-3,40,\n');
    expect(() => readCalibrationFolder(dir)).toThrow(`${join(dir, 'evaluations.csv')}:3: objective: expected a number ≥ 0 or Infinity, got "-3"; was the calibration folder damaged or edited?`);
    expect(() => readCalibrationFolder(make('0,0.5,1,,\n'))).toThrow(/evaluations\.csv:2: 1 evaluations, but manifest\.json says 2/);
  });

  it('report: a page with the chart, the fitted values and the targets, the sources escaped', () => {
    const page = reportHtml(make('0,0.5,Infinity,,refused\n1,0.6,0.25,40,\n'));
    expect(page).toContain('<h1>Calibration of an unnamed scenario</h1>');
    expect(page).toContain('<code>classes.small.network</code>');
    expect(page).toContain('IDC &lt;b&gt;2025&lt;/b&gt;');
    expect(page).not.toContain('<b>2025</b>');
  });
});
