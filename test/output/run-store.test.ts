import { existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { toArray } from '../async.js';
import { createRunStore, openRunStore, type RunStoreShape, SCRATCH_FILE } from '../../sim/output/run-store.js';
import { InterruptedError, UsageError } from '../../sim/errors.js';
import { aggregate } from '../../sim/ensemble/aggregate.js';
import { timeseriesLine } from '../../sim/output/timeseries-csv.js';
import { tempDir } from './tmp.js';

const shape: RunStoreShape = { metrics: ['a', 'b', 'c'], months: 4, runs: 5, start: '2024-06' };
/** A distinct value per (run, month, metric). */
const value = (r: number, t: number, m: number) => r * 100 + t * 10 + m + 0.5;
const record = (r: number) =>
  Float64Array.from({ length: shape.months * shape.metrics.length }, (_, i) =>
    value(r, Math.floor(i / shape.metrics.length), i % shape.metrics.length),
  );

function written(dir: string, order: number[]) {
  const w = createRunStore(dir, shape);
  for (const r of order) w.write(r, record(r));
  return w.finish();
}

describe('run store', () => {
  test('round trip: records, cells and slabs', async () => {
    const store = written(tempDir(), [0, 1, 2, 3, 4]);
    expect(store.shape).toEqual(shape);
    const seen: number[][] = [];
    await store.forEachRun((r, rec) => seen.push([r, ...rec]));
    expect(seen).toEqual([0, 1, 2, 3, 4].map((r) => [r, ...record(r)]));
    expect(await store.cells([{ metric: 2, month: 3 }, { metric: 0, month: 1 }])).toEqual([
      Float64Array.from([0, 1, 2, 3, 4], (r) => value(r, 3, 2)),
      Float64Array.from([0, 1, 2, 3, 4], (r) => value(r, 1, 0)),
    ]);
    for await (const slab of store.slabs())
      for (let k = 0; k < slab.months; k++)
        for (let r = 0; r < slab.runs; r++) expect(slab.values[k * slab.runs + r]).toBe(value(r, slab.firstMonth + k, slab.metric));
  });

  test('a tiny budget gives the same values in month pieces', async () => {
    const store = written(tempDir(), [0, 1, 2, 3, 4]);
    // Less than one month of one metric: the smallest piece. Values are copied: the next slab reuses the buffer.
    const keep = async (budget?: number) => {
      const out = [];
      for await (const s of store.slabs(budget)) out.push({ ...s, values: s.values.slice() });
      return out;
    };
    const pieces = await keep(16);
    expect(pieces.every((s) => s.months === 1)).toBe(true);
    expect(pieces.map((s) => [s.metric, s.firstMonth])).toEqual(
      [0, 1, 2].flatMap((m) => [0, 1, 2, 3].map((t) => [m, t])),
    );
    expect(new Set(pieces.map((s) => s.values.length))).toEqual(new Set([5]));
    const whole = await keep();
    expect(whole).toHaveLength(3);
    expect(pieces.flatMap((s) => [...s.values])).toEqual(whole.flatMap((s) => [...s.values]));
  });

  test('every piece holds each run\'s value at its month and metric, whatever the budget', async () => {
    const store = written(tempDir(), [0, 1, 2, 3, 4]);
    // 160 bytes: one metric's whole months (4 × 5 runs × 8) per piece; 80: two months of one metric; 400: two metrics.
    for (const budget of [80, 160, 400]) {
      let slabs = 0;
      for await (const slab of store.slabs(budget)) {
        slabs++;
        for (let k = 0; k < slab.months; k++)
          for (let r = 0; r < slab.runs; r++) expect(slab.values[k * slab.runs + r]).toBe(value(r, slab.firstMonth + k, slab.metric));
      }
      expect(slabs).toBe(budget === 80 ? 6 : 3);
    }
  });

  test('slabs share one buffer, so aggregation memory does not grow with the slabs', async () => {
    const store = written(tempDir(), [0, 1, 2, 3, 4]);
    const buffers = new Set((await toArray(store.slabs(16))).map((s) => s.values.buffer));
    expect(buffers.size).toBe(1);
    expect([...buffers][0].byteLength).toBe(5 * 8); // one month of one metric for 5 runs: the budget's smallest piece
  });

  test('the bytes do not depend on the order runs are written in', () => {
    const a = tempDir();
    const b = tempDir();
    written(a, [0, 1, 2, 3, 4]);
    written(b, [3, 0, 4, 2, 1]);
    for (const f of ['runs/values.f64', 'runs/index.json']) expect(readFileSync(join(b, f))).toEqual(readFileSync(join(a, f)));
    const bytes = readFileSync(join(a, 'runs/values.f64'));
    expect(bytes.length).toBe(5 * 4 * 3 * 8);
    expect(bytes.readDoubleLE((1 * 12 + 2 * 3 + 1) * 8)).toBe(value(1, 2, 1));
  });

  test('index.json describes the layout', () => {
    const dir = tempDir();
    written(dir, [0, 1, 2, 3, 4]);
    const index = JSON.parse(readFileSync(join(dir, 'runs/index.json'), 'utf8'));
    expect(index).toMatchObject({ format: 'shakeout-runs/1', metrics: ['a', 'b', 'c'], months: 4, runs: 5, start: '2024-06' });
  });

  test('finish refuses a store with a run missing; open refuses a short file', () => {
    const dir = tempDir();
    const w = createRunStore(dir, shape);
    w.write(0, record(0));
    expect(() => w.finish()).toThrow('run 1 was never written');
    const done = tempDir();
    written(done, [0, 1, 2, 3, 4]);
    truncateSync(join(done, 'runs/values.f64'), 100);
    expect(() => openRunStore(done)).toThrow(UsageError);
    writeFileSync(join(done, 'runs/index.json'), '{}');
    expect(() => openRunStore(done)).toThrow('holds no per-run values');
  });

  test('write checks the run and the record length', () => {
    const w = createRunStore(tempDir(), shape);
    expect(() => w.write(5, record(0))).toThrow(RangeError);
    expect(() => w.write(0, new Float64Array(3))).toThrow(RangeError);
    w.abort();
  });
});

describe('aggregation reads the values file a bounded number of times', () => {
  /** A store of `runs` runs × 6 months × 4 metrics with distinct values. */
  function bigStore(runs: number) {
    const s: RunStoreShape = { metrics: ['a', 'b', 'c', 'd'], months: 6, runs, start: '2024-06' };
    const dir = tempDir();
    const w = createRunStore(dir, s);
    for (let r = 0; r < runs; r++) w.write(r, Float64Array.from({ length: 24 }, (_, i) => r * 1000 + i + 0.25));
    return { store: w.finish(), fileBytes: runs * 24 * 8 };
  }

  test.each([16, 8 * 300, 8 * 1000 * 3, 1 << 20])('each byte once, whatever the budget (%i bytes)', async (budget) => {
    const { store, fileBytes } = bigStore(1000);
    const whole = (await toArray(aggregate(store))).map(timeseriesLine).join('');
    expect(store.bytesRead).toBe(fileBytes);
    const before = store.bytesRead;
    // Before: one pass over the whole file per piece, 24 pieces at 16 bytes (one month of one metric).
    const pieces = (await toArray(aggregate(store, { budgetBytes: budget }))).map(timeseriesLine).join('');
    expect(store.bytesRead - before).toBe(fileBytes);
    expect(pieces).toBe(whole);
    expect(existsSync(join(store.dir, 'runs', SCRATCH_FILE))).toBe(false); // the scratch copy is gone
  });

  test('an aborted signal stops the slabs with InterruptedError and removes the scratch copy', async () => {
    const { store } = bigStore(200);
    const controller = new AbortController();
    controller.abort('SIGINT');
    const rows = aggregate(store, { budgetBytes: 16, signal: controller.signal });
    await expect(toArray(rows)).rejects.toBeInstanceOf(InterruptedError);
    expect(existsSync(join(store.dir, 'runs', SCRATCH_FILE))).toBe(false);
  });
});
