/**
 * Startup keys by (birth group, rank) and random orders by priority draws
 * (MODEL.md sections 9 and 10): what a what-if with one startup more must
 * leave alone.
 */
import fc from 'fast-check';
import { groupStream, keyOf, Purpose, streamOf, uniform32 } from '../../sim/rng/keyed.js';
import { describe, expect, it } from 'vitest';
import { createBirthGroups, openBirthGroup } from '../../sim/model/births.js';
import { instantiateKernel, kernelLayout } from '../../sim/model/kernel.js';
import { writeGroups } from '../../sim/model/kernel-tables.js';
import { createStartupTable } from '../../sim/model/startups.js';
import { sortByPriority } from '../../sim/model/priority.js';
import { initWorld } from '../../sim/model/replication.js';
import { step } from '../../sim/model/step.js';
import { RECORD_BYTES, readStartup, reserve } from '../../sim/model/startups.js';
import type { World } from '../../sim/model/world.js';
import { compiled, degenerateClass, provider } from './helpers.js';

describe('birth groups', () => {
  it('the kernel finds the group of every index, empty groups included', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(6), { minLength: 1, maxLength: 30 }), fc.boolean(), (sizes, shuffled) => {
        const groups = createBirthGroups(sizes.length);
        let first = 0;
        const expected: number[] = [];
        sizes.forEach((size, g) => {
          openBirthGroup(groups, g, first);
          for (let k = 0; k < size; k++) expected.push(g);
          first += size;
        });
        const layout = kernelLayout(1, 1, 0, sizes.length);
        const table = createStartupTable(16, layout.records);
        const kernel = instantiateKernel(table.memory, layout, 1, 1, 0) as unknown as { groupAt(i: number): number; setGroups(n: number): void };
        writeGroups({ births: groups, layout, startups: table, kernel } as unknown as World);
        // In table order (the kernel's lookups mostly are) and backwards, past its remembered position.
        const indices = expected.map((_, i) => i);
        if (shuffled) indices.reverse();
        for (const i of indices) expect(groups.group[kernel.groupAt(i)], `index ${i}`).toBe(expected[i]);
      }),
    );
  });
});

/** A world with entry at `rate`, its initial population made and `months` months stepped. */
function afterMonths(rate: number, months = 3): World {
  const c = compiled({
    months,
    providers: [provider('a', 1, 0.8), provider('b', 1, 0.6)],
    // Spread attributes, so that two different startups differ in every draw.
    classes: { only: { ...degenerateClass({ hazard: 0.01, reconsider: 0.2 }), cash: { median: 1e5, sigma: 1 }, revenue: { median: 1e4, sigma: 1 } } },
    startups: { initial: 50, entry: { rate, qualityElasticity: 0 } },
  });
  const world = initWorld(c, 3);
  for (let t = 0; t < months; t++) step(world, t, new Float64Array(c.metricNames.length));
  return world;
}

/** Table indices of each birth group's members, by group number. */
function membersByGroup(world: World): Map<number, number[]> {
  const b = world.births;
  const out = new Map<number, number[]>();
  for (let g = 0; g < b.count; g++) {
    const end = g + 1 < b.count ? b.first[g + 1] : world.startups.count;
    out.set(b.group[g], Array.from({ length: end - b.first[g] }, (_, k) => b.first[g] + k));
  }
  return out;
}

/** What a startup drew at birth (and its schedule, keyed by its own key): not what its choices did to its cash. */
function birthDraws(world: World, i: number) {
  const x = readStartup(world.startups, i);
  return [x.cls, x.revenue, x.growthFactor, x.hazardMonth, x.nextReconsider];
}

describe('common random numbers at entry', () => {
  it('a higher entry rate gives, every month, the same entrants plus a few, with the same draws', () => {
    for (const rate of [40, 400]) {
      const base = afterMonths(rate);
      const more = afterMonths(rate * 1.05);
      const baseGroups = membersByGroup(base);
      const moreGroups = membersByGroup(more);
      expect([...baseGroups.keys()]).toEqual([0, 1, 2, 3]);
      for (const [group, members] of baseGroups) {
        const others = moreGroups.get(group)!;
        expect(others.length, `group ${group}`).toBeGreaterThanOrEqual(members.length);
        members.forEach((i, rank) => expect(birthDraws(more, others[rank]), `group ${group}, rank ${rank}`).toEqual(birthDraws(base, i)));
      }
    }
  });
});

describe('random orders by priority draws', () => {
  it('one chooser more or less leaves the others in the same order', () => {
    const world = afterMonths(40, 1);
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(world.startups.count - 1), { minLength: 2, maxLength: 60 }), fc.nat(), (indices, drop) => {
        const all = Int32Array.from(indices, (i, k) => (k % 3 === 0 ? ~i : i));
        const without = all.filter((_, k) => k !== drop % all.length);
        const removed = all[drop % all.length];
        sortByPriority(world, all, all.length);
        sortByPriority(world, without, without.length);
        expect(Array.from(without)).toEqual(Array.from(all).filter((x) => x !== removed));
        expect(Array.from(all).sort()).toEqual(Array.from(Int32Array.from(indices, (i, k) => (k % 3 === 0 ? ~i : i))).sort());
      }),
    );
  });

  it('orders by each startup’s 32-bit priority draw (purpose order, its birth group and rank), ties in table order', () => {
    const world = afterMonths(40, 3);
    const b = world.births;
    /** The priority draw of startup i in month t, from sim/rng/keyed.ts: the order stream narrowed to its birth group, keyed by rank. */
    const priority = (i: number) => {
      let g = 0;
      while (g + 1 < b.count && b.first[g + 1] <= i) g++;
      return uniform32(keyOf(groupStream(streamOf(world.key, Purpose.order, world.t), b.group[g]), i - b.first[g]), 0);
    };
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(world.startups.count - 1), { minLength: 1, maxLength: 3000 }), fc.nat(20), (indices, t) => {
        world.t = t;
        const inTableOrder = [...indices].sort((x, y) => x - y);
        const buffer = Int32Array.from(inTableOrder, (i, k) => (k % 4 === 1 ? ~i : i));
        const expected = Array.from(buffer).sort((x, y) => priority(x < 0 ? ~x : x) - priority(y < 0 ? ~y : y) || (x < 0 ? ~x : x) - (y < 0 ? ~y : y));
        sortByPriority(world, buffer, buffer.length);
        expect(Array.from(buffer)).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('sorts alike in the table’s free room and in kept buffers, and leaves that room zero', () => {
    const world = afterMonths(40, 3);
    const st = world.startups;
    reserve(st, st.capacity); // room for a sort of all of them
    const past = () => new Uint8Array(st.memory.buffer, st.base + st.count * RECORD_BYTES, (st.capacity - st.count) * RECORD_BYTES);
    const roomFor = Math.floor(((st.capacity - st.count) * RECORD_BYTES) / 16);
    expect(roomFor).toBeGreaterThanOrEqual(st.count);
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(st.count - 1), { minLength: 1, maxLength: st.count }), fc.nat(20), (indices, t) => {
        world.t = t;
        const inTableOrder = Int32Array.from([...indices].sort((x, y) => x - y), (i, k) => (k % 3 === 2 ? ~i : i));
        const inRoom = inTableOrder.slice();
        sortByPriority(world, inRoom, inRoom.length);
        expect(past().every((byte) => byte === 0)).toBe(true);
        // A full table has no room: the same sort in the buffers kept on the thread.
        const capacity = st.capacity;
        st.capacity = st.count;
        const inBuffers = inTableOrder.slice();
        try {
          sortByPriority(world, inBuffers, inBuffers.length);
        } finally {
          st.capacity = capacity;
        }
        expect(Array.from(inRoom)).toEqual(Array.from(inBuffers));
      }),
      { numRuns: 40 },
    );
  });

  it('is uniformly random: each of three startups comes first in a third of the months, within 4 SE', () => {
    const world = afterMonths(40, 1);
    const months = 3000;
    const first = new Map<number, number>();
    for (let t = 0; t < months; t++) {
      world.t = t;
      const buffer = Int32Array.of(7, ~12, 30);
      sortByPriority(world, buffer, 3);
      first.set(buffer[0], (first.get(buffer[0]) ?? 0) + 1);
    }
    expect([...first.keys()].sort()).toEqual([7, ~12, 30].sort());
    for (const [who, n] of first) expect(Math.abs(n / months - 1 / 3), String(who)).toBeLessThanOrEqual(4 * Math.sqrt((1 / 3) * (2 / 3) / months));
  });
});
