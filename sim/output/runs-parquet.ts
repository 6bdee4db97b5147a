/**
 * runs.parquet: every value of every run in long ("tidy") form, one row per
 * run, month and metric, for DuckDB, arrow, polars, pandas or R.
 *
 * Columns (none nullable):
 *   run      INT32    the replication index, 0-based, as in runs.csv
 *   seed     STRING   the scenario's seed as `--seed` takes it: with `run`
 *                     it keys the run's random numbers (MODEL.md section 10)
 *   month    INT32    t, 0-based
 *   date     STRING   `YYYY-MM` of month t, as in timeseries.csv
 *   metric   STRING   the metric's name (runs/index.json)
 *   value    DOUBLE   the value, bit for bit as in runs/values.f64
 *
 * Rows are in the order of runs/values.f64 (run, then month, then metric in
 * the order of runs/index.json), in row groups of ROW_GROUP_ROWS rows, so
 * memory stays flat in the number of runs. The file's key-value metadata
 * holds the scenario's name, its sha256 and the run's provenance (the
 * manifest without its timestamps, duration, command line and file list,
 * manifest.ts), so the file is byte-identical across repeated runs.
 *
 * Written by hyparquet-writer (pure JavaScript, Snappy): the strings
 * dictionary-encoded, `run` and `month` delta-encoded (a dictionary of
 * numbers costs a map look-up per row and saves nothing here), statistics on
 * `run`, `month` and `value` only (the strings' minimum and maximum span
 * every row group, so they would prune nothing).
 */
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { monthLabel } from '../calendar.js';
import { type AtomicWriter, createAtomicWriter } from './atomic-write.js';
import type { RunProvenance } from './manifest.js';
import type { ReadOptions, RunStoreReader } from './run-store.js';

export const RUNS_PARQUET_FILE = 'runs.parquet';

/** Rows per row group: a few MiB of values, large enough for readers to scan well. */
export const ROW_GROUP_ROWS = 1 << 18;

/** Keys of the file's key-value metadata. */
export const PARQUET_KEYS = {
  scenarioName: 'shakeout.scenario_name',
  scenarioSha256: 'shakeout.scenario_sha256',
  manifest: 'shakeout.manifest',
} as const;

const SCHEMA = [
  { name: 'schema', num_children: 6 },
  { name: 'run', type: 'INT32', repetition_type: 'REQUIRED' },
  { name: 'seed', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'month', type: 'INT32', repetition_type: 'REQUIRED' },
  { name: 'date', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'metric', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'value', type: 'DOUBLE', repetition_type: 'REQUIRED' },
] as const;

/** Bytes the writer holds before handing them to the file. */
const FLUSH_BYTES = 1 << 20;

/** A parquet byte writer that hands its bytes to `out` after each row group and whenever it holds FLUSH_BYTES. */
class SinkWriter extends ByteWriter {
  constructor(private readonly out: AtomicWriter) {
    super(FLUSH_BYTES);
  }

  flush(): void {
    if (this.index === 0) return;
    this.out.write(new Uint8Array(this.buffer, 0, this.index));
    this.index = 0;
  }

  override ensure(size: number): void {
    if (this.index > FLUSH_BYTES) this.flush();
    super.ensure(size);
  }

  override finish(): void {
    this.flush();
  }
}

/** The file's key-value metadata for a run with this provenance. */
export function parquetMetadata(provenance: RunProvenance): { key: string; value?: string }[] {
  return [
    provenance.scenarioName === null ? { key: PARQUET_KEYS.scenarioName } : { key: PARQUET_KEYS.scenarioName, value: provenance.scenarioName },
    { key: PARQUET_KEYS.scenarioSha256, value: provenance.scenarioSha256 },
    { key: PARQUET_KEYS.manifest, value: JSON.stringify(provenance) },
  ];
}

export interface ParquetOptions extends ReadOptions {
  /** Rows per row group; default ROW_GROUP_ROWS. */
  rowGroupRows?: number;
}

/** Writes runs.parquet for every run in the store, atomically, a row group at a time; `signal` stops it between blocks. */
export async function writeRunsParquet(path: string, store: RunStoreReader, provenance: RunProvenance, options: ParquetOptions = {}): Promise<void> {
  const { metrics, months, start } = store.shape;
  const { rowGroupRows = ROW_GROUP_ROWS, signal } = options;
  const seed = String(provenance.seed);
  const dates = Array.from({ length: months }, (_, t) => monthLabel(start, t));
  const run = new Int32Array(rowGroupRows);
  const month = new Int32Array(rowGroupRows);
  const value = new Float64Array(rowGroupRows);
  const seeds = new Array<string>(rowGroupRows).fill(seed);
  const date = new Array<string>(rowGroupRows);
  const metric = new Array<string>(rowGroupRows);
  const out = createAtomicWriter(path);
  try {
    const writer = new ParquetWriter({
      writer: new SinkWriter(out),
      schema: SCHEMA.map((e) => ({ ...e })),
      codec: 'SNAPPY',
      kvMetadata: parquetMetadata(provenance),
      createdBy: `shakeout ${provenance.shakeoutVersion}`,
    });
    let n = 0;
    // The writer copies what it is given (a row group at a time), so the buffers serve every group.
    const group = () => {
      const whole = n === rowGroupRows;
      const strings = (a: string[]) => (whole ? a : a.slice(0, n));
      void writer.write({
        columnData: [
          { name: 'run', data: run.subarray(0, n), encoding: 'DELTA_BINARY_PACKED' },
          { name: 'seed', data: strings(seeds), statistics: false },
          { name: 'month', data: month.subarray(0, n), encoding: 'DELTA_BINARY_PACKED' },
          { name: 'date', data: strings(date), statistics: false },
          { name: 'metric', data: strings(metric), statistics: false },
          // PLAIN, never a dictionary: the writer's dictionary keys numbers by SameValueZero, so it would write −0 as 0 or 0 as −0.
          { name: 'value', data: value.subarray(0, n), encoding: 'PLAIN' },
        ],
        rowGroupSize: n,
      });
      n = 0;
    };
    await store.forEachRun((r, record) => {
      for (let t = 0, i = 0; t < months; t++)
        for (let m = 0; m < metrics.length; m++, i++) {
          run[n] = r;
          month[n] = t;
          date[n] = dates[t];
          metric[n] = metrics[m];
          value[n] = record[i];
          if (++n === rowGroupRows) group();
        }
    }, { signal });
    if (n > 0) group();
    void writer.finish();
    out.commit();
  } catch (e) {
    out.abort();
    throw e;
  }
}
