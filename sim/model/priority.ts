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
import { RECORD_BYTES } from './startups.js';
import type { World } from './world.js';

/**
 * Sorts `buffer[0..n)` by the priority of the startups it names, in month
 * world.t. Entries are table indices i, or ~i (a forced chooser, choice.ts):
 * either way the startup is i. The buffer must be in table order, so that
 * ties (equal 32-bit priorities) keep it: ties by key.
 *
 * A stable least-significant-digit radix sort on the 32-bit priorities,
 * four passes of 8 bits, in the startup table's free room or in buffers
 * kept between calls (tableRoom): stability gives the ties their table
 * order. (It replaced a sort of packed doubles, priority · 2^21 +
 * position, which took about 5 % of a replication of bench-10k; a
 * comparator sort had taken a quarter.)
 */
export function sortByPriority(world: World, buffer: Int32Array, n: number): void {
  const room = tableRoom(world, n);
  let keys = drawPriorities(world, buffer, n, room?.priorities ?? grown('priorities', n));
  let entries = room?.entries ?? grown('entries', n);
  entries.set(buffer.subarray(0, n));
  let keysOut = room?.keysOut ?? grown('keysOut', n);
  let entriesOut = room?.entriesOut ?? grown('entriesOut', n);
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
  room?.bytes.fill(0);
}

/** The sort's four arrays of n words, laid out in the startup table's room (tableRoom). */
interface SortRoom {
  priorities: Uint32Array;
  keysOut: Uint32Array;
  entries: Int32Array;
  entriesOut: Int32Array;
  /** All of it, to zero again after the sort. */
  bytes: Uint8Array;
}

/**
 * The sort's arrays in the startup table's room not yet holding records,
 * when it has 16 n bytes (else undefined: buffers kept on this thread). A
 * big sort, such as an exit's forced choosers, then costs no memory of its
 * own: its pages are the table's, which births would write anyway, where
 * kept buffers of that size stayed for the rest of the run (bench-1m: 10
 * MiB for 646,000 choosers). Nothing else writes there during the sort (the
 * kernel's call here writes its own lists, before the records), and the
 * room is zeroed again after it, as every byte past the records born is
 * zero (startups.ts).
 */
function tableRoom(world: World, n: number): SortRoom | undefined {
  const st = world.startups;
  const start = st.base + st.count * RECORD_BYTES;
  if ((st.capacity - st.count) * RECORD_BYTES < 16 * n) return undefined;
  const memory = st.memory.buffer;
  return {
    priorities: new Uint32Array(memory, start, n),
    keysOut: new Uint32Array(memory, start + 4 * n, n),
    entries: new Int32Array(memory, start + 8 * n, n),
    entriesOut: new Int32Array(memory, start + 12 * n, n),
    bytes: new Uint8Array(memory, start, 16 * n),
  };
}

/** The 32-bit priorities, in month world.t, of the startups `buffer[0..n)` names (i, or ~i), drawn by the kernel into `priorities`. */
function drawPriorities(world: World, buffer: Int32Array, n: number, priorities: Uint32Array): Uint32Array {
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
