/**
 * The per-run value store of a result folder (ARCHITECTURE.md, "per-run
 * values"): every replication's monthly metric values, spilled to disk so
 * that quantiles are exact while memory stays flat in the number of runs.
 *
 *   runs/values.f64   little-endian float64 records, one per run, in run
 *                     order: run r at byte r · recordBytes; inside a record
 *                     the value of metric m at month t is number t · M + m
 *                     (the layout runReplication returns)
 *   runs/index.json   format, metric names, months, runs, start, layout
 *
 * Runs are written with positional writes, so the order in which runs
 * finish (workers, shards) never changes a byte; the shards of a run hold
 * disjoint record ranges and merge by concatenation into exactly the file
 * one machine would have written.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { incompleteRunStore, notARunStore } from './messages.js';
import { UsageError } from '../errors.js';

export const RUN_STORE_FORMAT = 'shakeout-runs/1';
export const RUNS_DIR = 'runs';
export const VALUES_FILE = 'values.f64';
export const INDEX_FILE = 'index.json';
const LAYOUT = 'float64 little-endian; record r at byte r*months*metrics*8; value (t, m) at index t*metrics+m of its record';

/** What a store holds: runs × months × metrics values. */
export interface RunStoreShape {
  /** Metric names in column order. */
  metrics: readonly string[];
  months: number;
  runs: number;
  /** `YYYY-MM` of t = 0. */
  start: string;
}

/** Contents of runs/index.json. */
export interface RunStoreIndex extends RunStoreShape {
  format: typeof RUN_STORE_FORMAT;
  layout: string;
}

const BIG_ENDIAN = endianness() === 'BE';

/** Float64 records are stored little-endian; a big-endian host swaps bytes in place. */
function swapBytes(bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i += 8)
    for (let a = i, b = i + 7; a < b; a++, b--) {
      const x = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = x;
    }
}

function bytesOf(values: Float64Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** Bytes of one run's record. */
export function recordBytes(shape: RunStoreShape): number {
  return shape.months * shape.metrics.length * 8;
}

export interface RunStoreWriter {
  readonly shape: RunStoreShape;
  /** Stores run `run` (0-based); `values` as runReplication returns them. Any order. */
  write(run: number, values: Float64Array): void;
  /** Checks every run was written, syncs, and writes the index. */
  finish(): RunStoreReader;
  /** Closes without an index (the store stays unreadable). */
  abort(): void;
}

/** Creates `<dir>/runs/` sized for `shape.runs` runs. */
export function createRunStore(dir: string, shape: RunStoreShape): RunStoreWriter {
  const folder = join(dir, RUNS_DIR);
  mkdirSync(folder, { recursive: true });
  const size = recordBytes(shape);
  const length = shape.months * shape.metrics.length;
  const fd = openSync(join(folder, VALUES_FILE), 'w+');
  const written = new Uint8Array(shape.runs);
  let open = true;
  const close = () => {
    if (open) closeSync(fd);
    open = false;
  };
  return {
    shape,
    write(run, values) {
      if (!(Number.isInteger(run) && run >= 0 && run < shape.runs)) throw new RangeError(`run ${run} outside 0..${shape.runs - 1}`);
      if (values.length !== length) throw new RangeError(`run ${run}: ${values.length} values, expected ${length}`);
      let bytes = bytesOf(values);
      if (BIG_ENDIAN) {
        bytes = bytes.slice();
        swapBytes(bytes);
      }
      for (let done = 0; done < size; ) done += writeSync(fd, bytes, done, size - done, run * size + done);
      written[run] = 1;
    },
    finish() {
      const missing = written.indexOf(0);
      if (missing >= 0) {
        close();
        throw new Error(`run store: run ${missing} was never written`);
      }
      fsyncSync(fd);
      close();
      const index: RunStoreIndex = {
        format: RUN_STORE_FORMAT,
        metrics: [...shape.metrics],
        months: shape.months,
        runs: shape.runs,
        start: shape.start,
        layout: LAYOUT,
      };
      writeFileAtomic(join(folder, INDEX_FILE), JSON.stringify(index, null, 2) + '\n');
      return openRunStore(dir);
    },
    abort: close,
  };
}

/**
 * The values of one metric for a range of months, every run:
 * `values[(t − firstMonth) · runs + r]`, so each month's runs are contiguous.
 */
export interface MetricSlab {
  /** Index into `shape.metrics`. */
  metric: number;
  /** Month index t (0-based) of the first month held. */
  firstMonth: number;
  /** Months held. */
  months: number;
  runs: number;
  values: Float64Array;
}

export interface RunStoreReader {
  readonly dir: string;
  readonly shape: RunStoreShape;
  /** Calls `visit` with every run's record in run order; `record` is reused between calls. */
  forEachRun(visit: (run: number, record: Float64Array) => void): void;
  /** Each cell's value in every run (index = run), in one pass over the file. */
  cells(cells: readonly { metric: number; month: number }[]): Float64Array[];
  /**
   * Every metric's runs × months matrix, in metric order then month order,
   * holding at most about `budgetBytes` of values at a time (default 64 MiB;
   * one month of one metric, 8 bytes per run, is the smallest piece).
   */
  slabs(budgetBytes?: number): Generator<MetricSlab>;
}

/** Bytes read from the values file at a time. */
const READ_BLOCK_BYTES = 4 << 20;

/** Opens the store in `<dir>/runs/`; UsageError when there is none or it is incomplete. */
export function openRunStore(dir: string): RunStoreReader {
  const folder = join(dir, RUNS_DIR);
  let index: RunStoreIndex;
  try {
    index = JSON.parse(readFileSync(join(folder, INDEX_FILE), 'utf8')) as RunStoreIndex;
  } catch {
    throw new UsageError(notARunStore(dir));
  }
  if (index.format !== RUN_STORE_FORMAT) throw new UsageError(notARunStore(dir));
  const shape: RunStoreShape = { metrics: index.metrics, months: index.months, runs: index.runs, start: index.start };
  const valuesPath = join(folder, VALUES_FILE);
  const size = recordBytes(shape);
  const expected = size * shape.runs;
  const actual = statSync(valuesPath, { throwIfNoEntry: false })?.size ?? -1;
  if (actual !== expected) throw new UsageError(incompleteRunStore(dir, actual, expected));
  const length = size / 8;

  /** Streams records in blocks of whole runs; `visit(r, block, offset)` sees run r at block[offset …]. */
  function scan(visit: (run: number, block: Float64Array, offset: number) => void): void {
    if (shape.runs === 0 || length === 0) return;
    const perBlock = Math.max(1, Math.min(shape.runs, Math.floor(READ_BLOCK_BYTES / size)));
    const block = new Float64Array(perBlock * length);
    const bytes = bytesOf(block);
    const fd = openSync(valuesPath, 'r');
    try {
      for (let first = 0; first < shape.runs; first += perBlock) {
        const count = Math.min(perBlock, shape.runs - first);
        const want = count * size;
        for (let done = 0; done < want; ) {
          const n = readSync(fd, bytes, done, want - done, first * size + done);
          if (n === 0) throw new UsageError(incompleteRunStore(dir, first * size + done, expected));
          done += n;
        }
        if (BIG_ENDIAN) swapBytes(bytes.subarray(0, want));
        for (let k = 0; k < count; k++) visit(first + k, block, k * length);
      }
    } finally {
      closeSync(fd);
    }
  }

  return {
    dir,
    shape,
    forEachRun(visit) {
      scan((run, block, offset) => visit(run, block.subarray(offset, offset + length)));
    },
    cells(cells) {
      const out = cells.map(() => new Float64Array(shape.runs));
      const at = cells.map((c) => c.month * shape.metrics.length + c.metric);
      scan((run, block, offset) => {
        for (let i = 0; i < at.length; i++) out[i][run] = block[offset + at[i]];
      });
      return out;
    },
    *slabs(budgetBytes = 64 << 20) {
      const M = shape.metrics.length;
      const T = shape.months;
      const R = shape.runs;
      const metricBytes = R * T * 8;
      // Whole metrics per chunk when one fits, else month ranges of one metric.
      const metricsPer = Math.max(1, Math.floor(budgetBytes / Math.max(1, metricBytes)));
      const monthsPer = metricBytes <= budgetBytes ? T : Math.max(1, Math.floor(budgetBytes / (R * 8)));
      for (let m0 = 0; m0 < M; m0 += metricsPer) {
        const m1 = Math.min(M, m0 + metricsPer);
        for (let t0 = 0; t0 < T; t0 += monthsPer) {
          const t1 = Math.min(T, t0 + monthsPer);
          const span = (t1 - t0) * R;
          const chunk = new Float64Array((m1 - m0) * span);
          scan((run, block, offset) => {
            for (let m = m0; m < m1; m++) {
              const base = (m - m0) * span + run;
              for (let t = t0; t < t1; t++) chunk[base + (t - t0) * R] = block[offset + t * M + m];
            }
          });
          for (let m = m0; m < m1; m++)
            yield {
              metric: m,
              firstMonth: t0,
              months: t1 - t0,
              runs: R,
              values: chunk.subarray((m - m0) * span, (m - m0 + 1) * span),
            };
        }
      }
    },
  };
}
