/**
 * Campaigns (MODEL.md sections 5 and 9, "Grants"): which campaign applies
 * to a startup considering a provider, and handing out a grant.
 */
import { Eligible } from './compile.js';
import { F64, I16, monthField, Stride } from './startups.js';
import type { World } from './world.js';

/** No campaign applies. */
export const NO_CAMPAIGN = -1;

/**
 * The first running campaign of provider `j`, in event order, for which a
 * startup whose current provider is `current` is eligible; NO_CAMPAIGN if none.
 * `migrants`: leaving a provider listed in `from`; `new`: not j's customer
 * now (entrants included); `all`: anyone.
 */
export function applicableCampaign(world: World, j: number, current: number): number {
  const campaigns = world.compiled.campaigns;
  const running = world.runningCampaigns[j];
  for (let r = 0; r < running.length; r++) {
    const c = running[r];
    const k = campaigns[c];
    if (k.eligible === Eligible.all) return c;
    if (k.eligible === Eligible.new && current !== j) return c;
    if (k.eligible === Eligible.migrants && current >= 0 && current !== j && k.fromProviders[current]) return c;
  }
  return NO_CAMPAIGN;
}

/**
 * Lists each provider's running campaigns in event order, once a month after
 * the events, so the choice loop does not scan every campaign per option.
 */
export function updateRunningCampaigns(world: World): void {
  const campaigns = world.compiled.campaigns;
  for (const list of world.runningCampaigns) list.length = 0;
  for (let c = 0; c < campaigns.length; c++) {
    const k = campaigns[c];
    if (world.campaignStarted[c] && world.t <= k.until) world.runningCampaigns[k.provider].push(c);
  }
}

/** Whether a running campaign with a budget still has some left (choosers then go in random order). */
export function anyBudgetRunning(world: World): boolean {
  const campaigns = world.compiled.campaigns;
  for (let c = 0; c < campaigns.length; c++) {
    const k = campaigns[c];
    if (world.campaignStarted[c] && world.t <= k.until && Number.isFinite(world.budgetLeft[c]) && world.budgetLeft[c] > 0 && world.providers.active[k.provider])
      return true;
  }
  return false;
}

/**
 * Gives startup i the grant of campaign c if any budget is left: G million
 * tokens (the last grantee gets what is left), usable with the campaign's
 * provider in months t … t+T−1. A new grant replaces the old one.
 */
export function grant(world: World, i: number, c: number): void {
  const k = world.compiled.campaigns[c];
  const left = world.budgetLeft[c];
  if (!(left > 0)) return;
  const amount = Math.min(k.grant, left);
  world.budgetLeft[c] = left - amount;
  const st = world.startups;
  st.f64[i * Stride.f64 + F64.free] = amount;
  st.i16[i * Stride.i16 + I16.freeProvider] = k.provider;
  st.i16[i * Stride.i16 + I16.freeUntil] = monthField(world.t + k.validity - 1);
}
