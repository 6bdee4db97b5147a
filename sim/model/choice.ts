/**
 * The provider choice (MODEL.md section 4): a multinomial logit over the
 * active providers that serve the startup's class, with value, bill,
 * grant, switching cost, perceived exit risk and the network term; and what
 * a choice does (section 3, step 4: switch cost, disruption, grant).
 */
import { drawKey, keyOf, Purpose, streamOf, uniform } from '../rng/keyed.js';
import { permutation } from '../rng/permutation.js';
import { switchCost } from './attributes.js';
import { anyBudgetRunning, applicableCampaign, grant, NO_CAMPAIGN } from './campaigns.js';
import { reconsiderStream, rescheduleReconsider } from './schedule.js';
import { Cause, NO_PROVIDER } from './startups.js';
import { die } from './survival.js';
import { choosersBuffer, type World } from './world.js';

/**
 * Draws startup i's provider with the uniform u, given its current provider
 * (NO_PROVIDER for an entrant or the initial assignment) and its switching
 * cost S (USD; attributes.ts, drawn once per choice by the caller). Returns
 * NO_PROVIDER when no active provider serves its class.
 *
 *   V_ij = (value_ij − bill_ij + (grant_ij − switch_ij − risk_ij) / H) / r_i + γ_s · share_j
 *
 * r_i is floored at 1 USD so a startup with no revenue still has finite
 * utilities (medians may be 0).
 */
export function choose(world: World, i: number, current: number, u: number, S: number): number {
  const st = world.startups;
  const cl = world.classes;
  const p = world.providers;
  const P = world.providerCount;
  const s = st.cls[i];
  const bit = 1 << s;
  const r = st.revenue[i];
  const rn = r > 1 ? r : 1;
  const d = st.tokens[i];
  const H = world.horizon;
  const lambda = cl.precision[s];
  const gamma = cl.network[s];
  const util = world.utilities;
  let best = -Infinity;
  for (let j = 0; j < P; j++) {
    if (!p.active[j] || !(p.serves[j] & bit)) {
      util[j] = -Infinity;
      continue;
    }
    const c = world.runningCampaigns[j].length === 0 ? NO_CAMPAIGN : applicableCampaign(world, j, current);
    let grantValue = 0;
    let support = 0;
    if (c !== NO_CAMPAIGN) {
      const k = world.compiled.campaigns[c];
      support = k.support;
      if (world.budgetLeft[c] > 0) grantValue = p.price[j] * Math.min(k.grant, d * k.validity);
    }
    const switching = current !== NO_PROVIDER && j !== current ? S * (1 - support) : 0;
    const risk = p.exitRisk[j] * S;
    const v = (r * world.qualityFactor[s * P + j] - p.price[j] * d + (grantValue - switching - risk) / H) / rn + gamma * p.customerShare[j];
    util[j] = lambda * v;
    if (util[j] > best) best = util[j];
  }
  if (best === -Infinity) return NO_PROVIDER;
  let total = 0;
  for (let j = 0; j < P; j++) {
    const w = util[j] === -Infinity ? 0 : Math.exp(util[j] - best);
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
 * Carries out startup i's choice of provider j in month t, S its switching cost (USD): a switch pays
 * S_i · (1 − support) now and starts the disruption; an eligible chooser
 * gets the campaign's grant; no provider at all means death (`stranded`).
 */
export function applyChoice(world: World, i: number, j: number, forced: boolean, S: number): void {
  const st = world.startups;
  if (j === NO_PROVIDER) {
    die(world, i, Cause.stranded);
    return;
  }
  const current = st.provider[i];
  const c = applicableCampaign(world, j, current);
  if (current !== NO_PROVIDER && j !== current) {
    const support = c === NO_CAMPAIGN ? 0 : world.compiled.campaigns[c].support;
    st.cash[i] -= S * (1 - support);
    st.disruptedUntil[i] = world.t + world.classes.disruptionMonths[st.cls[i]] - 1;
    world.totals.flows[current * world.providerCount + j]++;
    if (forced) world.month.switchesForced++;
    else world.month.switchesVoluntary++;
  }
  if (c !== NO_CAMPAIGN) grant(world, i, c);
  st.provider[i] = j;
}

/**
 * Step 4: every alive startup whose provider is inactive or no longer serves
 * its class must choose (forced); the others reconsider with probability
 * `reconsider_s` (voluntary: those whose scheduled month has come, see
 * schedule.ts); this month's entrants do not. Choosers go in
 * index order, or in a random permutation while a campaign budget is being
 * handed out (MODEL.md section 9, "Choosing one at a time").
 */
export function chooseProviders(world: World): void {
  const st = world.startups;
  const p = world.providers;
  const t = world.t;
  const key = world.key;
  const { alive, provider, cls, nextReconsider } = st;
  // The classes each provider can keep as customers this month (none once it is inactive).
  const keeps = world.scratchInt;
  for (let j = 0; j < world.providerCount; j++) keeps[j] = p.active[j] ? p.serves[j] : 0;
  let n = 0;
  let buffer = choosersBuffer(world, 1024);
  // Forced choosers are marked by storing ~i (negative) so one buffer holds both kinds.
  for (let i = 0; i < st.count; i++) {
    // This month's entrants just chose an active provider and are scheduled from t + 1: never chosen here.
    if (alive[i] === 0) continue;
    const a = provider[i];
    const s = cls[i];
    const forced = a === NO_PROVIDER || (keeps[a] & (1 << s)) === 0;
    if (!forced && nextReconsider[i] > t) continue;
    if (n === buffer.length) buffer = choosersBuffer(world, n + 1);
    buffer[n++] = forced ? ~i : i;
  }
  if (n === 0) return;
  if (anyBudgetRunning(world)) {
    const order = permutation(drawKey(key, Purpose.chooserOrder, t, 0), n, new Int32Array(n));
    const copy = buffer.slice(0, n);
    for (let k = 0; k < n; k++) buffer[k] = copy[order[k]];
  }
  const choice = streamOf(key, Purpose.choice, t);
  const reschedule = reconsiderStream(world);
  for (let k = 0; k < n; k++) {
    const forced = buffer[k] < 0;
    const i = forced ? ~buffer[k] : buffer[k];
    const current = st.provider[i];
    const S = switchCost(world, i);
    const j = choose(world, i, current, uniform(keyOf(choice, i), 0), S);
    applyChoice(world, i, j, forced, S);
    if (nextReconsider[i] <= t) rescheduleReconsider(world, i, reschedule);
  }
}
