/**
 * Kill the CLI at random moments (docs/security.md, "Interrupted runs").
 *
 * `shakeout run --force --resume` replaces a complete result folder of
 * another seed; it is killed (SIGKILL, or SIGINT / SIGTERM, which it
 * handles) at random moments, 24 times, each run resuming what the last
 * left. After every kill:
 *
 *   - `<out>` is the previous folder, byte for byte, or the new one,
 *     complete: every file its manifest lists, and those byte-identical to
 *     an uninterrupted run (the manifest has timestamps);
 *   - every other folder beside it carries a PARTIAL marker (resumable),
 *     or is a staging or set-aside folder the next run repairs: no folder
 *     that looks complete is missing files or corrupt;
 *   - a run stopped by SIGINT or SIGTERM exits 130 or 143 and says how to resume.
 *
 * At the end an uninterrupted `--resume` gives exactly the bytes of an
 * uninterrupted run.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { files, withoutManifest } from '../folder-files.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
const scratch = mkdtempSync(join(tmpdir(), 'shakeout-kill-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const KILLS = 24;
const RUNS = '200';
const scenario = join(root, 'scenarios', 'minimal.yaml');

interface Ended {
  code: number | null;
  signal: string | null;
  stderr: string;
}

/**
 * Runs the CLI; `kill(child)` decides when to signal it. Resolves once the
 * process has exited and been reaped (so its pid is gone before the next run).
 */
function shakeout(args: string[], kill?: (child: ReturnType<typeof spawn>) => void): Promise<Ended> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: scratch, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stderr });
    });
    kill?.(child);
  });
}


/** The files that differ between two folders' contents (compared as bytes: a deep compare of megabytes is slow). */
function differing(a: Map<string, Buffer>, b: Map<string, Buffer>): string[] {
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  return names.filter((n) => !a.get(n)?.equals(b.get(n) ?? Buffer.alloc(0)) || !a.has(n) || !b.has(n));
}

/** A complete result folder: its manifest lists exactly its other files, and they all parse. */
function expectComplete(dir: string): void {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: string[]; runs: number };
  const present = [...files(dir).keys()].filter((f) => f !== 'manifest.json').sort();
  expect(present, dir).toEqual(manifest.files);
  const index = JSON.parse(readFileSync(join(dir, 'runs', 'index.json'), 'utf8')) as { months: number; metrics: string[]; runs: number };
  expect(statSync(join(dir, 'runs', 'values.f64')).size).toBe(index.runs * index.months * index.metrics.length * 8);
  JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
}

/** A small deterministic generator, so that a failing sequence can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether process `pid` holds `<out>.partial`: it is past loading and checking, into its runs. */
function holding(out: string, pid: number | undefined): boolean {
  try {
    return (JSON.parse(readFileSync(join(`${out}.partial`, 'lock'), 'utf8')) as { pid: number }).pid === pid;
  } catch {
    return false;
  }
}

describe('killing the CLI at random moments', () => {
  it(`${KILLS} kills: no folder that looks complete is missing or corrupt, and --resume finishes with the same bytes`, async () => {
    const reference = join(scratch, 'reference');
    const out = join(scratch, 'out');
    const previous = join(scratch, 'previous');
    const args = ['run', scenario, '--runs', RUNS, '--seed', '9', '--no-charts'];

    // The uninterrupted run, timed (in all, and to the moment it holds its partial folder),
    // and the previous folder (another seed) that each run replaces.
    const began = performance.now();
    let holdMs = 0;
    const first = await shakeout([...args, '--workers', '2', '--out', reference, '--quiet'], async (child) => {
      while (!holding(reference, child.pid) && child.exitCode === null) await sleep(5);
      holdMs = performance.now() - began;
    });
    expect(first.code).toBe(0);
    const fullMs = performance.now() - began;
    const runMs = Math.max(50, fullMs - holdMs);
    expect((await shakeout(['run', scenario, '--runs', '20', '--seed', '1', '--no-charts', '--out', previous, '--quiet'])).code).toBe(0);
    const expected = withoutManifest(reference);
    const old = files(previous);
    cpSync(previous, out, { recursive: true });

    const random = mulberry32(20240709);
    const seen = { killed: 0, interrupted: 0, finished: 0, resumedRuns: 0, swapWindow: 0, leftovers: 0 };
    for (let k = 0; k < KILLS; k++) {
      const signal = random() < 0.6 ? 'SIGKILL' : random() < 0.5 ? 'SIGINT' : 'SIGTERM';
      // A third of the kills at any moment, the rest once it holds the partial folder; on one thread or two workers.
      const anyMoment = random() < 0.34;
      const delay = random() * (anyMoment ? fullMs : runMs);
      const workers = k % 2 === 0 ? '2' : '1';
      const ended = await shakeout([...args, '--workers', workers, '--out', out, '--force', '--resume'], async (child) => {
        if (!anyMoment) {
          const until = performance.now() + fullMs * 2;
          while (!holding(out, child.pid) && child.exitCode === null && performance.now() < until) await sleep(5);
        }
        await sleep(delay);
        if (child.exitCode === null) child.kill(signal);
      });

      // How it ended.
      if (ended.code === 0) seen.finished++;
      else if (ended.signal) seen.killed++;
      else {
        expect(ended.code, ended.stderr).toBe(signal === 'SIGINT' ? 130 : 143);
        expect(ended.stderr.trimEnd()).toMatch(new RegExp(`^interrupted by ${signal}: \\d+ of ${RUNS} runs are saved in .*out\\.partial; to finish them, run: .* --resume$`));
        seen.interrupted++;
      }
      const kept = /\((\d+) kept from the interrupted run\)/.exec(ended.stderr);
      if (kept) seen.resumedRuns += Number(kept[1]);

      // The target: the previous folder untouched, or the new one complete.
      if (existsSync(out)) {
        const now = files(out);
        if (now.size === old.size && [...old].every(([f, b]) => now.get(f)?.equals(b))) {
          // the previous folder, byte for byte
        } else {
          expectComplete(out);
          expect(differing(withoutManifest(out), expected)).toEqual([]);
        }
      } else seen.swapWindow++; // killed between the two renames of the swap: repaired by the next run

      // Everything beside it: resumable, complete, or a leftover the next run repairs.
      for (const name of readdirSync(scratch)) {
        const path = join(scratch, name);
        if (['reference', 'previous', 'out'].includes(name) || !statSync(path).isDirectory()) continue;
        if (existsSync(join(path, 'PARTIAL'))) continue;
        if (existsSync(join(path, 'manifest.json'))) {
          expectComplete(path);
          continue;
        }
        // Neither: a folder the next run removes, which does not look like a result. A staging
        // folder holds at most the marker, the record and the lock; a replaced folder is deleted manifest first.
        expect(name, `unexpected folder ${name}`).toMatch(/^out\.(partial\.tmp|old)-\d+$/);
        if (name.includes('.tmp-')) expect(readdirSync(path).filter((f) => !['PARTIAL', 'resume.json', 'lock'].includes(f) && !f.includes('.tmp-'))).toEqual([]);
        seen.leftovers++;
      }

      // A finished run: put the previous folder back, so that the next one replaces it again.
      if (existsSync(out) && existsSync(join(out, 'manifest.json')) && !files(out).get('runs.csv')?.equals(old.get('runs.csv')!)) {
        rmSync(out, { recursive: true, force: true });
        cpSync(previous, out, { recursive: true });
      }
    }
    expect(seen.killed + seen.interrupted + seen.finished).toBe(KILLS);
    expect(seen.killed).toBeGreaterThan(0);

    // Finish what is left, uninterrupted: the bytes of the uninterrupted run.
    const last = await shakeout([...args, '--workers', '2', '--out', out, '--force', '--resume']);
    expect(last.code, last.stderr).toBe(0);
    seen.resumedRuns += Number(/\((\d+) kept from the interrupted run\)/.exec(last.stderr)?.[1] ?? 0);
    // Resuming did resume: runs stored before a kill were not computed again.
    expect(seen.resumedRuns).toBeGreaterThan(0);
    expectComplete(out);
    expect(differing(withoutManifest(out), expected)).toEqual([]);
    expect(readdirSync(scratch).sort()).toEqual(['out', 'previous', 'reference']);
    console.info(`kill test: ${JSON.stringify(seen)}`);
    // A guard against a hang, not a speed target: its 25 processes took 101 s, and once over 120 s, on a busy machine.
  }, 300_000);
});
