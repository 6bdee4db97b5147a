/**
 * A scenario that uses every extension of MODEL.md section 12 runs to the
 * same bytes on one worker and on three, and its worker threads compile
 * the funding-climate expressions from their checked trees, without mathjs.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../sim/model/compile.js';
import { expressionTrees } from '../../sim/model/expression-trees.js';
import { parseScenario } from '../../sim/scenario/load.js';
import { tempDir } from '../output/tmp.js';
import { compileOnThread } from './compile-on-thread.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');

const SCENARIO = `
name: every extension
start: 2024-06
months: 10
seed: 7
runs: 6
qualityReference: { value: 1, frontierWeight: 0.5 }
providers:
  - { id: frontier, price: 5, quality: 1, unitCost: 2, cash: 1e12 }
  - { id: local, price: "max(cost, min(3, lowestPrice * 0.9))", quality: 0.85, unitCost: 0.3, cash: 3e8 }
  - { id: selfhosted, price: 0.5, quality: 0.7, unitCost: 0.5, cash: 1e12, switchCostFactor: 3 }
classes:
  small:
    share: 0.7
    cash: { median: 50000, sigma: 0.8 }
    revenue: { median: 8000, sigma: 1 }
    opex: { median: 12000, sigma: 0.6 }
    tokens: { median: 500, sigma: 1.2 }
    growth: { mean: 0.02, sd: 0.05 }
    switchCost: { median: 20000, sigma: 0.5 }
    hazard: 0.01
    disruption: { months: 2, loss: 0.3 }
    reconsider: 0.1
    precision: 8
    network: 0.5
    qualityElasticity: 2
    funding: { probability: "0.6 * exp(-20 * deathRate) * (1 - cohortDead / 2)", months: 6 }
  large:
    share: 0.3
    cash: { median: 500000, sigma: 0.8 }
    revenue: { median: 80000, sigma: 1 }
    opex: { median: 90000, sigma: 0.6 }
    tokens: { median: 5000, sigma: 1.2 }
    growth: { mean: 0.02, sd: 0.05 }
    switchCost: { median: 200000, sigma: 0.5 }
    hazard: 0.005
    disruption: { months: 2, loss: 0.3 }
    reconsider: 0.1
    precision: 8
    network: 0.5
    qualityElasticity: 1
    funding: { probability: 0.7, months: 12 }
startups:
  initial: 800
  entry: { rate: 20, qualityElasticity: 1 }
events:
  - { at: 2024-08, exit: frontier }
  - { id: voucher, at: 2024-08, voucher: { classes: [small], share: 0.3, until: 2024-12 } }
  - { at: 2024-10, set: { classes.large.funding.probability: "min(1, 0.5 + hhi / 20000)" } }
`;

function run(file: string, workers: number): Record<string, string> {
  const out = join(tempDir(), 'result');
  const r = spawnSync(process.execPath, [cli, 'run', file, '--workers', String(workers), '--out', out, '--no-charts', '--quiet'], { cwd: root, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const sha = (f: string) => createHash('sha256').update(readFileSync(join(out, f))).digest('hex');
  return { values: sha('runs/values.f64'), timeseries: sha('timeseries.csv'), vouchers: String(readFileSync(join(out, 'timeseries.csv'), 'utf8').includes('\nvouchers.cost.cumulative,9,')) };
}


describe('the extensions with workers', () => {
  it('give the same bytes on one worker and on three', () => {
    const file = join(tempDir(), 'every-extension.yaml');
    writeFileSync(file, SCENARIO);
    const one = run(file, 1);
    expect(one.vouchers).toBe('true');
    expect(run(file, 3)).toEqual(one);
  });

  it('a worker compiles the class funding expressions from their trees, without mathjs or zod', async () => {
    const scenario = parseScenario(SCENARIO, 'every-extension.yaml').scenario;
    const compiled = compile(scenario);
    const trees = expressionTrees(compiled);
    expect(Object.keys(trees)).toEqual(
      expect.arrayContaining(['0.6 * exp(-20 * deathRate) * (1 - cohortDead / 2)', 'min(1, 0.5 + hhi / 20000)']),
    );
    expect(await compileOnThread({ scenario, expressions: trees })).toEqual({ months: 10, mathjs: false, zod: false });
  });
});
