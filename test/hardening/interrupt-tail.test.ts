/**
 * Signals after the last replication (docs/security.md, "Bounded resources
 * and interruptions"): the aggregation, the CSV files and the charts are
 * interruptible. A world of 100 providers (9,900 flows metrics) makes the
 * tail after the runs last seconds, and the test signals at a moment it
 * can see from outside: once runs/index.json is written (the runs are
 * stored, the aggregation starts) or once the result folder is in place
 * (the charts are being drawn).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { withoutManifest } from '../folder-files.js';
import { manyProvidersYaml } from '../worlds.js';

/** Every file of a result folder but the manifest and the charts, relative path → sha256 (the values are tens of MB). */
function digests(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, bytes] of withoutManifest(dir)) if (!name.startsWith('charts/')) out[name] = createHash('sha256').update(bytes).digest('hex');
  return out;
}

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
const scratch = mkdtempSync(join(tmpdir(), 'shakeout-tail-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const RUNS = 40;
const scenario = join(scratch, 'hundred.yaml');
writeFileSync(scenario, manyProvidersYaml({ name: 'A hundred providers', providers: 100, months: 12, seed: 5, runs: RUNS }));

interface Ended {
  code: number | null;
  signal: string | null;
  stderr: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the CLI; once `path` exists (polled), sends it `signals` one after another. */
function shakeout(args: string[], when?: { path: string; signals: NodeJS.Signals[] }): Promise<Ended & { signalled: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let signalled = false;
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const guard = setTimeout(() => child.kill('SIGKILL'), 110_000);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stderr, signalled });
    });
    if (when)
      void (async () => {
        while (child.exitCode === null && child.signalCode === null && !existsSync(when.path)) await sleep(5);
        if (child.exitCode !== null || child.signalCode !== null) return;
        signalled = true;
        for (const s of when.signals) {
          child.kill(s);
          await sleep(30);
        }
      })();
  });
}

describe('signals after the last replication', () => {
  const complete = join(scratch, 'complete');

  it('a SIGINT while the charts are drawn keeps the finished results, skips the charts and says how to draw them (exit 130)', async () => {
    const ended = await shakeout(['run', scenario, '--out', complete, '--workers', '2'], { path: join(complete, 'manifest.json'), signals: ['SIGINT'] });
    expect(ended.signalled).toBe(true);
    expect(ended.code).toBe(130);
    expect(ended.stderr).toContain(`interrupted by SIGINT: the results in ${complete} are complete, but not all charts were drawn; to draw them, run: shakeout chart ${complete}`);
    expect(existsSync(join(complete, 'timeseries.csv'))).toBe(true);
    expect(existsSync(`${complete}.partial`)).toBe(false);
  }, 120_000);

  it('shakeout chart stops between charts on SIGINT, exit 130, saying how to draw them', async () => {
    const charts = join(scratch, 'charts-again');
    const ended = await shakeout(['chart', complete, '--out', charts], { path: charts, signals: ['SIGINT'] });
    expect(ended.signalled).toBe(true);
    expect(ended.code).toBe(130);
    expect(ended.stderr).toMatch(new RegExp(`^interrupted by SIGINT: \\d of 6 charts drawn in ${charts}; to draw them, run: shakeout chart `));
  }, 120_000);

  it('a SIGINT in the aggregation stops before the seal, keeps the runs for --resume (exit 130), and the resume gives the same bytes', async () => {
    const out = join(scratch, 'aggregating');
    const args = ['run', scenario, '--out', out, '--workers', '2', '--no-charts'];
    // runs/index.json is written once every run is stored, just before the aggregation reads them.
    const ended = await shakeout(args, { path: join(`${out}.partial`, 'runs', 'index.json'), signals: ['SIGINT'] });
    expect(ended.signalled).toBe(true);
    // Before: the signal was only heard after the charts (rc 0), or never.
    expect(ended.code).toBe(130);
    expect(ended.stderr).toContain(`interrupted by SIGINT: ${RUNS} of ${RUNS} runs are saved in ${out}.partial; to finish them, run: `);
    expect(ended.stderr).toContain('--resume');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(`${out}.partial`, 'runs', 'slabs.tmp'))).toBe(false);

    const resumed = await shakeout([...args, '--resume', '--quiet']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(digests(out)).toEqual(digests(complete));
  }, 120_000);

  it('a second SIGINT in the aggregation exits at once, and --resume still finishes with the same bytes', async () => {
    const out = join(scratch, 'twice');
    const args = ['run', scenario, '--out', out, '--workers', '2', '--no-charts'];
    const ended = await shakeout(args, { path: join(`${out}.partial`, 'runs', 'index.json'), signals: ['SIGINT', 'SIGINT'] });
    expect(ended.signalled).toBe(true);
    // Exit 130 from the handler, or, when the second signal lands while the process is already
    // tearing down after the first (Node gives signals their default action back then), death by
    // SIGINT itself, which a shell reports as 130 too. Either way nothing waits for the tail.
    expect(ended.code === 130 || ended.signal === 'SIGINT', `code ${ended.code}, signal ${ended.signal}`).toBe(true);
    expect(existsSync(out)).toBe(false);
    const resumed = await shakeout([...args, '--resume', '--quiet']);
    expect(resumed.code).toBe(0);
    expect(digests(out)).toEqual(digests(complete));
  }, 120_000);
});
