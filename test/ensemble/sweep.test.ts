/**
 * The sweep driver through the library: every point on one executor with
 * the scenario's replication seeds; a point that fails is recorded, not
 * fatal; an interrupted sweep resumes to the bytes of an uninterrupted one,
 * without running its finished points again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { inlineExecutor } from '../../sim/ensemble/executor.js';
import { sweepCells, writeSweep } from '../../sim/ensemble/sweep.js';
import { sweepDesign } from '../../sim/ensemble/sweep-design.js';
import { InterruptedError } from '../../sim/errors.js';
import { compile } from '../../sim/model/compile.js';
import { runReplication } from '../../sim/model/replication.js';
import { withValues } from '../../sim/scenario/value-paths.js';
import { withoutManifest } from '../folder-files.js';
import { tempDir } from '../output/tmp.js';
import { executorOf } from './executors.js';
import { tinyScenario } from './fixtures.js';

const scenario = tinyScenario({ months: 6, runs: 3 });
const compiled = compile(scenario);
const design = sweepDesign([{ path: 'classes.small.hazard', values: [0.01, 0.02, 5, 0.04] }], { seed: scenario.seed });
const cells = sweepCells(compiled, ['startups.alive@end', 'deaths.cumulative@3']);

describe('writeSweep', () => {
  test('each point holds the values its own scenario gives, run by run, with the scenario seeds', async () => {
    const out = join(tempDir(), 'sweep');
    const written = await writeSweep(scenario, design, cells, { out, executor: inlineExecutor(), command: ['shakeout', 'sweep'] });
    const rows = readFileSync(join(out, 'sweep.csv'), 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split(','));
    for (const [point, value] of [[0, 0.01], [1, 0.02], [3, 0.04]] as const) {
      const at = compile(withValues(scenario, [{ path: 'classes.small.hazard', value, label: '' }]));
      const M = at.metricNames.length;
      for (let r = 0; r < 3; r++) {
        const values = runReplication(at, r);
        const row = rows.find((x) => x[0] === String(point) && x[2] === String(r))!;
        expect(row.slice(0, 4)).toEqual([String(point), String(value), String(r), '7']);
        expect(Number(row[4])).toBe(values[5 * M + at.metricNames.indexOf('startups.alive')]);
        expect(Number(row[5])).toBe(values[3 * M + at.metricNames.indexOf('deaths.cumulative')]);
      }
    }
    // hazard 5 is no probability: that point failed, with the scenario's message, and the sweep went on.
    expect(written.summary.failed).toBe(1);
    expect(written.summary.points[2]).toMatchObject({ status: 'failed', error: expect.stringMatching(/classes\.small\.hazard: expected a probability in 0–1, got 5/) });
    expect(rows.filter((x) => x[0] === '2')).toEqual([]);
    expect(written.manifest.failedPoints).toEqual([2]);
  });

  test('an interrupted sweep resumes without running its finished points again, to the same bytes', async () => {
    const whole = join(tempDir(), 'whole');
    await writeSweep(scenario, design, cells, { out: whole, executor: inlineExecutor(), command: ['shakeout', 'sweep'] });

    const out = join(tempDir(), 'resumed');
    const controller = new AbortController();
    const interrupted = await writeSweep(scenario, design, cells, {
      out,
      executor: inlineExecutor(),
      signal: controller.signal,
      command: ['shakeout', 'sweep'],
      onProgress: (done) => done === 2 && controller.abort('SIGINT'),
    }).catch((e: unknown) => e);
    expect(interrupted).toBeInstanceOf(InterruptedError);
    expect((interrupted as Error).message).toMatch(/\.partial; to finish them, run: shakeout sweep --resume$/);

    const asked: number[] = [];
    const counting = executorOf(1, async (r) => {
      asked.push(r);
      return inlineExecutor().load(compile(withValues(scenario, [{ path: 'classes.small.hazard', value: 0.04, label: '' }]))).run(r);
    });
    await writeSweep(scenario, design, cells, { out, executor: counting, resume: true, command: ['shakeout', 'sweep'] });
    // Points 0 and 1 were kept, point 2 fails before it runs: only point 3's three runs were computed.
    expect(asked).toEqual([0, 1, 2]);
    expect(withoutManifest(out)).toEqual(withoutManifest(whole));
  });
});
