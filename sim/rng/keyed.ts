/**
 * Counter-based random numbers (MODEL.md section 10).
 *
 * Every draw is a pure function of its key
 * `(scenario seed, replication, purpose, month, startup key, k)`, so no
 * stream is shared across startups or months: one extra draw somewhere never
 * shifts another, results do not depend on worker count or sharding, and two
 * scenarios run with the same seed share their random numbers wherever their
 * worlds coincide (common random numbers).
 *
 * The seed (any string or number) is turned into two 32-bit words by
 * seedrandom's Alea; the key is then hashed with the murmur3 finaliser,
 * which passes avalanche tests on sequential inputs. Drawing from a key is
 * SplitMix: finalised steps of a Weyl sequence. Measured on the 2024
 * scenario: hashing the whole key per draw (16 finaliser calls) took 37 % of
 * a run; hoisting the (purpose, month) part out of the loops and keying the
 * startup with one call leaves 2 calls per Bernoulli draw (`uniform32`).
 * Keys are 32 bits, so among millions of startups a few share a key by
 * chance (as any 32-bit hash would): harmless for draws that are not
 * compared with each other.
 */
import seedrandom from 'seedrandom';

/** What a draw is for; part of its key. Never renumber: results depend on it. */
export const Purpose = {
  attributes: 1,
  initialProvider: 2,
  entryCount: 3,
  entryOrder: 4, // retired: random orders are by each startup's `order` draw
  reconsider: 5, // retired: reconsiderations are scheduled (reconsiderSchedule)
  choice: 6,
  chooserOrder: 7, // retired, as entryOrder
  rescue: 8,
  hazard: 9, // retired: hazard deaths are scheduled (hazardSchedule)
  providerFunding: 10,
  reconsiderSchedule: 11,
  hazardSchedule: 12,
  /** A startup's priority in the month's random orders (MODEL.md section 9). */
  order: 13,
  /** A sweep's Latin-hypercube design (sweep-design.ts): not a draw of the model. */
  design: 14,
  /** CMA-ES's search draws (sim/ensemble/calibration/cma-es.ts): not a draw of the model. */
  calibration: 15,
} as const;
export type PurposeCode = (typeof Purpose)[keyof typeof Purpose];

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Absorbs one 32-bit word into a running hash. */
function absorb(h: number, x: number): number {
  return fmix32((h ^ fmix32(Math.imul(x | 0, 0x9e3779b1) + 0x7f4a7c15)) + 0x165667b1);
}

/**
 * The replication's root key: two 32-bit words from the seed and the
 * replication index. Held in a typed array, not an object: an object's
 * fields would start as small integers for one replication and turn into
 * heap numbers for the next, and every function that reads them would be
 * deoptimised and compiled again, in each replication's warm-up.
 */
export type ReplicationKey = Readonly<Uint32Array>;

/** Turns a scenario seed and a 0-based replication index into a root key. */
export function replicationKey(seed: string | number, replication: number): ReplicationKey {
  const alea = seedrandom.alea(String(seed));
  const a = alea.int32() >>> 0;
  const b = alea.int32() >>> 0;
  return Uint32Array.of(absorb(a, replication), absorb(b, replication ^ 0x5bd1e995));
}

/**
 * A stream: the hash of (replication, purpose, month), computed once per
 * month and purpose so the startup loops only absorb the startup's key.
 */
export function streamOf(root: ReplicationKey, purpose: PurposeCode, month: number): number {
  return absorb(absorb(absorb(root[0], purpose), month), root[1]);
}

/**
 * The key of one (stream, index); its draws are `uniform(key, k)` for
 * k = 0, 1, … One finaliser call: the hot loops take one key per startup.
 */
export function keyOf(stream: number, index: number): number {
  return fmix32((stream ^ 0x5bd1e995) + Math.imul(index, 0x9e3779b1));
}

/**
 * A stream narrowed to one birth group (MODEL.md section 10: a startup's key
 * is its birth month and its rank among that month's births). Group 0 is the
 * t = 0 population and keeps the stream itself; group t + 1 holds the
 * entrants of month t. A startup's draws are then `keyOf(groupStream(stream,
 * group), rank)`, so an extra entrant in one month changes no one else's key.
 */
export function groupStream(stream: number, group: number): number {
  return group === 0 ? stream : absorb(stream, group);
}

/** The key of one (purpose, month, index), for draws keyed by something other than a startup (a month, a provider). */
export function drawKey(root: ReplicationKey, purpose: PurposeCode, month: number, index: number): number {
  return keyOf(streamOf(root, purpose, month), index);
}

const GOLDEN = 0x9e3779b9;
const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;

/**
 * The k-th uniform in [0, 1) of a key, with 53 random bits: SplitMix-style
 * outputs of the key's Weyl sequence (two 32-bit outputs per uniform).
 */
export function uniform(key: number, k: number): number {
  const x = fmix32(key + Math.imul(2 * k + 1, GOLDEN)) >>> 5; // 27 bits
  const y = fmix32(key + Math.imul(2 * k + 2, GOLDEN)) >>> 6; // 26 bits
  return (x * TWO_POW_26 + y) / TWO_POW_53;
}

const TWO_POW_MINUS_32 = 2.3283064365386963e-10;

/**
 * The k-th uniform of a key with 32 random bits (steps of 2^-32): enough for
 * a Bernoulli draw against a probability, at half the cost of `uniform`.
 */
export function uniform32(key: number, k: number): number {
  return fmix32(key + Math.imul(2 * k + 1, GOLDEN)) * TWO_POW_MINUS_32;
}

/** The k-th uniform of (purpose, month, index): for draws outside hot loops that are not a startup's. */
export function uniformAt(root: ReplicationKey, purpose: PurposeCode, month: number, index: number, k = 0): number {
  return uniform(drawKey(root, purpose, month, index), k);
}
