/**
 * Worker threads end to end: the built CLI (dist/) as a child process with
 * --workers 1 (this thread), 2 and 4.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { earlyWorkers, maxWorkers } from '../../sim/ensemble/worker-pool.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
const scratch = mkdtempSync(join(tmpdir(), 'shakeout-workers-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the CLI; a process that does not end within the timeout fails the test (status null). */
function shakeout(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Every file of a result folder but the manifest (the only one with timestamps), relative path → bytes. */
function filesButManifest(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    if (statSync(path).isFile() && name !== 'manifest.json') out.set(relative(dir, path), readFileSync(path));
  }
  return out;
}

const badScenario = join(scratch, 'negative-price.yaml');
writeFileSync(
  badScenario,
  `start: 2024-06
months: 12
runs: 6
providers:
  - { id: a, price: "5 - t", quality: 1, unitCost: 2, cash: 1e9 }   # -1 at t = 6: a ModelError in every run
classes:
  small:
    share: 1
    cash: { median: 150000, sigma: 0.8 }
    revenue: { median: 8000, sigma: 1 }
    opex: { median: 20000, sigma: 0.6 }
    tokens: { median: 50, sigma: 1.2 }
    growth: { mean: 0.02, sd: 0.05 }
    switchCost: { median: 20000, sigma: 0.5 }
    hazard: 0.01
    disruption: { months: 2, loss: 0.3 }
    reconsider: 0.05
    precision: 8
    network: 0.5
    qualityElasticity: 2
    funding: { probability: 0.6, months: 18 }
startups: { initial: 100 }
`,
);

/** Provider a's price is its customer share − 0.45: negative (a ModelError) in some runs only, in different months. */
const sometimesScenario = join(scratch, 'sometimes-negative.yaml');
writeFileSync(
  sometimesScenario,
  readFileSync(badScenario, 'utf8')
    .replace('months: 12', 'months: 8')
    .replace('runs: 6', 'runs: 12\nseed: 7')
    .replace(
      /  - \{ id: a, .*\n/,
      '  - { id: a, price: { initial: 1, then: "share - 0.45" }, quality: 1, unitCost: 0.5, cash: 1e9 }\n  - { id: b, price: 1, quality: 1, unitCost: 0.5, cash: 1e9 }\n',
    ),
);

describe('shakeout run --workers', () => {
  it('writes byte-identical result folders with 1, 2 and 4 workers', () => {
    const folders = [1, 2, 4].map((w) => {
      const out = join(scratch, `minimal-w${w}`);
      const r = shakeout('run', 'scenarios/minimal.yaml', '--runs', '9', '--workers', String(w), '--out', out, '--quiet', '--no-charts');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      return filesButManifest(out);
    });
    expect([...folders[0].keys()]).toEqual(expect.arrayContaining(['timeseries.csv', 'runs.csv', 'summary.json', 'runs/values.f64']));
    expect(folders[1]).toEqual(folders[0]);
    expect(folders[2]).toEqual(folders[0]);
  });

  it('gives the 2024 scenario the same numbers on 3 workers as on one thread', () => {
    const [a, b] = [1, 3].map((w) => {
      const out = join(scratch, `china-w${w}`);
      const args = ['run', 'scenarios/china-2024-openai-exit.yaml', '--runs', '3', '--months', '13', '--no-charts'];
      expect(shakeout(...args, '--workers', String(w), '--out', out, '--quiet').code).toBe(0);
      return filesButManifest(out);
    });
    expect(b).toEqual(a);
  });

  it("reports a worker's ModelError as one line with exit 2, like one thread does, and ends", () => {
    const one = shakeout('run', badScenario, '--workers', '1', '--out', join(scratch, 'bad-1'));
    const two = shakeout('run', badScenario, '--workers', '2', '--out', join(scratch, 'bad-2'));
    expect(one.code).toBe(2);
    // Located at the expression in the file (the file name, then its line).
    expect(one.stderr).toMatch(/^[^\n]*\.yaml:\d+: providers\.a\.price: "5 - t" gave -1 in 2024-12 \(t = 6\)/);
    expect(two.code).toBe(2);
    expect(two.stderr).toBe(one.stderr);
    expect(existsSync(join(scratch, 'bad-2'))).toBe(false);
    expect(readdirSync(scratch).filter((f) => f.startsWith('bad-2'))).toEqual([]); // no partial folder left either
  });

  it('names the same failing run whatever the number of workers (the lowest, as on one thread)', () => {
    const [one, two, three] = [1, 2, 3].map((w) => shakeout('run', sometimesScenario, '--workers', String(w), '--no-charts', '--out', join(scratch, `sometimes-${w}`)));
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/^[^\n]*\.yaml:\d+: providers\.a\.price: "share - 0\.45" gave -/);
    expect(one.stderr).not.toMatch(/\(replication 0,/); // the fixture's first runs succeed, so the order matters
    // Less the note a machine with fewer than 3 cores adds (oversubscription is no error).
    const error = (stderr: string) => stderr.replace(/^note: .*\n/m, '');
    expect(error(two.stderr)).toBe(one.stderr);
    expect(error(three.stderr)).toBe(one.stderr);
  });

  it('check takes --workers and gives the same verdicts', () => {
    const args = ['check', 'scenarios/china-2024-openai-exit.yaml', '--runs', '3', '--months', '13', '--json', '--quiet'];
    const one = shakeout(...args, '--workers', '1');
    const two = shakeout(...args, '--workers', '2');
    expect(two.code).toBe(one.code);
    expect(JSON.parse(two.stdout)).toEqual(JSON.parse(one.stdout));
  });

  it('ends promptly on SIGINT while the workers are busy', async () => {
    const child = spawn(process.execPath, [cli, 'run', 'scenarios/bench/bench-10k.yaml', '--runs', '64', '--workers', '2', '--no-charts', '--out', join(scratch, 'interrupted')], {
      cwd: root,
      stdio: 'ignore',
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const sent = performance.now();
    const ended = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    child.kill('SIGINT');
    const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const { code, signal } = await ended;
    clearTimeout(timeout);
    expect(signal === 'SIGINT' || code === 130).toBe(true);
    expect(performance.now() - sent).toBeLessThan(10_000);
    expect(existsSync(join(scratch, 'interrupted'))).toBe(false);
  });
});

describe('--workers is bounded', () => {
  const max = maxWorkers();
  const cores = availableParallelism();

  it.each([
    ['run', String(max + 1)],
    ['run', '4294967296'],
    ['check', String(max + 1)],
    ['check', '1000'],
  ])('%s --workers %s is refused in one line, exit 2, before anything runs', (command, workers) => {
    const out = join(scratch, `too-many-${command}-${workers}`);
    const args = command === 'run' ? ['--out', out, '--no-charts'] : [];
    const r = shakeout(command, 'scenarios/minimal.yaml', '--runs', '1', '--workers', workers, ...args);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toContain(`--workers must be a whole number from 1 to ${max} on this machine`);
    expect(lines[0]).toContain(`got "${workers}"`);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it.each(['run', 'check'])('%s notes on stderr, without failing, when more workers than cores are asked', (command) => {
    const out = join(scratch, `oversubscribed-${command}`);
    const args = command === 'run' ? ['--out', out, '--no-charts'] : [];
    const workers = String(cores + 1);
    const r = shakeout(command, 'scenarios/minimal.yaml', '--runs', workers, '--months', '13', '--workers', workers, ...args);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`note: ${cores + 1} workers on ${cores} core`);
  });

  it('does not note (nor start) more workers than there are runs', () => {
    const out = join(scratch, 'one-run-many-workers');
    const r = shakeout('run', 'scenarios/minimal.yaml', '--runs', '1', '--months', '13', '--workers', String(max), '--out', out, '--no-charts');
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('note:');
  });

  it('starts early (before the scenario is read) no more workers than the cores, nor than --runs', () => {
    expect(earlyWorkers(8, undefined, 2)).toBe(2);
    expect(earlyWorkers(8, 1, 2)).toBe(0);
    expect(earlyWorkers(3, 2, 16)).toBe(2);
    expect(earlyWorkers(1, undefined, 16)).toBe(0);
    expect(earlyWorkers(6, 100, 16)).toBe(6);
  });

  it('caps at 4 × the cores, and at least 8', () => {
    expect(maxWorkers(1)).toBe(8);
    expect(maxWorkers(2)).toBe(8);
    expect(maxWorkers(16)).toBe(64);
  });
});
