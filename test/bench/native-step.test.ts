// The C transcriptions of the kernel's loops (test/bench/native/), which the
// kernel-against-native benchmark (native-step.mjs) times: they must leave
// the same bytes as the kernel, or the ratio it reports compares other work.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const haveCompiler = spawnSync('cc', ['--version']).status === 0;

describe('native-step.mjs', () => {
  it.skipIf(!haveCompiler)('times a round of choices and steps 5–7 in the kernel and in C, and both leave the same bytes', () => {
    const run = spawnSync(process.execPath, ['test/bench/native-step.mjs', '30', '3', '1'], { cwd: root, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.month).toBe(30);
    expect(result.chooseRound.choosers).toBeGreaterThan(0);
    expect(result.chooseRound.native.sameBytes).toBe(true);
    expect(result.operate.native.sameBytes).toBe(true);
    expect(result.operate.alive).toBeLessThanOrEqual(result.operate.tableEntries);
    for (const loop of [result.chooseRound, result.operate]) {
      expect(loop.kernel.bestMicroseconds).toBeGreaterThan(0);
      expect(loop.kernelOverNative).toBeCloseTo(loop.kernel.bestMicroseconds / loop.native.bestMicroseconds, 1);
    }
  });

  it('refuses a month past the scenario with a usage line', () => {
    const run = spawnSync(process.execPath, ['test/bench/native-step.mjs', '500'], { cwd: root, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('bench-10k has 120 months\n');
  });
});
