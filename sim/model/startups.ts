/**
 * Startups (MODEL.md section 2) as fixed 56-byte records, one per birth
 * index, in the world's WebAssembly memory (shared with the step kernel,
 * kernel.ts), read from JavaScript through four typed views:
 *
 *   bytes  0–39   five float64 slots  f64[i · Stride.f64 + F64.slot]
 *   bytes 40–43   one int32 slot      i32[i · Stride.i32 + I32.slot]
 *   bytes 44–53   five int16 slots    i16[i · Stride.i16 + I16.slot]
 *   bytes 54–55   two uint8 slots     u8[i · Stride.u8 + U8.slot]
 *
 * The memory holds, from `base`: the records, their room (capacity), then
 * the grant table, whose entries (GrantByte, sim/kernel/tables.ts) hold
 * grants of free tokens: few startups hold one, so those 12 bytes left the
 * record for a 4-byte index (I32.grant) of the startup's grant while it
 * can still serve. The 16 bytes before `base` are the header (TableHeader)
 * through which the kernel finds the table and counts the entries it
 * gives out.
 *
 * Dead startups are masked (U8.alive = 0), never removed, so indices stay
 * stable. The table grows by doubling when entrants outrun the preallocation,
 * up to WebAssembly's 4 GiB (MAX_STARTUPS, about 76 million startups).
 *
 * Why records and not one typed array per field: V8 checks a typed array's
 * map, length and data pointer at every access and does not hoist those
 * checks out of a loop, so a loop's cost per startup grows with the number
 * of arrays it touches. The fused step loop, which touches almost every
 * field, ran at 11.0 ns per startup on 15 arrays and 7.1–7.6 ns on 3 views
 * when it was JavaScript (bench-10k: 20.0 → 21.5 M startup-months/s); it is
 * WebAssembly now (kernel.ts), over the same records. A record is also at
 * most two neighbouring cache lines, which a chooser, picked at random,
 * reads whole.
 *
 * The slots are `const enum` members, so the compiler writes them as
 * literal numbers at every use (hence `isolatedModules: false` in
 * tsconfig.json): the JavaScript loop with its offsets read from imports
 * ran at 13 ns per startup, from local variables at 10.4 ns.
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { GrantByte, RecordByte, TableHeader } from '../kernel/tables.js';
import { grouped } from '../grouped.js';

export const NO_PROVIDER = -1;
/** A month that never comes: months are at most 1,200, and month slots are 16-bit. */
export const NEVER = 32767;
/** Birth month given for the t = 0 cohort (they are not entrants, MODEL.md section 9); they are indices 0 … initial − 1. */
export const INITIAL_COHORT = -1;

export const Cause = { none: 0, runway: 1, hazard: 2, stranded: 3 } as const;

/** Bytes of state per startup: one record. */
export const RECORD_BYTES = RecordByte.size as number;

/** Elements per record in each view. */
export const enum Stride {
  f64 = RecordByte.size / 8,
  i32 = RecordByte.size / 4,
  i16 = RecordByte.size / 2,
  u8 = RecordByte.size,
}

/** The record's slots as indices of the views (the bytes are RecordByte's, sim/kernel/tables.ts, shared with the kernel). */
export const enum F64 {
  /** USD. */
  cash = RecordByte.cash / 8,
  /** USD per month, before the quality factor. */
  revenue = RecordByte.revenue / 8,
  /** USD per month. */
  opex = RecordByte.opex / 8,
  /** Million tokens per month. */
  tokens = RecordByte.tokens / 8,
  /** exp(g_i): monthly growth factor of revenue, tokens and opex. S_i is not stored: see sim/kernel/births.ts. */
  growthFactor = RecordByte.growthFactor / 8,
}

export const enum I32 {
  /** 1 + the startup's entry in the grant table (readGrant) while its grant can still serve, else 0. */
  grant = RecordByte.grant / 4,
}

export const enum I16 {
  provider = RecordByte.provider / 2,
  /** Provider at t = 0 (cohort metrics); NO_PROVIDER for entrants. */
  initialProvider = RecordByte.initialProvider / 2,
  /** Last month of migration disruption (revenue loss). */
  disruptedUntil = RecordByte.disruptedUntil / 2,
  /** Month of the next voluntary reconsideration, and of death by the hazard (NEVER if none): see schedule.ts. */
  nextReconsider = RecordByte.nextReconsider / 2,
  hazardMonth = RecordByte.hazardMonth / 2,
}

export const enum U8 {
  cls = RecordByte.cls,
  /** 1 while alive. */
  alive = RecordByte.alive,
}

/** Every slot of a record with its size in bytes, in record order (reports, tests). */
export const startupFields: readonly { name: string; bytes: number }[] = [
  ...['cash', 'revenue', 'opex', 'tokens', 'growthFactor'].map((name) => ({ name, bytes: 8 })),
  { name: 'grant', bytes: 4 },
  ...['provider', 'initialProvider', 'disruptedUntil', 'nextReconsider', 'hazardMonth'].map((name) => ({ name, bytes: 2 })),
  ...['cls', 'alive'].map((name) => ({ name, bytes: 1 })),
];

export interface StartupTable {
  /** Number of startups ever born (initial + entrants). */
  count: number;
  /** Records allocated. */
  capacity: number;
  /** Entries the grant table has room for (the kernel counts those used, grantsGiven). */
  grantCapacity: number;
  /** The world's memory, shared with the step kernel (kernel.ts); the records start at byte `base`. */
  readonly memory: WebAssembly.Memory;
  readonly base: number;
  f64: Float64Array;
  i32: Int32Array;
  i16: Int16Array;
  u8: Uint8Array;
}

/** One startup's record as a plain object (tests, debugging; never in a loop). */
export interface Startup {
  cash: number;
  revenue: number;
  opex: number;
  tokens: number;
  growthFactor: number;
  provider: number;
  initialProvider: number;
  /** Its grant's free tokens (million), their provider and last usable month, while it can serve (readGrant): else 0, NO_PROVIDER and −1. */
  free: number;
  freeProvider: number;
  freeUntil: number;
  disruptedUntil: number;
  nextReconsider: number;
  hazardMonth: number;
  cls: number;
  alive: number;
}

/** WebAssembly memory grows in pages of 64 KiB, up to 65,536 pages (its 32-bit address space). */
const PAGE_BYTES = 65536;
const MAX_PAGES = 65536;

/** The most startups a replication can hold: its records must fit in one WebAssembly memory of 4 GiB. */
export const MAX_STARTUPS = Math.floor((MAX_PAGES * PAGE_BYTES - PAGE_BYTES) / RECORD_BYTES);

/** Bytes of an entry of the grant table. */
export const GRANT_ENTRY_BYTES = GrantByte.size as number;
/** The grant table's first room, in entries (it doubles as grants are given). */
const FIRST_GRANTS = 256;

/** Where the grant table of records at `base` with room for `capacity` starts. */
const grantsAt = (base: number, capacity: number) => base + capacity * RECORD_BYTES;

function pagesFor(base: number, capacity: number, grantCapacity: number): number {
  return Math.ceil((grantsAt(base, capacity) + grantCapacity * GRANT_ENTRY_BYTES) / PAGE_BYTES);
}

/** (Re)creates the views over the records and writes the header; growing the memory detaches the old views. */
function views(table: StartupTable): void {
  const buffer = table.memory.buffer;
  table.f64 = new Float64Array(buffer, table.base, table.capacity * Stride.f64);
  table.i32 = new Int32Array(buffer, table.base, table.capacity * Stride.i32);
  table.i16 = new Int16Array(buffer, table.base, table.capacity * Stride.i16);
  table.u8 = new Uint8Array(buffer, table.base, table.capacity * Stride.u8);
  const header = header32(table);
  header[TableHeader.capacity / 4] = table.capacity;
  header[TableHeader.grantCapacity / 4] = table.grantCapacity;
}

function header32(table: StartupTable): Int32Array {
  return new Int32Array(table.memory.buffer, table.base - TableHeader.size, TableHeader.size / 4);
}

/** Grant table entries used: the kernel counts them as it gives grants (sim/kernel/choice.ts). */
export function grantsGiven(table: StartupTable): number {
  return header32(table)[TableHeader.grants / 4];
}

/** Bytes of the memory in use: the records born, and the grant table's entries given. */
function usedRanges(table: StartupTable): { records: number; grants: { from: number; to: number } } {
  const from = grantsAt(table.base, table.capacity);
  return { records: table.base + table.count * RECORD_BYTES, grants: { from, to: from + grantsGiven(table) * GRANT_ENTRY_BYTES } };
}

function tooMany(capacity: number): RangeError {
  return new RangeError(`the startup table cannot hold ${grouped(capacity)} startups: at most ${grouped(MAX_STARTUPS)} fit in one replication`);
}

/**
 * Finished replications' memories, kept for the next tables of this thread
 * with the bytes they used (zeroed when taken again, as a new memory would
 * be; births write every slot anyway): a few, because a shared history
 * (fork.ts) holds a baseline's world and a fork at once; without a second
 * spare every fork paid for a new memory (3 ms against 0.5 ms in the 2024
 * scenario, about four months of its simulation).
 */
const spares: { memory: WebAssembly.Memory; used: ReturnType<typeof usedRanges> }[] = [];
const MAX_SPARES = 4;

/**
 * Gives a finished table's memory back for the next table this thread
 * creates; the table must not be used again. A new memory costs page
 * faults on every record first written: reusing one made bench-10k's
 * replications about 7 % faster (57 → 53 ms). It is zeroed when reused,
 * not here, so the last replication of a thread (and a run of one) does not
 * rewrite its memory for nothing.
 */
export function releaseStartupTable(table: StartupTable): void {
  if (spares.length >= MAX_SPARES) return;
  spares.push({ memory: table.memory, used: usedRanges(table) });
}

/**
 * Spares of at least this many bytes are given back when a scenario is
 * done (giveBackSpareMemories): a full collection costs a few milliseconds,
 * and a world that big took seconds to simulate.
 */
const GIVE_BACK_BYTES = 32 * 1024 * 1024;

/**
 * Gives the spare memories back to the system when they hold at least 32
 * MiB: called when a thread is done with a scenario (inline executor,
 * sim/ensemble/executor.ts), before the result's tail. Without it, one
 * replication of bench-1m kept its 79 MiB of records through the writing
 * of the result, whose own allocations then made the peak: `run bench-1m
 * --runs 1 --no-charts` peaked at 160–162 MiB, 153 MiB with it.
 * A WebAssembly memory is freed only when a garbage collection finds it
 * unreachable, which the little garbage of the tail may never ask for,
 * hence the collection asked for here.
 */
export function giveBackSpareMemories(): void {
  const held = spares.reduce((bytes, { used }) => bytes + used.records + used.grants.to - used.grants.from, 0);
  if (held < GIVE_BACK_BYTES) return;
  spares.length = 0;
  collectGarbage();
}

let gc: (() => void) | undefined;

/** A full garbage collection: the flag exposes `gc` to contexts created after it, such as the one made here. */
function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

/**
 * A table with room for `capacity` startups, whose memory's first `base`
 * bytes are left to the step kernel (kernel.ts), the header (TableHeader)
 * in the last 16 of them: all zeros, in a released memory (grown if need
 * be) or a new one.
 */
export function createStartupTable(capacity: number, base: number = TableHeader.size): StartupTable {
  if (base < TableHeader.size || base % 8 !== 0) throw new RangeError(`the startup records cannot start at byte ${base}: the header needs the 16 bytes before them, and they start at a multiple of 8`);
  const records = Math.max(16, capacity);
  if (pagesFor(base, records, FIRST_GRANTS) > MAX_PAGES) throw tooMany(records);
  let memory: WebAssembly.Memory;
  const spare = spares.pop();
  if (spare) {
    memory = spare.memory;
    const bytes = new Uint8Array(memory.buffer);
    bytes.fill(0, 0, spare.used.records);
    bytes.fill(0, spare.used.grants.from, spare.used.grants.to);
    const grow = pagesFor(base, records, FIRST_GRANTS) - memory.buffer.byteLength / PAGE_BYTES;
    if (grow > 0) memory.grow(grow);
  } else memory = new WebAssembly.Memory({ initial: pagesFor(base, records, FIRST_GRANTS) });
  const table = { count: 0, capacity: records, grantCapacity: FIRST_GRANTS, memory, base } as StartupTable;
  views(table);
  return table;
}

/**
 * Makes `to` a copy of `from` (fork.ts): every record born so far, byte for
 * byte, with the same capacity. `to` keeps its own memory (grown if need
 * be) and its own scratch space before the records, which holds nothing
 * between kernel calls (kernel-tables.ts), so the two tables may lay out
 * that space differently (a what-if may add campaigns).
 */
export function copyStartupTable(from: StartupTable, to: StartupTable): void {
  // `to`'s own grants first: they may lie where its records' room now will, which must be zero.
  const old = usedRanges(to);
  new Uint8Array(to.memory.buffer).fill(0, old.grants.from, old.grants.to);
  const grow = pagesFor(to.base, from.capacity, from.grantCapacity) - to.memory.buffer.byteLength / PAGE_BYTES;
  if (grow > 0) to.memory.grow(grow);
  const used = from.count * RECORD_BYTES;
  const target = new Uint8Array(to.memory.buffer, to.base);
  target.set(new Uint8Array(from.memory.buffer, from.base, used));
  // What lies past the records born is zero in `from` (as in any table): make it so in `to`.
  target.fill(0, used, Math.max(to.count, from.count) * RECORD_BYTES);
  const grants = usedRanges(from).grants;
  new Uint8Array(to.memory.buffer).set(new Uint8Array(from.memory.buffer, grants.from, grants.to - grants.from), grantsAt(to.base, from.capacity));
  to.count = from.count;
  to.capacity = from.capacity;
  to.grantCapacity = from.grantCapacity;
  views(to);
  header32(to)[TableHeader.grants / 4] = grantsGiven(from);
}

/**
 * Makes room for `extra` more startups, doubling the capacity when needed.
 * The memory grows in place; views taken before the call are detached, so
 * callers read `table.f64` and friends again afterwards.
 */
export function reserve(table: StartupTable, extra: number): void {
  const needed = table.count + extra;
  if (needed <= table.capacity) return;
  let capacity = table.capacity;
  while (capacity < needed) capacity *= 2;
  const most = Math.floor((MAX_PAGES * PAGE_BYTES - table.base - table.grantCapacity * GRANT_ENTRY_BYTES) / RECORD_BYTES);
  if (capacity > most) capacity = most;
  if (capacity < needed) throw tooMany(needed);
  const grow = pagesFor(table.base, capacity, table.grantCapacity) - table.memory.buffer.byteLength / PAGE_BYTES;
  if (grow > 0) table.memory.grow(grow);
  // The grant table moves past the new room; where it was is room for records now, and must be zero.
  const { from, to } = usedRanges(table).grants;
  const bytes = new Uint8Array(table.memory.buffer);
  const moved = grantsAt(table.base, capacity);
  bytes.copyWithin(moved, from, to);
  bytes.fill(0, from, Math.min(to, moved));
  table.capacity = capacity;
  views(table);
}

/**
 * Makes room in the grant table for `extra` more entries (a round of
 * choices gives at most one grant per chooser), doubling it when needed.
 * Views taken before the call are detached, as with reserve.
 */
export function reserveGrants(table: StartupTable, extra: number): void {
  const needed = grantsGiven(table) + extra;
  if (needed <= table.grantCapacity) return;
  const capacity = Math.max(needed, 2 * table.grantCapacity);
  if (pagesFor(table.base, table.capacity, capacity) > MAX_PAGES) throw tooManyGrants(needed);
  const grow = pagesFor(table.base, table.capacity, capacity) - table.memory.buffer.byteLength / PAGE_BYTES;
  if (grow > 0) table.memory.grow(grow);
  table.grantCapacity = capacity;
  views(table);
}

function tooManyGrants(grants: number): RangeError {
  return new RangeError(`the startup table cannot hold ${grouped(grants)} grants of free tokens beside its records: one replication's memory is at most 4 GiB`);
}

/** The bytes of entry `entry` (1-based, as I32.grant holds it) of the grant table, laid out as GrantByte says. */
export function grantEntry(table: StartupTable, entry: number): DataView {
  return new DataView(table.memory.buffer, grantsAt(table.base, table.capacity) + (entry - 1) * GRANT_ENTRY_BYTES, GRANT_ENTRY_BYTES);
}

/**
 * Startup i's grant of free tokens while it can still serve a month (the
 * kernel lets go of one past its last month or used up), or none.
 */
export function readGrant(table: StartupTable, i: number): { free: number; provider: number; until: number } {
  const entry = table.i32[i * Stride.i32 + I32.grant];
  if (entry === 0) return { free: 0, provider: NO_PROVIDER, until: -1 };
  const view = grantEntry(table, entry);
  return { free: view.getFloat64(GrantByte.free, true), provider: view.getInt16(GrantByte.provider, true), until: view.getInt16(GrantByte.until, true) };
}

/** Startup i's record, with its grant. */
export function readStartup(table: StartupTable, i: number): Startup {
  const { f64, i16, u8 } = table;
  const a = i * Stride.f64;
  const b = i * Stride.i16;
  const c = i * Stride.u8;
  const grant = readGrant(table, i);
  return {
    cash: f64[a + F64.cash],
    revenue: f64[a + F64.revenue],
    opex: f64[a + F64.opex],
    tokens: f64[a + F64.tokens],
    growthFactor: f64[a + F64.growthFactor],
    provider: i16[b + I16.provider],
    initialProvider: i16[b + I16.initialProvider],
    free: grant.free,
    freeProvider: grant.provider,
    freeUntil: grant.until,
    disruptedUntil: i16[b + I16.disruptedUntil],
    nextReconsider: i16[b + I16.nextReconsider],
    hazardMonth: i16[b + I16.hazardMonth],
    cls: u8[c + U8.cls],
    alive: u8[c + U8.alive],
  };
}
