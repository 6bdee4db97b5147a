/**
 * The provider choice (MODEL.md section 4): a multinomial logit over the
 * active providers that serve the startup's class, with value, bill,
 * grant, switching cost, perceived exit risk and the network term; and what
 * a choice does (section 3, step 4: switch cost, disruption, grant).
 *
 * This module builds the choice table and the list of choosers and books
 * what a round reports; the draws and the choices themselves are the
 * kernel's (sim/kernel/choice.ts), one call per round:
 *
 *   V_ij = (value_ij − bill_ij + (grant_ij − switch_ij − risk_ij) / H) / r_i + γ_s · share_j
 *
 * with switch_ij = S_i · switchCostFactor_j · (1 − support_j), S_i drawn
 * again from the startup's attributes key at each choice, bill_ij at the
 * price the startup pays, p_j · (1 − voucher share_s) (MODEL.md section 12),
 * and r_i floored at 1 USD so a startup with no revenue still has finite
 * utilities (medians may be 0).
 */
import { Purpose, streamOf } from '../rng/keyed.js';
import { anyBudgetRunning } from './campaigns.js';
import { choiceTableView, readBudgets, roundView, writeCampaigns, writeClassTable, writeGroups } from './kernel-tables.js';
import { sortByPriority } from './priority.js';
import { Cause, I16, NO_PROVIDER, reserveGrants, Stride, U8 } from './startups.js';
import { die } from './survival.js';
import { choosersBuffer, type World } from './world.js';
import { Term } from '../kernel/tables.js';

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
  const table = choiceTableView(world);
  for (let s = 0; s < cl.ids.length; s++)
    for (let j = 0; j < P; j++) {
      // Term-major within a class, so the kernel loads a term of two providers at once: [(s · Term.size + term) · P + j].
      const e = s * Term.size * P + j;
      table[e + Term.available * P] = p.active[j] && p.serves[j] & (1 << s) ? 1 : 0;
      table[e + Term.qualityFactor * P] = world.qualityFactor[s * P + j];
      table[e + Term.price * P] = p.price[j];
      table[e + Term.exitRisk * P] = p.exitRisk[j];
      table[e + Term.network * P] = cl.network[s] * p.customerShare[j];
      table[e + Term.campaigns * P] = world.runningCampaigns[j].length;
      table[e + Term.switchFactor * P] = p.switchCostFactor[j];
      table[e + Term.paidPrice * P] = p.price[j] * (1 - world.voucherShare[s]);
    }
}

/**
 * One round of choices in month world.t: the startups of `list[0..n)`
 * (i, or ~i for a forced chooser) choose in that order with the draws of
 * the month's `choice` stream, and carry their choices out (kernel,
 * sim/kernel/choice.ts): switching costs, disruptions, grants. With
 * `reschedule`, those whose reconsideration month has come draw their next
 * one. Books the switches, the flows and the deaths of those left without
 * a provider (`stranded`). The choice table must be prepared.
 */
export function chooseRound(world: World, list: Int32Array, n: number, reschedule: boolean): void {
  const t = world.t;
  const key = world.key;
  const kernel = world.kernel;
  const P = world.providerCount;
  writeClassTable(world);
  writeGroups(world);
  writeCampaigns(world);
  const choiceStream = streamOf(key, Purpose.choice, t);
  const rescheduleStream = streamOf(key, Purpose.reconsiderSchedule, t);
  const layout = world.layout;
  for (let from = 0; from < n; from += layout.listCapacity) {
    const count = Math.min(layout.listCapacity, n - from);
    reserveGrants(world.startups, count);
    new Int32Array(world.startups.memory.buffer, layout.choosers, count).set(list.subarray(from, from + count));
    kernel.chooseRound(count, t, world.horizon, choiceStream, rescheduleStream, world.attributesStream, reschedule);
    const counters = roundView(world);
    world.month.switchesVoluntary += counters[0];
    world.month.switchesForced += counters[1];
    const flows = world.totals.flows;
    for (let f = 0; f < P * P; f++) flows[f] += counters[2 + f];
    const stranded = kernel.strandedInRound();
    if (stranded > 0) {
      const dead = new Int32Array(world.startups.memory.buffer, layout.stranded, stranded).slice();
      for (const i of dead) die(world, i, Cause.stranded);
    }
  }
  readBudgets(world);
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
  const p = world.providers;
  // The classes each provider can keep as customers this month (none once it is inactive).
  const keeps = world.keeps;
  for (let j = 0; j < world.providerCount; j++) keeps[j] = p.active[j] ? p.serves[j] : 0;
  const n = listedChoosers(world) ?? scanChoosers(world);
  if (n === 0) return;
  prepareChoices(world);
  const buffer = world.choosers;
  if (anyBudgetRunning(world)) sortByPriority(world, buffer, n);
  chooseRound(world, buffer, n, true);
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
