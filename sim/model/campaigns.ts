/**
 * Campaigns (MODEL.md sections 5 and 9, "Grants"): which run this month,
 * and whether a budget is being handed out. Which campaign applies to a
 * startup considering a provider, and the grant itself, are the kernel's
 * (sim/kernel/choice.ts), which reads the tables kernel-tables.ts writes.
 */
import type { World } from './world.js';

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
