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

/** Lists up to 2^21 long sort as packed numbers: a 32-bit priority above 21 bits of position, exact in a double. */
const POSITION_BITS = 21;
const PACKED_MAX = 2 ** POSITION_BITS;

/**
 * Sorts `buffer[0..n)` by the priority of the startups it names, in month
 * world.t. Entries are table indices i, or ~i (a forced chooser, choice.ts):
 * either way the startup is i. The buffer must be in table order, so that
 * ties (equal 32-bit priorities) keep it: ties by key.
 */
export function sortByPriority(world: World, buffer: Int32Array, n: number): void {
  const priorities = drawPriorities(world, buffer, n);
  const entries = scratch.entries.length >= n ? scratch.entries : (scratch.entries = new Int32Array(Math.max(n, 2 * scratch.entries.length)));
  entries.set(buffer.subarray(0, n));
  if (n <= PACKED_MAX) {
    // A typed-array sort without a comparator, over buffers kept between calls: measured on bench-10k,
    // a comparator sort of the month's choosers took a quarter of the run, fresh buffers another 2 %.
    const packed = scratch.packed.length >= n ? scratch.packed : (scratch.packed = new Float64Array(Math.max(n, 2 * scratch.packed.length)));
    for (let k = 0; k < n; k++) packed[k] = priorities[k] * PACKED_MAX + k;
    const sorted = packed.subarray(0, n).sort();
    for (let k = 0; k < n; k++) buffer[k] = entries[sorted[k] % PACKED_MAX];
    return;
  }
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => priorities[a] - priorities[b] || a - b);
  for (let k = 0; k < n; k++) buffer[k] = entries[order[k]];
}

/** The 32-bit priorities, in month world.t, of the startups `buffer[0..n)` names (i, or ~i), drawn by the kernel. */
function drawPriorities(world: World, buffer: Int32Array, n: number): Uint32Array {
  const priorities = scratch.priorities.length >= n ? scratch.priorities : (scratch.priorities = new Uint32Array(Math.max(n, 2 * scratch.priorities.length)));
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
const scratch = { entries: new Int32Array(1024), packed: new Float64Array(1024), priorities: new Uint32Array(1024) };
