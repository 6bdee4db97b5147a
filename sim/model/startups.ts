/**
 * Startups as a struct of arrays (MODEL.md section 2): one typed array per
 * field, indexed by birth index. Dead startups are masked (`alive[i] = 0`),
 * never removed, so indices stay stable and loops stay branch-light.
 * The table grows by doubling when entrants outrun the preallocation.
 */

export const NO_PROVIDER = -1;
/** `born` of the t = 0 cohort: they are not entrants (MODEL.md section 9). */
export const INITIAL_COHORT = -1;

export const Cause = { none: 0, runway: 1, hazard: 2, stranded: 3 } as const;

export interface StartupTable {
  /** Number of startups ever born (initial + entrants). */
  count: number;
  capacity: number;
  cls: Uint8Array;
  provider: Int16Array;
  alive: Uint8Array;
  cause: Uint8Array;
  /** Month of birth; INITIAL_COHORT for the t = 0 cohort. */
  born: Int16Array;
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
  /** exp(g_i): monthly growth factor of revenue, tokens and opex. */
  growthFactor: Float64Array;
  /** The standard-normal draws behind g_i and S_i, kept so a `set` can re-derive them. */
  growthZ: Float64Array;
  switchZ: Float64Array;
  /** Free-token balance (million tokens), its provider and last usable month. */
  free: Float64Array;
  freeProvider: Int16Array;
  freeUntil: Int32Array;
  /** Last month of migration disruption (revenue loss). */
  disruptedUntil: Int32Array;
}

type Arrays = Omit<StartupTable, 'count' | 'capacity'>;

function allocate(capacity: number): Arrays {
  return {
    cls: new Uint8Array(capacity),
    provider: new Int16Array(capacity),
    alive: new Uint8Array(capacity),
    cause: new Uint8Array(capacity),
    born: new Int16Array(capacity),
    initialProvider: new Int16Array(capacity),
    cash: new Float64Array(capacity),
    revenue: new Float64Array(capacity),
    opex: new Float64Array(capacity),
    tokens: new Float64Array(capacity),
    growthFactor: new Float64Array(capacity),
    growthZ: new Float64Array(capacity),
    switchZ: new Float64Array(capacity),
    free: new Float64Array(capacity),
    freeProvider: new Int16Array(capacity),
    freeUntil: new Int32Array(capacity),
    disruptedUntil: new Int32Array(capacity),
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
