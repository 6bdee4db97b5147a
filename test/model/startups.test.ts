/**
 * The startup record layout (sim/model/startups.ts): every slot has its own
 * bytes inside its own 56-byte record, the grant table past the records'
 * room holds each granted startup's entry, and growing, copying and reusing
 * the table keeps them (and zeros where they were).
 */
import { describe, expect, it } from 'vitest';
import { GrantByte, TableHeader } from '../../sim/kernel/tables.js';
import {
  copyStartupTable,
  createStartupTable,
  F64,
  giveBackSpareMemories,
  grantEntry,
  grantsGiven,
  I16,
  I32,
  readStartup,
  RECORD_BYTES,
  releaseStartupTable,
  reserve,
  reserveGrants,
  startupFields,
  Stride,
  U8,
  type StartupTable,
} from '../../sim/model/startups.js';

const f64Slots = { cash: F64.cash, revenue: F64.revenue, opex: F64.opex, tokens: F64.tokens, growthFactor: F64.growthFactor };
const i32Slots = { grant: I32.grant };
const i16Slots = {
  provider: I16.provider,
  initialProvider: I16.initialProvider,
  disruptedUntil: I16.disruptedUntil,
  nextReconsider: I16.nextReconsider,
  hazardMonth: I16.hazardMonth,
};
const u8Slots = { cls: U8.cls, alive: U8.alive };

/** Gives startup i grant entry `entry` with values unique to i, as the kernel would (sim/kernel/choice.ts, grant). */
function giveGrant(table: StartupTable, i: number, entry: number): void {
  reserveGrants(table, Math.max(0, entry - grantsGiven(table)));
  new Int32Array(table.memory.buffer, table.base - TableHeader.size, 4)[TableHeader.grants / 4] = Math.max(entry, grantsGiven(table));
  table.i32[i * Stride.i32 + I32.grant] = entry;
  const grant = grantEntry(table, entry);
  grant.setFloat64(GrantByte.free, i * 10 + 0.25, true);
  grant.setInt16(GrantByte.provider, i % 7, true);
  grant.setInt16(GrantByte.until, i + 3, true);
}

/** Writes a value into every slot of record i that is unique to (i, slot), and gives it grant entry i + 1. */
function mark(table: StartupTable, i: number): void {
  Object.values(f64Slots).forEach((slot, k) => (table.f64[i * Stride.f64 + slot] = i * 100 + k + 0.5));
  Object.values(i16Slots).forEach((slot, k) => (table.i16[i * Stride.i16 + slot] = i * 100 + 10 + k));
  Object.values(u8Slots).forEach((slot, k) => (table.u8[i * Stride.u8 + slot] = (i * 7 + 20 + k) % 256));
  giveGrant(table, i, i + 1);
}

function expectMarked(table: StartupTable, i: number): void {
  const s = readStartup(table, i) as unknown as Record<string, number>;
  Object.keys(f64Slots).forEach((name, k) => expect(s[name], name).toBe(i * 100 + k + 0.5));
  Object.keys(i16Slots).forEach((name, k) => expect(s[name], name).toBe(i * 100 + 10 + k));
  Object.keys(u8Slots).forEach((name, k) => expect(s[name], name).toBe((i * 7 + 20 + k) % 256));
  expect(table.i32[i * Stride.i32 + I32.grant]).toBe(i + 1);
  expect([s.free, s.freeProvider, s.freeUntil]).toEqual([i * 10 + 0.25, i % 7, i + 3]);
}

/** Whether every byte of the records' room (past the records born, up to the capacity) is zero. */
function roomIsZero(table: StartupTable): boolean {
  return table.u8.subarray(table.count * RECORD_BYTES).every((b) => b === 0);
}

describe('startup records', () => {
  it('are 56 bytes, the sum of their slots, and the strides match', () => {
    expect(RECORD_BYTES).toBe(56);
    expect(startupFields.reduce((sum, f) => sum + f.bytes, 0)).toBe(RECORD_BYTES);
    expect([Stride.f64 * 8, Stride.i32 * 4, Stride.i16 * 2, Stride.u8]).toEqual([RECORD_BYTES, RECORD_BYTES, RECORD_BYTES, RECORD_BYTES]);
    expect(startupFields.map((f) => f.name)).toEqual([...Object.keys(f64Slots), ...Object.keys(i32Slots), ...Object.keys(i16Slots), ...Object.keys(u8Slots)]);
  });

  it('give every slot bytes of its own: writing all of them reads back each one', () => {
    const table = createStartupTable(8);
    table.count = 8;
    for (let i = 0; i < 8; i++) mark(table, i);
    for (let i = 0; i < 8; i++) expectMarked(table, i);
    // The four views cover byte ranges that do not meet: f64 slots in 0–39, i32 in 40–43, i16 in 44–53, u8 in 54–55.
    expect(Math.max(...Object.values(f64Slots)) * 8 + 8).toBeLessThanOrEqual(I32.grant * 4);
    expect(I32.grant * 4 + 4).toBeLessThanOrEqual(Math.min(...Object.values(i16Slots)) * 2);
    expect(Math.max(...Object.values(i16Slots)) * 2 + 2).toBeLessThanOrEqual(Math.min(...Object.values(u8Slots)));
  });

  it('read no grant before one is given', () => {
    const table = createStartupTable(4);
    table.count = 4;
    expect(readStartup(table, 2)).toMatchObject({ free: 0, freeProvider: -1, freeUntil: -1 });
  });

  it('survive the table growing, also past a page of its memory; the grant table moves past the new room', () => {
    const table = createStartupTable(16);
    table.count = 16;
    for (let i = 0; i < 16; i++) mark(table, i);
    reserve(table, 5000); // past the first 64 KiB page: the memory grows, the views are made again
    expect(table.capacity).toBeGreaterThanOrEqual(5016);
    expect(table.memory.buffer.byteLength).toBeGreaterThanOrEqual(5016 * RECORD_BYTES);
    expect(table.u8.byteLength).toBe(table.capacity * RECORD_BYTES);
    for (let i = 0; i < 16; i++) expectMarked(table, i);
    // Where the grant table was is room for records now: zero, as births expect.
    expect(roomIsZero(table)).toBe(true);
  });

  it('keep their grants when the grant table grows', () => {
    const table = createStartupTable(300);
    table.count = 300;
    for (let i = 0; i < 300; i++) mark(table, i); // past the table's first room (256 entries)
    expect(table.grantCapacity).toBeGreaterThanOrEqual(300);
    for (let i = 0; i < 300; i++) expectMarked(table, i);
    expect(grantsGiven(table)).toBe(300);
  });

  it('copy into another table with their grants, whatever that table held and wherever its records start', () => {
    const from = createStartupTable(40, 64);
    from.count = 20;
    for (let i = 0; i < 20; i++) mark(from, i);
    // A smaller table with a different base, whose own grants lie where the copy's record room will be.
    const to = createStartupTable(16, 128);
    to.count = 16;
    for (let i = 0; i < 16; i++) giveGrant(to, i, 16 - i);
    copyStartupTable(from, to);
    expect([to.count, to.capacity, grantsGiven(to)]).toEqual([20, from.capacity, 20]);
    for (let i = 0; i < 20; i++) expectMarked(to, i);
    expect(roomIsZero(to)).toBe(true);
  });
});

describe('spare memories', () => {
  it('serve the next table, zeroed, and stay when they hold little', () => {
    const table = createStartupTable(16);
    table.count = 16;
    for (let i = 0; i < 16; i++) mark(table, i);
    releaseStartupTable(table);
    giveBackSpareMemories(); // 1 KiB held: kept
    const next = createStartupTable(16);
    expect(next.memory).toBe(table.memory);
    expect(next.u8.every((b) => b === 0)).toBe(true);
    // The grants given are gone too: none counted, and the table's first entries all zeros.
    expect(grantsGiven(next)).toBe(0);
    const entries = new Uint8Array(next.memory.buffer, grantEntry(next, 1).byteOffset, 16 * GrantByte.size);
    expect(entries.every((b) => b === 0)).toBe(true);
  });

  it('are given back once they hold 32 MiB: the next table has a memory of its own', () => {
    const records = Math.ceil((32 * 1024 * 1024) / RECORD_BYTES);
    const big = createStartupTable(records);
    big.count = records; // as if all were born: the spare counts these bytes as used
    releaseStartupTable(big);
    giveBackSpareMemories();
    const next = createStartupTable(16);
    expect(next.memory).not.toBe(big.memory);
  });
});

