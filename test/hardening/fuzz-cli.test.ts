/**
 * A sample of hostile scenario files through the real CLI (the built
 * `dist/`, as a child process): each ends with exit code 0 (a valid run or
 * validation) or 2 with one `file:…` line per problem, never a stack trace,
 * an internal error or a hang. Special files too: a named pipe, a
 * device behind a `.yaml` name, a folder, a file past the size limit.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { applyEdit, dump, edit, smallClass, validDoc, type Doc } from './generators.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
const scratch = mkdtempSync(join(tmpdir(), 'shakeout-fuzz-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Result {
  code: number | null;
  stderr: string;
  ms: number;
}

/** Runs the CLI, killing it after 20 s (the test then fails on the time). */
function shakeout(args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    const began = performance.now();
    const child = spawn(process.execPath, [cli, ...args], { cwd: scratch, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, ms: performance.now() - began });
    });
  });
}

/** At most `n` at a time. */
async function pool<T, R>(items: readonly T[], n: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]);
    }
  }));
  return out;
}

/**
 * A hang detector, not a speed target: a case takes well under a second on
 * an idle machine, and this bound must hold on a loaded CI machine too.
 */
const HANG_MS = 30_000;

function expectClean(r: Result, file: string): void {
  expect(r.ms, r.stderr).toBeLessThan(HANG_MS);
  expect([0, 2], r.stderr).toContain(r.code);
  expect(r.stderr).not.toMatch(/\n\s+at |internal error|This is a bug/);
  if (r.code === 2) for (const line of r.stderr.trimEnd().split('\n')) expect(line.startsWith(file), line).toBe(true);
}

const base = (extra: Doc = {}): Doc => ({
  start: '2024-06',
  months: 6,
  providers: [{ id: 'a', price: 5, quality: 1, unitCost: 2, cash: 1e9 }],
  classes: { small: structuredClone(smallClass) },
  startups: { initial: 20 },
  ...extra,
});

describe('hostile scenario files through the CLI', () => {
  it('a fuzzed sample ends in exit 0 or 2 with located lines, never a stack trace, never a hang', async () => {
    const docs = fc.sample(fc.tuple(validDoc, fc.array(edit, { minLength: 0, maxLength: 3 }), fc.boolean()), { numRuns: 16, seed: 20240709 });
    const files = docs.map(([generated, edits, asJson], k) => {
      const doc = structuredClone(generated);
      for (const e of edits) applyEdit(doc, e);
      const file = join(scratch, `fuzz-${k}.${asJson ? 'json' : 'yaml'}`);
      writeFileSync(file, dump(doc, asJson));
      return file;
    });
    const results = await pool(files, 2, (file) => shakeout(['validate', file]));
    results.forEach((r, k) => expectClean(r, files[k]));
    // The sample holds both kinds.
    expect(results.some((r) => r.code === 0)).toBe(true);
    expect(results.some((r) => r.code === 2)).toBe(true);
  });

  it('special files are refused without reading them: a pipe, a device, a folder, a file past the limit', async () => {
    const cases: [name: string, make: (path: string) => boolean, expected: RegExp][] = [
      ['pipe.yaml', (p) => spawnSync('mkfifo', [p]).status === 0, /it is not a regular file/],
      ['zero.yaml', (p) => (symlinkSync('/dev/zero', p), existsSync('/dev/zero')), /it is not a regular file/],
      ['folder.yaml', (p) => (mkdirSync(p), true), /it is a folder/],
      ['huge.yaml', (p) => (writeFileSync(p, dump(base({ description: 'x'.repeat(600 * 1024) }), false)), true), /larger than 512 KiB/],
      ['extends-zero.yaml', (p) => (writeFileSync(p, dump({ extends: '/dev/zero', months: 3 }, false)), true), /extends "\/dev\/zero", which is not a scenario file/],
      [
        'extends-pipe.yaml',
        (p) => {
          writeFileSync(p, dump({ extends: 'base-pipe.yaml', months: 3 }, false));
          return spawnSync('mkfifo', [join(scratch, 'base-pipe.yaml')]).status === 0;
        },
        /extends ".*base-pipe\.yaml", which cannot be read: it is not a regular file/,
      ],
    ];
    const made = cases.filter(([name, make]) => make(join(scratch, name)));
    expect(made.length).toBeGreaterThanOrEqual(3);
    const results = await pool(made, 2, ([name]) => shakeout(['run', join(scratch, name), '--no-charts', '--out', join(scratch, `out-${name}`)]));
    results.forEach((r, k) => {
      const [name, , expected] = made[k];
      expectClean(r, join(scratch, name));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(expected);
    });
  });

  it('runs: too large for memory, values that overflow, alias bombs: one line, exit 2', async () => {
    const bomb = ['a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]', ...Array.from({ length: 8 }, (_, k) => `a${k + 1}: &a${k + 1} [${Array(10).fill(`*a${k}`).join(', ')}]`), 'sources: *a8'].join('\n');
    const cases: [name: string, text: string, args: string[], expected: RegExp][] = [
      ['billion.yaml', dump(base({ startups: { initial: 1e9 } }), false), ['--runs', '2'], /startups: this run needs about .* GB of memory, more than the .* this machine has/],
      [
        // Revenue and token demand that grow e^5-fold a month overflow a double after ~140 months.
        'overflow.yaml',
        dump(base({ months: 150, classes: { small: { ...structuredClone(smallClass), cash: { median: 1e300, sigma: 0 }, hazard: 0, growth: { mean: 5, sd: 0 } } } }), false),
        ['--runs', '2'],
        /^replication 0 \(seed 1\): \S+ is (NaN|Infinity|-Infinity) in 20\d\d-\d\d \(t = 1[34]\d\); [^()]* To reproduce: shakeout run \S+overflow\.yaml --seed 1 --runs 1 --months 150$/,
      ],
      ['bomb.yaml', dump(base(), false) + bomb + '\n', ['--runs', '2'], /too many aliases|more than 100,000 values/],
      ['deep.yaml', dump(base(), false) + 'sources: ' + '['.repeat(5000) + ']'.repeat(5000) + '\n', ['--runs', '2'], /nests too deeply/],
      ['ok.yaml', dump(base(), false), ['--runs', '2'], /wrote/],
    ];
    const results = await pool(cases, 2, ([name, text, args]) => {
      const file = join(scratch, name);
      writeFileSync(file, text);
      return shakeout(['run', file, ...args, '--workers', '1', '--no-charts', '--out', join(scratch, `out-${name}`)]);
    });
    results.forEach((r, k) => {
      const [name, , , expected] = cases[k];
      expect(r.stderr.trimEnd()).toMatch(expected);
      if (name === 'ok.yaml') expect(r.code).toBe(0);
      else if (name === 'overflow.yaml') {
        // A model error names no file line; it is still one line, exit 2, no stack.
        expect(r.code).toBe(2);
        expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      } else expectClean(r, join(scratch, name));
    });
  });
});
