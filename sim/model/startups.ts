/**
 * Startups as a struct of arrays (MODEL.md section 2): one typed array per
 * field, indexed by birth index. Dead startups are masked (`alive[i] = 0`),
 * never removed, so indices stay stable and loops stay branch-light.
 * The table grows by doubling when entrants outrun the preallocation.
 */

export const NO_PROVIDER = -1;
/** A month that never comes: months are at most 1,200, and month fields are 16-bit. */
export const NEVER = 32767;
/** Birth month given for the t = 0 cohort (they are not entrants, MODEL.md section 9); they are indices 0 … initial − 1. */
export const INITIAL_COHORT = -1;

export const Cause = { none: 0, runway: 1, hazard: 2, stranded: 3 } as const;

export interface StartupTable {
  /** Number of startups ever born (initial + entrants). */
  count: number;
  capacity: number;
  cls: Uint8Array;
  provider: Int16Array;
  alive: Uint8Array;
  /** Provider at t = 0 (cohort metrics); NO_PROVIDER for entrants. */
  initialProvider: Int16Array;
  /** USD. */
  cash: Float64Array;
  /** USD per month, before the quality factor. */
  revenue: Float64Array;
  /** USD per month. */
  opex: Float64Array;
  /** Million tokens per month. */
  tokens: Float64Array;
  /** exp(g_i): monthly growth factor of revenue, tokens and opex. S_i is not stored: see attributes.ts. */
  growthFactor: Float64Array;
  /** Free-token balance (million tokens), its provider and last usable month. */
  free: Float64Array;
  freeProvider: Int16Array;
  freeUntil: Int16Array;
  /** Last month of migration disruption (revenue loss). */
  disruptedUntil: Int16Array;
  /** Month of the next voluntary reconsideration, and of death by the hazard (NEVER if none): see sim/model/schedule.ts. */
  nextReconsider: Int16Array;
  hazardMonth: Int16Array;
}

type Arrays = Omit<StartupTable, 'count' | 'capacity'>;

/** A month index clamped into the 16-bit month fields. */
export function monthField(t: number): number {
  return t < NEVER ? t : NEVER;
}

/** Bytes of state per startup: the sum over its typed arrays. */
export function bytesPerStartup(): number {
  return Object.values(allocate(1)).reduce((sum, a) => sum + a.BYTES_PER_ELEMENT, 0);
}

function allocate(capacity: number): Arrays {
  return {
    cls: new Uint8Array(capacity),
    provider: new Int16Array(capacity),
    alive: new Uint8Array(capacity),
    initialProvider: new Int16Array(capacity),
    cash: new Float64Array(capacity),
    revenue: new Float64Array(capacity),
    opex: new Float64Array(capacity),
    tokens: new Float64Array(capacity),
    growthFactor: new Float64Array(capacity),
    free: new Float64Array(capacity),
    freeProvider: new Int16Array(capacity),
    freeUntil: new Int16Array(capacity),
    disruptedUntil: new Int16Array(capacity),
    nextReconsider: new Int16Array(capacity),
    hazardMonth: new Int16Array(capacity),
  };
}

export function createStartupTable(capacity: number): StartupTable {
  return { count: 0, capacity: Math.max(16, capacity), ...allocate(Math.max(16, capacity)) };
}

/** Makes room for `extra` more startups, doubling the capacity when needed. */
export function reserve(table: StartupTable, extra: number): void {
  const needed = table.count + extra;
  if (needed <= table.capacity) return;
  let capacity = table.capacity;
  while (capacity < needed) capacity *= 2;
  const next = allocate(capacity);
  for (const key of Object.keys(next) as (keyof Arrays)[]) {
    (next[key] as { set(a: ArrayLike<number>): void }).set(table[key] as ArrayLike<number>);
    (table as unknown as Record<string, unknown>)[key] = next[key];
  }
  table.capacity = capacity;
}
