/**
 * End to end: the built CLI (`dist/`, made by `npm test`'s build step) run
 * as a child process on real files.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { files } from '../folder-files.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
const scratch = mkdtempSync(join(tmpdir(), 'shakeout-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function shakeout(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}


describe('shakeout run', () => {
  const out = join(scratch, 'minimal');

  it('writes the result folder of the architecture and exits 0', () => {
    const r = shakeout('run', 'scenarios/minimal.yaml', '--runs', '8', '--out', out, '--no-charts');
    expect(r.stderr).toContain(`wrote ${out}: 8 runs of 24 months`);
    expect(r.code).toBe(0);
    const written = [...files(out).keys()].sort();
    expect(written).toEqual(['manifest.json', 'runs.csv', 'runs.parquet', 'runs/index.json', 'runs/values.f64', 'summary.json', 'summary.md', 'timeseries.csv']);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.runs).toBe(8);
    expect(manifest.seed).toBe(42);
    const lines = readFileSync(join(out, 'timeseries.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('metric,month,date,mean,sd,p05,p50,p95,ci_low,ci_high');
    expect(lines[1]).toMatch(/^hhi\.customers,0,2024-06,/);
    expect(readFileSync(join(out, 'runs.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(9);
  });

  it('refuses to overwrite an existing folder without --force, leaving it intact', () => {
    const before = files(out);
    const r = shakeout('run', 'scenarios/minimal.yaml', '--runs', '3', '--out', out, '--no-charts');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--force');
    expect(files(out)).toEqual(before);
  });

  it('replaces the folder with --force', () => {
    const r = shakeout('run', 'scenarios/minimal.yaml', '--runs', '3', '--out', out, '--force', '--quiet', '--no-charts');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).runs).toBe(3);
  });

  it('gives byte-identical files for the same seed, except the manifest', () => {
    const a = join(scratch, 'same-a');
    const b = join(scratch, 'same-b');
    expect(shakeout('run', 'scenarios/minimal.yaml', '--runs', '4', '--out', a, '--quiet', '--no-charts').code).toBe(0);
    expect(shakeout('run', 'scenarios/minimal.yaml', '--runs', '4', '--out', b, '--quiet', '--no-charts').code).toBe(0);
    const fa = files(a);
    const fb = files(b);
    fa.delete('manifest.json');
    fb.delete('manifest.json');
    expect(fa.size).toBe(7);
    expect(fb).toEqual(fa);
  });

  it("reproduces a run from runs.csv's seed: --seed <seed> --runs <run + 1> computes it again as the last", () => {
    const a = join(scratch, 'seeded-a');
    const b = join(scratch, 'seeded-b');
    expect(shakeout('run', 'scenarios/minimal.yaml', '--runs', '4', '--seed', 'a text seed', '--out', a, '--quiet', '--no-charts').code).toBe(0);
    const [header, , , row] = readFileSync(join(a, 'runs.csv'), 'utf8').split('\n').map((l) => l.split(','));
    const run = Number(row[header.indexOf('run')]);
    const seed = row[header.indexOf('seed')];
    expect([run, seed]).toEqual([2, 'a text seed']);
    expect(shakeout('run', 'scenarios/minimal.yaml', '--seed', seed, '--runs', String(run + 1), '--out', b, '--quiet', '--no-charts').code).toBe(0);
    const record = readFileSync(join(a, 'runs', 'values.f64')).length / 4;
    const again = readFileSync(join(b, 'runs', 'values.f64'));
    expect(again.length).toBe(3 * record);
    expect(again.subarray(2 * record).equals(readFileSync(join(a, 'runs', 'values.f64')).subarray(2 * record, 3 * record))).toBe(true);
  });

  it('gives different numbers for a different seed', () => {
    const c = join(scratch, 'seed-c');
    expect(shakeout('run', 'scenarios/minimal.yaml', '--runs', '4', '--seed', 'other', '--out', c, '--quiet', '--no-charts').code).toBe(0);
    const a = readFileSync(join(scratch, 'same-a', 'timeseries.csv'), 'utf8');
    expect(readFileSync(join(c, 'timeseries.csv'), 'utf8')).not.toBe(a);
  });

  it('runs the shipped 2024 scenario and prints its summary as JSON', () => {
    const r = shakeout('run', 'scenarios/china-2024-openai-exit.yaml', '--runs', '2', '--months', '13', '--out', join(scratch, 'china'), '--json', '--quiet', '--no-charts');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.runs).toBe(2);
    expect(summary.expectations.map((e: { name: string }) => e.name)).toEqual([
      'bloodbath',
      'highly concentrated (2023 Guidelines)',
      'highly concentrated (2010 Guidelines)',
      'fewer providers',
    ]);
    expect(summary.hhiTokens[0].month).toBe(12);
  });

  it('rejects a bad flag with exit code 2', () => {
    const r = shakeout('run', 'scenarios/minimal.yaml', '--runs', 'many');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--runs must be a whole number');
  });
});

describe('shakeout run --set', () => {
  it('gives the bytes of a file that makes the same change', () => {
    const file = join(scratch, 'faster-entry.yaml');
    writeFileSync(file, `extends: ${JSON.stringify(join(root, 'scenarios', 'minimal.yaml'))}\nstartups: { entry: { rate: 31 } }\nproviders:\n  - { id: rival, cash: 1234567 }\n`);
    const byFile = join(scratch, 'set-by-file');
    const byFlag = join(scratch, 'set-by-flag');
    expect(shakeout('run', file, '--runs', '3', '--out', byFile, '--no-charts', '--quiet').code).toBe(0);
    const r = shakeout('run', 'scenarios/minimal.yaml', '--set', 'startups.entry.rate=31', '--set', 'providers.rival.cash=1234567', '--runs', '3', '--out', byFlag, '--no-charts', '--quiet');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const f of ['runs/values.f64', 'timeseries.csv']) expect(files(byFlag).get(f)!.equals(files(byFile).get(f)!), f).toBe(true);
    const manifest = JSON.parse(readFileSync(join(byFlag, 'manifest.json'), 'utf8'));
    expect(manifest.scenario.startups.entry.rate).toBe(31);
  });

  it('refuses a path or a value that does not fit, in one line, exit 2', () => {
    for (const [flag, message] of [
      ['startups.entry.rat=3', /^--set startups\.entry\.rat=3: "startups\.entry\.rat" is not a numeric value of this scenario \(did you mean startups\.entry\.rate\?\)\n$/],
      ['classes.small.hazard=-1', /^--set classes\.small\.hazard=-1: classes\.small\.hazard: expected a probability in 0–1, got -1\n$/],
      ['nothing', /--set takes <path>=<value>/],
    ] as const) {
      const r = shakeout('run', 'scenarios/minimal.yaml', '--set', flag, '--runs', '2', '--out', join(scratch, 'never'), '--no-charts');
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(2);
    }
  });
});

describe('shakeout validate', () => {
  it('accepts every shipped scenario', () => {
    const r = shakeout('validate', 'scenarios/');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('scenarios/minimal.yaml: ok');
    expect(r.stderr).toContain('scenarios/china-2024-openai-exit.yaml: ok');
  });

  it('reports every problem as file:line: path: message, exit 2, no stack trace', () => {
    const bad = join(scratch, 'bad.yaml');
    writeFileSync(
      bad,
      ['start: 2024-06', 'months: 12', 'providers:', '  - id: a', '    price: cheap', '    quality: 1', '    unitCost: -1', '    cash: 10', 'classes: {}', 'startups: { initial: 10 }', ''].join('\n'),
    );
    const r = shakeout('validate', bad);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.some((l) => l.startsWith(`${bad}:5: providers.a.price: `))).toBe(true);
    expect(lines.some((l) => l.startsWith(`${bad}:7: providers.a.unitCost: `))).toBe(true);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('with --debug, prints the message once, then the stack frames', () => {
    const bad = join(scratch, 'bad-debug.yaml');
    writeFileSync(bad, ['start: 2024-06', 'months: 12', 'providers:', '  - id: a', '    price: cheap', '    quality: 1', '    unitCost: 2', '    cash: 10', 'classes: {}', 'startups: { initial: 10 }', ''].join('\n'));
    const r = shakeout('--debug', 'validate', bad);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    const message = lines.filter((l) => l.includes(`${bad}:5: providers.a.price: `));
    expect(message).toHaveLength(1);
    expect(lines[0]).toBe(message[0]);
    const frames = lines.slice(lines.findIndex((l) => /^\s+at /.test(l)));
    expect(frames.length).toBeGreaterThan(0);
    for (const line of frames) expect(line).toMatch(/^\s+at /);
    expect(r.stderr).not.toContain('ScenarioError:');
  });

  it('names a missing file', () => {
    const r = shakeout('validate', 'scenarios/nope.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('scenarios/nope.yaml');
  });
});

describe('expectations that cannot be evaluated', () => {
  it('are reported at their own file and line, every one, by validate, run and check', () => {
    const base = join(scratch, 'base-with-expectations.yaml');
    const text =
      readFileSync(join(root, 'scenarios', 'minimal.yaml'), 'utf8').replace('metric: cohort.dead.small.on.leader.fraction', 'metric: cohort.dead.smal.fraction') +
      '  - { name: second, metric: hhi.tokenz, at: end, op: ">=", value: 0 }\n';
    writeFileSync(base, text);
    // The expectations come from the base file: the lines are the base's.
    const child = join(scratch, 'child-of-base.yaml');
    writeFileSync(child, 'extends: base-with-expectations.yaml\nruns: 3\n');
    const lines = text.split('\n');
    const first = lines.findIndex((l) => l.includes('metric: cohort.dead.smal.fraction')) + 1;
    const second = lines.findIndex((l) => l.includes('name: second')) + 1;
    const expected = [
      `${base}:${first}: expect[0].metric: no metric named "cohort.dead.smal.fraction" (did you mean cohort.dead.small.fraction, cohort.dead.fraction?)`,
      `${base}:${second}: expect[1].metric: no metric named "hhi.tokenz" (did you mean hhi.tokens?)`,
    ];
    for (const args of [['validate', child], ['run', child, '--no-charts', '--out', join(scratch, 'never-written')], ['check', child]]) {
      const r = shakeout(...args);
      expect(r.stderr.trimEnd().split('\n'), args[0]).toEqual(expected);
      expect(r.code).toBe(2);
    }
  });
});

describe('an expression that goes wrong during a run', () => {
  it('is named at its file and line, on one worker or two, whether a provider or a set event wrote it', () => {
    const own = join(scratch, 'falling-price.yaml');
    const text = readFileSync(join(root, 'scenarios', 'minimal.yaml'), 'utf8').replace('price: 5 ', 'price: "1.5 - t" ');
    writeFileSync(own, text);
    const priceLine = text.split('\n').findIndex((l) => l.includes('price: "1.5 - t"')) + 1;
    const child = join(scratch, 'price-crash.yaml');
    writeFileSync(child, 'extends: minimal-copy.yaml\nevents:\n  - id: crash\n    at: 2024-08\n    set:\n      providers.rival.price: "price - 10"\n');
    writeFileSync(join(scratch, 'minimal-copy.yaml'), readFileSync(join(root, 'scenarios', 'minimal.yaml'), 'utf8'));
    for (const workers of ['1', '2']) {
      const a = shakeout('run', own, '--runs', '2', '--workers', workers, '--no-charts', '--out', join(scratch, 'never-a'));
      expect(a.stderr).toMatch(new RegExp(`^${own.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${priceLine}: providers\\.leader\\.price: "1.5 - t" gave -0.5 in `));
      expect(a.code).toBe(2);
      const b = shakeout('run', child, '--runs', '2', '--workers', workers, '--no-charts', '--out', join(scratch, 'never-b'));
      expect(b.stderr).toMatch(new RegExp(`^${child.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:6: providers\\.rival\\.price: "price - 10" gave `));
      expect(b.code).toBe(2);
    }
  });
});

describe('shakeout check', () => {
  it('exits 0 when every expectation holds', () => {
    const r = shakeout('check', 'scenarios/minimal.yaml', '--runs', '6');
    expect(r.stderr).toContain('PASS');
    expect(r.code).toBe(0);
  });

  it('exits 1 when one fails, and reads verdicts from a result folder', () => {
    const text = readFileSync(join(root, 'scenarios', 'minimal.yaml'), 'utf8').replace('value: 0.3', 'value: 0.99');
    const file = join(scratch, 'impossible.yaml');
    writeFileSync(file, text);
    const r = shakeout('check', file, '--runs', '4');
    expect(r.stderr).toContain('FAIL');
    expect(r.code).toBe(1);
    const out = join(scratch, 'impossible-results');
    expect(shakeout('run', file, '--runs', '4', '--out', out, '--quiet', '--no-charts').code).toBe(0);
    expect(shakeout('check', out).code).toBe(1);
  });
});

describe('shakeout --help', () => {
  it('shows every command with a usage line, and examples per command', () => {
    const r = shakeout('--help');
    expect(r.code).toBe(0);
    for (const c of ['run', 'check', 'validate']) expect(r.stdout).toContain(c);
    for (const c of ['run', 'check', 'validate']) expect(shakeout(c, '--help').stdout).toMatch(/Usage: shakeout [a-z]+[\s\S]*Example/);
  });
});
