/** The files of a calibration folder: evaluations.csv as a journal that reads back exactly, and fitted.yaml. */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Evaluation, evaluationColumns, fittedYaml, readEvaluationsCsv, writeEvaluationsCsv } from '../../sim/output/calibration-files.js';
import { loadScenario } from '../../sim/scenario/load.js';
import { resolveValuePath, withValues } from '../../sim/scenario/value-paths.js';
import { tempDir } from './tmp.js';

const layout = {
  parameters: [{ path: 'classes.small.network' }, { path: 'providers.a b.price' }],
  targets: [
    { metrics: ['share.tokens.x'], month: 12 },
    { metrics: ['share.tokens.x', 'share.tokens.y'], month: 12 },
    { metrics: ['share.tokens.x'], month: 12 },
  ],
};

describe('evaluations.csv', () => {
  it('has a column per parameter and per target, each name unique', () => {
    expect(evaluationColumns(layout)).toEqual([
      'evaluation',
      'classes.small.network',
      'providers.a_b.price',
      'objective',
      'share.tokens.x_t12',
      'share.tokens.x_share.tokens.y_t12',
      'share.tokens.x_t12_3',
      'error',
    ]);
  });

  it('reads back exactly what was written (every double, +∞, a failed evaluation and its message), and stops at a row cut short', () => {
    const evaluations: Evaluation[] = [
      { index: 0, parameters: [0.1 + 0.2, 1e-17], objective: 2 / 3, means: [Math.PI, 1e300, -0] },
      { index: 1, parameters: [0.5, 2], objective: Infinity, means: [NaN, NaN, NaN], error: 'refused: a, "quoted" value' },
      { index: 2, parameters: [1.4999999999999998, 0.30000000000000004], objective: 0, means: [0.1, 0.2, 0.3] },
    ];
    const path = join(tempDir(), 'evaluations.csv');
    writeEvaluationsCsv(path, layout, evaluations);
    const read = readEvaluationsCsv(path, layout);
    expect(read).toEqual(evaluations.map((e) => ({ ...e, means: e.means.map((m) => (Object.is(m, -0) ? 0 : m)) })));
    // A kill in the middle of a row leaves the rows before it.
    const text = `${evaluationColumns(layout).join(',')}\n0,0.5,2,1,0.1,0.2,0.3,\n1,0.6,2,1.5,0.1`;
    writeFileSync(path, text);
    expect(readEvaluationsCsv(path, layout).map((e) => e.index)).toEqual([0]);
    // Another calibration's journal is not this one's.
    expect(readEvaluationsCsv(path, { ...layout, parameters: [{ path: 'classes.small.hazard' }, layout.parameters[1]] })).toEqual([]);
  });
});

describe('fitted.yaml', () => {
  it("loads as the calibrated scenario with the fitted values: a provider's field, a dynamic field's start, a class's, an event's, initialProviders", () => {
    const dir = tempDir();
    copyFileSync(join(import.meta.dirname, '..', '..', 'scenarios', 'minimal.yaml'), join(dir, 'minimal.yaml'));
    const scenario = loadScenario(join(dir, 'minimal.yaml')).scenario;
    const changes = [
      { path: 'providers.budget.price', value: 0.75 },
      { path: 'providers.budget.quality.initial', value: 0.65 },
      { path: 'classes.small.funding.probability', value: 0.4 },
      { path: 'events.rival-migration.campaign.grant', value: 150 },
      { path: 'startups.initialProviders.leader', value: 0.5 },
      { path: 'startups.initialProviders.budget', value: 0.2 },
    ].map((c) => ({ ...c, label: '' }));
    const fitted = withValues(scenario, changes);
    const text = fittedYaml('../minimal.yaml', fitted, changes.map((c) => resolveValuePath(scenario, c.path)), 1.5);
    expect(text).toMatch(/^# Written by `shakeout calibrate`/);
    expect(text).toContain('extends: ../minimal.yaml\n');
    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'fitted.yaml'), text);
    expect(loadScenario(join(out, 'fitted.yaml')).scenario).toEqual(fitted);
  });
});
