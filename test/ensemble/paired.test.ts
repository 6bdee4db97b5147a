/**
 * Paired differences against hand-computed values: two run stores with
 * known numbers, so each statistic is checked against its formula, not
 * against the code that computes it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { commonMetrics, pairedDifferences, varianceReduction } from '../../sim/ensemble/paired.js';
import { createRunStore, type RunStoreReader } from '../../sim/output/run-store.js';
import { toArray } from '../async.js';

// The stores are shared by the tests of a describe block: one folder for the file.
const scratch = mkdtempSync(join(tmpdir(), 'shakeout-paired-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let made = 0;

/** A finished store of `values[r][t][m]`. */
function store(metrics: string[], values: number[][][]): RunStoreReader {
  const runs = values.length;
  const months = values[0].length;
  const writer = createRunStore(join(scratch, String(made++)), { metrics, months, runs, start: '2024-06' });
  values.forEach((run, r) => writer.write(r, Float64Array.from(run.flat())));
  return writer.finish();
}

describe('pairedDifferences', () => {
  // 4 runs, 2 months; metric "a" in both, "b" only in the baseline, "c" only in the what-if.
  const base = store(['a', 'b'], [
    [[1, 9], [2, 9]],
    [[3, 9], [4, 9]],
    [[5, 9], [6, 9]],
    [[7, 9], [8, 9]],
  ]);
  const whatif = store(['c', 'a'], [
    [[0, 1.5], [0, 2]],
    [[0, 2], [0, 4]],
    [[0, 6], [0, 6]],
    [[0, 8], [0, 7]],
  ]);

  test('pairs the metrics both record, by name, in the baseline order', () => {
    expect(commonMetrics(base, whatif)).toEqual([['a', 0, 1]]);
  });

  test('mean, sd, Student-t interval and shares of the run-by-run differences', async () => {
    const rows = await toArray(pairedDifferences(base, whatif));
    expect(rows.map((r) => [r.metric, r.month, r.date])).toEqual([
      ['a', 0, '2024-06'],
      ['a', 1, '2024-07'],
    ]);
    // Month 0: d = [0.5, -1, 1, 1]; mean 0.375, sd² = Σ(d − 0.375)² / 3.
    const d = [0.5, -1, 1, 1];
    const mean = 0.375;
    const sd = Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / 3);
    const half = (3.1824463052837086 * sd) / Math.sqrt(4); // t(0.975, 3), from the printed table
    const [m0, m1] = rows;
    expect(m0.mean).toBeCloseTo(mean, 14);
    expect(m0.sd).toBeCloseTo(sd, 14);
    expect(m0.ciLow).toBeCloseTo(mean - half, 12);
    expect(m0.ciHigh).toBeCloseTo(mean + half, 12);
    expect([m0.pLower, m0.pHigher]).toEqual([0.25, 0.75]);
    expect([m0.baselineMean, m0.whatifMean]).toEqual([4, 4.375]);
    // Month 1: d = [0, 0, 0, -1]: one run lower, none higher, three equal.
    expect([m1.pLower, m1.pHigher]).toEqual([0.25, 0]);
    expect(m1.mean).toBe(-0.25);
  });

  test('a what-if identical to its baseline differs by exactly zero, and pairing removes all of the variance', async () => {
    for (const row of await toArray(pairedDifferences(base, base))) {
      expect([row.mean, row.sd, row.ciLow, row.ciHigh, row.pLower, row.pHigher]).toEqual([0, 0, 0, 0, 0, 0]);
      expect(varianceReduction(row)).toBe(row.baselineSd > 0 ? Infinity : NaN);
    }
  });

  test('gives the same rows whatever the memory budget', async () => {
    const whole = await toArray(pairedDifferences(base, whatif));
    expect(await toArray(pairedDifferences(base, whatif, { budgetBytes: 1 }))).toEqual(whole);
  });

  test('refuses stores that cannot be paired run by run', async () => {
    const fewer = store(['a'], [[[1], [1]]]);
    await expect(toArray(pairedDifferences(base, fewer))).rejects.toThrow(/cannot pair runs of different shapes: 4 runs of 2 months .* against 1 runs/);
  });
});

describe('varianceReduction', () => {
  test('(sd_b² + sd_w²) / sd_d²', () => {
    expect(varianceReduction({ baselineSd: 3, whatifSd: 4, sd: 1 })).toBe(25);
    expect(varianceReduction({ baselineSd: 3, whatifSd: 4, sd: 5 })).toBe(1); // independent: no gain
    expect(varianceReduction({ baselineSd: 0, whatifSd: 0, sd: 0 })).toBeNaN();
    expect(varianceReduction({ baselineSd: 1, whatifSd: 1, sd: 0 })).toBe(Infinity);
  });
});
