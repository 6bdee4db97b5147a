/**
 * The per-run value store of a result folder (ARCHITECTURE.md, "per-run
 * values"): every replication's monthly metric values, spilled to disk so
 * that quantiles are exact while memory stays flat in the number of runs.
 *
 *   runs/values.f64   little-endian float64 records, one per run, in run
 *                     order: run r at byte r · recordBytes; inside a record
 *                     the value of metric m at month t is number t · M + m
 *                     (the layout runReplication returns)
 *   runs/index.json   format, metric names, months, runs, start, layout,
 *                     and the metric families (metric-catalog.ts)
 *   runs/done         while the store is being written: 8 bytes per run,
 *                     zero until the run is stored, then the first 8 bytes
 *                     of the SHA-256 of its record; removed once index.json
 *                     is written
 *
 * Runs are written with positional writes, so the order in which runs
 * finish (workers, shards) never changes a byte; the shards of a run hold
 * disjoint record ranges and merge by concatenation into exactly the file
 * one machine would have written.
 *
 * Resuming (docs/security.md, "Interrupted runs"): a writer opened with
 * `resume` keeps every run whose record still matches its digest in `done`
 * and writes only the others, so the finished file is byte for byte the
 * one an uninterrupted writer makes. A digest is written after its record;
 * a record torn by a crash, or a digest that reached the disk before its
 * record, fails the comparison and that run is computed again.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { incompleteRunStore, notARunStore } from './messages.js';
import type { FolderMetricFamily } from './metric-catalog.js';
import { InterruptedError, UsageError } from '../errors.js';

export const RUN_STORE_FORMAT = 'shakeout-runs/1';
export const RUNS_DIR = 'runs';
export const VALUES_FILE = 'values.f64';
export const INDEX_FILE = 'index.json';
export const DONE_FILE = 'done';
const LAYOUT = 'float64 little-endian; record r at byte r*months*metrics*8; value (t, m) at index t*metrics+m of its record';

/** Bytes of a run's digest in the done file. */
const DIGEST_BYTES = 8;
/** How often a writer makes its runs durable (fdatasync), at most. */
const SYNC_INTERVAL_MS = 1000;

/** What a store holds: runs × months × metrics values. */
export interface RunStoreShape {
  /** Metric names in column order. */
  metrics: readonly string[];
  /** The registry's families and their blocks of columns; absent in folders written before they were listed. */
  families?: readonly FolderMetricFamily[];
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

/** A stored record's digest: never all zero, which marks a run not yet stored. */
function digestOf(stored: Uint8Array): Buffer {
  const digest = createHash('sha256').update(stored).digest().subarray(0, DIGEST_BYTES);
  if (digest.every((b) => b === 0)) digest[DIGEST_BYTES - 1] = 1;
  return digest;
}

function writeAllAt(fd: number, bytes: Uint8Array, position: number): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
}

function readAllAt(fd: number, bytes: Uint8Array, position: number): boolean {
  for (let done = 0; done < bytes.length; ) {
    const n = readSync(fd, bytes, done, bytes.length - done, position + done);
    if (n === 0) return false;
    done += n;
  }
  return true;
}

export interface RunStoreWriter {
  readonly shape: RunStoreShape;
  /** Whether run `run` is stored: written here, or kept from an interrupted writer. */
  has(run: number): boolean;
  /** Runs stored. */
  readonly count: number;
  /** Stores run `run` (0-based); `values` as runReplication returns them. Any order. */
  write(run: number, values: Float64Array): void;
  /** Makes the runs stored so far durable (values, then digests). */
  sync(): void;
  /** Checks every run was written, syncs, writes the index and drops the done file. */
  finish(): RunStoreReader;
  /** Closes without an index; what was stored stays on disk for a resume. */
  abort(): void;
}

export interface RunStoreOptions {
  /**
   * Keep the runs an interrupted writer stored in `<dir>/runs/` (each
   * checked against its digest) instead of starting empty.
   */
  resume?: boolean;
}

function sameShape(index: RunStoreIndex, shape: RunStoreShape): boolean {
  return (
    index.format === RUN_STORE_FORMAT &&
    index.months === shape.months &&
    index.runs === shape.runs &&
    index.start === shape.start &&
    Array.isArray(index.metrics) &&
    index.metrics.length === shape.metrics.length &&
    index.metrics.every((m, i) => m === shape.metrics[i])
  );
}

/** A store an earlier writer finished (index written), if it holds exactly `shape`. */
function finishedStore(dir: string, shape: RunStoreShape): RunStoreReader | null {
  const folder = join(dir, RUNS_DIR);
  try {
    const index = JSON.parse(readFileSync(join(folder, INDEX_FILE), 'utf8')) as RunStoreIndex;
    if (!sameShape(index, shape)) return null;
    if (statSync(join(folder, VALUES_FILE)).size !== recordBytes(shape) * shape.runs) return null;
    return openRunStore(dir);
  } catch {
    return null;
  }
}

/** Creates `<dir>/runs/` sized for `shape.runs` runs, or with `resume`, reopens it. */
export function createRunStore(dir: string, shape: RunStoreShape, options: RunStoreOptions = {}): RunStoreWriter {
  const folder = join(dir, RUNS_DIR);
  if (options.resume) {
    const finished = finishedStore(dir, shape);
    if (finished) {
      // Finished, but stopped before its done file went.
      rmSync(join(folder, DONE_FILE), { force: true });
      return finishedWriter(shape, finished);
    }
  }
  mkdirSync(folder, { recursive: true });
  const size = recordBytes(shape);
  const length = shape.months * shape.metrics.length;
  const valuesPath = join(folder, VALUES_FILE);
  const donePath = join(folder, DONE_FILE);
  const resume = options.resume && existsSync(valuesPath);
  // A stale index (another shape) must not outlive the rewrite.
  rmSync(join(folder, INDEX_FILE), { force: true });
  const fd = openSync(valuesPath, resume ? 'r+' : 'w+');
  let doneFd = -1;
  let open = true;
  const written = new Uint8Array(shape.runs);
  let count = 0;
  try {
    const doneSize = shape.runs * DIGEST_BYTES;
    const keepDone = resume && statSync(donePath, { throwIfNoEntry: false })?.size === doneSize;
    doneFd = openSync(donePath, keepDone ? 'r+' : 'w+');
    if (!keepDone) ftruncateSync(doneFd, doneSize);
    else count = keptRuns(fd, doneFd, shape, written);
  } catch (e) {
    if (doneFd >= 0) closeSync(doneFd);
    closeSync(fd);
    throw e;
  }
  let lastSync = performance.now();
  const close = () => {
    if (!open) return;
    open = false;
    closeSync(fd);
    closeSync(doneFd);
  };
  const sync = () => {
    fdatasyncSync(fd);
    fdatasyncSync(doneFd);
    lastSync = performance.now();
  };
  return {
    shape,
    has: (run) => written[run] === 1,
    get count() {
      return count;
    },
    write(run, values) {
      if (!(Number.isInteger(run) && run >= 0 && run < shape.runs)) throw new RangeError(`run ${run} outside 0..${shape.runs - 1}`);
      if (values.length !== length) throw new RangeError(`run ${run}: ${values.length} values, expected ${length}`);
      let bytes = bytesOf(values);
      if (BIG_ENDIAN) {
        bytes = bytes.slice();
        swapBytes(bytes);
      }
      writeAllAt(fd, bytes.subarray(0, size), run * size);
      // The digest goes after the record: a done entry never names a record not yet written.
      writeAllAt(doneFd, digestOf(bytes.subarray(0, size)), run * DIGEST_BYTES);
      if (!written[run]) count++;
      written[run] = 1;
      if (performance.now() - lastSync >= SYNC_INTERVAL_MS) sync();
    },
    sync() {
      if (open) sync();
    },
    finish() {
      const missing = written.indexOf(0);
      if (missing >= 0) {
        close();
        throw new Error(`run store: run ${missing} was never written`);
      }
      ftruncateSync(fd, size * shape.runs);
      fsyncSync(fd);
      close();
      const index: RunStoreIndex = {
        format: RUN_STORE_FORMAT,
        metrics: [...shape.metrics],
        ...(shape.families ? { families: shape.families.map(({ pattern, kind, unit, description, first, count }) => ({ pattern, kind, unit, description, first, count })) } : {}),
        months: shape.months,
        runs: shape.runs,
        start: shape.start,
        layout: LAYOUT,
      };
      writeFileAtomic(join(folder, INDEX_FILE), JSON.stringify(index, null, 2) + '\n');
      rmSync(donePath, { force: true });
      return openRunStore(dir);
    },
    abort: close,
  };
}

/** Marks in `written` the runs whose stored record matches its digest; returns how many. */
function keptRuns(fd: number, doneFd: number, shape: RunStoreShape, written: Uint8Array): number {
  const size = recordBytes(shape);
  const available = fstatSync(fd).size;
  const digests = Buffer.alloc(shape.runs * DIGEST_BYTES);
  if (!readAllAt(doneFd, digests, 0)) return 0;
  const record = Buffer.alloc(size);
  let kept = 0;
  for (let run = 0; run < shape.runs; run++) {
    const digest = digests.subarray(run * DIGEST_BYTES, (run + 1) * DIGEST_BYTES);
    if (digest.every((b) => b === 0) || (run + 1) * size > available) continue;
    if (!readAllAt(fd, record, run * size) || !digestOf(record).equals(digest)) continue;
    written[run] = 1;
    kept++;
  }
  return kept;
}

/** The writer of a store an earlier writer finished: every run is there. */
function finishedWriter(shape: RunStoreShape, reader: RunStoreReader): RunStoreWriter {
  return {
    shape,
    has: () => true,
    count: shape.runs,
    write(run) {
      throw new RangeError(`run ${run} is already stored`);
    },
    sync() {},
    finish: () => reader,
    abort() {},
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

export interface ReadOptions {
  /**
   * Checked between blocks of the values file, after the event loop has
   * had its turn: once aborted, the read stops with InterruptedError (its
   * reason, a signal's name, is the error's `signal`).
   */
  signal?: AbortSignal;
}

export interface RunStoreReader {
  readonly dir: string;
  readonly shape: RunStoreShape;
  /** Bytes read from runs/values.f64 so far, by every pass of this reader. */
  readonly bytesRead: number;
  /** Calls `visit` with every run's record in run order; `record` is reused between calls. */
  forEachRun(visit: (run: number, record: Float64Array) => void, options?: ReadOptions): Promise<void>;
  /** Each cell's value in every run (index = run), in one pass over the file (none for no cells). */
  cells(cells: readonly { metric: number; month: number }[], options?: ReadOptions): Promise<Float64Array[]>;
  /**
   * Every metric's runs × months matrix, in metric order then month order,
   * holding at most about `budgetBytes` of values at a time (default DEFAULT_SLAB_BYTES;
   * one month of one metric, 8 bytes per run, is the smallest piece). One
   * buffer is reused for every slab, so a slab's `values` are valid only
   * until the next slab is asked for: copy them to keep them.
   *
   * The values file is read once whatever the budget: when the matrix
   * does not fit in one piece, that one pass scatters each piece's values
   * into its own range of a scratch file beside it (SCRATCH_FILE, removed
   * when the slabs end), and each piece then reads its range alone.
   */
  slabs(budgetBytes?: number, options?: ReadOptions): AsyncGenerator<MetricSlab>;
}

/**
 * The slab budget: bytes of per-run values the aggregator holds at once.
 * Small enough that a run's peak memory hardly depends on its number of
 * runs.
 */
export const DEFAULT_SLAB_BYTES = 16 << 20;

/** The aggregation's scratch copy of the values, one range per slab (runs/, while the slabs are read). */
export const SCRATCH_FILE = 'slabs.tmp';

/** Bytes read from the values file at a time. */
const READ_BLOCK_BYTES = 4 << 20;

/** Lets the event loop run (signal handlers, timers); then stops if `signal` was aborted. */
async function breathe(signal: AbortSignal | undefined, runs: number): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (!signal?.aborted) return;
  const name = typeof signal.reason === 'string' ? signal.reason : 'SIGINT';
  throw new InterruptedError(`interrupted by ${name}`, name, runs, runs);
}

/** One piece of the slabs: metrics m0 … m1 − 1 over months t0 … t1 − 1, every run. */
interface Piece {
  m0: number;
  m1: number;
  t0: number;
  t1: number;
}

/** Whole metrics per piece when one fits in the budget, else month ranges of one metric. */
function pieces(shape: RunStoreShape, budgetBytes: number): { list: Piece[]; largest: number } {
  const M = shape.metrics.length;
  const T = shape.months;
  const R = shape.runs;
  const metricBytes = R * T * 8;
  const metricsPer = Math.max(1, Math.floor(budgetBytes / Math.max(1, metricBytes)));
  const monthsPer = metricBytes <= budgetBytes ? T : Math.max(1, Math.floor(budgetBytes / (R * 8)));
  const list: Piece[] = [];
  for (let m0 = 0; m0 < M; m0 += metricsPer)
    for (let t0 = 0; t0 < T; t0 += monthsPer) list.push({ m0, m1: Math.min(M, m0 + metricsPer), t0, t1: Math.min(T, t0 + monthsPer) });
  return { list, largest: Math.min(M, metricsPer) * Math.min(T, monthsPer) * R };
}

/**
 * `to[at + k] = from[src + k · step]` for k < count. A function of its own, called for every month and metric
 * of a piece, so that V8 optimizes it as it would any hot function from the first slabs on, rather than the
 * loop nest around it by on-stack replacement.
 */
function copyStrided(to: Float64Array, at: number, from: Float64Array, src: number, step: number, count: number): void {
  for (let k = 0; k < count; k++) to[at + k] = from[src + k * step];
}

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
  const shape: RunStoreShape = { metrics: index.metrics, ...(index.families ? { families: index.families } : {}), months: index.months, runs: index.runs, start: index.start };
  const valuesPath = join(folder, VALUES_FILE);
  const size = recordBytes(shape);
  const expected = size * shape.runs;
  const actual = statSync(valuesPath, { throwIfNoEntry: false })?.size ?? -1;
  if (actual !== expected) throw new UsageError(incompleteRunStore(dir, actual, expected));
  const length = size / 8;
  const perBlock = Math.max(1, Math.min(shape.runs, Math.floor(READ_BLOCK_BYTES / Math.max(1, size))));
  let bytesRead = 0;

  /**
   * Streams records in blocks of whole runs, in run order: `visit(first, count, block)`
   * sees runs first … first + count − 1 at block[k · length …]. Each pass has its own
   * buffer, so passes may overlap.
   */
  async function scan(visit: (first: number, count: number, block: Float64Array) => void, signal?: AbortSignal): Promise<void> {
    if (shape.runs === 0 || length === 0) return;
    const block = new Float64Array(perBlock * length);
    const bytes = bytesOf(block);
    const fd = openSync(valuesPath, 'r');
    try {
      for (let first = 0; first < shape.runs; first += perBlock) {
        await breathe(signal, shape.runs);
        const count = Math.min(perBlock, shape.runs - first);
        const want = count * size;
        for (let done = 0; done < want; ) {
          const n = readSync(fd, bytes, done, want - done, first * size + done);
          if (n === 0) throw new UsageError(incompleteRunStore(dir, first * size + done, expected));
          done += n;
          bytesRead += n;
        }
        if (BIG_ENDIAN) swapBytes(bytes.subarray(0, want));
        visit(first, count, block);
      }
    } finally {
      closeSync(fd);
    }
  }

  return {
    dir,
    shape,
    get bytesRead() {
      return bytesRead;
    },
    async forEachRun(visit, options = {}) {
      await scan((first, count, block) => {
        for (let k = 0; k < count; k++) visit(first + k, block.subarray(k * length, (k + 1) * length));
      }, options.signal);
    },
    async cells(cells, options = {}) {
      const out = cells.map(() => new Float64Array(shape.runs));
      if (cells.length === 0) return out;
      const at = cells.map((c) => c.month * shape.metrics.length + c.metric);
      await scan((first, count, block) => {
        for (let k = 0; k < count; k++) for (let i = 0; i < at.length; i++) out[i][first + k] = block[k * length + at[i]];
      }, options.signal);
      return out;
    },
    async *slabs(budgetBytes = DEFAULT_SLAB_BYTES, options = {}) {
      const { signal } = options;
      const M = shape.metrics.length;
      const R = shape.runs;
      const { list, largest } = pieces(shape, budgetBytes);
      const scratchPath = join(folder, SCRATCH_FILE);
      rmSync(scratchPath, { force: true }); // left by a process killed while aggregating
      // One buffer for every piece: a new one each time left the old ones for the collector and took RSS to about three budgets.
      const buffer = new Float64Array(largest);
      /** The slabs of piece `p`, whose values `buffer` holds. */
      function* slabsOf(p: Piece): Generator<MetricSlab> {
        const span = (p.t1 - p.t0) * R;
        for (let m = p.m0; m < p.m1; m++)
          yield { metric: m, firstMonth: p.t0, months: p.t1 - p.t0, runs: R, values: buffer.subarray((m - p.m0) * span, (m - p.m0 + 1) * span) };
      }
      /**
       * Copies the values of piece p of runs first … first + count − 1 to their places in `buffer`:
       * run k's value of month t and metric m is `from[at + k · runStride + (t − t0) · stride + (m − m0)]`.
       * The runs are the inner loop, so that each write is a contiguous row of `count` values: with the
       * months inner (one run at a time), every write landed on another cache line of the whole buffer
       * and this copy took 144 ms of the 0.36 s aggregation of 100 runs of bench-10k.
       */
      const place = (p: Piece, first: number, count: number, from: Float64Array, at: number, runStride: number, stride: number) => {
        const span = (p.t1 - p.t0) * R;
        for (let t = p.t0; t < p.t1; t++)
          for (let m = p.m0; m < p.m1; m++) copyStrided(buffer, (m - p.m0) * span + (t - p.t0) * R + first, from, at + (t - p.t0) * stride + (m - p.m0), runStride, count);
      };
      if (list.length <= 1) {
        for (const p of list) {
          await scan((first, count, block) => place(p, first, count, block, p.t0 * M + p.m0, length, M), signal);
          yield* slabsOf(p);
        }
        return;
      }
      // Several pieces. Before, each piece was one more pass over the whole values file, so the
      // bytes read grew as runs² (100,000 runs of a tiny world: 18 s; 300,000: 82 s). Now one pass
      // scatters every block's runs into each piece's range of a scratch file, in run order
      // (record order inside a run), and each piece reads back only its range.
      const widths = list.map((p) => (p.m1 - p.m0) * (p.t1 - p.t0));
      const offsets: number[] = [];
      widths.reduce((at, w) => (offsets.push(at), at + w * R * 8), 0);
      const sfd = openSync(scratchPath, 'w+');
      try {
        const staging = new Float64Array(perBlock * Math.max(...widths));
        await scan((first, count, block) => {
          list.forEach((p, i) => {
            const w = widths[i];
            const mw = p.m1 - p.m0;
            let j = 0;
            for (let k = 0; k < count; k++)
              for (let t = p.t0; t < p.t1; t++) for (let from = k * length + t * M + p.m0, end = from + mw; from < end; ) staging[j++] = block[from++];
            writeAllAt(sfd, bytesOf(staging.subarray(0, count * w)), offsets[i] + first * w * 8);
          });
        }, signal);
        const piece = new Float64Array(staging.length);
        for (const [i, p] of list.entries()) {
          const w = widths[i];
          const perRead = Math.max(1, Math.floor(piece.length / w));
          for (let first = 0; first < R; first += perRead) {
            await breathe(signal, R);
            const count = Math.min(perRead, R - first);
            if (!readAllAt(sfd, bytesOf(piece.subarray(0, count * w)), offsets[i] + first * w * 8)) throw new Error(`run store: ${SCRATCH_FILE} is shorter than written`);
            place(p, first, count, piece, 0, w, p.m1 - p.m0);
          }
          yield* slabsOf(p);
        }
      } finally {
        closeSync(sfd);
        rmSync(scratchPath, { force: true });
      }
    },
  };
}
