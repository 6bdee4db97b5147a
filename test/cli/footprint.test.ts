/**
 * What a `shakeout run` holds beyond its replications: a single replication
 * runs on the main thread (a worker would add its own heap and start-up and
 * speed up nothing), and with `--runs 1` the young generation keeps its
 * first size instead of growing to 32 MiB while the modules load
 * (young-generation.ts). Traced with
 * preloads: loader hooks list the modules loaded on every thread
 * (fixtures/trace-loads.mjs), and the main thread's heap spaces are read
 * at exit (fixtures/heap-at-exit.mjs).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import { tempDir } from '../output/tmp.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
const fixture = (name: string) => pathToFileURL(join(import.meta.dirname, 'fixtures', name)).href;

/** Runs the CLI with both preloads; the modules loaded and the main thread's heap spaces at exit. */
function traced(...args: string[]): { code: number | null; stderr: string; loaded: string[]; spaces: Record<string, number> } {
  const dir = tempDir();
  const env = { ...process.env, SHAKEOUT_TRACE_LOADS: join(dir, 'loads.txt'), SHAKEOUT_TRACE_HEAP: join(dir, 'heap.json') };
  const r = spawnSync(process.execPath, ['--import', fixture('trace-loads.mjs'), '--import', fixture('heap-at-exit.mjs'), cli, ...args], { cwd: root, encoding: 'utf8', env });
  const loads = env.SHAKEOUT_TRACE_LOADS;
  return {
    code: r.status,
    stderr: r.stderr,
    loaded: existsSync(loads) ? readFileSync(loads, 'utf8').split('\n').filter(Boolean) : [],
    spaces: JSON.parse(readFileSync(env.SHAKEOUT_TRACE_HEAP, 'utf8')),
  };
}

const startsWorker = (loaded: string[]) => loaded.some((u) => u.endsWith('/dist/sim/ensemble/replication-worker.js'));

describe('the footprint of shakeout run', () => {
  test('one replication runs on the main thread, whatever --workers says; two start workers', () => {
    const one = traced('run', 'scenarios/minimal.yaml', '--runs', '1', '--workers', '2', '--no-charts', '--quiet', '--out', join(tempDir(), 'r'));
    expect(one.stderr).toBe('');
    expect(one.code).toBe(0);
    expect(startsWorker(one.loaded)).toBe(false);
    const two = traced('run', 'scenarios/minimal.yaml', '--runs', '2', '--workers', '2', '--no-charts', '--quiet', '--out', join(tempDir(), 'r'));
    expect(two.code).toBe(0);
    expect(startsWorker(two.loaded)).toBe(true);
  });

  test('with --runs 1 the young generation stays at its first size; with more runs it may grow', () => {
    // The exit scenario has expressions, so mathjs is loaded too: the modules alone once grew new space to 32 MiB.
    const spaces = (runs: string) => {
      const r = traced('run', 'scenarios/china-2024-openai-exit.yaml', '--runs', runs, '--workers', '1', '--no-charts', '--quiet', '--out', join(tempDir(), 'r'));
      expect(r.code).toBe(0);
      return r.spaces;
    };
    const one = spaces('1');
    expect(one.new_space).toBeGreaterThan(0);
    expect(one.new_space).toBeLessThanOrEqual(4 << 20);
    expect(spaces('2').new_space).toBeGreaterThan(4 << 20);
  });
});
