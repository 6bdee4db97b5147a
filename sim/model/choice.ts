/**
 * The provider choice (MODEL.md section 4): a multinomial logit over the
 * active providers that serve the startup's class, with value, bill,
 * grant, switching cost, perceived exit risk and the network term; and what
 * a choice does (section 3, step 4: switch cost, disruption, grant).
 */
import { Purpose, streamOf, uniform } from '../rng/keyed.js';
import { switchCost } from './attributes.js';
import { anyBudgetRunning, applicableCampaign, grant, NO_CAMPAIGN } from './campaigns.js';
import { startupKey } from './births.js';
import { sortByPriority } from './priority.js';
import { rescheduleReconsider } from './schedule.js';
import { Cause, F64, I16, monthField, NO_PROVIDER, Stride, U8 } from './startups.js';
import { die } from './survival.js';
import { choosersBuffer, ROUND_CHOICE, ROUND_RESCHEDULE, type World } from './world.js';

/** Slots of one (class, provider) entry of the choice table, and its size. */
const enum Term {
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

/**
 * Fills the choice table from the providers' state of this month: for each
 * (class s, provider j), whether j is active and serves s, (q_j/q_ref)^η_s,
 * p_j, x_j, γ_s · share_j, whether j runs a campaign, j's switching-cost
 * factor, and the price a startup of class s pays after vouchers. One array read
 * per option instead of seven (startups.ts says why that matters); the
 * values are the same numbers, so choices do not change. Called before
 * each round of choices: the initial assignment, step 3 and step 4.
 */
export function prepareChoices(world: World): void {
  const p = world.providers;
  const cl = world.classes;
  const P = world.providerCount;
  const table = world.choiceTable;
  for (let s = 0; s < cl.ids.length; s++)
    for (let j = 0; j < P; j++) {
      const e = (s * P + j) * Term.size;
      table[e + Term.available] = p.active[j] && p.serves[j] & (1 << s) ? 1 : 0;
      table[e + Term.qualityFactor] = world.qualityFactor[s * P + j];
      table[e + Term.price] = p.price[j];
      table[e + Term.exitRisk] = p.exitRisk[j];
      table[e + Term.network] = cl.network[s] * p.customerShare[j];
      table[e + Term.campaigns] = world.runningCampaigns[j].length;
      table[e + Term.switchFactor] = p.switchCostFactor[j];
      table[e + Term.paidPrice] = p.price[j] * (1 - world.voucherShare[s]);
    }
}

/**
 * Draws startup i's provider, given its current provider (NO_PROVIDER for
 * an entrant or the initial assignment), with the uniform of key
 * (world.roundStreams[ROUND_CHOICE], i) and, when `costly`, its switching
 * cost S (USD, attributes.ts; 0 otherwise, as at the initial assignment).
 * Returns NO_PROVIDER when no active provider serves its class. Reads the
 * choice table: prepareChoices must have run since the providers last changed.
 *
 * The draws are made here, not passed in: a double passed to or returned
 * from a call V8 does not inline is boxed on the heap, and on bench-1m those
 * boxes were most of the step's garbage.
 *
 *   V_ij = (value_ij − bill_ij + (grant_ij − switch_ij − risk_ij) / H) / r_i + γ_s · share_j
 *
 * with switch_ij = S_i · switchCostFactor_j · (1 − support_j) and bill_ij at the
 * price the startup pays, p_j · (1 − voucher share_s) (MODEL.md section 12).
 *
 * r_i is floored at 1 USD so a startup with no revenue still has finite
 * utilities (medians may be 0).
 */
export function choose(world: World, i: number, current: number, costly: boolean): number {
  const st = world.startups;
  const u = uniform(startupKey(world.births, world.roundStreams[ROUND_CHOICE], i), 0);
  const S = costly ? switchCost(world, i) : 0;
  const P = world.providerCount;
  const s = st.u8[i * Stride.u8 + U8.cls];
  const r = st.f64[i * Stride.f64 + F64.revenue];
  const rn = r > 1 ? r : 1;
  const d = st.f64[i * Stride.f64 + F64.tokens];
  const H = world.horizon;
  const lambda = world.classes.precision[s];
  const table = world.choiceTable;
  const util = world.utilities;
  let best = -Infinity;
  for (let j = 0; j < P; j++) {
    const e = (s * P + j) * Term.size;
    if (table[e + Term.available] === 0) {
      util[j] = -Infinity;
      continue;
    }
    let grantValue = 0;
    let support = 0;
    if (table[e + Term.campaigns] !== 0) {
      const c = applicableCampaign(world, j, current);
      if (c !== NO_CAMPAIGN) {
        const k = world.compiled.campaigns[c];
        support = k.support;
        if (world.budgetLeft[c] > 0) grantValue = table[e + Term.price] * Math.min(k.grant, d * k.validity);
      }
    }
    const switching = current !== NO_PROVIDER && j !== current ? S * table[e + Term.switchFactor] * (1 - support) : 0;
    const risk = table[e + Term.exitRisk] * S;
    const v = (r * table[e + Term.qualityFactor] - table[e + Term.paidPrice] * d + (grantValue - switching - risk) / H) / rn + table[e + Term.network];
    const x = lambda * v;
    util[j] = x;
    if (x > best) best = x;
  }
  if (best === -Infinity) return NO_PROVIDER;
  let total = 0;
  for (let j = 0; j < P; j++) {
    const x = util[j];
    // exp(0) is exactly 1: the best option needs no call.
    const w = x === -Infinity ? 0 : x === best ? 1 : Math.exp(x - best);
    util[j] = w;
    total += w;
  }
  let target = u * total;
  let last = NO_PROVIDER;
  for (let j = 0; j < P; j++) {
    if (util[j] === 0) continue;
    last = j;
    target -= util[j];
    if (target < 0) return j;
  }
  return last; // rounding left u·total just past the sum
}

/**
 * Carries out startup i's choice of provider j in month t: a switch pays
 * S_i · switchCostFactor_j · (1 − support) now (S_i drawn again from its key, attributes.ts) and
 * starts the disruption; an eligible chooser gets the campaign's grant; no
 * provider at all means death (`stranded`).
 */
export function applyChoice(world: World, i: number, j: number, forced: boolean): void {
  const st = world.startups;
  if (j === NO_PROVIDER) {
    die(world, i, Cause.stranded);
    return;
  }
  const current = st.i16[i * Stride.i16 + I16.provider];
  const c = applicableCampaign(world, j, current);
  if (current !== NO_PROVIDER && j !== current) {
    const support = c === NO_CAMPAIGN ? 0 : world.compiled.campaigns[c].support;
    st.f64[i * Stride.f64 + F64.cash] -= switchCost(world, i) * world.providers.switchCostFactor[j] * (1 - support);
    st.i16[i * Stride.i16 + I16.disruptedUntil] = monthField(world.t + world.classes.disruptionMonths[st.u8[i * Stride.u8 + U8.cls]] - 1);
    world.totals.flows[current * world.providerCount + j]++;
    if (forced) world.month.switchesForced++;
    else world.month.switchesVoluntary++;
  }
  if (c !== NO_CAMPAIGN) grant(world, i, c);
  st.i16[i * Stride.i16 + I16.provider] = j;
}

/**
 * Step 4: every alive startup whose provider is inactive or no longer serves
 * its class must choose (forced); the others reconsider with probability
 * `reconsider_s` (voluntary: those whose scheduled month has come, see
 * schedule.ts); this month's entrants do not. Choosers go in
 * index order, or in the order of their priority draws while a campaign budget is being
 * handed out (MODEL.md section 9, "Choosing one at a time"). The voluntary
 * choosers come from the list operate made last month when it is complete.
 */
export function chooseProviders(world: World): void {
  const st = world.startups;
  const p = world.providers;
  const t = world.t;
  const key = world.key;
  // The classes each provider can keep as customers this month (none once it is inactive).
  const keeps = world.keeps;
  for (let j = 0; j < world.providerCount; j++) keeps[j] = p.active[j] ? p.serves[j] : 0;
  const n = listedChoosers(world) ?? scanChoosers(world);
  if (n === 0) return;
  prepareChoices(world);
  const buffer = world.choosers;
  if (anyBudgetRunning(world)) sortByPriority(world, buffer, n);
  world.roundStreams[ROUND_CHOICE] = streamOf(key, Purpose.choice, t);
  world.roundStreams[ROUND_RESCHEDULE] = streamOf(key, Purpose.reconsiderSchedule, t);
  for (let k = 0; k < n; k++) {
    const forced = buffer[k] < 0;
    const i = forced ? ~buffer[k] : buffer[k];
    applyChoice(world, i, choose(world, i, st.i16[i * Stride.i16 + I16.provider], true), forced);
    if (st.i16[i * Stride.i16 + I16.nextReconsider] <= t) rescheduleReconsider(world, i);
  }
}

/**
 * This month's choosers from operate's list of last month (no scan), or
 * null when that list may be incomplete: it is not for this month, a `set`
 * redrew the schedules since, or some provider stopped keeping a class
 * (its customers of that class are forced to choose, and only a scan finds them).
 */
function listedChoosers(world: World): number | null {
  const r = world.reconsidering;
  if (r.month !== world.t) return null;
  for (let j = 0; j < world.providerCount; j++) if ((world.keptAtListing[j] & ~world.keeps[j]) !== 0) return null;
  const buffer = choosersBuffer(world, r.count);
  buffer.set(r.list.subarray(0, r.count));
  return r.count;
}

/**
 * This month's choosers by a scan of the table, into the choosers buffer:
 * forced ones stored as ~i (negative) so one buffer holds both kinds.
 */
function scanChoosers(world: World): number {
  const st = world.startups;
  const t = world.t;
  const keeps = world.keeps;
  const { i16, u8 } = st;
  let n = 0;
  let buffer = choosersBuffer(world, 1024);
  for (let i = 0; i < st.count; i++) {
    // This month's entrants just chose an active provider and are scheduled from t + 1: never chosen here.
    if (u8[i * Stride.u8 + U8.alive] === 0) continue;
    const a = i16[i * Stride.i16 + I16.provider];
    const s = u8[i * Stride.u8 + U8.cls];
    const forced = a === NO_PROVIDER || (keeps[a] & (1 << s)) === 0;
    if (!forced && i16[i * Stride.i16 + I16.nextReconsider] > t) continue;
    if (n === buffer.length) buffer = choosersBuffer(world, n + 1);
    buffer[n++] = forced ? ~i : i;
  }
  return n;
}
