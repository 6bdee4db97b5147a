/**
 * runs.parquet read back by an independent reader: DuckDB, running SQL over
 * the file, must find every value of runs/values.f64 bit for bit, with the
 * run, seed, month, date and metric of its place in that file, and the
 * scenario's name, sha256 and provenance in the key-value metadata.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeResultFolder } from '../../sim/ensemble/run-to-folder.js';
import { buildProvenance } from '../../sim/output/manifest.js';
import { createRunStore } from '../../sim/output/run-store.js';
import { writeRunsParquet } from '../../sim/output/runs-parquet.js';
import { HAND_METRICS, handExecutor, handWorld } from './hand-made.js';
import { tempDir } from './tmp.js';

const MONTHS = 26;
const M = HAND_METRICS.length;

let db: DuckDBInstance;
beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
});
afterAll(() => db.closeSync());

/** Rows of `sql` as JS values (DuckDB's BIGINT as bigint). */
async function query(sql: string, values: string[] = []): Promise<Record<string, unknown>[]> {
  const connection = await db.connect();
  try {
    return (await connection.runAndReadAll(sql, values)).getRowObjectsJS();
  } finally {
    connection.closeSync();
  }
}

/** `YYYY-MM` of month t after June 2024, by the calendar of Date (not the code under test). */
function dateOf(t: number): string {
  const d = new Date(Date.UTC(2024, 5 + t, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

async function folder(runs: number): Promise<string> {
  const out = join(tempDir(), 'result');
  await writeResultFolder(handWorld(), { out, runs, executor: handExecutor(), command: ['shakeout', 'run', 'x.yaml'] });
  return out;
}

describe('runs.parquet', () => {
  /** The values of a folder's runs.parquet (or `file`), placed by run, month and metric name as in values.f64. */
  async function placed(out: string, runs: number, file = join(out, 'runs.parquet')): Promise<Float64Array> {
    const rows = await query(`SELECT run, month, metric, value FROM read_parquet($1)`, [file]);
    expect(rows).toHaveLength(runs * MONTHS * M);
    const values = new Float64Array(runs * MONTHS * M).fill(NaN);
    const seen = new Uint8Array(values.length);
    for (const { run, month, metric, value } of rows) {
      const i = ((run as number) * MONTHS + (month as number)) * M + HAND_METRICS.indexOf(metric as string);
      seen[i]++;
      values[i] = value as number;
    }
    expect(seen.every((n) => n === 1)).toBe(true);
    return values;
  }

  test('DuckDB reads the values of runs/values.f64 bit for bit, with their run, seed, month, date and metric', async () => {
    const out = await folder(4);
    const file = join(out, 'runs.parquet');
    const columns = await query(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet($1))`, [file]);
    expect(columns).toEqual([
      { column_name: 'run', column_type: 'INTEGER' },
      { column_name: 'seed', column_type: 'VARCHAR' },
      { column_name: 'month', column_type: 'INTEGER' },
      { column_name: 'date', column_type: 'VARCHAR' },
      { column_name: 'metric', column_type: 'VARCHAR' },
      { column_name: 'value', column_type: 'DOUBLE' },
    ]);
    // Byte-exact: −0 (price.paid at t = 0) and 1e-7 (deaths) among them.
    const values = readFileSync(join(out, 'runs', 'values.f64'));
    expect(Buffer.from((await placed(out, 4)).buffer).equals(values)).toBe(true);
    // The seed is the scenario's, and each month its calendar date.
    expect(await query(`SELECT DISTINCT seed FROM read_parquet($1)`, [file])).toEqual([{ seed: '7' }]);
    const dates = await query(`SELECT DISTINCT month, date FROM read_parquet($1) ORDER BY month`, [file]);
    expect(dates).toEqual(Array.from({ length: MONTHS }, (_, t) => ({ month: t, date: dateOf(t) })));
  });

  test('row groups that end inside a run, and 0 beside −0 among few distinct values, keep every value bit for bit', async () => {
    // Few distinct values invite a dictionary, and a dictionary keyed by number would merge 0 and −0.
    const shape = { metrics: ['a', 'b.c', 'd-e'], months: 5, runs: 30, start: '2024-11' };
    const dir = tempDir();
    const writer = createRunStore(dir, shape);
    const pick = [0, -0, 1, -0, 0, 2.5, -1, 0];
    for (let r = 0; r < shape.runs; r++) writer.write(r, Float64Array.from({ length: 15 }, (_, i) => pick[(r * 7 + i) % pick.length]));
    const store = writer.finish();
    const file = join(dir, 'runs.parquet');
    const provenance = buildProvenance({ scenario: handWorld().scenario, runs: shape.runs, months: shape.months, start: shape.start });
    await writeRunsParquet(file, store, provenance, { rowGroupRows: 100 });
    // 450 rows in groups of 100: each group after the first starts inside a run (15 rows each).
    const groups = await query(`SELECT count(DISTINCT row_group_id) AS n FROM parquet_metadata($1)`, [file]);
    expect(groups[0].n).toBe(5n);
    const rows = await query(`SELECT run, month, metric, date, value FROM read_parquet($1)`, [file]);
    const fromParquet = new Float64Array(450).fill(NaN);
    for (const { run, month, metric, date, value } of rows) {
      expect(date).toBe(dateOf(5 + (month as number)));
      fromParquet[((run as number) * 5 + (month as number)) * 3 + shape.metrics.indexOf(metric as string)] = value as number;
    }
    expect(rows).toHaveLength(450);
    expect(Buffer.from(fromParquet.buffer).equals(readFileSync(join(dir, 'runs', 'values.f64')))).toBe(true);
  });

  test("each row group's statistics are the minimum and maximum of its rows, a zero minimum as −0", async () => {
    const shape = { metrics: ['a', 'b'], months: 7, runs: 9, start: '2025-01' };
    const dir = tempDir();
    const writer = createRunStore(dir, shape);
    // Group 0 holds 0 and −0 only among its values: its minimum is −0 and its maximum +0 whichever comes first.
    for (let r = 0; r < shape.runs; r++) writer.write(r, Float64Array.from({ length: 14 }, (_, i) => (r < 2 ? (i % 2 ? -0 : 0) : (r - 4) * 1.5 + i / 8)));
    const store = writer.finish();
    const file = join(dir, 'runs.parquet');
    const provenance = buildProvenance({ scenario: handWorld().scenario, runs: shape.runs, months: shape.months, start: shape.start });
    await writeRunsParquet(file, store, provenance, { rowGroupRows: 28 });
    const stats = await query(
      `SELECT row_group_id AS g, path_in_schema AS col, stats_min_value AS lo, stats_max_value AS hi FROM parquet_metadata($1) WHERE path_in_schema IN ('run', 'month', 'value') ORDER BY g, col`,
      [file],
    );
    const rows = await query(`SELECT file_row_number AS i, run, month, value FROM read_parquet($1, file_row_number = true) ORDER BY i`, [file]);
    expect(rows).toHaveLength(126);
    const expected: { g: number; col: string; lo: number; hi: number }[] = [];
    for (let g = 0; g * 28 < rows.length; g++) {
      const part = rows.slice(g * 28, (g + 1) * 28);
      for (const col of ['month', 'run', 'value'] as const) {
        const v = part.map((row) => row[col] as number);
        let lo = Math.min(...v);
        let hi = Math.max(...v);
        // Parquet's rule for floating-point bounds: a zero minimum is −0, a zero maximum +0.
        if (col === 'value' && lo === 0) lo = -0;
        if (col === 'value' && hi === 0) hi = 0;
        expected.push({ g, col, lo, hi });
      }
    }
    // toEqual tells −0 from +0.
    expect(stats.map(({ g, col, lo, hi }) => ({ g: Number(g), col, lo: Number(lo), hi: Number(hi) }))).toEqual(expected);
    expect(Object.is(Number(stats.find((s) => s.g === 0n && s.col === 'value')?.lo), -0)).toBe(true);
  });

  test('a query over the file gives what runs.csv holds', async () => {
    const out = await folder(4);
    const file = join(out, 'runs.parquet');
    const rows = await query(`SELECT run, value FROM read_parquet($1) WHERE metric = 'hhi.tokens' AND date = '2025-06' ORDER BY run`, [file]);
    const csv = readFileSync(join(out, 'runs.csv'), 'utf8').trimEnd().split('\n');
    const at = csv[0].split(',').indexOf('hhi.tokens_t12');
    expect(rows).toEqual(csv.slice(1).map((line, run) => ({ run, value: Number(line.split(',')[at]) })));
  });

  test("the key-value metadata holds the scenario's name, its sha256 and the manifest without times, command or files", async () => {
    const out = await folder(2);
    const kv = await query(`SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata($1) ORDER BY key`, [join(out, 'runs.parquet')]);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    // The provenance leaves out what a commit or an update that changes no result would change, too.
    const { createdAt, wallTimeSeconds, command, files, shakeoutCommit, shakeoutTreeModified, nodeVersion, ...provenance } = manifest;
    expect([createdAt, wallTimeSeconds, command, files].every((x) => x !== undefined)).toBe(true);
    expect(kv.map((r) => r.key)).toEqual(['shakeout.manifest', 'shakeout.scenario_name', 'shakeout.scenario_sha256']);
    expect(kv[1].value).toBe('Tiny world');
    expect(kv[2].value).toBe(manifest.scenarioSha256);
    expect(JSON.parse(kv[0].value as string)).toEqual(provenance);
  });

  test('is listed in the manifest', async () => {
    const out = await folder(2);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).files).toContain('runs.parquet');
  });
});
