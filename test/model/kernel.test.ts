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
import { createStartupTable, F64, I16, Stride, U8, type StartupTable } from '../../sim/model/startups.js';

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
  const { f64, i16, u8 } = table;
  for (let i = 0; i < table.count; i++) {
    if (u8[i * Stride.u8 + U8.alive] === 0) continue;
    const a = i * Stride.f64;
    const h = i * Stride.i16;
    const j = i16[h + I16.provider];
    const s = u8[i * Stride.u8 + U8.cls];
    const d = f64[a + F64.tokens];
    let billed = d;
    if (i16[h + I16.freeProvider] === j && t <= i16[h + I16.freeUntil] && f64[a + F64.free] > 0) {
      const used = Math.min(f64[a + F64.free], d);
      f64[a + F64.free] -= used;
      billed = d - used;
      sums[4 * P] += used;
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
  free: fc.double({ min: 0, max: 1e4, noNaN: true }),
  freeProvider: fc.integer({ min: -1, max: 3 }),
  freeUntil: fc.integer({ min: -1, max: 12 }),
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
  startups.forEach((x, i) => {
    const a = i * Stride.f64;
    const h = i * Stride.i16;
    table.f64.set([x.cash, x.revenue, x.opex, x.tokens, x.growthFactor, x.free], a);
    table.i16[h + I16.provider] = x.provider;
    table.i16[h + I16.freeProvider] = x.freeProvider;
    table.i16[h + I16.freeUntil] = x.freeUntil;
    table.i16[h + I16.disruptedUntil] = x.disruptedUntil;
    table.i16[h + I16.nextReconsider] = x.nextReconsider;
    table.i16[h + I16.hazardMonth] = x.hazardMonth;
    table.u8[i * Stride.u8 + U8.cls] = x.cls;
    table.u8[i * Stride.u8 + U8.alive] = x.alive;
  });
  return table;
}

describe('the WebAssembly step kernel', () => {
  it('gives the bits of a plain transcription of steps 5–7, whatever the chunking', () => {
    fc.assert(
      fc.property(fc.array(startup, { minLength: 1, maxLength: 60 }), month, fc.integer({ min: 1, max: 8 }), (startups, m, capacity) => {
        const expected = tableOf(startups);
        const actual = tableOf(startups);
        const want = reference(expected, { ...m, P, C });
        const got = kernel(actual, { ...m, P, C }, capacity);
        expect(Buffer.from(actual.u8.buffer, actual.base, actual.count * 64).equals(Buffer.from(expected.u8.buffer, expected.base, expected.count * 64))).toBe(true);
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
