/**
 * One month of the model (MODEL.md section 3). The order is part of the
 * model:
 *
 *   1 events → 2 providers set fields (and vouchers, funding climate) → 3 entry → 4 choice →
 *   5 usage and accounts → 6 survival → 7 growth → 8 providers' accounts →
 *   9 record
 *
 * `step` does no I/O and draws randomness only from the world's keyed
 * streams, so a replication is a pure function of (scenario, seed, index).
 */
import { updateRunningCampaigns } from './campaigns.js';
import { chooseProviders } from './choice.js';
import { enterStartups } from './entry.js';
import { applyEvents } from './events.js';
import { recordMetrics } from './metrics.js';
import { operate } from './operate.js';
import { closeProviderAccounts, setProviderFields, updateShares } from './providers.js';
import { startClimateMonth, updateFundingProbabilities } from './climate.js';
import { updateVouchers } from './vouchers.js';
import type { World } from './world.js';

function resetMonth(world: World): void {
  const m = world.month;
  m.tokens.fill(0);
  m.revenue.fill(0);
  m.cost.fill(0);
  m.entered = 0;
  m.deathsRunway = 0;
  m.deathsHazard = 0;
  m.deathsStranded = 0;
  m.switchesVoluntary = 0;
  m.switchesForced = 0;
  m.freeTokens = 0;
  m.voucherCost = 0;
}

/** Advances `world` through month t and writes that month's metrics into `out` (one row, metric order). */
export function step(world: World, t: number, out: Float64Array): void {
  world.t = t;
  startClimateMonth(world);
  resetMonth(world);
  world.providers.wasActive.set(world.providers.active);
  applyEvents(world); // 1
  updateRunningCampaigns(world);
  setProviderFields(world); // 2
  updateVouchers(world);
  updateFundingProbabilities(world);
  enterStartups(world); // 3
  chooseProviders(world); // 4
  operate(world); // 5, 6, 7
  world.totals.voucherCost += world.month.voucherCost;
  updateShares(world);
  closeProviderAccounts(world); // 8
  recordMetrics(world, out); // 9
}
