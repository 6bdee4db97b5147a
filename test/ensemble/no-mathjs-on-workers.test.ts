/**
 * A worker compiles a scenario from the checked trees of its expressions
 * (expression-trees.ts), never from their text: it must not load mathjs,
 * whose load was most of a worker's start-up. Nor zod: the model reads a
 * `set` path's place (set-place.ts), not its schema. Checked on every
 * shipped scenario, so an expression the trees miss fails here, as does a
 * `set` that reaches for the schema.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compile } from '../../sim/model/compile.js';
import { expressionTrees } from '../../sim/model/expression-trees.js';
import { loadScenario } from '../../sim/scenario/load.js';
import { compileOnThread } from './compile-on-thread.js';

const root = join(import.meta.dirname, '..', '..');
// scenarios/calibration/ holds calibration targets files, not scenarios.
const shipped = spawnSync('git', ['ls-files', 'scenarios/*.yaml', 'scenarios/**/*.yaml'], { cwd: root, encoding: 'utf8' })
  .stdout.split('\n')
  .filter((f) => f !== '' && !f.startsWith('scenarios/calibration/'));

describe('workers compile scenarios without mathjs or zod', () => {
  test.each(shipped)('%s', async (file) => {
    const scenario = loadScenario(join(root, file)).scenario;
    const compiled = compile(scenario);
    const trees = expressionTrees(compiled);
    const onThread = await compileOnThread({ scenario, expressions: trees });
    expect(onThread).toEqual({ months: compiled.months, mathjs: false, zod: false });
  });

  test('while compiling from the text does load it (the check above can fail)', async () => {
    const file = shipped.find((f) => f.includes('openai-exit'))!;
    const scenario = loadScenario(join(root, file)).scenario;
    expect(Object.keys(expressionTrees(compile(scenario))).length).toBeGreaterThan(0);
    expect((await compileOnThread({ scenario })).mathjs).toBe(true);
  });

  test('while the set paths with their schemas do load zod (the check above can fail)', async () => {
    const file = shipped.find((f) => f.includes('openai-exit'))!;
    const scenario = loadScenario(join(root, file)).scenario;
    const onThread = await compileOnThread({ scenario, expressions: expressionTrees(compile(scenario)), alsoImport: 'sim/scenario/set-paths.js' });
    expect(onThread.zod).toBe(true);
  });
});
