/**
 * The startup record layout (sim/model/startups.ts): every slot has its own
 * bytes inside its own 64-byte record, and growing the table keeps them.
 */
import { describe, expect, it } from 'vitest';
import { createStartupTable, F64, giveBackSpareMemories, releaseStartupTable, I16, readStartup, RECORD_BYTES, reserve, startupFields, Stride, U8, type StartupTable } from '../../sim/model/startups.js';

const f64Slots = { cash: F64.cash, revenue: F64.revenue, opex: F64.opex, tokens: F64.tokens, growthFactor: F64.growthFactor, free: F64.free };
const i16Slots = {
  provider: I16.provider,
  initialProvider: I16.initialProvider,
  freeProvider: I16.freeProvider,
  freeUntil: I16.freeUntil,
  disruptedUntil: I16.disruptedUntil,
  nextReconsider: I16.nextReconsider,
  hazardMonth: I16.hazardMonth,
};
const u8Slots = { cls: U8.cls, alive: U8.alive };

/** Writes a value into every slot of record i that is unique to (i, slot). */
function mark(table: StartupTable, i: number): void {
  Object.values(f64Slots).forEach((slot, k) => (table.f64[i * Stride.f64 + slot] = i * 100 + k + 0.5));
  Object.values(i16Slots).forEach((slot, k) => (table.i16[i * Stride.i16 + slot] = i * 100 + 10 + k));
  Object.values(u8Slots).forEach((slot, k) => (table.u8[i * Stride.u8 + slot] = (i * 7 + 20 + k) % 256));
}

function expectMarked(table: StartupTable, i: number): void {
  const s = readStartup(table, i) as unknown as Record<string, number>;
  Object.keys(f64Slots).forEach((name, k) => expect(s[name], name).toBe(i * 100 + k + 0.5));
  Object.keys(i16Slots).forEach((name, k) => expect(s[name], name).toBe(i * 100 + 10 + k));
  Object.keys(u8Slots).forEach((name, k) => expect(s[name], name).toBe((i * 7 + 20 + k) % 256));
}

describe('startup records', () => {
  it('are 64 bytes, the sum of their slots, and the strides match', () => {
    expect(RECORD_BYTES).toBe(64);
    expect(startupFields.reduce((sum, f) => sum + f.bytes, 0)).toBe(RECORD_BYTES);
    expect([Stride.f64 * 8, Stride.i16 * 2, Stride.u8]).toEqual([RECORD_BYTES, RECORD_BYTES, RECORD_BYTES]);
    expect(startupFields.map((f) => f.name)).toEqual([...Object.keys(f64Slots), ...Object.keys(i16Slots), ...Object.keys(u8Slots)]);
  });

  it('give every slot bytes of its own: writing all of them reads back each one', () => {
    const table = createStartupTable(8);
    table.count = 8;
    for (let i = 0; i < 8; i++) mark(table, i);
    for (let i = 0; i < 8; i++) expectMarked(table, i);
    // The three views cover byte ranges that do not meet: f64 slots in 0–47, i16 in 48–61, u8 in 62–63.
    expect(Math.max(...Object.values(f64Slots)) * 8 + 8).toBeLessThanOrEqual(Math.min(...Object.values(i16Slots)) * 2);
    expect(Math.max(...Object.values(i16Slots)) * 2 + 2).toBeLessThanOrEqual(Math.min(...Object.values(u8Slots)));
  });

  it('survive the table growing, also past a page of its memory', () => {
    const table = createStartupTable(16);
    table.count = 16;
    for (let i = 0; i < 16; i++) mark(table, i);
    reserve(table, 5000); // past the first 64 KiB page: the memory grows, the views are made again
    expect(table.capacity).toBeGreaterThanOrEqual(5016);
    expect(table.memory.buffer.byteLength).toBeGreaterThanOrEqual(5016 * RECORD_BYTES);
    expect(table.u8.byteLength).toBe(table.capacity * RECORD_BYTES);
    for (let i = 0; i < 16; i++) expectMarked(table, i);
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

