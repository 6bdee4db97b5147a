/** The shard partition (sim/output/shard.ts): contiguous blocks that cover every item once, in order. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseShard, shardRange } from '../../sim/output/shard.js';
import { UsageError } from '../../sim/errors.js';

describe('shardRange', () => {
  it('splits 10 items in 4 shards as 0–1, 2–4, 5–6, 7–9', () => {
    expect([1, 2, 3, 4].map((index) => shardRange({ index, count: 4 }, 10))).toEqual([
      { first: 0, end: 2 },
      { first: 2, end: 5 },
      { first: 5, end: 7 },
      { first: 7, end: 10 },
    ]);
  });

  it('more shards than items: some shards are empty, the others one item each', () => {
    expect([1, 2, 3].map((index) => shardRange({ index, count: 3 }, 2))).toEqual([
      { first: 0, end: 0 },
      { first: 0, end: 1 },
      { first: 1, end: 2 },
    ]);
  });

  it('for any N and n, the blocks in shard order are 0 … N − 1, each once, sizes within one of each other', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 300 }), (items, count) => {
        const blocks = Array.from({ length: count }, (_, k) => shardRange({ index: k + 1, count }, items));
        let next = 0;
        for (const b of blocks) {
          expect(b.first).toBe(next);
          expect(b.end).toBeGreaterThanOrEqual(b.first);
          next = b.end;
        }
        expect(next).toBe(items);
        const sizes = blocks.map((b) => b.end - b.first);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('parseShard', () => {
  it('reads k/n', () => {
    expect(parseShard('3/8')).toEqual({ index: 3, count: 8 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
  });

  it('refuses anything else, in one line', () => {
    for (const text of ['0/4', '5/4', '4', '1/0', '-1/4', '1.5/4', 'a/b', '1/100001', ''])
      expect(() => parseShard(text), text).toThrow(UsageError);
    expect(() => parseShard('5/4')).toThrow('--shard 5/4: expected k/n with 1 ≤ k ≤ n ≤ 100000, e.g. --shard 3/8 for the third of eight shards');
  });
});
