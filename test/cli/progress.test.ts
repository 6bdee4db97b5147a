/**
 * Progress on stderr: a bar on a terminal, one closing line otherwise,
 * nothing with --quiet; in process with a fake stream, and end to end.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { clock, createProgress, etaSeconds, progressLine } from '../../sim/cli/progress.js';

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 100, write: (s: string) => (chunks.push(s), true) } };
}

describe('createProgress', () => {
  test('not a terminal: nothing while running, then the one closing line', () => {
    const { chunks, stream } = fakeStream(false);
    const p = createProgress('running x.yaml', { quiet: false, total: 3, stream });
    for (let d = 1; d <= 3; d++) p.update(d, 3);
    p.finish('wrote results/x: 3 runs of 12 months in 0.1 s');
    expect(chunks.join('')).toBe('wrote results/x: 3 runs of 12 months in 0.1 s\n');
  });

  test('quiet: nothing at all, on a terminal or not', () => {
    for (const tty of [true, false]) {
      const { chunks, stream } = fakeStream(tty);
      const p = createProgress('running x.yaml', { quiet: true, total: 3, stream });
      p.update(3, 3);
      p.finish('done');
      expect(chunks).toEqual([]);
    }
  });

  test('a terminal: a bar redrawn in place from the start, then the closing line in its place', () => {
    const { chunks, stream } = fakeStream(true);
    const p = createProgress('running x.yaml', { quiet: false, total: 4, stream });
    expect(chunks[0]).toContain('0/4 runs');
    p.update(4, 4); // the last update always draws
    p.finish('done');
    const out = chunks.join('');
    expect(out).toContain('[##############################] 4/4 runs');
    expect(out.endsWith('\r\x1b[Kdone\n')).toBe(true);
    expect(out).not.toContain('\n\r');
  });

  test('fail clears the bar and rethrows', async () => {
    const { chunks, stream } = fakeStream(true);
    const p = createProgress('running x.yaml', { quiet: false, total: 4, stream });
    const boom = new Error('boom');
    await expect(Promise.reject(boom).catch(p.fail)).rejects.toBe(boom);
    expect(chunks.at(-1)).toBe('\r\x1b[K');
  });
});

describe('progressLine', () => {
  test('shows runs done, elapsed time and the ETA', () => {
    expect(progressLine('run', 1, 4, 10, 30, 100)).toBe('run [########----------------------] 1/4 runs  0:10 elapsed  ETA 0:30');
    expect(progressLine('run', 0, 4, 3, NaN, 100)).toContain('ETA --:--');
  });

  test('the ETA follows the pace since the first update (not start-up, not the runs a resume kept)', () => {
    expect(etaSeconds(0, 10, 3, null)).toBeNaN();
    expect(etaSeconds(2, 10, 10, { done: 2, elapsed: 10 })).toBe(40); // one update so far: the pace from the start
    expect(etaSeconds(4, 10, 14, { done: 2, elapsed: 10 })).toBe(12); // 2 runs in 4 s since, 6 left
    expect(etaSeconds(7, 10, 4, { done: 5, elapsed: 0 })).toBe(6); // resumed with 5 kept: 2 runs in 4 s
  });

  test('fits a narrow terminal', () => {
    expect(progressLine('running a-long-scenario-name.yaml', 5, 10, 10, 10, 40).length).toBeLessThanOrEqual(39);
  });

  test('clock', () => {
    expect([clock(0), clock(59.6), clock(61), clock(3725), clock(Infinity)]).toEqual(['0:00', '1:00', '1:01', '1h02m', '--:--']);
  });
});

describe('progress from the CLI (stderr is a pipe, not a terminal)', () => {
  const root = join(import.meta.dirname, '..', '..');
  const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
  const scratch = mkdtempSync(join(tmpdir(), 'shakeout-progress-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'run', 'scenarios/minimal.yaml', '--runs', '3', '--no-charts', ...args], { cwd: root, encoding: 'utf8' });

  test('prints the one summary line (then the expectations) and no bar', () => {
    const out = join(scratch, 'plain');
    const r = run('--out', out, '--workers', '2');
    expect(r.status).toBe(0);
    expect(r.stderr).not.toContain('\r');
    expect(r.stderr.split('\n')[0]).toMatch(new RegExp(`^wrote ${out}: 3 runs of 24 months in \\d+\\.\\d s$`));
  });

  test('--quiet prints nothing', () => {
    const r = run('--out', join(scratch, 'quiet'), '--quiet');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });
});
