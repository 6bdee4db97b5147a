/**
 * Steps 5–7 for a range of startups (the model's side is
 * sim/model/operate.ts, which says what the steps are).
 *
 * Memory (imported, one per world; offsets in bytes, see sim/model/kernel.ts):
 *   records   56-byte startup records (sim/model/startups.ts), then their
 *             room, then the grant table (GrantByte)
 *   params    f64: price_j at j, unitCost_j at P + j, quality factor of
 *             (s, j) at Q + s·P + j, then disruption loss, funding
 *             probability, funding months and the fraction of its bill a
 *             startup pays (1 − voucher share) of class s at L + 4s + 0 … 3
 *   sums      f64: billed revenue, cost, tokens and customers of j at
 *             4j + 0 … 3, free tokens used at 4P, the bills' part paid by
 *             vouchers at 4P + 1
 *   dying     i32: this call's deaths, ~i for runway and i for hazard
 *   listed    i32: survivors whose next reconsideration is month t + 1
 *
 * Record slots: RecordByte (tables.ts).
 */

import { GrantByte, grantTable, groupAt, groupCount, groupFirst, groupNumber, RecordByte } from './layout';
import { groupStream, keyOf, uniform32 } from './random';

let deadCount: i32 = 0;
let listedCount: i32 = 0;

/** Deaths and listed survivors of the last call. */
export function dead(): i32 {
  return deadCount;
}
export function listed(): i32 {
  return listedCount;
}

// The rescue draw of sim/rng/keyed.ts: uniform32 with k = 0 of the startup's key, its birth group's
// stream (groupStream) keyed by its rank.
// @ts-ignore: decorator
@inline
function rescueUniform(stream: u32, rank: i32): f64 {
  return uniform32(keyOf(stream, <u32>rank), 0);
}

/**
 * Operates startups start … n − 1 in month t, birth group after birth group
 * (the group table must be written: their rescue draws are keyed by group
 * and rank), and stops early, returning the index to resume from, when
 * `dying` or `listed` is full.
 */
export function operate(
  records: usize,
  start: i32,
  n: i32,
  t: i32,
  P: i32,
  C: i32,
  params: usize,
  sums: usize,
  dying: usize,
  dyingCap: i32,
  list: usize,
  listCap: i32,
  rescueStream: u32,
): i32 {
  const Q = 2 * P;
  const L = Q + C * P;
  const freeUsedAt = sums + (<usize>(4 * P) << 3);
  // Sums every startup adds to live in locals for the call: the same additions in the same order, without a
  // store and a load per startup chained through one memory slot (about 9 cycles a startup).
  let freeUsed = load<f64>(freeUsedAt);
  let vouchers = load<f64>(freeUsedAt, 8);
  const grants = grantTable(records);
  const next = t + 1;
  let dead = 0;
  let listed = 0;
  let i = start;
  // The birth group of i: its first index (the rank base), where the next begins, and its rescue stream.
  let rankBase = 0;
  let groupEnd = 0;
  let stream: u32 = 0;
  for (; i < n; i++) {
    if (dead == dyingCap || listed == listCap) break;
    if (i >= groupEnd) {
      const group = groupAt(i);
      rankBase = load<i32>(groupFirst + (<usize>group << 2));
      groupEnd = group + 1 < groupCount ? load<i32>(groupFirst + (<usize>(group + 1) << 2)) : n;
      stream = groupStream(rescueStream, <u32>load<i32>(groupNumber + (<usize>group << 2)));
    }
    const r = records + <usize>i * RecordByte.size;
    if (load<u8>(r, RecordByte.alive) == 0) continue;
    const j = <i32>load<i16>(r, RecordByte.provider);
    const s = <i32>load<u8>(r, RecordByte.cls);
    const d = load<f64>(r, RecordByte.tokens);
    // 5: usage and accounts
    let billed = d;
    const grant = load<i32>(r, RecordByte.grant);
    if (grant != 0) {
      // A grant past its last month, or used up, can serve no later month: the record lets go of it, so
      // the months after do not read the table (a miss to memory each, in a big world).
      const a = grants + (<usize>(grant - 1) << 4);
      if (t > <i32>load<i16>(a, GrantByte.until)) store<i32>(r, 0, RecordByte.grant);
      else if (<i32>load<i16>(a, GrantByte.provider) == j) {
        const free = load<f64>(a, GrantByte.free);
        if (free > 0) {
          const used = free < d ? free : d;
          store<f64>(a, free - used, GrantByte.free);
          billed = d - used;
          freeUsed += used;
          if (used == free) store<i32>(r, 0, RecordByte.grant);
        }
      }
    }
    const bill = billed * load<f64>(params + (<usize>j << 3));
    const perClass = params + (<usize>(L + 4 * s) << 3);
    // The provider books the whole bill; the startup pays its part, the voucher the rest (× 1 is exact without one).
    const paid = bill * load<f64>(perClass, 24);
    vouchers += bill - paid;
    const kept = t <= <i32>load<i16>(r, RecordByte.disruptedUntil) ? 1 - load<f64>(perClass) : 1.0;
    const opex = load<f64>(r, RecordByte.opex);
    const revenue = load<f64>(r, RecordByte.revenue);
    let w = load<f64>(r, RecordByte.cash) + revenue * load<f64>(params + (<usize>(Q + s * P + j) << 3)) * kept - paid - opex;
    const acc = sums + (<usize>(4 * j) << 3);
    store<f64>(acc, load<f64>(acc) + bill);
    store<f64>(acc, load<f64>(acc, 8) + d * load<f64>(params + (<usize>(P + j) << 3)), 8);
    store<f64>(acc, load<f64>(acc, 16) + d, 16);
    // 6: survival
    if (w < 0) {
      if (rescueUniform(stream, i - rankBase) < load<f64>(perClass, 8)) {
        // A rescue that does not cover the hole leaves the startup to be tested again next month.
        w += load<f64>(perClass, 16) * opex;
      } else {
        store<f64>(r, w, RecordByte.cash);
        store<i32>(dying + (<usize>dead << 2), ~i);
        dead++;
        continue;
      }
    }
    store<f64>(r, w, RecordByte.cash);
    if (<i32>load<i16>(r, RecordByte.hazardMonth) <= t) {
      store<i32>(dying + (<usize>dead << 2), i);
      dead++;
      continue;
    }
    // 7: growth
    const g = load<f64>(r, RecordByte.growthFactor);
    store<f64>(r, revenue * g, RecordByte.revenue);
    store<f64>(r, d * g, RecordByte.tokens);
    store<f64>(r, opex * g, RecordByte.opex);
    store<f64>(acc, load<f64>(acc, 24) + 1, 24);
    if (<i32>load<i16>(r, RecordByte.nextReconsider) <= next) {
      store<i32>(list + (<usize>listed << 2), i);
      listed++;
    }
  }
  store<f64>(freeUsedAt, freeUsed);
  store<f64>(freeUsedAt, vouchers, 8);
  deadCount = dead;
  listedCount = listed;
  return i;
}
