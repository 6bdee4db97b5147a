/**
 * Where things lie in a world's memory, as sim/model/kernel.ts lays it
 * out, and the slots of the records and tables the kernel reads. `init`
 * sets them once per instance (one instance per world); the JavaScript
 * side writes each table before the call that reads it and reads back what
 * the call wrote, so nothing here outlives a call but the layout.
 *
 * Record slots: RecordByte (tables.ts), with the model's views of them in
 * sim/model/startups.ts.
 */
import { log1p } from './fdlibm';
import { groupStream, keyOf } from './random';
import { ClassSlot, RecordByte, TableHeader } from './tables';

export { CampaignSlot, ClassSlot, GrantByte, RecordByte, TableHeader, Term } from './tables';

export const NO_PROVIDER: i32 = -1;
export const NO_CAMPAIGN: i32 = -1;

/** Eligible kinds (compiled-scenario.ts). */
export const MIGRANTS = 0;
export const NEW = 1;
export const ALL = 2;

/** Round counters: f64 slots, then the flows, the births by class and the utilities. */
export const SWITCHES_VOLUNTARY = 0;
export const SWITCHES_FORCED = 1;
export const ROUND_HEADER = 2;

export let records: usize = 0;
export let P: i32 = 0;
export let C: i32 = 0;
/** Campaigns (K) and the most a provider runs at once (its running list's room). */
export let K: i32 = 0;
export let classes: usize = 0;
export let choiceTable: usize = 0;
export let campaigns: usize = 0;
/** u8 [campaign · P + provider]: leaving that provider makes a startup the campaign's migrant. */
export let campaignFrom: usize = 0;
/** i32 count per provider, then i32 [provider · K + r]: its running campaigns in event order. */
export let running: usize = 0;
/** i32 first index, then i32 group number, of each birth group (births.ts of the model). */
export let groupFirst: usize = 0;
export let groupNumber: usize = 0;
export let groupCount: i32 = 0;
/** f64: round counters, flows [from · P + to], births by class, then P utilities. */
export let round: usize = 0;
/** i32: a round's choosers in (i, or ~i when forced); and the startups it left without a provider. */
export let choosers: usize = 0;
export let stranded: usize = 0;
/** u32: the priority draws of the startups listed at `choosers` (choice.ts, priorities). */
export let priorityList: usize = 0;
/** f64: the switching costs S_i of a round's choosers (choice.ts, chooseRound). */
export let switchCosts: usize = 0;
/** i32: the birth group (its position, groupAt) of each of a round's choosers, found once for its three keys. */
export let chooserGroups: usize = 0;
/** f64 per class: 1 when the scenario gives its initial shares, then the P cumulative shares (choice.ts, assignInitial). */
export let initialShares: usize = 0;

/** Records the layout of this instance's memory (sim/model/kernel.ts, kernelLayout). */
export function init(
  recordsAt: usize,
  providers: i32,
  classCount: i32,
  campaignCount: i32,
  classesAt: usize,
  choiceAt: usize,
  campaignsAt: usize,
  campaignFromAt: usize,
  runningAt: usize,
  groupsAt: usize,
  groupCapacity: i32,
  roundAt: usize,
  choosersAt: usize,
  strandedAt: usize,
  prioritiesAt: usize,
  initialSharesAt: usize,
  switchCostsAt: usize,
  chooserGroupsAt: usize,
): void {
  records = recordsAt;
  P = providers;
  C = classCount;
  K = campaignCount;
  classes = classesAt;
  choiceTable = choiceAt;
  campaigns = campaignsAt;
  campaignFrom = campaignFromAt;
  running = runningAt;
  groupFirst = groupsAt;
  groupNumber = groupsAt + (<usize>groupCapacity << 2);
  round = roundAt;
  choosers = choosersAt;
  stranded = strandedAt;
  priorityList = prioritiesAt;
  initialShares = initialSharesAt;
  switchCosts = switchCostsAt;
  chooserGroups = chooserGroupsAt;
}

/** Sets the number of birth groups in the table (the model writes the table before each call that keys startups). */
export function setGroups(count: i32): void {
  groupCount = count;
  groupHint = 0;
}

// @ts-ignore: decorator
@inline
export function record(i: i32): usize {
  return records + <usize>i * RecordByte.size;
}

/** Where the grant table of the records at `at` starts: past their room, which the header before them gives (TableHeader). */
// @ts-ignore: decorator
@inline
export function grantTable(at: usize): usize {
  return at + <usize>load<i32>(at - TableHeader.size, TableHeader.capacity) * RecordByte.size;
}

// @ts-ignore: decorator
@inline
export function classField(s: i32, slot: i32): f64 {
  return load<f64>(classes + (<usize>(s * ClassSlot.size + slot) << 3));
}

/** log(1 − p) of each class's two coins, for the geometric draws of this call. */
export function prepareClasses(): void {
  for (let s = 0; s < C; s++) {
    const at = classes + (<usize>(s * ClassSlot.size) << 3);
    store<f64>(at + (<usize>ClassSlot.logStayReconsider << 3), log1p(-load<f64>(at + (<usize>ClassSlot.reconsider << 3))));
    store<f64>(at + (<usize>ClassSlot.logStayHazard << 3), log1p(-load<f64>(at + (<usize>ClassSlot.hazard << 3))));
  }
}

let groupHint: i32 = 0;

/** The position of the birth group holding index i (births.ts of the model, groupAt). */
export function groupAt(i: i32): i32 {
  const h = groupHint;
  if (load<i32>(groupFirst + (<usize>h << 2)) <= i && (h + 1 == groupCount || i < load<i32>(groupFirst + (<usize>(h + 1) << 2)))) return h;
  let hi = groupCount - 1;
  if (i >= load<i32>(groupFirst + (<usize>hi << 2))) return (groupHint = hi);
  let lo = 0;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (load<i32>(groupFirst + (<usize>mid << 2)) <= i) lo = mid;
    else hi = mid;
  }
  return (groupHint = lo);
}

/** Startup i's key in `stream` (births.ts of the model, startupKey): its birth group's stream, keyed by its rank. */
export function startupKey(stream: u32, i: i32): u32 {
  return keyInGroup(stream, groupAt(i), i);
}

/** startupKey with the position g of i's birth group (groupAt) already found. */
// @ts-ignore: decorator
@inline
export function keyInGroup(stream: u32, g: i32, i: i32): u32 {
  const first = load<i32>(groupFirst + (<usize>g << 2));
  return keyOf(groupStream(stream, <u32>load<i32>(groupNumber + (<usize>g << 2))), <u32>(i - first));
}
