/**
 * The tables the model writes for the kernel (sim/model/kernel-tables.ts,
 * sim/model/choice.ts) and the kernel reads (layout.ts, births.ts,
 * choice.ts): the order of their slots, declared once. A file both
 * compilers read: AssemblyScript as part of the kernel, TypeScript when the
 * model imports it (const enums, inlined as numbers on both sides).
 */

/**
 * A startup's record (sim/model/startups.ts): the byte offset of each slot
 * in its 64 bytes. f64 slots first, then i16, then u8; the model's views
 * index them as offset / 8, / 2 and / 1.
 */
export const enum RecordByte {
  cash = 0,
  revenue = 8,
  opex = 16,
  tokens = 24,
  growthFactor = 32,
  free = 40,
  provider = 48,
  initialProvider = 50,
  freeProvider = 52,
  freeUntil = 54,
  disruptedUntil = 56,
  nextReconsider = 58,
  hazardMonth = 60,
  cls = 62,
  alive = 63,
  size = 64,
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
