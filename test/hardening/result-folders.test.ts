/**
 * Result folders you receive are untrusted (docs/security.md): every reader
 * of a folder (chart, report, check, resume) reads a file only when it is a
 * regular file within a size bound, checks the shape of manifest.json and
 * summary.json and every row of timeseries.csv against the manifest, and
 * refuses anything else with one line naming the file (and the line or
 * field), exit code 2. A device or a pipe is never read, so nothing hangs
 * or fills memory.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { UsageError } from '../../sim/errors.js';
import { metricFamilies } from '../../sim/model/metrics.js';
import { MAX_METRIC_NAME_LENGTH } from '../../sim/output/folder-schema.js';
import { MAX_MANIFEST_BYTES, readResultFolder, readSummary } from '../../sim/output/read-folder.js';
import { MAX_ID_LENGTH } from '../../sim/scenario/limits.js';
import { writeResultFolder } from '../../sim/ensemble/run-to-folder.js';
import { handExecutor, handWorld } from '../output/hand-made.js';
import { tempDir } from '../output/tmp.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
const RUNS = 4;
const MONTHS = 26;
const command = ['shakeout', 'run', 'x.yaml'];

// One folder as shakeout writes it, for the whole file (tempDir() folders go after each test).
const scratch = mkdtempSync(join(tmpdir(), 'shakeout-received-'));
const pristine = join(scratch, 'pristine');
beforeAll(() => writeResultFolder(handWorld(), { out: pristine, runs: RUNS, executor: handExecutor(), command }));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A fresh copy of a complete result folder, edited by `tamper`. */
function folder(tamper: (dir: string) => void = () => {}): string {
  const dir = join(tempDir(), 'result');
  cpSync(pristine, dir, { recursive: true });
  tamper(dir);
  return dir;
}

const editJson = (dir: string, file: string, change: (value: Record<string, unknown>) => unknown) => {
  const path = join(dir, file);
  const value = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  writeFileSync(path, JSON.stringify(change(value) ?? value, null, 2));
};

const editLines = (dir: string, change: (lines: string[]) => string[]) => {
  const path = join(dir, 'timeseries.csv');
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.pop();
  writeFileSync(path, change(lines).join('\n') + '\n');
};

/** The UsageError message reading `dir` gives (the manifest and rows, then the summary). */
function refusal(dir: string): string {
  try {
    readResultFolder(dir);
    readSummary(dir);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('the folder was accepted');
}

describe('special files are refused without being read', () => {
  test('manifest.json: a symbolic link to /dev/zero (used to exhaust memory)', () => {
    const dir = folder((d) => {
      rmSync(join(d, 'manifest.json'));
      symlinkSync('/dev/zero', join(d, 'manifest.json'));
    });
    expect(refusal(dir)).toBe(`${dir}/manifest.json: not a regular file (a device, a named pipe or a socket), so it is not read; was the result folder damaged or edited?`);
  });

  test('manifest.json, timeseries.csv and summary.json as named pipes (used to hang)', () => {
    for (const file of ['manifest.json', 'runs/index.json', 'timeseries.csv', 'summary.json']) {
      const dir = folder((d) => {
        rmSync(join(d, file));
        mkfifo(join(d, file));
      });
      expect(refusal(dir)).toMatch(new RegExp(`^${dir}/${file}: not a regular file`));
    }
  });

  test('a folder where a file belongs', () => {
    const dir = folder((d) => {
      rmSync(join(d, 'summary.json'));
      mkdirSync(join(d, 'summary.json'));
    });
    expect(refusal(dir)).toBe(`${dir}/summary.json: a folder, not a file; was the result folder damaged or edited?`);
  });

  test('a manifest.json past its size bound is refused before it is read', () => {
    const dir = folder((d) => truncateSync(join(d, 'manifest.json'), MAX_MANIFEST_BYTES + 1));
    expect(refusal(dir)).toBe(`${dir}/manifest.json: larger than 16 MiB, more than shakeout writes for this run; was the result folder damaged or edited?`);
  });
});

describe('manifest.json and summary.json: shapes checked, one line naming the file and field', () => {
  const cases: [string, string, (dir: string) => void, string][] = [
    ['manifest.json is null', 'manifest.json', (d) => writeFileSync(join(d, 'manifest.json'), 'null\n'), 'expected a JSON object'],
    ['summary.json is null', 'summary.json', (d) => writeFileSync(join(d, 'summary.json'), 'null\n'), 'expected a JSON object'],
    ['manifest.json is a list', 'manifest.json', (d) => writeFileSync(join(d, 'manifest.json'), '[1]\n'), 'expected a JSON object'],
    ['markup where runs belongs', 'manifest.json', (d) => editJson(d, 'manifest.json', (m) => void (m.runs = '<img src=x onerror=alert(1)>')), 'runs: expected a number, got "<img src=x onerror=alert(1)>"'],
    ['markup where months belongs', 'manifest.json', (d) => editJson(d, 'manifest.json', (m) => void (m.months = '<b>26</b>')), 'months: expected a number, got "<b>26</b>"'],
    ['markup where wall time belongs', 'manifest.json', (d) => editJson(d, 'manifest.json', (m) => void (m.wallTimeSeconds = '<i>')), 'wallTimeSeconds: expected a number, got "<i>"'],
    ['a start that is not a month', 'manifest.json', (d) => editJson(d, 'manifest.json', (m) => void (m.start = '<script>')), 'start: expected a month written YYYY-MM, got "<script>"'],
    ['a scenario that is not one', 'manifest.json', (d) => editJson(d, 'manifest.json', (m) => void ((m.scenario as { providers: unknown }).providers = 'x')), 'scenario.providers: expected a list, got "x"'],
    ['months past the limit', 'manifest.json', (d) => editJson(d, 'manifest.json', (m) => void (m.months = 2000)), 'months: expected a number ≤ 1200, got 2000'],
    ['markup where the commit belongs', 'manifest.json', (d) => editJson(d, 'manifest.json', (m) => void (m.shakeoutCommit = '<img src=x onerror=alert(1)>')), 'shakeoutCommit: expected a git commit: 40 or 64 hexadecimal digits'],
    ['text where the tree state belongs', 'manifest.json', (d) => editJson(d, 'manifest.json', (m) => void (m.shakeoutTreeModified = 'yes')), 'shakeoutTreeModified: expected true or false, got "yes"'],
    ['months that disagree with the scenario', 'manifest.json', (d) => editJson(d, 'manifest.json', (m) => void (m.months = 30)), 'months: 30, but scenario.months says 26'],
    ['runs in summary.json that disagree with the manifest', 'summary.json', (d) => editJson(d, 'summary.json', (s) => void (s.runs = 5)), 'runs: 5, but manifest.json says 4'],
    ['markup where an end month belongs', 'summary.json', (d) => editJson(d, 'summary.json', (s) => void (s.end = '<img>')), 'end: expected a month written YYYY-MM, got "<img>"'],
    ['markup where an expectation value belongs', 'summary.json', (d) => editJson(d, 'summary.json', (s) => void ((s.expectations as Record<string, unknown>[])[1].value = '<img>')), 'expectations[1].value: expected a number, got "<img>"'],
    ['a band outside the run', 'summary.json', (d) => editJson(d, 'summary.json', (s) => void ((s.hhiTokens as Record<string, unknown>[])[0].month = 99)), 'hhiTokens[0].month: month 99 is outside the run (t = 0 to 25)'],
    ['not JSON', 'summary.json', (d) => writeFileSync(join(d, 'summary.json'), '{\n  "runs": 4,\n}\n'), ''],
    ['markup where a verdict belongs', 'summary.json', (d) => editJson(d, 'summary.json', (s) => void ((s.expectations as Record<string, unknown>[])[0].verdict = '<b>PASS</b>')), 'expectations[0].verdict: expected "PASS" or "FAIL" or "INCONCLUSIVE", got "<b>PASS</b>"'],
    ['a pass that says otherwise than the verdict', 'summary.json', (d) => editJson(d, 'summary.json', (s) => void ((s.expectations as Record<string, unknown>[])[0].pass = true)), 'expectations[0].pass: pass must be true exactly when the verdict is PASS'],
    ['a count to settle that is not a whole number', 'summary.json', (d) => editJson(d, 'summary.json', (s) => void ((s.expectations as Record<string, unknown>[])[0].runsToSettle = 'soon')), 'expectations[0].runsToSettle: expected a number, got "soon"'],
  ];
  test.each(cases)('%s', (_, file, tamper, why) => {
    const dir = folder(tamper);
    const message = refusal(dir);
    if (why) expect(message).toBe(`${dir}/${file}: ${why}; was the result folder damaged or edited?`);
    else expect(message).toBe(`${dir}/${file}:3: not valid JSON; was the result folder damaged or edited?`);
    expect(message).not.toContain('\n');
  });
});

describe('runs/index.json: the metric names of the run, checked against the manifest', () => {
  const index = 'runs/index.json';
  const cases: [string, (dir: string) => void, string][] = [
    ['a symbolic link to /dev/zero', (d) => (rmSync(join(d, index)), symlinkSync('/dev/zero', join(d, index))), `${index}: not a regular file`],
    ['missing', (d) => rmSync(join(d, index)), `: no ${index}; is this a finished result folder?`],
    ['null', (d) => writeFileSync(join(d, index), 'null\n'), `${index}: expected a JSON object;`],
    ['another format', (d) => editJson(d, index, (i) => void (i.format = 'shakeout-runs/9')), `${index}: format: expected "shakeout-runs/1", got "shakeout-runs/9";`],
    ['markup where a metric name belongs', (d) => editJson(d, index, (i) => void ((i.metrics as unknown[])[0] = ['<img>'])), `${index}: metrics[0]: expected text, got a list;`],
    ['a metric name past its bound', (d) => editJson(d, index, (i) => void ((i.metrics as unknown[])[0] = 'x'.repeat(10_000))), `${index}: metrics[0]: expected a metric name of at most 512 characters;`],
    ['no metrics', (d) => editJson(d, index, (i) => void (i.metrics = [])), `${index}: metrics: expected a list of at least 1, got 0;`],
    ['a metric listed twice', (d) => editJson(d, index, (i) => void ((i.metrics as unknown[])[1] = 'hhi.tokens')), `${index}: metrics[1]: "hhi.tokens" is listed twice;`],
    ['months that disagree with the manifest', (d) => editJson(d, index, (i) => void (i.months = 30)), `${index}: months: 30, but manifest.json says 26;`],
    ['a metric that does not fit its family', (d) => editJson(d, index, (i) => void ((i.metrics as string[])[8] = 'flows.a.zz')), `${index}: metrics[8]: "flows.a.zz" does not fit its family's pattern "deaths";`],
    // An index without families (as folders written before them have) leaves the disagreement to the rows.
    ['a metric the rows do not have', (d) => editJson(d, index, (i) => void (((i.metrics as string[])[8] = 'flows.a.zz'), delete i.families)), 'timeseries.csv:210: "deaths" is not a metric of this run\'s scenario'],
  ];
  test('every metric a scenario can have is within the bound on names', () => {
    for (const f of metricFamilies) expect(f.pattern.length + 2 * MAX_ID_LENGTH, f.pattern).toBeLessThanOrEqual(MAX_METRIC_NAME_LENGTH);
  });

  test.each(cases)('%s', (_, tamper, why) => {
    const dir = folder(tamper);
    const message = refusal(dir);
    expect(message.startsWith(why.startsWith(':') ? `${dir}${why}` : `${dir}/${why}`), message).toBe(true);
    expect(message).not.toContain('\n');
  });
});

test('a manifest written before shakeout recorded its commit still reads, the commit as not known', () => {
  const dir = folder((d) =>
    editJson(d, 'manifest.json', (m) => {
      delete m.shakeoutCommit;
      delete m.shakeoutTreeModified;
    }),
  );
  const { manifest } = readResultFolder(dir);
  expect(manifest.shakeoutCommit).toBeNull();
  expect(manifest.shakeoutTreeModified).toBeNull();
  expect(manifest.runs).toBe(RUNS);
});

describe('timeseries.csv: every row checked against the manifest', () => {
  const cases: [string, (lines: string[]) => string[], string][] = [
    ['100,000 extra rows: past the size bound, not read', extraRows(100_000), `: larger than`],
    ['a few extra rows: a metric a second time', extraRows(3), ':236: the rows of "deaths" appear twice'],
    ['a row cut from a metric', (l) => l.filter((_, i) => i !== 52), ':53: expected the row of "hhi.customers" at t = 25, got "providers.active": its 26 months are not all there'],
    ['the file cut short within a metric', (l) => l.slice(0, 40), ': ends in the rows of "hhi.customers", with 13 of its 26 months'],
    ['a metric the scenario cannot have', (l) => l.map((x) => x.replace(/^deaths,/, 'flows.a.zz,')), ':210: "flows.a.zz" is not a metric of this run\'s scenario'],
    ['too few fields', (l) => l.map((x, i) => (i === 4 ? x.replace(/,[^,]*$/, '') : x)), ':5: 9 fields, expected 10 (metric,month,date,mean,sd,p05,p50,p95,ci_low,ci_high)'],
    ['text where a number belongs', (l) => l.map((x, i) => (i === 4 ? x.replace(/,[^,]*$/, ',<img src=x>') : x)), ':5: ci_high: expected a number, got "<img src=x>"'],
    ['an infinite number', (l) => l.map((x, i) => (i === 4 ? x.replace(/^([^,]*,[^,]*,[^,]*),[^,]*/, '$1,1e999') : x)), ':5: mean: expected a number, got "1e999"'],
    ['a hex number', (l) => l.map((x, i) => (i === 4 ? x.replace(/^([^,]*,[^,]*,[^,]*),[^,]*/, '$1,0x10') : x)), ':5: mean: expected a number, got "0x10"'],
    ['months out of order', (l) => l.map((x, i) => (i === 4 ? x.replace(/^hhi.tokens,3,/, 'hhi.tokens,7,') : x)), ':5: month: expected 3, got "7"'],
    ['a date that is not its month', (l) => l.map((x, i) => (i === 4 ? x.replace('2024-09', '2031-01') : x)), ':5: date: expected 2024-09 (t = 3 from 2024-06), got "2031-01"'],
    ['another header', (l) => ['metric,month,date,mean', ...l.slice(1)], ': unexpected header "metric,month,date,mean"; was it written by another version of shakeout?'],
  ];
  test.each(cases)('%s', (_, change, why) => {
    const dir = folder((d) => editLines(d, change));
    const message = refusal(dir);
    expect(message.startsWith(`${dir}/timeseries.csv${why}`), message).toBe(true);
    expect(message).not.toContain('\n');
  });

  test('the folder as written reads back whole', () => {
    const read = readResultFolder(folder());
    expect(read.timeseries).toHaveLength(9 * MONTHS);
    expect(readSummary(read.dir, read.manifest).runs).toBe(RUNS);
  });
});

describe('resume reads the folder it would reuse with the same rules', () => {
  test('an <out> whose manifest.json is /dev/zero is not taken for this result, and not read', async () => {
    const dir = folder((d) => {
      rmSync(join(d, 'manifest.json'));
      symlinkSync('/dev/zero', join(d, 'manifest.json'));
    });
    const e = await writeResultFolder(handWorld(), { out: dir, runs: RUNS, executor: handExecutor(), command, resume: true }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    // Not a result (its manifest is no manifest), so not replaceable either: see docs/security.md, "Your files are never removed".
    expect((e as Error).message).toMatch(new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is a folder, not a shakeout result`));
  });

  test('an <out> whose summary.json was edited is not taken for this result', async () => {
    const dir = folder((d) => editJson(d, 'summary.json', (s) => void (s.runs = 'four')));
    const e = await writeResultFolder(handWorld(), { out: dir, runs: RUNS, executor: handExecutor(), command, resume: true }).catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/already exists/);
  });
});

describe('through the CLI: exit 2 and one line naming the file', () => {
  // One command per attack: each reader goes through read-folder.ts, tested above.
  const attacks: [string, string, (dir: string) => void, string][] = [
    ['report', 'manifest.json → /dev/zero', (d) => (rmSync(join(d, 'manifest.json')), symlinkSync('/dev/zero', join(d, 'manifest.json'))), 'manifest.json: not a regular file'],
    ['chart', 'manifest.json a named pipe', (d) => (rmSync(join(d, 'manifest.json')), mkfifo(join(d, 'manifest.json'))), 'manifest.json: not a regular file'],
    ['check', 'manifest.json null', (d) => writeFileSync(join(d, 'manifest.json'), 'null'), 'manifest.json: expected a JSON object'],
    ['report', 'summary.json null', (d) => writeFileSync(join(d, 'summary.json'), 'null'), 'summary.json: expected a JSON object'],
    ['check', 'summary.json a named pipe', (d) => (rmSync(join(d, 'summary.json')), mkfifo(join(d, 'summary.json'))), 'summary.json: not a regular file'],
    ['chart', 'runs as markup', (d) => editJson(d, 'manifest.json', (m) => void (m.runs = '<img src=x onerror=alert(1)>')), 'manifest.json: runs: expected a number'],
    ['report', '100,000 extra rows', (d) => editLines(d, extraRows(100_000)), 'timeseries.csv: larger than'],
    ['chart', '10 extra rows', (d) => editLines(d, extraRows(10)), 'timeseries.csv:236: the rows of "deaths" appear twice'],
  ];
  const flags: Record<string, string[]> = { report: ['--quiet'], chart: ['--format', 'svg', '--quiet'], check: ['--quiet'] };
  test.each(attacks)('%s: %s', async (verb, _, tamper, start) => {
    const dir = folder(tamper);
    const r = await shakeout([verb, dir, ...flags[verb]]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.startsWith(`${dir}/${start}`), r.stderr).toBe(true);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

function extraRows(n: number) {
  return (lines: string[]) => [...lines, ...Array.from({ length: n }, (_, i) => `deaths,${i % MONTHS},2024-06,1,1,1,1,1,1,1`)];
}

function mkfifo(path: string): void {
  if (spawnSync('mkfifo', [path]).status !== 0) throw new Error(`mkfifo ${path} failed`);
}

/** Runs the CLI, killed after 20 s (a hang then fails the test on its exit code). */
function shakeout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}
