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
 * Each column chunk is one data page (v2, Snappy): `run` and `month`
 * delta-encoded, the strings dictionary-encoded, `value` PLAIN (never a
 * dictionary, which would have to tell 0 from −0), with statistics on
 * `run`, `month` and `value` (the strings' minimum and maximum span every
 * row group, so they would prune nothing). The layout is known before a
 * row is read, so the pages are built here from typed arrays: the
 * dictionaries are the seed, the months' dates and the metric names, and a
 * row's dictionary indexes are its month and its metric's place. The
 * encoders, Snappy and the footer's thrift are hyparquet-writer's (pinned).
 * Its general writer, given the same rows as arrays of strings, spent
 * 1.1 s of the 1.6 s after the last of 100 runs of bench-10k (2.2 million
 * rows) looking values up in dictionaries, measuring them for pages and
 * copying them; this takes about 0.1 s (test/bench/README.md).
 */
import type { ColumnChunk, Encoding, RowGroup, SchemaElement } from 'hyparquet';
// The module itself, not the package's entry, which loads the whole writer and the hyparquet reader (about 50 modules).
import { ByteWriter } from 'hyparquet-writer/src/bytewriter.js';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { deltaBinaryPack } from 'hyparquet-writer/src/delta.js';
import { writeRleBitPackedHybrid } from 'hyparquet-writer/src/encoding.js';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { writePlain } from 'hyparquet-writer/src/plain.js';
import { snappyCompress } from 'hyparquet-writer/src/snappy.js';
import { monthLabel } from '../calendar.js';
import { type AtomicWriter, createAtomicWriter } from './atomic-write.js';
import type { RunProvenance } from './manifest.js';
import type { ReadOptions, RunStoreReader } from './run-store.js';

/** Rows per row group: a few MiB of values, large enough for readers to scan well. */
export const ROW_GROUP_ROWS = 1 << 18;

/** Keys of the file's key-value metadata. */
export const PARQUET_KEYS = {
  scenarioName: 'shakeout.scenario_name',
  scenarioSha256: 'shakeout.scenario_sha256',
  manifest: 'shakeout.manifest',
} as const;

const SCHEMA: SchemaElement[] = [
  { name: 'schema', num_children: 6 },
  { name: 'run', type: 'INT32', repetition_type: 'REQUIRED' },
  { name: 'seed', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'month', type: 'INT32', repetition_type: 'REQUIRED' },
  { name: 'date', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'metric', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'value', type: 'DOUBLE', repetition_type: 'REQUIRED' },
];

/** Bytes the writer holds before handing them to the file. */
const FLUSH_BYTES = 1 << 20;

/** A parquet byte writer that hands its bytes to `out` whenever it holds FLUSH_BYTES, and at the end. */
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

/** Minimum and maximum of a column chunk, as the footer's statistics hold them (NaNs counted apart). */
interface Bounds {
  min_value?: number;
  max_value?: number;
  null_count: bigint;
  nan_count?: bigint;
}

function intBounds(values: Int32Array): Bounds {
  let min = values[0];
  let max = values[0];
  for (let i = 1; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  return { min_value: min, max_value: max, null_count: 0n };
}

/** As parquet asks of floating-point statistics: NaN left out and counted, a zero minimum −0 and a zero maximum +0. */
function doubleBounds(values: Float64Array): Bounds {
  let min: number | undefined;
  let max: number | undefined;
  let nan = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) nan++;
    else if (min === undefined || max === undefined) min = max = v;
    else if (v < min) min = v;
    else if (v > max) max = v;
  }
  if (min === 0) min = -0;
  if (max === 0) max = 0;
  return { min_value: min, max_value: max, null_count: 0n, nan_count: BigInt(nan) };
}

/** Bits for dictionary indexes 0 … size − 1. */
function bitWidth(size: number): number {
  return size <= 1 ? 0 : 32 - Math.clz32(size - 1);
}

/** Writes column chunks of one data page each, and the footer that lists them. */
function chunkWriter(writer: ByteWriter) {
  const scratch = new ByteWriter();
  const dictionaryScratch = new ByteWriter();

  /** One page (dictionary or data) of `body` bytes, compressed; returns its uncompressed size with its header. */
  function page(body: Uint8Array, header: (compressed: number) => Parameters<typeof writePageHeader>[1]): number {
    const compressed = snappyCompress(body);
    const start = writer.offset;
    writePageHeader(writer, header(compressed.length));
    const headerBytes = writer.offset - start;
    writer.appendBytes(compressed);
    return headerBytes + body.length;
  }

  /** Encodes a page body with `encode` into `into` and returns it (valid until `into` is used again). */
  function body(encode: (w: ByteWriter) => void, into = scratch): Uint8Array {
    into.index = 0;
    into.offset = 0;
    encode(into);
    return into.getBytes();
  }

  function dataPage(rows: number, encoding: Encoding, bytes: Uint8Array): number {
    return page(bytes, (compressed) => ({
      type: 'DATA_PAGE_V2',
      uncompressed_page_size: bytes.length,
      compressed_page_size: compressed,
      data_page_header_v2: { num_values: rows, num_nulls: 0, num_rows: rows, encoding, definition_levels_byte_length: 0, repetition_levels_byte_length: 0, is_compressed: true },
    }));
  }

  function chunk(element: SchemaElement, rows: number, encoding: Encoding, data: Uint8Array, dictionary?: readonly string[], statistics?: Bounds): ColumnChunk {
    const start = writer.offset;
    let uncompressed = 0;
    let dictionaryOffset: bigint | undefined;
    if (dictionary) {
      dictionaryOffset = BigInt(writer.offset);
      const values = body((w) => writePlain(w, dictionary as string[], 'BYTE_ARRAY', undefined), dictionaryScratch);
      uncompressed += page(values, (compressed) => ({
        type: 'DICTIONARY_PAGE',
        uncompressed_page_size: values.length,
        compressed_page_size: compressed,
        dictionary_page_header: { num_values: dictionary.length, encoding: 'PLAIN' },
      }));
    }
    const dataOffset = BigInt(writer.offset);
    uncompressed += dataPage(rows, encoding, data);
    return {
      file_offset: BigInt(start),
      meta_data: {
        type: element.type!,
        encodings: dictionary ? ['PLAIN', encoding] : [encoding],
        path_in_schema: [element.name],
        codec: 'SNAPPY',
        num_values: BigInt(rows),
        total_uncompressed_size: BigInt(uncompressed),
        total_compressed_size: BigInt(writer.offset - start),
        data_page_offset: dataOffset,
        dictionary_page_offset: dictionaryOffset,
        statistics,
        encoding_stats: [
          ...(dictionary ? [{ page_type: 'DICTIONARY_PAGE' as const, encoding: 'PLAIN' as const, count: 1 }] : []),
          { page_type: 'DATA_PAGE_V2' as const, encoding, count: 1 },
        ],
      },
    };
  }

  return {
    /** INT32, delta-encoded. */
    ints(element: SchemaElement, values: Int32Array): ColumnChunk {
      const data = body((w) => deltaBinaryPack(w, values, 'INT32'));
      return chunk(element, values.length, 'DELTA_BINARY_PACKED', data, undefined, intBounds(values));
    },
    /** Strings given as indexes into `dictionary`. */
    strings(element: SchemaElement, dictionary: readonly string[], indexes: Int32Array): ColumnChunk {
      const width = bitWidth(dictionary.length);
      const data = body((w) => {
        w.appendUint8(width);
        writeRleBitPackedHybrid(w, indexes, width);
      });
      return chunk(element, indexes.length, 'RLE_DICTIONARY', data, dictionary);
    },
    /** DOUBLE, PLAIN: the little-endian bytes of the values (on a little-endian host, the values' own bytes, not a copy). */
    doubles(element: SchemaElement, values: Float64Array): ColumnChunk {
      const data = LITTLE_ENDIAN
        ? new Uint8Array(values.buffer, values.byteOffset, values.byteLength)
        : body((w) => {
            for (let i = 0; i < values.length; i++) w.appendFloat64(values[i]);
          });
      return chunk(element, values.length, 'PLAIN', data, undefined, doubleBounds(values));
    },
  };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Writes runs.parquet for every run in the store, atomically, a row group at a time; `signal` stops it between blocks. */
export async function writeRunsParquet(path: string, store: RunStoreReader, provenance: RunProvenance, options: ParquetOptions = {}): Promise<void> {
  const { metrics, months, start } = store.shape;
  const M = metrics.length;
  const { signal } = options;
  // No larger than the file: one run of bench-1m has 12,000 rows, and 262,144 would be 6 MiB of buffers for nothing.
  const rowGroupRows = Math.max(1, Math.min(options.rowGroupRows ?? ROW_GROUP_ROWS, store.shape.runs * months * M));
  const seeds = [String(provenance.seed)];
  const dates = Array.from({ length: months }, (_, t) => monthLabel(start, t));
  // A record's cells in file order: month t and metric m of cell t·M + m. The month is the date's dictionary index.
  const cells = months * M;
  const monthOf = new Int32Array(cells);
  const metricOf = new Int32Array(cells);
  for (let t = 0, i = 0; t < months; t++)
    for (let m = 0; m < M; m++, i++) {
      monthOf[i] = t;
      metricOf[i] = m;
    }
  const run = new Int32Array(rowGroupRows);
  const month = new Int32Array(rowGroupRows);
  const metric = new Int32Array(rowGroupRows);
  const value = new Float64Array(rowGroupRows);
  const zeros = new Int32Array(rowGroupRows);
  const out = createAtomicWriter(path);
  try {
    const writer = new SinkWriter(out);
    writer.appendUint32(0x31524150); // PAR1
    const columns = chunkWriter(writer);
    const rowGroups: RowGroup[] = [];
    let n = 0;
    const group = () => {
      const begin = writer.offset;
      const chunks = [
        columns.ints(SCHEMA[1], run.subarray(0, n)),
        columns.strings(SCHEMA[2], seeds, zeros.subarray(0, n)),
        columns.ints(SCHEMA[3], month.subarray(0, n)),
        columns.strings(SCHEMA[4], dates, month.subarray(0, n)),
        columns.strings(SCHEMA[5], metrics, metric.subarray(0, n)),
        columns.doubles(SCHEMA[6], value.subarray(0, n)),
      ];
      rowGroups.push({
        columns: chunks,
        total_byte_size: chunks.reduce((sum, c) => sum + c.meta_data!.total_uncompressed_size, 0n),
        num_rows: BigInt(n),
        total_compressed_size: BigInt(writer.offset - begin),
      });
      n = 0;
    };
    let rows = 0;
    await store.forEachRun((r, record) => {
      for (let i = 0; i < cells; ) {
        const k = Math.min(cells - i, rowGroupRows - n);
        run.fill(r, n, n + k);
        month.set(monthOf.subarray(i, i + k), n);
        metric.set(metricOf.subarray(i, i + k), n);
        value.set(record.subarray(i, i + k), n);
        i += k;
        n += k;
        rows += k;
        if (n === rowGroupRows) group();
      }
    }, { signal });
    if (n > 0) group();
    writeMetadata(writer, {
      version: 2,
      created_by: `shakeout ${provenance.shakeoutVersion}`,
      schema: SCHEMA,
      num_rows: BigInt(rows),
      row_groups: rowGroups,
      key_value_metadata: parquetMetadata(provenance),
      metadata_length: 0, // not written: the footer's length follows it
    });
    writer.appendUint32(0x31524150); // PAR1
    writer.finish();
    out.commit();
  } catch (e) {
    out.abort();
    throw e;
  }
}
