/**
 * The provider choice (MODEL.md section 4) and what a choice does
 * (section 3, step 4: switching cost, disruption, grant); the model's side
 * is sim/model/choice.ts, which builds the choice table and the list of
 * choosers and says what the terms are.
 *
 *   V_ij = (value_ij − bill_ij + (grant_ij − switch_ij − risk_ij) / H) / r_i + γ_s · share_j
 *
 * with switch_ij = S_i · switchCostFactor_j · (1 − support_j), bill_ij at
 * the price the startup pays after vouchers, and r_i floored at 1 USD.
 */
import { exp, exp2x } from './fdlibm';
import { DRAW_SWITCH_COST } from './births';
import {
  ALL, C, campaignFrom, campaigns, CampaignSlot, choiceTable, choosers, classField, ClassSlot, initialShares, K, MIGRANTS, NEW,
  NO_CAMPAIGN, NO_PROVIDER, P, prepareClasses, priorityList, record, RecordByte, round, ROUND_HEADER, running, startupKey,
  chooserGroups, GrantByte, grantTable, groupAt, keyInGroup, records, stranded, switchCosts, SWITCHES_FORCED, SWITCHES_VOLUNTARY,
  TableHeader, Term,
} from './layout';
import { fmix32, NEVER, nextMonth, normalQuantile2x, uniform } from './random';

let strandedCount: i32 = 0;
/** The startup of the k-th entry at `choosers` (i, or ~i when forced). */
// @ts-ignore: decorator
@inline
function chooserAt(k: i32): i32 {
  const entry = load<i32>(choosers + (<usize>k << 2));
  return entry < 0 ? ~entry : entry;
}

/** Startups the last round left without a provider (listed at `stranded`): the model books their deaths. */
export function strandedInRound(): i32 {
  return strandedCount;
}

// @ts-ignore: decorator
@inline
function term(s: i32, j: i32, slot: i32): f64 {
  return load<f64>(termAt(s, j, slot));
}

/** The choice table is term-major within a class (the model's choice.ts): a term of providers j and j + 1 is one v128. */
// @ts-ignore: decorator
@inline
function termAt(s: i32, j: i32, slot: i32): usize {
  return choiceTable + (<usize>((s * Term.size + slot) * P + j) << 3);
}

// @ts-ignore: decorator
@inline
function campaignField(c: i32, slot: i32): f64 {
  return load<f64>(campaigns + (<usize>(c * CampaignSlot.size + slot) << 3));
}

/**
 * The first running campaign of provider j, in event order, for which a
 * startup whose provider is `current` is eligible (campaigns.ts of the
 * model): `migrants` leave a provider listed in `from`, `new` are not j's
 * customers now, `all` is anyone. NO_CAMPAIGN if none.
 */
function applicableCampaign(j: i32, current: i32): i32 {
  const count = load<i32>(running + (<usize>j << 2));
  const list = running + (<usize>(P + j * K) << 2);
  for (let r = 0; r < count; r++) {
    const c = load<i32>(list + (<usize>r << 2));
    const eligible = <i32>campaignField(c, CampaignSlot.eligible);
    if (eligible == ALL) return c;
    if (eligible == NEW && current != j) return c;
    if (eligible == MIGRANTS && current >= 0 && current != j && load<u8>(campaignFrom + <usize>(c * P + current)) != 0) return c;
  }
  return NO_CAMPAIGN;
}

/** The campaign of j that applies to a startup of class s with provider `current`, if j is available to s and runs one. */
function campaignFor(s: i32, j: i32, current: i32): i32 {
  if (term(s, j, Term.available) == 0 || term(s, j, Term.campaigns) == 0) return NO_CAMPAIGN;
  return applicableCampaign(j, current);
}

/** The grant's value to a startup of class s with demand d considering j under campaign c: p_j · min(G, d · T) while budget is left. */
function grantTerm(s: i32, j: i32, c: i32, d: f64): f64 {
  if (c == NO_CAMPAIGN || !(campaignField(c, CampaignSlot.budgetLeft) > 0)) return 0;
  return term(s, j, Term.price) * min<f64>(campaignField(c, CampaignSlot.grant), d * campaignField(c, CampaignSlot.validity));
}

/** The share of the switching cost campaign c spares. */
function supportTerm(c: i32): f64 {
  return c == NO_CAMPAIGN ? 0 : campaignField(c, CampaignSlot.support);
}

/** λ_s · V_ij for one provider, −∞ when j is not available to class s. */
function utility(s: i32, j: i32, current: i32, S: f64, revenue: f64, rn: f64, d: f64, H: f64, lambda: f64): f64 {
  if (term(s, j, Term.available) == 0) return -Infinity;
  const c = campaignFor(s, j, current);
  const grantValue = grantTerm(s, j, c, d);
  const support = supportTerm(c);
  const switching = current != NO_PROVIDER && j != current ? S * term(s, j, Term.switchFactor) * (1 - support) : 0.0;
  const risk = term(s, j, Term.exitRisk) * S;
  const v = (revenue * term(s, j, Term.qualityFactor) - term(s, j, Term.paidPrice) * d + (grantValue - switching - risk) / H) / rn + term(s, j, Term.network);
  return lambda * v;
}

/**
 * Startup i's draw of a provider, given its current one (NO_PROVIDER for an
 * entrant or the initial assignment), its switching cost S (0 when the
 * choice costs nothing, as at the initial assignment) and the uniform u;
 * NO_PROVIDER when no active provider serves its class.
 */
function chooseFor(i: i32, current: i32, S: f64, u: f64, H: f64): i32 {
  const r = record(i);
  const s = <i32>load<u8>(r, RecordByte.cls);
  const revenue = load<f64>(r, RecordByte.revenue);
  const rn = revenue > 1 ? revenue : 1;
  const d = load<f64>(r, RecordByte.tokens);
  const lambda = classField(s, ClassSlot.precision);
  const util = round + (<usize>(ROUND_HEADER + P * P + C) << 3);
  // Utilities x_j = λ_s · V_ij, two providers at a time: each lane does the scalar arithmetic, in its order.
  const revenueSplat = f64x2.splat(revenue);
  const rnSplat = f64x2.splat(rn);
  const dSplat = f64x2.splat(d);
  const SSplat = f64x2.splat(S);
  const HSplat = f64x2.splat(H);
  let j = 0;
  for (; j + 1 < P; j += 2) {
    const at = util + (<usize>j << 3);
    const available = f64x2.ne(v128.load(termAt(s, j, Term.available)), f64x2.splat(0));
    if (!v128.any_true(available)) {
      v128.store(at, f64x2.splat(-Infinity));
      continue;
    }
    let grantValue = f64x2.splat(0);
    let support = f64x2.splat(0);
    if (v128.any_true(v128.and(available, f64x2.ne(v128.load(termAt(s, j, Term.campaigns)), f64x2.splat(0))))) {
      const c0 = campaignFor(s, j, current);
      const c1 = campaignFor(s, j + 1, current);
      grantValue = f64x2.replace_lane(f64x2.splat(grantTerm(s, j, c0, d)), 1, grantTerm(s, j + 1, c1, d));
      support = f64x2.replace_lane(f64x2.splat(supportTerm(c0)), 1, supportTerm(c1));
    }
    const switches = current == NO_PROVIDER ? i64x2.splat(0) : v128.not(i64x2.eq(i64x2.replace_lane(i64x2.splat(<i64>j), 1, <i64>(j + 1)), i64x2.splat(<i64>current)));
    const switching = v128.and(f64x2.mul(f64x2.mul(SSplat, v128.load(termAt(s, j, Term.switchFactor))), f64x2.sub(f64x2.splat(1), support)), switches);
    const risk = f64x2.mul(v128.load(termAt(s, j, Term.exitRisk)), SSplat);
    const value = f64x2.sub(f64x2.mul(revenueSplat, v128.load(termAt(s, j, Term.qualityFactor))), f64x2.mul(v128.load(termAt(s, j, Term.paidPrice)), dSplat));
    const v = f64x2.add(f64x2.div(f64x2.add(value, f64x2.div(f64x2.sub(f64x2.sub(grantValue, switching), risk), HSplat)), rnSplat), v128.load(termAt(s, j, Term.network)));
    v128.store(at, v128.bitselect(f64x2.mul(f64x2.splat(lambda), v), f64x2.splat(-Infinity), available));
  }
  if (j < P) store<f64>(util + (<usize>j << 3), utility(s, j, current, S, revenue, rn, d, H, lambda));
  let best = -Infinity;
  for (let j = 0; j < P; j++) {
    const x = load<f64>(util + (<usize>j << 3));
    if (x > best) best = x;
  }
  if (best == -Infinity) return NO_PROVIDER;
  // Weights exp(x_j − best) two at a time (exp2x); an unavailable option weighs 0 and the best exactly 1,
  // so their lanes are computed on a stand-in and replaced.
  const bestSplat = f64x2.splat(best);
  for (j = 0; j + 1 < P; j += 2) {
    const at = util + (<usize>j << 3);
    const x = v128.load(at);
    const none = f64x2.eq(x, f64x2.splat(-Infinity));
    const top = f64x2.eq(x, bestSplat);
    const w = exp2x(v128.bitselect(f64x2.splat(-1.0), f64x2.sub(x, bestSplat), v128.or(none, top)));
    v128.store(at, v128.bitselect(f64x2.splat(1.0), v128.andnot(w, none), top));
  }
  if (j < P) {
    const at = util + (<usize>j << 3);
    const x = load<f64>(at);
    store<f64>(at, x == -Infinity ? 0.0 : x == best ? 1.0 : exp(x - best));
  }
  let total = 0.0;
  for (let j = 0; j < P; j++) total += load<f64>(util + (<usize>j << 3));
  let target = u * total;
  let last = NO_PROVIDER;
  for (let j = 0; j < P; j++) {
    const w = load<f64>(util + (<usize>j << 3));
    if (w == 0) continue;
    last = j;
    target -= w;
    if (target < 0) return j;
  }
  return last; // rounding left u·total just past the sum
}

/** The first provider whose cumulative share exceeds u, skipping providers with no share; the last with a share if rounding leaves u past the total. */
function pickCumulative(cumulative: usize, u: f64): i32 {
  let last = NO_PROVIDER;
  for (let j = 0; j < P; j++) {
    const share = load<f64>(cumulative + (<usize>j << 3));
    const previous = j == 0 ? 0.0 : load<f64>(cumulative + (<usize>(j - 1) << 3));
    if (share > previous) {
      last = j;
      if (u < share) return j;
    }
  }
  return last;
}

/**
 * The initial assignment of startups 0 … n − 1 (MODEL.md section 9), each
 * with the uniform of its key in `stream`: drawn from its class's initial
 * shares where the scenario gives them (`initialShares`: per class a flag,
 * then P cumulative shares), else by the logit with no switching cost.
 * Sets each one's provider and provider at t = 0.
 */
export function assignInitial(n: i32, stream: u32, H: f64): void {
  for (let i = 0; i < n; i++) {
    const r = record(i);
    const s = <i32>load<u8>(r, RecordByte.cls);
    const shares = initialShares + (<usize>(s * (P + 1)) << 3);
    const u = uniform(startupKey(stream, i), 0);
    const j = load<f64>(shares) != 0 ? pickCumulative(shares + 8, u) : chooseFor(i, NO_PROVIDER, 0, u, H);
    store<i16>(r, <i16>j, RecordByte.provider);
    store<i16>(r, <i16>j, RecordByte.initialProvider);
  }
}

/** Gives startup i (record r) the grant of campaign c in month t if any budget is left (campaigns.ts of the model). */
function grant(r: usize, c: i32, t: i32): void {
  const budget = campaigns + (<usize>(c * CampaignSlot.size + CampaignSlot.budgetLeft) << 3);
  const left = load<f64>(budget);
  if (!(left > 0)) return;
  const amount = min<f64>(campaignField(c, CampaignSlot.grant), left);
  store<f64>(budget, left - amount);
  let g = load<i32>(r, RecordByte.grant);
  if (g == 0) {
    // No grant that can still serve: the next entry of the grant table, which the model made room for before the round.
    const header = records - TableHeader.size;
    g = load<i32>(header, TableHeader.grants) + 1;
    store<i32>(header, g, TableHeader.grants);
    store<i32>(r, g, RecordByte.grant);
  }
  const a = grantTable(records) + (<usize>(g - 1) << 4);
  store<f64>(a, amount, GrantByte.free);
  store<i16>(a, <i16>campaignField(c, CampaignSlot.provider), GrantByte.provider);
  const until = <f64>t + campaignField(c, CampaignSlot.validity) - 1;
  store<i16>(a, <i16>(until < <f64>NEVER ? <i32>until : NEVER), GrantByte.until);
}

/** What the reads that warm the choosers' records read (chooseRound): kept, so that no compiler drops them. */
let warmed: u32 = 0;

/** For the JavaScript side to read, so the warming reads stay: nothing uses the value itself. */
export function warmedRecords(): u32 {
  return warmed;
}

/**
 * One round of choices in month t: the choosers listed at `choosers`
 * (i, or ~i when forced), in that order, each drawing with the uniform of
 * its key in `choiceStream` and carrying out its choice: a switch pays
 * S_i · switchCostFactor_j · (1 − support) and starts the disruption, an
 * eligible chooser gets the campaign's grant, no provider at all leaves it
 * stranded (listed for the model to book). With `reschedule`, a chooser
 * whose reconsideration month has come draws its next one from
 * `rescheduleStream`. Every round weighs the switching cost S_i, drawn
 * again from the startup's key in `attributes`, and the exit risk x_j · S_i.
 */
export function chooseRound(n: i32, t: i32, H: f64, choiceStream: u32, rescheduleStream: u32, attributes: u32, reschedule: bool): void {
  prepareClasses();
  store<f64>(round + (<usize>SWITCHES_VOLUNTARY << 3), 0);
  store<f64>(round + (<usize>SWITCHES_FORCED << 3), 0);
  const flows = round + (<usize>ROUND_HEADER << 3);
  for (let f = 0; f < P * P; f++) store<f64>(flows + (<usize>f << 3), 0);
  strandedCount = 0;
  // First the choosers' switching costs S_i, two at a time (normalQuantile2x, exp2x; each lane the scalar
  // draw's double). Reading each chooser's class also brings its record into cache ahead of the round: the
  // loads are independent, so in a big world, where each record is a miss to memory, the misses overlap.
  // Each chooser's birth group is looked up once here for its three keys (attributes, choice, reschedule).
  for (let k = 0; k < n; k += 2) {
    const a = chooserAt(k);
    const b = k + 1 < n ? chooserAt(k + 1) : a;
    const ga = groupAt(a);
    const gb = groupAt(b);
    store<i32>(chooserGroups + (<usize>k << 2), ga);
    if (k + 1 < n) store<i32>(chooserGroups + (<usize>(k + 1) << 2), gb);
    const sa = <i32>load<u8>(record(a), RecordByte.cls);
    const sb = <i32>load<u8>(record(b), RecordByte.cls);
    // A record spans two cache lines more often than not: its first byte brings in the other one.
    warmed ^= load<u8>(record(a)) ^ load<u8>(record(b));
    const u = f64x2.replace_lane(f64x2.splat(uniform(keyInGroup(attributes, ga, a), DRAW_SWITCH_COST)), 1, uniform(keyInGroup(attributes, gb, b), DRAW_SWITCH_COST));
    const sigma = f64x2.replace_lane(f64x2.splat(classField(sa, ClassSlot.switchSigma)), 1, classField(sb, ClassSlot.switchSigma));
    const median = f64x2.replace_lane(f64x2.splat(classField(sa, ClassSlot.switchMedian)), 1, classField(sb, ClassSlot.switchMedian));
    const S = f64x2.mul(median, exp2x(f64x2.mul(sigma, normalQuantile2x(u))));
    store<f64>(switchCosts + (<usize>k << 3), f64x2.extract_lane(S, 0));
    if (k + 1 < n) store<f64>(switchCosts + (<usize>(k + 1) << 3), f64x2.extract_lane(S, 1));
  }
  for (let k = 0; k < n; k++) {
    const entry = load<i32>(choosers + (<usize>k << 2));
    const forced = entry < 0;
    const i = forced ? ~entry : entry;
    const r = record(i);
    const s = <i32>load<u8>(r, RecordByte.cls);
    const current = <i32>load<i16>(r, RecordByte.provider);
    const S = load<f64>(switchCosts + (<usize>k << 3));
    const g = load<i32>(chooserGroups + (<usize>k << 2));
    const j = chooseFor(i, current, S, uniform(keyInGroup(choiceStream, g, i), 0), H);
    if (j == NO_PROVIDER) {
      store<i32>(stranded + (<usize>strandedCount << 2), i);
      strandedCount++;
    } else {
      const c = applicableCampaign(j, current);
      if (current != NO_PROVIDER && j != current) {
        const support = c == NO_CAMPAIGN ? 0.0 : campaignField(c, CampaignSlot.support);
        store<f64>(r, load<f64>(r, RecordByte.cash) - S * term(s, j, Term.switchFactor) * (1 - support), RecordByte.cash);
        const until = <f64>t + classField(s, ClassSlot.disruptionMonths) - 1;
        store<i16>(r, <i16>(until < <f64>NEVER ? <i32>until : NEVER), RecordByte.disruptedUntil);
        const flow = flows + (<usize>(current * P + j) << 3);
        store<f64>(flow, load<f64>(flow) + 1);
        const counter = round + (<usize>(forced ? SWITCHES_FORCED : SWITCHES_VOLUNTARY) << 3);
        store<f64>(counter, load<f64>(counter) + 1);
      }
      if (c != NO_CAMPAIGN) grant(r, c, t);
      store<i16>(r, <i16>j, RecordByte.provider);
    }
    if (reschedule && <i32>load<i16>(r, RecordByte.nextReconsider) <= t)
      store<i16>(
        r,
        <i16>nextMonth(t + 1, classField(s, ClassSlot.reconsider), classField(s, ClassSlot.logStayReconsider), uniform(keyInGroup(rescheduleStream, g, i), 0)),
        RecordByte.nextReconsider,
      );
  }
}

/**
 * The 32-bit priority draw (purpose `order`, MODEL.md section 9) of each of
 * the n startups listed at `choosers` (i, or ~i), written as u32 at
 * `priorities`: the model sorts by them (sim/model/priority.ts).
 */
export function priorities(n: i32, stream: u32): void {
  for (let k = 0; k < n; k++) {
    const entry = load<i32>(choosers + (<usize>k << 2));
    store<u32>(priorityList + (<usize>k << 2), fmix32(startupKey(stream, entry < 0 ? ~entry : entry) + 0x9e3779b9));
  }
}
