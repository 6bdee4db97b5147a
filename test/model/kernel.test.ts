/**
 * The WebAssembly kernel's steps 5–7 (sim/kernel/operate.ts) against a plain
 * JavaScript transcription of steps 5–7 (MODEL.md section 3), on random
 * records and parameters: the same records, sums, deaths and listed
 * survivors, to the bit, also when its output lists fill and it is called
 * again from where it stopped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupStream, keyOf, uniform32 } from '../../sim/rng/keyed.js';
import { createBirthGroups, openBirthGroup, type BirthGroups } from '../../sim/model/births.js';
import { instantiateKernel, kernelLayout } from '../../sim/model/kernel.js';
import { writeGroups } from '../../sim/model/kernel-tables.js';
import type { World } from '../../sim/model/world.js';
import { GrantByte, TableHeader } from '../../sim/kernel/tables.js';
import { createStartupTable, F64, grantEntry, grantsGiven, I16, I32, RECORD_BYTES, reserveGrants, Stride, U8, type StartupTable } from '../../sim/model/startups.js';

interface Month {
  t: number;
  P: number;
  C: number;
  stream: number;
  /** Sizes of the birth groups, in table order (group numbers 0, 1, …): rescue draws are keyed by (group, rank). */
  groups: number[];
  params: number[];
}

/** The birth groups of `m` over `count` startups (the last group takes what the sizes leave). */
function birthGroups(m: Month, count: number): BirthGroups {
  const groups = createBirthGroups(m.groups.length);
  let first = 0;
  m.groups.forEach((size, g) => {
    openBirthGroup(groups, g, Math.min(first, count));
    first += size;
  });
  return groups;
}

/** Steps 5–7 for every alive startup, written out plainly; returns what the kernel reports. */
function reference(table: StartupTable, m: Month) {
  const { t, P, C, stream, params: k } = m;
  const groups = birthGroups(m, table.count);
  const groupOf = (i: number) => {
    let g = 0;
    while (g + 1 < groups.count && groups.first[g + 1] <= i) g++;
    return g;
  };
  const Q = 2 * P;
  const L = Q + C * P;
  const sums = new Float64Array(4 * P + 2);
  const dying: number[] = [];
  const listed: number[] = [];
  const { f64, i32, i16, u8 } = table;
  for (let i = 0; i < table.count; i++) {
    if (u8[i * Stride.u8 + U8.alive] === 0) continue;
    const a = i * Stride.f64;
    const h = i * Stride.i16;
    const j = i16[h + I16.provider];
    const s = u8[i * Stride.u8 + U8.cls];
    const d = f64[a + F64.tokens];
    let billed = d;
    const entry = i32[i * Stride.i32 + I32.grant];
    if (entry !== 0) {
      // A grant past its last month, or used up, is let go of (it can serve no later month).
      const grant = grantEntry(table, entry);
      const free = grant.getFloat64(GrantByte.free, true);
      if (t > grant.getInt16(GrantByte.until, true)) i32[i * Stride.i32 + I32.grant] = 0;
      else if (grant.getInt16(GrantByte.provider, true) === j && free > 0) {
        const used = Math.min(free, d);
        grant.setFloat64(GrantByte.free, free - used, true);
        billed = d - used;
        sums[4 * P] += used;
        if (used === free) i32[i * Stride.i32 + I32.grant] = 0;
      }
    }
    const bill = billed * k[j];
    const paid = bill * k[L + 4 * s + 3];
    sums[4 * P + 1] += bill - paid;
    const kept = t <= i16[h + I16.disruptedUntil] ? 1 - k[L + 4 * s] : 1;
    let w = f64[a + F64.cash] + f64[a + F64.revenue] * k[Q + s * P + j] * kept - paid - f64[a + F64.opex];
    sums[4 * j] += bill;
    sums[4 * j + 1] += d * k[P + j];
    sums[4 * j + 2] += d;
    if (w < 0) {
      const g = groupOf(i);
      if (uniform32(keyOf(groupStream(stream, groups.group[g]), i - groups.first[g]), 0) < k[L + 4 * s + 1]) w += k[L + 4 * s + 2] * f64[a + F64.opex];
      else {
        f64[a + F64.cash] = w;
        dying.push(~i);
        continue;
      }
    }
    f64[a + F64.cash] = w;
    if (i16[h + I16.hazardMonth] <= t) {
      dying.push(i);
      continue;
    }
    const g = f64[a + F64.growthFactor];
    f64[a + F64.revenue] *= g;
    f64[a + F64.tokens] = d * g;
    f64[a + F64.opex] *= g;
    sums[4 * j + 3]++;
    if (i16[h + I16.nextReconsider] <= t + 1) listed.push(i);
  }
  return { sums: Array.from(sums), dying, listed };
}

/** The kernel over the same month, called again each time one of its lists (of `capacity` entries) fills. */
function kernel(table: StartupTable, m: Month, capacity: number) {
  const { P, C } = m;
  const layout = kernelLayout(P, C, 0, 12);
  const k = instantiateKernel(table.memory, layout, P, C, 0);
  writeGroups({ births: birthGroups(m, table.count), layout, startups: table, kernel: k } as unknown as World);
  const buffer = table.memory.buffer;
  new Float64Array(buffer, layout.params, m.params.length).set(m.params);
  const sums = new Float64Array(buffer, layout.sums, 4 * P + 2);
  sums.fill(0);
  const dying: number[] = [];
  const listed: number[] = [];
  let calls = 0;
  for (let i = 0; i < table.count; ) {
    i = k.operate(table.base, i, table.count, m.t, P, C, layout.params, layout.sums, layout.dying, capacity, layout.list, capacity, m.stream);
    dying.push(...new Int32Array(buffer, layout.dying, k.dead()));
    listed.push(...new Int32Array(buffer, layout.list, k.listed()));
    calls++;
  }
  return { sums: Array.from(sums), dying, listed, calls };
}

const startup = fc.record({
  alive: fc.constantFrom(0, 1, 1, 1),
  provider: fc.nat(3),
  cls: fc.nat(1),
  cash: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  revenue: fc.double({ min: 0, max: 1e5, noNaN: true }),
  opex: fc.double({ min: 0, max: 1e5, noNaN: true }),
  tokens: fc.double({ min: 0, max: 1e4, noNaN: true }),
  growthFactor: fc.double({ min: 0.8, max: 1.2, noNaN: true }),
  grant: fc.option(
    fc.record({
      free: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e4, noNaN: true })),
      provider: fc.integer({ min: 0, max: 3 }),
      until: fc.integer({ min: -1, max: 12 }),
    }),
  ),
  disruptedUntil: fc.integer({ min: -1, max: 12 }),
  nextReconsider: fc.integer({ min: 0, max: 14 }),
  hazardMonth: fc.integer({ min: 0, max: 40 }),
});

const P = 4;
const C = 2;
const month = fc.record({
  t: fc.nat(12),
  stream: fc.nat(0xffffffff),
  groups: fc.array(fc.nat(20), { minLength: 1, maxLength: 12 }),
  params: fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 2 * P + C * P + 4 * C, maxLength: 2 * P + C * P + 4 * C }),
});

function tableOf(startups: fc.Infer<typeof startup>[]): StartupTable {
  const table = createStartupTable(startups.length, kernelLayout(P, C, 0, 12).records);
  table.count = startups.length;
  reserveGrants(table, startups.length);
  const header = new Int32Array(table.memory.buffer, table.base - TableHeader.size, TableHeader.size / 4);
  startups.forEach((x, i) => {
    const a = i * Stride.f64;
    const h = i * Stride.i16;
    table.f64.set([x.cash, x.revenue, x.opex, x.tokens, x.growthFactor], a);
    if (x.grant) {
      // Entries in reverse order of the startups, so that an entry's place is not its startup's.
      const entry = startups.length - i;
      table.i32[i * Stride.i32 + I32.grant] = entry;
      const grant = grantEntry(table, entry);
      grant.setFloat64(GrantByte.free, x.grant.free, true);
      grant.setInt16(GrantByte.provider, x.grant.provider, true);
      grant.setInt16(GrantByte.until, x.grant.until, true);
    }
    table.i16[h + I16.provider] = x.provider;
    table.i16[h + I16.disruptedUntil] = x.disruptedUntil;
    table.i16[h + I16.nextReconsider] = x.nextReconsider;
    table.i16[h + I16.hazardMonth] = x.hazardMonth;
    table.u8[i * Stride.u8 + U8.cls] = x.cls;
    table.u8[i * Stride.u8 + U8.alive] = x.alive;
  });
  header[TableHeader.grants / 4] = startups.length;
  return table;
}

/** The records born and the grant table's entries given. */
function bytesOf(table: StartupTable): Buffer {
  const records = Buffer.from(table.u8.buffer, table.base, table.count * RECORD_BYTES);
  const grants = grantsGiven(table) === 0 ? Buffer.alloc(0) : Buffer.from(grantEntry(table, 1).buffer, grantEntry(table, 1).byteOffset, grantsGiven(table) * GrantByte.size);
  return Buffer.concat([records, grants]);
}

describe('the WebAssembly step kernel', () => {
  it('gives the bits of a plain transcription of steps 5–7, whatever the chunking', () => {
    fc.assert(
      fc.property(fc.array(startup, { minLength: 1, maxLength: 60 }), month, fc.integer({ min: 1, max: 8 }), (startups, m, capacity) => {
        const expected = tableOf(startups);
        const actual = tableOf(startups);
        const want = reference(expected, { ...m, P, C });
        const got = kernel(actual, { ...m, P, C }, capacity);
        expect(bytesOf(actual).equals(bytesOf(expected))).toBe(true);
        expect(got.sums).toEqual(want.sums);
        expect(got.dying).toEqual(want.dying);
        expect(got.listed).toEqual(want.listed);
        // A list that fills ends the call early: at least one call per `capacity` entries.
        expect(got.calls).toBeGreaterThanOrEqual(Math.ceil(Math.max(want.dying.length, want.listed.length) / capacity));
      }),
      { numRuns: 300 },
    );
  });
});
