/**
 * Random orders (MODEL.md section 9, "Choosing one at a time"): the month's
 * entrants, and step 4's choosers while a campaign budget is handed out, go
 * in the order of each startup's own priority draw (purpose `order`, the
 * month, the startup's key; ties by key, which is table order). A shuffle of
 * the list would reorder everyone when one startup more or less chooses;
 * with priorities, the others keep their places relative to each other.
 */
import { Purpose, streamOf } from '../rng/keyed.js';
import { writeGroups } from './kernel-tables.js';
import type { World } from './world.js';

/**
 * Sorts `buffer[0..n)` by the priority of the startups it names, in month
 * world.t. Entries are table indices i, or ~i (a forced chooser, choice.ts):
 * either way the startup is i. The buffer must be in table order, so that
 * ties (equal 32-bit priorities) keep it: ties by key.
 *
 * A stable least-significant-digit radix sort on the 32-bit priorities,
 * four passes of 8 bits, over buffers kept between calls: stability gives
 * the ties their table order. (It replaced a sort of packed doubles,
 * priority · 2^21 + position, which took about 5 % of a replication of
 * bench-10k; a comparator sort had taken a quarter.)
 */
export function sortByPriority(world: World, buffer: Int32Array, n: number): void {
  let keys = drawPriorities(world, buffer, n);
  let entries = grown('entries', n);
  entries.set(buffer.subarray(0, n));
  let keysOut = grown('keysOut', n);
  let entriesOut = grown('entriesOut', n);
  const counts = scratch.counts;
  for (let shift = 0; shift < 32; shift += 8) {
    counts.fill(0);
    for (let k = 0; k < n; k++) counts[(keys[k] >>> shift) & 0xff]++;
    for (let d = 0, total = 0; d < 256; d++) {
      const c = counts[d];
      counts[d] = total;
      total += c;
    }
    for (let k = 0; k < n; k++) {
      const at = counts[(keys[k] >>> shift) & 0xff]++;
      keysOut[at] = keys[k];
      entriesOut[at] = entries[k];
    }
    [keys, keysOut] = [keysOut, keys];
    [entries, entriesOut] = [entriesOut, entries];
  }
  // Four passes leave the sorted entries where they started.
  buffer.set(entries.subarray(0, n));
}

/** The 32-bit priorities, in month world.t, of the startups `buffer[0..n)` names (i, or ~i), drawn by the kernel. */
function drawPriorities(world: World, buffer: Int32Array, n: number): Uint32Array {
  const priorities = grown('priorities', n);
  const stream = streamOf(world.key, Purpose.order, world.t);
  const layout = world.layout;
  writeGroups(world);
  for (let from = 0; from < n; from += layout.listCapacity) {
    const count = Math.min(layout.listCapacity, n - from);
    const memory = world.startups.memory.buffer;
    new Int32Array(memory, layout.choosers, count).set(buffer.subarray(from, from + count));
    world.kernel.priorities(count, stream);
    priorities.set(new Uint32Array(memory, layout.priorities, count), from);
  }
  return priorities;
}

/** Buffers reused from call to call on this thread (a sort finishes before the next starts). */
const scratch: { priorities: Uint32Array; keysOut: Uint32Array; entries: Int32Array; entriesOut: Int32Array; counts: Int32Array } = {
  priorities: new Uint32Array(1024),
  keysOut: new Uint32Array(1024),
  entries: new Int32Array(1024),
  entriesOut: new Int32Array(1024),
  counts: new Int32Array(256),
};

/** The scratch buffer `name`, grown to hold at least n. */
function grown(name: 'priorities' | 'keysOut', n: number): Uint32Array;
function grown(name: 'entries' | 'entriesOut', n: number): Int32Array;
function grown(name: 'priorities' | 'keysOut' | 'entries' | 'entriesOut', n: number): Uint32Array | Int32Array {
  const buffer = scratch[name];
  if (buffer.length >= n) return buffer;
  const size = Math.max(n, 2 * buffer.length);
  if (name === 'entries' || name === 'entriesOut') return (scratch[name] = new Int32Array(size));
  return (scratch[name] = new Uint32Array(size));
}
