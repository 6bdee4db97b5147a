/**
 * The tables the model writes for the kernel (sim/model/kernel-tables.ts,
 * sim/model/choice.ts) and the kernel reads (layout.ts, births.ts,
 * choice.ts): the order of their slots, declared once. A file both
 * compilers read: AssemblyScript as part of the kernel, TypeScript when the
 * model imports it (const enums, inlined as numbers on both sides).
 */

/**
 * A startup's record (sim/model/startups.ts): the byte offset of each slot
 * in its 56 bytes. f64 slots first, then the i32, the i16 and the u8; the
 * model's views index them as offset / 8, / 4, / 2 and / 1.
 */
export const enum RecordByte {
  cash = 0,
  revenue = 8,
  opex = 16,
  tokens = 24,
  growthFactor = 32,
  /** 1 + the startup's entry in the grant table (GrantByte), 0 when it holds no grant that can still serve. */
  grant = 40,
  provider = 44,
  initialProvider = 46,
  disruptedUntil = 48,
  nextReconsider = 50,
  hazardMonth = 52,
  cls = 54,
  alive = 55,
  size = 56,
}

/**
 * An entry of the grant table, which lies just past the records' room: a
 * grant of free tokens. A startup granted while it holds no grant that can
 * still serve takes the next entry; a new grant replaces one it holds; and
 * the step loop lets go of one past its last month or used up. Few
 * startups hold a grant (70,000 of bench-1m's 1.3 million ever did), so
 * the record keeps 4 bytes of index where it held these 12.
 */
export const enum GrantByte {
  /** Free-token balance, million tokens. */
  free = 0,
  /** The provider whose tokens they are, and the last month they can be used. */
  provider = 8,
  until = 10,
  size = 16,
}

/**
 * The header in the 16 bytes before the records (i32 slots): the records'
 * room (the grant table starts past it), the grants given (entries used),
 * and the grant table's room. The model keeps the rooms; the kernel counts
 * the grants it gives.
 */
export const enum TableHeader {
  capacity = 0,
  grants = 4,
  grantCapacity = 8,
  size = 16,
}

/** Class table: f64 slots per class. */
export const enum ClassSlot {
  share = 0,
  cashMedian = 1,
  cashSigma = 2,
  revenueMedian = 3,
  revenueSigma = 4,
  opexMedian = 5,
  opexSigma = 6,
  tokensMedian = 7,
  tokensSigma = 8,
  growthMean = 9,
  growthSd = 10,
  switchMedian = 11,
  switchSigma = 12,
  reconsider = 13,
  hazard = 14,
  precision = 15,
  disruptionMonths = 16,
  /** 1 when a `set` asks for the class's schedules to be redrawn (reschedule). */
  redrawReconsider = 17,
  redrawHazard = 18,
  /** log(1 − p) of the two coins, which the kernel fills (prepareClasses). */
  logStayReconsider = 19,
  logStayHazard = 20,
  size = 21,
}

/** Choice table: f64 terms per (class, provider), term-major within a class: [(s · size + term) · P + j]. */
export const enum Term {
  available = 0,
  qualityFactor = 1,
  price = 2,
  exitRisk = 3,
  network = 4,
  campaigns = 5,
  switchFactor = 6,
  paidPrice = 7,
  size = 8,
}

/** Campaign table: f64 slots per campaign. */
export const enum CampaignSlot {
  eligible = 0,
  support = 1,
  grant = 2,
  validity = 3,
  budgetLeft = 4,
  provider = 5,
  size = 6,
}
