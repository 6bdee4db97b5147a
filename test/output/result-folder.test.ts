import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { toArray } from '../async.js';
import { aggregate } from '../../sim/ensemble/aggregate.js';
import { UsageError } from '../../sim/errors.js';
import { canonicalJson, sha256Hex } from '../../sim/output/canonical-json.js';
import { writeResultFolder } from '../../sim/ensemble/run-to-folder.js';
import { readResultFolder } from '../../sim/output/result-folder.js';
import { readSummary } from '../../sim/output/read-folder.js';
import { openRunStore } from '../../sim/output/run-store.js';
import { runsCsvColumns } from '../../sim/output/runs-csv.js';
import { timeseriesLine } from '../../sim/output/timeseries-csv.js';
import { executorOf } from '../ensemble/executors.js';
import { compile } from '../../sim/model/compile.js';
import { loadScenario } from '../../sim/scenario/load.js';
import { handExecutor, handWorld, HAND_METRICS } from './hand-made.js';
import { handCompiled } from '../ensemble/fixtures.js';
import { csvLine, formatNumber, parseCsvLine } from '../../sim/output/format.js';
import { tempDir } from './tmp.js';
import { files } from '../folder-files.js';

const write = (out: string, extra: { force?: boolean; runs?: number; executor?: ReturnType<typeof handExecutor> } = {}) =>
  writeResultFolder(handWorld(), { out, runs: extra.runs ?? 4, force: extra.force, executor: extra.executor ?? handExecutor(), command: ['shakeout', 'run', 'x.yaml'] });

const DETERMINISTIC = ['timeseries.csv', 'runs.csv', 'runs.parquet', 'summary.json', 'summary.md', 'runs/values.f64', 'runs/index.json'];

describe('writeResultFolder', () => {
  test('writes the layout and a manifest, leaving nothing else behind', async () => {
    const parent = tempDir();
    const out = join(parent, 'result');
    const { manifest } = await write(out);
    expect(readdirSync(parent)).toEqual(['result']);
    expect(readdirSync(out).sort()).toEqual(['manifest.json', 'runs', 'runs.csv', 'runs.parquet', 'summary.json', 'summary.md', 'timeseries.csv']);
    expect(readdirSync(join(out, 'runs')).sort()).toEqual(['index.json', 'values.f64']);
    const onDisk = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(onDisk).toEqual(manifest);
    const scenario = handWorld().scenario;
    expect(manifest).toMatchObject({
      format: 'shakeout-result/1',
      shakeoutVersion: JSON.parse(readFileSync('package.json', 'utf8')).version,
      scenarioName: 'Tiny world',
      scenarioSha256: sha256Hex(canonicalJson(scenario)),
      seed: 7,
      runs: 4,
      months: 26,
      start: '2024-06',
      command: ['shakeout', 'run', 'x.yaml'],
      nodeVersion: process.version,
      files: ['runs.csv', 'runs.parquet', 'runs/index.json', 'runs/values.f64', 'summary.json', 'summary.md', 'timeseries.csv'],
    });
    expect(manifest.scenario).toEqual(scenario);
    expect(new Date(manifest.createdAt).toISOString()).toBe(manifest.createdAt);
    expect(manifest.wallTimeSeconds).toBeGreaterThanOrEqual(0);
  });

  test('everything but the manifest is byte-identical across runs', async () => {
    const a = join(tempDir(), 'a');
    const b = join(tempDir(), 'b');
    await write(a);
    await write(b);
    for (const f of DETERMINISTIC) expect(readFileSync(join(b, f)), f).toEqual(readFileSync(join(a, f)));
  });

  test('an existing result is left untouched without --force, before any run', async () => {
    const parent = tempDir();
    const out = join(parent, 'result');
    await write(out, { runs: 2 });
    const before = files(out);
    const executor = handExecutor();
    await expect(write(out, { executor })).rejects.toThrow(UsageError);
    await expect(write(out, { executor })).rejects.toThrow(`${out} already exists; use --force to replace it`);
    expect(executor.calls).toBe(0);
    expect(files(out)).toEqual(before);
    expect(readdirSync(parent)).toEqual(['result']);
  });

  test('--force replaces a result, leaving no trace of the old one', async () => {
    const parent = tempDir();
    const out = join(parent, 'result');
    await write(out, { runs: 2 });
    await write(out, { force: true });
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).runs).toBe(4);
    expect(readdirSync(parent)).toEqual(['result']);
  });

  test('--force does not replace a folder that is not a result: refused before any run, the folder as it was', async () => {
    const parent = tempDir();
    const out = join(parent, 'result');
    mkdirSync(out);
    writeFileSync(join(out, 'mine.txt'), 'keep me');
    const executor = handExecutor();
    await expect(write(out, { force: true, executor })).rejects.toThrow(
      `${out} is a folder, not a shakeout result (a folder with shakeout's manifest.json and no PARTIAL marker), so shakeout will not replace it, even with --force; choose another folder with --out, or move ${out} away first`,
    );
    expect(executor.calls).toBe(0);
    expect(readdirSync(out)).toEqual(['mine.txt']);
    expect(readdirSync(parent)).toEqual(['result']);
  });

  test('a failure removes the partial folder and keeps the old one', async () => {
    const parent = tempDir();
    const out = join(parent, 'result');
    await write(out, { runs: 2 });
    const before = files(out);
    const broken = executorOf(1, async () => new Float64Array(1));
    await expect(write(out, { force: true, executor: broken as never })).rejects.toThrow(RangeError);
    expect(readdirSync(parent)).toEqual(['result']);
    expect(files(out)).toEqual(before);
  });

  test('a trailing slash still builds beside the target, not inside it', async () => {
    const parent = tempDir();
    const { dir } = await write(join(parent, 'result') + '/');
    expect(dir).toBe(join(parent, 'result'));
    expect(readdirSync(parent)).toEqual(['result']);
    expect(readdirSync(dir)).toContain('timeseries.csv');
  });

  test('a bad expectation fails before any run and creates nothing', async () => {
    const parent = tempDir();
    const out = join(parent, 'result');
    const executor = handExecutor();
    const bad = handWorld([{ name: 'typo', metric: 'hhi.token', at: 'end', op: '>=', value: 1 }]);
    await expect(writeResultFolder(bad, { out, runs: 2, executor })).rejects.toThrow('did you mean hhi.tokens');
    expect(executor.calls).toBe(0);
    expect(readdirSync(parent)).toEqual([]);
  });
});

describe('readResultFolder', () => {
  test('reads back the manifest and the rows the aggregator wrote', async () => {
    const out = join(tempDir(), 'result');
    const { manifest } = await write(out);
    const folder = readResultFolder(out);
    expect(folder.manifest).toEqual(manifest);
    const rows = await toArray(aggregate(openRunStore(out)));
    // Compared as text: the file keeps no −0, the aggregator may yield one.
    expect(folder.timeseries.map(timeseriesLine)).toEqual(rows.map(timeseriesLine));
    expect(folder.timeseries[1]).toEqual(rows[1]);
  });

  test('one run: sd and interval are empty fields, read back as NaN', async () => {
    const out = join(tempDir(), 'result');
    await write(out, { runs: 1 });
    const line = readFileSync(join(out, 'timeseries.csv'), 'utf8').split('\n')[1];
    expect(line).toBe('hhi.tokens,0,2024-06,2000,,2000,2000,2000,,');
    const row = readResultFolder(out).timeseries[0];
    expect(row.sd).toBeNaN();
    expect(row.ciLow).toBeNaN();
  });

  test('a summary.json from before verdicts, with `pass` alone, reads as PASS or FAIL as it was written', async () => {
    const out = join(tempDir(), 'result');
    await write(out);
    const path = join(out, 'summary.json');
    const summary = JSON.parse(readFileSync(path, 'utf8'));
    const written = Object.keys(summary.expectations[0]);
    expect(written).toContain('verdict');
    // As 0.1.0 wrote them: the verdict was `fraction >= probability`, 2 of 4 ≥ 0.5 and 3 of 4 < 0.8.
    summary.expectations = summary.expectations.map(({ verdict: _v, runsToSettle: _r, ...e }: Record<string, unknown>) => ({ ...e, pass: e.fraction as number >= (e.probability as number) }));
    writeFileSync(path, JSON.stringify(summary, null, 2));
    const read = readSummary(out).expectations;
    expect(read.map((e) => [e.name, e.verdict, e.pass, e.runsToSettle])).toEqual([
      ['concentration', 'PASS', true, null],
      ['bloodbath', 'FAIL', false, null],
    ]);
    // The same fields, in the order a new folder writes them.
    expect(Object.keys(read[0])).toEqual(written);
  });

  test('summary.json: a relative verdict reads back with its baseline; one with both a value and a baseline is refused', async () => {
    const out = join(tempDir(), 'result');
    await write(out);
    const path = join(out, 'summary.json');
    const summary = JSON.parse(readFileSync(path, 'utf8'));
    const { value: _value, ...rest } = summary.expectations[0];
    summary.expectations[0] = { ...rest, baseline: 'no-exit.yaml', ratio: 2 };
    writeFileSync(path, JSON.stringify(summary, null, 2));
    expect(readSummary(out).expectations[0]).toMatchObject({ baseline: 'no-exit.yaml', ratio: 2 });
    expect(readSummary(out).expectations[0]).not.toHaveProperty('value');
    summary.expectations[0] = { ...summary.expectations[0], value: 1 };
    writeFileSync(path, JSON.stringify(summary, null, 2));
    expect(() => readSummary(out)).toThrow('expected either a value, or a baseline with a ratio or a difference');
    summary.expectations[0] = { ...rest, baseline: 'no-exit.yaml', ratio: 2, difference: 0 };
    writeFileSync(path, JSON.stringify(summary, null, 2));
    expect(() => readSummary(out)).toThrow('expected either a value, or a baseline with a ratio or a difference');
  });

  test('a folder without a manifest is a usage error', () => {
    expect(() => readResultFolder(tempDir())).toThrow('is not a result folder');
  });
});

describe('runs.csv columns', () => {
  const tiny = { name: 'Tiny world', seed: 7, classes: ['small'], expectations: [] };
  const names = (months: number, scenario = tiny) => runsCsvColumns(HAND_METRICS, months, '2024-06', scenario).map((c) => c.name);

  test('final values of every metric, then key metrics at t12 and t24 within the run', () => {
    expect(names(26).slice(0, HAND_METRICS.length)).toEqual(HAND_METRICS);
    expect(names(26).slice(HAND_METRICS.length)).toEqual([
      'hhi.tokens_t12', 'hhi.tokens_t24',
      'hhi.customers_t12', 'hhi.customers_t24',
      'providers.active_t12', 'providers.active_t24',
      'startups.alive_t12', 'startups.alive_t24',
      'cohort.dead.fraction_t12', 'cohort.dead.fraction_t24',
      'cohort.dead.small.fraction_t12', 'cohort.dead.small.fraction_t24',
    ]);
    expect(names(13)).toContain('hhi.tokens_t12');
    expect(names(13)).not.toContain('hhi.tokens_t24');
    expect(names(12).some((n) => /_t\d+$/.test(n))).toBe(false);
  });

  test("the key-month columns of a class come from the scenario's classes, not from the look of a name", () => {
    expect(names(26, { ...tiny, classes: [] })).not.toContain('cohort.dead.small.fraction_t12');
    expect(names(26)).not.toContain('cohort.dead.small.on.a.fraction_t12');
  });

  test("every expectation's metric at its month, once", () => {
    const expectations = [
      { metric: 'price.paid', at: '2024-09' }, // t = 3: a new column
      { metric: 'hhi.tokens', at: '2025-06' }, // t = 12: hhi.tokens_t12 is there already
      { metric: 'deaths', at: 'end' }, // the last month: deaths is there already
      { metric: 'price.paid', at: '2024-09' }, // twice: one column
    ];
    const columns = runsCsvColumns(HAND_METRICS, 26, '2024-06', { ...tiny, expectations });
    const added = columns.slice(HAND_METRICS.length + 12);
    expect(added).toEqual([{ name: 'price.paid_t3', metric: HAND_METRICS.indexOf('price.paid'), month: 3 }]);
  });

  test('names are syntactic in R: a - in an id is written _, and a name taken twice gets _2', () => {
    const metrics = ['share.tokens.azure-cn', 'share.tokens.azure_cn', 'flows.azure-cn.openai', 'cohort.dead.big-co.fraction'];
    const columns = runsCsvColumns(metrics, 13, '2024-06', { ...tiny, classes: ['big-co'] }).map((c) => c.name);
    expect(columns).toEqual(['share.tokens.azure_cn', 'share.tokens.azure_cn_2', 'flows.azure_cn.openai', 'cohort.dead.big_co.fraction', 'cohort.dead.big_co.fraction_t12']);
  });
});

describe('runs.csv', () => {
  // R's rule for a syntactic name (?make.names): letters, digits, "." and "_", starting with a letter or a dot not followed by a digit.
  const R_NAME = /^([A-Za-z]|\.(?![0-9]))[A-Za-z0-9._]*$/;
  const R_RESERVED = new Set(['if', 'else', 'repeat', 'while', 'function', 'for', 'next', 'break', 'TRUE', 'FALSE', 'NULL', 'Inf', 'NaN', 'NA', 'in']);

  test('has names R takes as they are, once each, for the shipped 2024 scenario', () => {
    const compiled = compile(loadScenario('scenarios/china-2024-openai-exit.yaml').scenario);
    const scenario = { name: 'x', seed: 1, classes: Object.keys(compiled.scenario.classes), expectations: compiled.scenario.expect };
    const columns = ['run', 'scenario', 'seed', ...runsCsvColumns(compiled.metricNames, compiled.months, compiled.start, scenario).map((c) => c.name)];
    expect(compiled.metricNames.some((m) => m.includes('-'))).toBe(true);
    expect(columns.filter((c) => !R_NAME.test(c) || R_RESERVED.has(c))).toEqual([]);
    expect(new Set(columns).size).toBe(columns.length);
  });

  test('quotes a scenario name and seed that need it on every row, and writes each row as csvLine would', async () => {
    const out = join(tempDir(), 'result');
    const name = 'A, "quoted" world';
    await writeResultFolder(handCompiled(HAND_METRICS, 26, { name, seed: 'x,"y"' }), { out, runs: 3, executor: handExecutor(), command: ['shakeout', 'run', 'x.yaml'] });
    const [header, ...lines] = readFileSync(join(out, 'runs.csv'), 'utf8').trimEnd().split('\n');
    const store = openRunStore(out);
    const last = await store.cells(HAND_METRICS.map((_, metric) => ({ metric, month: 25 })));
    expect(lines.map(parseCsvLine).map((f) => f.slice(0, 3))).toEqual([0, 1, 2].map((r) => [String(r), name, 'x,"y"']));
    lines.forEach((line, r) => {
      const fields = parseCsvLine(line);
      expect(`${line}\n`).toBe(csvLine(fields));
      // The metrics at the last month follow, in the store's order, as formatNumber writes them.
      expect(fields.slice(3, 3 + HAND_METRICS.length)).toEqual(last.map((column) => formatNumber(column[r])));
    });
    expect(parseCsvLine(header).slice(0, 3)).toEqual(['run', 'scenario', 'seed']);
  });

  test("holds run, scenario and seed, and each expectation's metric at its month", async () => {
    const out = join(tempDir(), 'result');
    await write(out, { runs: 3 });
    const [header, ...rows] = readFileSync(join(out, 'runs.csv'), 'utf8').trimEnd().split('\n').map((l) => l.split(','));
    expect(header.slice(0, 3)).toEqual(['run', 'scenario', 'seed']);
    expect(rows.map((r) => r.slice(0, 3))).toEqual([['0', 'Tiny world', '7'], ['1', 'Tiny world', '7'], ['2', 'Tiny world', '7']]);
    // The hand world's expectations: hhi.tokens at the end, cohort.dead.small.fraction in 2025-06 (t = 12).
    const store = openRunStore(out);
    const cells = await store.cells([
      { metric: HAND_METRICS.indexOf('hhi.tokens'), month: 25 },
      { metric: HAND_METRICS.indexOf('cohort.dead.small.fraction'), month: 12 },
    ]);
    expect(rows.map((r) => Number(r[header.indexOf('hhi.tokens')]))).toEqual([...cells[0]]);
    expect(rows.map((r) => Number(r[header.indexOf('cohort.dead.small.fraction_t12')]))).toEqual([...cells[1]]);
  });
});
